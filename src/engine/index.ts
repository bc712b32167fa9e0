/**
 * The engine's public entry, for the server and the runners: load and validate workflows, match
 * events, plan job graphs, decide what a ready job becomes, and run job instances on this host.
 */
export { loadWorkflowSource, requireWorkflow, type LoadResult } from '../workflow/load.js';
export type { WorkflowDef, JobDef, StepDef } from '../workflow/model.js';
export { workflowTriggers, type TriggerEvent } from '../planner/triggers.js';
export { planWorkflow, type Plan, type PlannedJob } from '../planner/plan.js';
export type { JobInstanceSpec } from '../planner/job-instances.js';
export { cronProblem, parseCron } from '../workflow/cron.js';
export { decideJobStart, resultWithoutSteps, type JobStart, type JobStartContext } from './job-start.js';
export { runAssignedJob, assignmentKey, type JobAssignment, type AssignedJobOptions } from './assigned-job.js';
export { runWorkflow, type RunOptions, type RunObserver, type EnvironmentRequest, type EnvironmentDecision } from './run.js';
export type { JobObserver, NeedResult, StepPhase } from './job.js';
export type { RunInfo } from './github-context.js';
export type { LogLine, LogKind } from './step-process.js';
export { aggregateConclusion, type Conclusion, type JobResult, type StepResult, type RunReport, type Annotation } from './results.js';
export { Masker } from './masker.js';
export type { ActionHost, PreparedAction, ActionStepContext, ActionStepOutcome, SharedCache } from './action-host.js';
export { jobSettings, timeoutMinutes, concurrencyOf, DEFAULT_JOB_TIMEOUT_MINUTES, type JobSettings, type Concurrency } from './job-settings.js';
export { hostEnvironment } from './host-env.js';
export { dispatchInputs } from '../planner/dispatch-inputs.js';
