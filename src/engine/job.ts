/**
 * Executes one job instance on this host: its steps in order, with GitHub's rules for `if`,
 * status functions, `continue-on-error`, timeouts, env precedence, outputs, post steps and
 * cancellation (`always()` steps still run).
 */
import { mkdirSync, writeFileSync, existsSync, statSync, rmSync } from 'node:fs';
import { overwriteFile } from './overwrite-file.js';
import { killOrphans, lastPid, newTrackingId, TRACKING_VARIABLE } from './orphans.js';
import { isAbsolute, join, resolve } from 'node:path';
import { NexusError } from '../errors.js';
import { data } from '@actions/expressions';
import { ExpressionScope, toExpressionData, type HostFunctions } from '../workflow/expressions.js';
import type { JobDef, StepDef, WorkflowDef } from '../workflow/model.js';
import { evaluateString, evaluateStringMap, evaluateToken, type TemplateToken } from '../workflow/template.js';
import type { ActionHost, ActionStepContext, ActionStepOutcome, PreparedAction, RepositorySource, SharedCache } from './action-host.js';
import { githubContext, runnerContext, runnerEnvironment, type JobPaths, type RunInfo } from './github-context.js';
import { hashFiles } from './hash-files.js';
import { DEFAULT_JOB_TIMEOUT_MINUTES, jobSettings, timeoutMinutes } from './job-settings.js';
import type { Masker } from './masker.js';
import type { Annotation, Conclusion, JobResult, StepResult } from './results.js';
import { resolveShell } from './shell.js';
import { runStepProcess, type LogLine } from './step-process.js';

export interface NeedResult {
  result: Conclusion;
  outputs: Record<string, string>;
}

export interface JobInstance {
  workflow: WorkflowDef;
  job: JobDef;
  key: string;
  name: string;
  matrix: Record<string, unknown> | null;
  /** The `strategy` context: fail-fast, job-index, job-total, max-parallel. */
  strategy: Record<string, unknown>;
  needs: Record<string, NeedResult>;
}

export interface JobObserver {
  stepStarted?(jobKey: string, step: { index: number; name: string; phase: StepPhase }): void;
  log?(jobKey: string, stepIndex: number | null, line: LogLine): void;
  stepFinished?(jobKey: string, result: StepResult): void;
}

export type StepPhase = 'pre' | 'main' | 'post';

export interface JobEnvironment {
  run: RunInfo;
  paths: JobPaths;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  inputs: Record<string, unknown>;
  masker: Masker;
  /** The host environment the step processes inherit (PATH, HOME, ...). */
  hostEnv: Record<string, string>;
  dataDir: string;
  /** Who approved the job's environment, when it needed a review. */
  approver?: string;
  /** Where the run's repository can be fetched from, when it is not on this host (a server's git endpoint). */
  repository?: RepositorySource;
  sharedCache?: SharedCache;
  actions?: ActionHost;
  observer?: JobObserver;
  /** Aborts when the run is cancelled. */
  signal?: AbortSignal;
  runnerName?: string;
  /** Evaluate each step's condition and name, run nothing. */
  dryRun?: boolean;
}


interface PostStep {
  step: StepDef;
  action: PreparedAction;
  name: string;
  ctx: () => ActionStepContext;
}

export async function executeJob(instance: JobInstance, env: JobEnvironment): Promise<JobResult> {
  return new JobExecution(instance, env).execute();
}

class JobExecution {
  private status: 'success' | 'failure' = 'success';
  private cancelled = false;
  private timedOut = false;
  /** The steps context converted once per step, not once per expression scope (long jobs). */
  private readonly stepsData = new data.Dictionary();
  private readonly addedEnv: Record<string, string> = {};
  private readonly addedPath: string[] = [];
  private readonly results: StepResult[] = [];
  private readonly annotations: Annotation[] = [];
  private readonly summaries: string[] = [];
  private readonly posts: PostStep[] = [];
  private readonly states = new Map<number, Record<string, string>>();
  /** Aborts the process of the step running now; steps that start after a cancellation get a fresh one. */
  private current = new AbortController();
  private readonly started = performance.now();
  private readonly trackingId = newTrackingId();
  private readonly firstPid = lastPid();
  private readonly base: ExpressionScope;
  private jobEnv: Record<string, string> = {};

