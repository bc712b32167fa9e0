import { createHash } from 'node:crypto';
import { formatDiagnostic, NexusError } from '../errors.js';
import { concurrencyOf, decideJobStart, DEFAULT_JOB_TIMEOUT_MINUTES, dispatchInputs, jobSettings, loadWorkflowSource, planWorkflow, workflowTriggers, type LoadResult, type WorkflowDef } from '../engine/index.js';
import { githubContext } from '../engine/github-context.js';
import { ExpressionScope, NEUTRAL_HOST } from '../workflow/expressions.js';
import type { EventInfo, JobStartDecision, Pipeline, PlannedInstance, PlannedWorkflow, RunContext, StartContext, WorkflowFile } from './pipeline.js';

const noPaths = { workspace: '', temp: '', toolCache: '' };

/** The server's use of the engine: workflows are loaded once per content and reused across runs. */
export class EnginePipeline implements Pipeline {
  private readonly loaded = new Map<string, Promise<LoadResult>>();

  private load(file: WorkflowFile): Promise<LoadResult> {
    const key = `${file.path}\n${createHash('sha256').update(file.source).digest('hex')}`;
    let p = this.loaded.get(key);
    if (!p) {
      if (this.loaded.size > 500) this.loaded.clear();
      p = loadWorkflowSource(file.path, file.source);
      this.loaded.set(key, p);
    }
    return p;
  }
  private async require(file: WorkflowFile): Promise<WorkflowDef> {
    const { workflow, diagnostics } = await this.load(file);
    if (!workflow) throw new NexusError('INVALID_WORKFLOW', diagnostics.map(formatDiagnostic).join('\n'), { diagnostics });
    return workflow;
  }

  async plan(files: WorkflowFile[], event: EventInfo, run: Omit<RunContext, 'runId' | 'runNumber' | 'runAttempt' | 'workflowName' | 'workflowFile'>) {
    const workflows: PlannedWorkflow[] = [];
    const problems: { path: string; message: string }[] = [];
    for (const file of files) {
      const { workflow, diagnostics } = await this.load(file);
      if (!workflow) {
        problems.push({ path: file.path, message: diagnostics.map(formatDiagnostic).join('\n') });
        continue;
      }
      if (!workflowTriggers(workflow, { name: event.name, payload: event.payload, changedFiles: event.changedFiles, cron: event.cron })) continue;
      const inputs = (event.payload.inputs ?? {}) as Record<string, unknown>;
      const github = githubContext({ ...run, runId: '0', runNumber: 0, runAttempt: 1, workflowName: workflow.name, workflowFile: file.path, eventPath: '' }, '', noPaths);
      let concurrency: PlannedInstance['concurrency'];
      try {
        concurrency = concurrencyOf(workflow.concurrency, new ExpressionScope({ github, inputs }, NEUTRAL_HOST));
      } catch (e) {
        problems.push({ path: file.path, message: `concurrency: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      const jobs = planWorkflow(workflow).jobs.map((p) => ({
        jobId: p.id,
        name: p.job.name && 'value' in p.job.name ? String((p.job.name as { value: unknown }).value) : p.id,
        needs: p.needs,
      }));
      workflows.push({ path: file.path, name: workflow.name, concurrency, jobs });
    }
    return { workflows, problems };
  }

  async start(file: WorkflowFile, jobId: string, ctx: StartContext): Promise<JobStartDecision> {
    const workflow = await this.require(file);
    const planned = planWorkflow(workflow).jobs.find((j) => j.id === jobId);
    if (!planned) return { kind: 'done', conclusion: 'failure', reason: `${file.path} has no job '${jobId}'` };
    const start = decideJobStart(planned, { run: { ...ctx.run, eventPath: '' }, vars: ctx.vars, secrets: ctx.secrets, inputs: ctx.inputs, needs: ctx.needs, ancestorResults: ctx.ancestorResults, cancelled: false });
    if (start.kind === 'done') return { kind: 'done', conclusion: start.result.conclusion, reason: start.result.reason ?? null };
    const job = planned.job;
    try {
      const instances = start.instances.map((spec): PlannedInstance => {
        const settings = jobSettings(job, start.scope.with({ matrix: spec.matrix ?? {}, strategy: spec.strategy }));
        const minutes = settings.timeoutMinutes > 0 ? settings.timeoutMinutes : DEFAULT_JOB_TIMEOUT_MINUTES;
        return {
          key: spec.key,
          name: spec.name,
          matrix: spec.matrix,
          strategy: spec.strategy,
          runsOn: settings.runsOn,
          timeoutMs: Math.round(minutes * 60_000),
          environment: settings.environment?.name ?? null,
          concurrency: settings.concurrency,
          continueOnError: settings.continueOnError,
        };
      });
      return { kind: 'run', instances, failFast: start.failFast, maxParallel: start.maxParallel };
    } catch (e) {
      return { kind: 'done', conclusion: 'failure', reason: e instanceof Error ? e.message : String(e) };
    }
  }

  async schedules(files: WorkflowFile[]) {
    const out: { path: string; crons: string[] }[] = [];
    for (const file of files) {
      const { workflow } = await this.load(file);
      const crons = (workflow?.events.schedule ?? []).map((s) => s.cron);
      if (crons.length) out.push({ path: file.path, crons });
    }
    return out;
  }

  async dispatchInputs(file: WorkflowFile, inputs: Record<string, string>) {
    try {
      return dispatchInputs(await this.require(file), inputs);
    } catch (e) {
      if (e instanceof NexusError) throw new NexusError('VALIDATION', e.message.replace(/^--input /, 'input '), { diagnostics: e.diagnostics });
      throw e;
    }
  }
}
