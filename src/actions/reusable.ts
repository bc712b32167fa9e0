/**
 * Reusable workflows (`jobs.<id>.uses`): the called workflow is loaded (from the repository or the
 * action store), given its typed `on.workflow_call` inputs and its secrets (named or inherited),
 * run as a nested run whose jobs are shown as `caller / called`, and its outputs are mapped from
 * the called jobs for the caller's dependents.
 */
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { formatDiagnostic, NexusError, type Diagnostic } from '../errors.js';
import { runWorkflow, type RunObserver, type RunOptions, type WorkflowCallRequest, type WorkflowCallResult } from '../engine/run.js';
import { resultWithoutSteps } from '../engine/job-start.js';
import type { JobResult } from '../engine/results.js';
import { planWorkflow, type Plan } from '../planner/plan.js';
import type { ExpressionScope } from '../workflow/expressions.js';
import { loadWorkflowFile } from '../workflow/load.js';
import type { WorkflowDef } from '../workflow/model.js';
import { evaluateStringMap, evaluateToken, stringify, type TemplateToken } from '../workflow/template.js';
import { ActionStore, defaultActionStore } from './store.js';

/** GitHub's limit on github.com: the top-level caller and up to nine levels of called workflows. */
export const MAX_CALL_DEPTH = 10;

export interface WorkflowCallerOptions {
  /** The repository root: `./.github/workflows/x.yml` is read from here. */
  root: string;
  actionCache?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Loads the workflows a plan's jobs call (and those they call, to the nesting limit) and attaches
 * their plans, so a listing can show `caller / called`; one that cannot be loaded stays unexpanded.
 * Returns the calls that go deeper than GitHub allows, at the calling job: GitHub refuses such a run.
 */
export async function planCalls(plan: Plan, options: WorkflowCallerOptions, depth = 1): Promise<Diagnostic[]> {
  const store = new ActionStore(options.actionCache ? resolve(options.actionCache) : defaultActionStore(options.env ?? process.env));
  const problems = new Map<string, Diagnostic>();
  for (const job of plan.jobs) {
    if (!job.job.uses) continue;
    if (depth >= MAX_CALL_DEPTH) {
      const problem: Diagnostic = { file: plan.workflow.file, ...job.job.position, code: 'REUSABLE_WORKFLOW', message: tooDeep(job.id, job.job.uses) };
      problems.set(formatDiagnostic(problem), problem);
      continue;
    }
    try {
      job.called = planWorkflow(await loadCalled(job.job.uses, options.root, store));
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      continue;
    }
    for (const p of await planCalls(job.called, options, depth + 1)) problems.set(formatDiagnostic(p), p);
  }
  return [...problems.values()];
}

const tooDeep = (jobId: string, uses: string) => `Job '${jobId}' calls ${uses}: reusable workflows may be nested at most ${MAX_CALL_DEPTH} levels deep (GitHub's limit)`;

export function createWorkflowCaller(options: WorkflowCallerOptions): (request: WorkflowCallRequest) => Promise<WorkflowCallResult> {
  const store = new ActionStore(options.actionCache ? resolve(options.actionCache) : defaultActionStore(options.env ?? process.env));
  return async (request) => {
    const { planned, instance, parent } = request;
    const depth = (parent.callDepth ?? 1) + 1;
    try {
      if (depth > MAX_CALL_DEPTH) throw new NexusError('REUSABLE_WORKFLOW', tooDeep(planned.id, planned.job.uses!));
      const workflow = await loadCalled(planned.job.uses!, options.root, store);
      const call = workflow.events.workflow_call;
      if (!call) throw new NexusError('REUSABLE_WORKFLOW', `${workflow.file} is not a reusable workflow: it has no 'on: workflow_call'`);
      const inputs = callInputs(workflow, planned.job.with, request.scope, planned.id);
      const secrets = callSecrets(workflow, planned.job.secrets, request.scope, parent.secrets, planned.id);
      const prefix = (key: string) => `${instance.key} / ${key}`;
      const nested: RunOptions = {
        ...parent,
        plan: planWorkflow(workflow),
        inputs,
        secrets,
        workRoot: join(parent.workRoot, instance.key.replace(/[^A-Za-z0-9._-]+/g, '-')),
        observer: parent.observer && prefixedObserver(parent.observer, prefix, (n) => `${instance.name} / ${n}`),
        callDepth: depth,
      };
      const report = await runWorkflow(nested);
      const results = report.jobs.map((r) => ({ ...r, key: prefix(r.key), name: `${instance.name} / ${r.name}` }));
      return { results, outputs: callOutputs(workflow, report.jobs, request.scope) };
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      const result = resultWithoutSteps(planned, 'failure', e.message, instance);
      parent.observer?.log?.(result.key, null, { kind: 'error', text: parent.masker.mask(e.message) });
      parent.observer?.jobFinished?.(result);
      return { results: [result], outputs: {} };
    }
  };
}

async function loadCalled(uses: string, root: string, store: ActionStore): Promise<WorkflowDef> {
  let file: string;
  let display: string;
  if (uses.startsWith('./')) {
    file = resolve(root, uses);
    display = uses.slice(2);
    if (!file.startsWith(root + sep)) throw new NexusError('REUSABLE_WORKFLOW', `'uses: ${uses}' points outside the repository`);
  } else {
    const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/(\.github\/workflows\/[^@]+)@(.+)$/.exec(uses);
    if (!m) throw new NexusError('REUSABLE_WORKFLOW', `'uses: ${uses}': expected ./.github/workflows/FILE.yml or OWNER/REPO/.github/workflows/FILE.yml@REF`);
    const dir = store.find(m[1], m[2], m[4]) ?? (await store.fetch(m[1], m[2], m[4]));
    file = join(dir, m[3]);
    display = uses;
  }
  if (!existsSync(file)) throw new NexusError('REUSABLE_WORKFLOW', `'uses: ${uses}': ${file} does not exist`);
  const { workflow, diagnostics } = await loadWorkflowFile(file, display);
  if (!workflow) throw new NexusError('INVALID_WORKFLOW', `${display}: ${diagnostics.map((d) => `${d.line ? `${d.line}:${d.col}: ` : ''}${d.message}`).join('; ')}`);
  return workflow;
}

/** `with:` values checked against the declared inputs: known names, required, types, defaults. */
function callInputs(workflow: WorkflowDef, token: TemplateToken | undefined, scope: ExpressionScope, jobId: string): Record<string, unknown> {
  const declared = workflow.events.workflow_call?.inputs ?? {};
  const given = token ? ((evaluateToken(token, scope) ?? {}) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) throw new NexusError('REUSABLE_WORKFLOW', `Job '${jobId}': ${workflow.file} has no input '${name}' (inputs: ${Object.keys(declared).join(', ') || 'none'})`);
  }
  for (const [name, def] of Object.entries(declared)) {
    let value: unknown = given[name];
    if (value === undefined) {
      if (def.required) throw new NexusError('REUSABLE_WORKFLOW', `Job '${jobId}': input '${name}' of ${workflow.file} is required`);
      const d = def.default;
      value = d !== undefined && typeof d === 'object' ? evaluateToken(d as TemplateToken, scope) : d;
    }
    const type = String(def.type);
    if (value === undefined) value = type === 'boolean' ? false : type === 'number' ? 0 : '';
    out[name] = coerce(value, type, `Job '${jobId}': input '${name}' of ${workflow.file}`);
  }
  return out;
}