  constructor(private readonly instance: JobInstance, private readonly env: JobEnvironment) {
    const github = githubContext(env.run, instance.job.id, env.paths);
    this.base = new ExpressionScope(
      {
        github,
        runner: runnerContext(env.paths, env.runnerName),
        vars: env.vars,
        secrets: env.secrets,
        inputs: env.inputs,
        matrix: instance.matrix ?? {},
        strategy: instance.strategy,
        needs: instance.needs,
        job: { status: 'success' },
        steps: {},
        env: {},
      },
      this.host(),
    );
  }

  async execute(): Promise<JobResult> {
    const { job } = this.instance;
    mkdirSync(this.env.paths.workspace, { recursive: true });
    mkdirSync(this.env.paths.temp, { recursive: true });

    const onCancel = () => this.cancel();
    this.env.signal?.addEventListener('abort', onCancel, { once: true });
    if (this.env.signal?.aborted) this.cancel();
    let timer: NodeJS.Timeout | undefined;
    let reason: string | undefined;
    try {
      this.jobEnv = {
        ...evaluateStringMap(this.instance.workflow.env, this.base),
      };
      this.jobEnv = { ...this.jobEnv, ...evaluateStringMap(job.env, this.scope()) };
      const timeoutMinutes = this.number(job.timeoutMinutes, DEFAULT_JOB_TIMEOUT_MINUTES);
      timer = setTimeout(() => {
        this.timedOut = true;
        this.cancel();
      }, timeoutMinutes * 60_000);
      const engineProblem = containerProblem(job);
      if (engineProblem) {
        this.status = 'failure';
        reason = engineProblem;
        this.systemLog(null, { kind: 'error', text: engineProblem });
      } else {
        for (const step of job.steps) await this.runStep(step);
        for (const post of this.posts.reverse()) await this.runPost(post);
      }
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      this.status = 'failure';
      reason = e.message;
      this.systemLog(null, { kind: 'error', text: this.env.masker.mask(e.message) });
    } finally {
      if (timer) clearTimeout(timer);
      this.env.signal?.removeEventListener('abort', onCancel);
      this.cleanUpOrphans();
      // RUNNER_TEMP is emptied at the end of each job, as on GitHub: it holds the step scripts and
      // command files, which carry secrets in clear.
      rmSync(this.env.paths.temp, { recursive: true, force: true });
    }
    if (this.timedOut) reason = `The job has exceeded the maximum execution time of ${this.number(job.timeoutMinutes, DEFAULT_JOB_TIMEOUT_MINUTES)} minutes.`;
    const conclusion: Conclusion = this.timedOut ? 'failure' : this.cancelled ? 'cancelled' : this.status;
    return {
      key: this.instance.key,
      id: job.id,
      name: this.instance.name,
      matrix: this.instance.matrix,
      conclusion,
      outputs: this.jobOutputs(),
      durationMs: Math.round(performance.now() - this.started),
      steps: this.results,
      annotations: this.annotations,
      summary: this.summaries.join('\n'),
      reason,
    };
  }

  /** As GitHub's runner does at the end of a job: what its steps left running is terminated, and said. */
  private cleanUpOrphans(): void {
    const orphans = killOrphans(this.trackingId, this.firstPid);
    if (!orphans.length) return;
    this.systemLog(null, { kind: 'system', text: 'Cleaning up orphan processes' });
    for (const o of orphans) this.systemLog(null, { kind: 'system', text: `Terminate orphan process: pid (${o.pid}) (${o.name})` });
  }

  private cancel(): void {
    this.cancelled = true;
    this.current.abort();
  }

  private host(): HostFunctions {
    return {
      success: () => this.status === 'success' && !this.cancelled,
      failure: () => this.status === 'failure',
      cancelled: () => this.cancelled,
      hashFiles: (patterns) => hashFiles(this.env.paths.workspace, patterns),
    };
  }

  /** The scope for a step: env context = workflow < job < GITHUB_ENV < step env. */
  private scope(stepEnv: Record<string, string> = {}): ExpressionScope {
    return this.base.with({
      env: { ...this.jobEnv, ...this.addedEnv, ...stepEnv },
      steps: this.stepsData,
      job: { status: this.cancelled ? 'cancelled' : this.status },
    });
  }