function coerce(value: unknown, type: string, label: string): unknown {
  if (type === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new NexusError('REUSABLE_WORKFLOW', `${label} must be a boolean, got ${JSON.stringify(value)}`);
  }
  if (type === 'number') {
    const n = typeof value === 'number' ? value : Number(value);
    if (value === '' || !Number.isFinite(n)) throw new NexusError('REUSABLE_WORKFLOW', `${label} must be a number, got ${JSON.stringify(value)}`);
    return n;
  }
  if (typeof value === 'object' && value !== null) throw new NexusError('REUSABLE_WORKFLOW', `${label} must be a string, got ${JSON.stringify(value)}`);
  return stringify(value);
}

function callSecrets(workflow: WorkflowDef, token: TemplateToken | 'inherit' | undefined, scope: ExpressionScope, parent: Record<string, string>, jobId: string): Record<string, string> {
  const declared = workflow.events.workflow_call?.secrets ?? {};
  const given = token === 'inherit' ? { ...parent } : evaluateStringMap(token, scope);
  if (token !== 'inherit') {
    for (const name of Object.keys(given)) {
      if (!(name in declared)) throw new NexusError('REUSABLE_WORKFLOW', `Job '${jobId}': ${workflow.file} declares no secret '${name}'`);
    }
  }
  for (const [name, def] of Object.entries(declared)) {
    if (def.required && !given[name]) throw new NexusError('REUSABLE_WORKFLOW', `Job '${jobId}': secret '${name}' of ${workflow.file} is required`);
  }
  return given;
}

/** `on.workflow_call.outputs.<name>.value`, evaluated over the called jobs (`jobs.<id>.outputs`). */
function callOutputs(workflow: WorkflowDef, results: JobResult[], scope: ExpressionScope): Record<string, string> {
  const on = (parse(workflow.source) as { on?: { workflow_call?: { outputs?: Record<string, { value?: string }> } } })?.on;
  const outputs = typeof on === 'object' && on ? on.workflow_call?.outputs ?? {} : {};
  const jobs: Record<string, { result: string; outputs: Record<string, string> }> = {};
  for (const r of results) {
    const j = (jobs[r.id] ??= { result: r.conclusion, outputs: {} });
    Object.assign(j.outputs, r.outputs);
    if (r.conclusion !== 'success') j.result = r.conclusion;
  }
  const jobsScope = scope.with({ jobs });
  return Object.fromEntries(Object.entries(outputs).map(([name, def]) => [name, interpolate(String(def?.value ?? ''), jobsScope)]));
}

function interpolate(text: string, scope: ExpressionScope): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => stringify(scope.evaluate(expr.trim())));
}

function prefixedObserver(observer: RunObserver, key: (k: string) => string, name: (n: string) => string): RunObserver {
  return {
    jobStarted: (k, n) => observer.jobStarted?.(key(k), name(n)),
    jobWaiting: (k, env) => observer.jobWaiting?.(key(k), env),
    jobFinished: (r) => observer.jobFinished?.({ ...r, key: key(r.key), name: name(r.name) }),
    stepStarted: (k, s) => observer.stepStarted?.(key(k), s),
    log: (k, i, l) => observer.log?.(key(k), i, l),
    stepFinished: (k, r) => observer.stepFinished?.(key(k), r),
  };
}