  private async runStep(step: StepDef): Promise<void> {
    const started = performance.now();
    const preScope = this.scope();
    const name = this.stepName(step, preScope);
    let condition: boolean;
    try {
      condition = preScope.evaluateBoolean(step.if);
    } catch (e) {
      this.fail(step, name, started, e);
      return;
    }
    if (!condition) {
      this.finish(step, name, started, 'skipped', 'skipped', {});
      return;
    }
    this.env.observer?.stepStarted?.(this.instance.key, { index: step.index, name, phase: 'main' });
    this.current = new AbortController();
    if (this.env.dryRun) {
      this.systemLog(step.index, { kind: 'system', text: '(dry run: not executed)' });
      this.finish(step, name, started, 'success', 'success', {});
      return;
    }
    let outcome: ActionStepOutcome;
    try {
      outcome = step.run ? await this.runScript(step, name) : await this.runAction(step, name);
    } catch (e) {
      this.fail(step, name, started, e);
      return;
    }
    this.apply(step.index, outcome);
    const continueOnError = this.bool(step.continueOnError, this.scope(), false);
    const interrupted = this.cancelled && outcome.outcome === 'failure';
    const result: Conclusion = interrupted && !this.timedOut ? 'cancelled' : outcome.outcome;
    const conclusion: Conclusion = result === 'failure' && continueOnError ? 'success' : result;
    if (conclusion === 'failure') this.status = 'failure';
    this.finish(step, name, started, result, conclusion, outcome.outputs ?? {});
  }

  private async runScript(step: StepDef, name: string): Promise<ActionStepOutcome> {
    const stepEnv = evaluateStringMap(step.env, this.scope());
    const scope = this.scope(stepEnv);
    const defaults = this.runDefaults(scope);
    const script = evaluateString(step.run as TemplateToken, scope);
    const shell = step.shell ? evaluateString(step.shell, scope) : defaults.shell;
    const workingDirectory = step.workingDirectory ? evaluateString(step.workingDirectory, scope) : defaults.workingDirectory;
    const cwd = this.resolveDirectory(workingDirectory);
    // One script file per job, rewritten for each step: creating files is what costs on a busy disk.
    const scriptPath = join(this.env.paths.temp, 'step-script');
    const shellCommand = resolveShell(shell || undefined, scriptPath);
    const file = scriptPath + shellCommand.extension;
    const args = shellCommand.extension ? shellCommand.args.map((a) => a.replaceAll(scriptPath, file)) : shellCommand.args;
    overwriteFile(file, script);
    this.systemLog(step.index, { kind: 'command', text: this.env.masker.mask(script.split('\n')[0] ?? '') });
    const result = await runStepProcess({
      command: shellCommand.command,
      args,
      cwd,
      env: this.processEnv(stepEnv),
      tempDir: this.env.paths.temp,
      masker: this.env.masker,
      log: (line) => this.env.observer?.log?.(this.instance.key, step.index, line),
      timeoutMs: this.timeoutMs(step, scope),
      signal: this.current.signal,
      allowUnsecureCommands: stepEnv.ACTIONS_ALLOW_UNSECURE_COMMANDS === 'true' || this.jobEnv.ACTIONS_ALLOW_UNSECURE_COMMANDS === 'true',
    });
    let error: string | undefined;
    if (result.spawnError) error = result.spawnError;
    else if (result.terminated === 'timeout') error = `The step has timed out after ${this.number(step.timeoutMinutes, 0, scope)} minutes.`;
    else if (result.terminated === 'cancelled') error = 'The operation was canceled.';
    else if (result.fileCommandError) error = result.fileCommandError;
    else if (result.exitCode !== 0) error = `Process completed with exit code ${result.exitCode ?? 'null (killed by a signal)'}.`;
    if (error) this.systemLog(step.index, { kind: 'error', text: this.env.masker.mask(error) });
    return { ...result, outcome: error ? 'failure' : 'success', error };
  }

  private async runAction(step: StepDef, name: string): Promise<ActionStepOutcome> {
    const uses = step.uses as string;
    if (!this.env.actions) throw new NexusError('ACTION', `step '${name}': 'uses: ${uses}' needs the actions module, which this runner was started without`);
    const log = (line: LogLine) => this.env.observer?.log?.(this.instance.key, step.index, line);
    const action = await this.env.actions.prepare(uses, step, { workspace: this.env.paths.workspace, log });
    const ctx = () => this.actionContext(step);
    if (action.post) this.posts.push({ step, action, name: `Post ${name}`, ctx });
    if (action.pre) {
      const c = ctx();
      if (c.scope.evaluateBoolean(action.preIf ?? 'always()')) {
        const pre = await action.pre(c);
        this.apply(step.index, pre);
        if (pre.outcome === 'failure') return pre;
      }
    }
    const outcome = await action.main(ctx());
    if (outcome.error && outcome.outcome === 'failure') this.systemLog(step.index, { kind: 'error', text: this.env.masker.mask(outcome.error) });
    return outcome;
  }

  private async runPost(post: PostStep): Promise<void> {
    const started = performance.now();
    this.current = new AbortController();
    const ctx = post.ctx();
    if (!ctx.scope.evaluateBoolean(post.action.postIf ?? 'always()')) return;
    this.env.observer?.stepStarted?.(this.instance.key, { index: post.step.index, name: post.name, phase: 'post' });
    const outcome = await post.action.post!(ctx);
    this.apply(post.step.index, { ...outcome, outputs: {} });
    if (outcome.outcome === 'failure') {
      this.status = 'failure';
      if (outcome.error) this.systemLog(post.step.index, { kind: 'error', text: this.env.masker.mask(outcome.error) });
    }
    this.env.observer?.stepFinished?.(this.instance.key, {
      index: post.step.index, id: post.step.id, name: post.name, outcome: outcome.outcome, conclusion: outcome.outcome,
      outputs: {}, durationMs: Math.round(performance.now() - started),
    });
  }

  private actionContext(step: StepDef): ActionStepContext {
    const stepEnv = evaluateStringMap(step.env, this.scope());
    const scope = this.scope(stepEnv);
    return {
      step,
      inputs: evaluateStringMap(step.with, scope),
      env: this.processEnv(stepEnv),
      scope,
      run: this.env.run,
      paths: this.env.paths,
      jobKey: this.instance.key,
      jobId: this.instance.job.id,
      masker: this.env.masker,
      log: (line) => this.env.observer?.log?.(this.instance.key, step.index, line),
      signal: this.current.signal,
      timeoutMs: this.timeoutMs(step, scope),
      state: this.states.get(step.index) ?? {},
      jobStatus: this.cancelled ? 'cancelled' : this.status,
      secrets: this.env.secrets,
      dataDir: this.env.dataDir,
      approver: this.env.approver,
      environment: jobSettings(this.instance.job, this.base).environment?.name,
      repository: this.env.repository,
      sharedCache: this.env.sharedCache,
    };
  }

  /** Folds what a step's processes reported into the job's state. */
  private apply(index: number, outcome: ActionStepOutcome): void {
    Object.assign(this.addedEnv, outcome.env ?? {});
    if (outcome.path?.length) this.addedPath.unshift(...[...outcome.path].reverse());
    if (outcome.state && Object.keys(outcome.state).length) this.states.set(index, { ...this.states.get(index), ...outcome.state });
    if (outcome.summary) this.summaries.push(outcome.summary);
    this.annotations.push(...(outcome.annotations ?? []));
  }

  private finish(step: StepDef, name: string, started: number, outcome: Conclusion, conclusion: Conclusion, outputs: Record<string, string>): void {
    const result: StepResult = { index: step.index, id: step.id, name, outcome, conclusion, outputs, durationMs: Math.round(performance.now() - started) };
    this.results.push(result);
    this.stepsData.add(step.id, toExpressionData({ outputs, outcome, conclusion }));
    this.env.observer?.stepFinished?.(this.instance.key, result);
  }

  private fail(step: StepDef, name: string, started: number, e: unknown): void {
    if (!(e instanceof NexusError)) throw e;
    this.systemLog(step.index, { kind: 'error', text: this.env.masker.mask(e.message) });
    const continueOnError = this.bool(step.continueOnError, this.scope(), false);
    if (!continueOnError) this.status = 'failure';
    this.finish(step, name, started, 'failure', continueOnError ? 'success' : 'failure', {});
  }

  private stepName(step: StepDef, scope: ExpressionScope): string {
    if (step.name) {
      try {
        return evaluateString(step.name, scope);
      } catch {
        // A name that cannot be evaluated yet is shown as written.
      }
    }
    if (step.uses) return `Run ${step.uses}`;
    // GitHub names a run step after its script as written, expressions unevaluated.
    const run = step.run as (TemplateToken & { value?: unknown; source?: string }) | undefined;
    const text = run?.source ?? (run && 'value' in run ? String(run.value) : '');
    return `Run ${text.trim().split('\n')[0]}`;
  }

  private runDefaults(scope: ExpressionScope): { shell?: string; workingDirectory?: string } {
    const read = (token: TemplateToken | undefined) => {
      const value = token ? (evaluateToken(token, scope) as { run?: { shell?: unknown; 'working-directory'?: unknown } } | null) : null;
      return { shell: value?.run?.shell as string | undefined, workingDirectory: value?.run?.['working-directory'] as string | undefined };
    };
    const wf = read(this.instance.workflow.defaults);
    const job = read(this.instance.job.defaults);
    return { shell: job.shell ?? wf.shell, workingDirectory: job.workingDirectory ?? wf.workingDirectory };
  }

  private resolveDirectory(dir: string | undefined): string {
    const full = !dir ? this.env.paths.workspace : isAbsolute(dir) ? dir : resolve(this.env.paths.workspace, dir);
    if (!existsSync(full) || !statSync(full).isDirectory()) {
      throw new NexusError('WORKING_DIRECTORY', `working-directory '${dir}' does not exist in the workspace (${full})`);
    }
    return full;
  }

  /** Host env < runner variables < env context; PATH with GITHUB_PATH entries first. */
  processEnv(stepEnv: Record<string, string>): Record<string, string> {
    const github = this.base.contexts.github as Record<string, unknown>;
    const runner = this.base.contexts.runner as Record<string, string>;
    const merged: Record<string, string> = {
      ...this.env.hostEnv,
      ...runnerEnvironment(github, runner),
      [TRACKING_VARIABLE]: this.trackingId,
      ...this.jobEnv,
      ...this.addedEnv,
      ...stepEnv,
    };
    if (this.addedPath.length) merged.PATH = [...this.addedPath, merged.PATH ?? ''].join(':');
    return merged;
  }

  /** As GitHub's runner does: an output carrying a secret (or a masked value) leaves the job not at all. */
  private jobOutputs(): Record<string, string> {
    if (!this.instance.job.outputs) return {};
    let outputs: Record<string, string>;
    try {
      outputs = evaluateStringMap(this.instance.job.outputs, this.scope());
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      this.systemLog(null, { kind: 'error', text: `job outputs: ${e.message}` });
      return {};
    }
    for (const [name, value] of Object.entries(outputs)) {
      if (this.env.masker.mask(value) === value) continue;
      delete outputs[name];
      this.systemLog(null, { kind: 'warning', text: `Skip output '${name}' since it may contain secret.` });
    }
    return outputs;
  }

  private timeoutMs(step: StepDef, scope: ExpressionScope): number | undefined {
    const minutes = this.number(step.timeoutMinutes, 0, scope);
    return minutes > 0 ? minutes * 60_000 : undefined;
  }

  private number(token: TemplateToken | undefined, fallback: number, scope: ExpressionScope = this.scope()): number {
    return timeoutMinutes(token, scope, fallback);
  }

  private bool(token: TemplateToken | undefined, scope: ExpressionScope, fallback: boolean): boolean {
    if (!token) return fallback;
    const v = evaluateToken(token, scope);
    return v === true || v === 'true';
  }

  private systemLog(stepIndex: number | null, line: LogLine): void {
    this.env.observer?.log?.(this.instance.key, stepIndex, line);
  }
}

function containerProblem(job: JobDef): string | undefined {
  const what = job.container ? 'a container (`container:`)' : job.services ? 'service containers (`services:`)' : undefined;
  return what
    ? `Job '${job.id}' uses ${what}, which needs a container engine (Docker or Podman); none runs on this host. Run it on a runner with a container engine, or remove the container from the job to run it on the host.`
    : undefined;
}
