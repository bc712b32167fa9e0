/**
 * Executes one job instance on this host: its steps in order, with GitHub's rules for `if`,
 * status functions, `continue-on-error`, timeouts, env precedence, outputs, post steps and
 * cancellation (`always()` steps still run).
 */
import { mkdirSync, existsSync, statSync, rmSync } from 'node:fs';
import { overwriteFile } from './overwrite-file.js';
import { killOrphans, lastPid, newTrackingId, TRACKING_VARIABLE } from './orphans.js';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { NexusError } from '../errors.js';
import { data } from '@actions/expressions';
import { ExpressionScope, toExpressionData, type HostFunctions } from '../workflow/expressions.js';
import type { JobDef, StepDef, WorkflowDef } from '../workflow/model.js';
import { evaluateString, evaluateStringMap, evaluateToken, type TemplateToken } from '../workflow/template.js';
import type { ActionHost, ActionStepContext, ActionStepOutcome, PreparedAction, RepositorySource, SharedCache } from './action-host.js';
import { githubContext, runnerContext, runnerEnvironment, type JobPaths, type RunInfo } from './github-context.js';
import { hashFiles } from './hash-files.js';
import { DEFAULT_JOB_TIMEOUT_MINUTES, environmentOf, timeoutMinutes } from './job-settings.js';
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
  /** Variables given for the whole run (`--env`): as act has them, above the workflow's and job's env, in the env context. */
  runEnv?: Record<string, string>;
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
  /** The step's own name; the post step is shown as `Post NAME`. */
  name: string;
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
  /** Actions from the store, prepared at the start of the job ("Set up job"); a failure is the step's. */
  private readonly prepared = new Map<number, PreparedAction | NexusError>();
  /** The condition of what runs now: tested again when the job is cancelled, as GitHub's runner does. */
  private runningIf: (() => boolean) | undefined;
  private readonly states = new Map<number, Record<string, string>>();
  /** Aborts the process of the step running now; steps that start after a cancellation get a fresh one. */
  private current = new AbortController();
  private readonly started = performance.now();
  private readonly trackingId = newTrackingId();
  private readonly firstPid = lastPid();
  private readonly base: ExpressionScope;
  /** The base scope with `github.action` naming the step that runs now. */
  private stepBase: ExpressionScope;
  /** GITHUB_* and RUNNER_* of every step process, built once: only GITHUB_ACTION changes per step. */
  private readonly runnerVariables: Record<string, string>;
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
    this.stepBase = this.base;
    this.runnerVariables = runnerEnvironment(github, this.base.contexts.runner as Record<string, string>);
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
    let environment: JobResult['environment'];
    try {
      this.jobEnv = {
        ...evaluateStringMap(this.instance.workflow.env, this.base),
      };
      this.jobEnv = { ...this.jobEnv, ...evaluateStringMap(job.env, this.scope()), ...this.env.runEnv };
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
        await this.setUpActions();
        for (const step of job.steps) await this.runStep(step);
        for (const post of this.posts.reverse()) await this.runHook(post.step, post.action, 'post', post.name);
        environment = this.environment();
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
      environment,
    };
  }

  /** As GitHub's runner does at the end of a job: what its steps left running is terminated, and said. */
  private cleanUpOrphans(): void {
    const orphans = killOrphans(this.trackingId, this.firstPid);
    if (!orphans.length) return;
    this.systemLog(null, { kind: 'system', text: 'Cleaning up orphan processes' });
    for (const o of orphans) this.systemLog(null, { kind: 'system', text: `Terminate orphan process: pid (${o.pid}) (${o.name})` });
  }

  /** What runs now goes on when its condition still holds with cancelled() true (`always()`); a timeout stops it. */
  private cancel(): void {
    this.cancelled = true;
    if (!this.timedOut && this.stillWanted()) return;
    this.current.abort();
  }

  private stillWanted(): boolean {
    try {
      return this.runningIf?.() ?? false;
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      return false;
    }
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
    return this.stepBase.with({
      env: { ...this.jobEnv, ...this.addedEnv, ...stepEnv },
      steps: this.stepsData,
      job: { status: this.cancelled ? 'cancelled' : this.status },
    });
  }

  private async runStep(step: StepDef): Promise<void> {
    const started = performance.now();
    this.stepBase = this.base.withEntry('github', 'action', step.id);
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
    this.runningIf = () => this.scope().evaluateBoolean(step.if);
    let outcome: ActionStepOutcome;
    try {
      outcome = step.run ? await this.runScript(step) : await this.runAction(step, name);
    } catch (e) {
      this.fail(step, name, started, e);
      return;
    } finally {
      this.runningIf = undefined;
    }
    this.apply(step.index, outcome);
    const continueOnError = this.bool(step.continueOnError, this.scope(), false);
    const interrupted = this.current.signal.aborted && outcome.outcome === 'failure';
    const result: Conclusion = interrupted && !this.timedOut ? 'cancelled' : outcome.outcome;
    const conclusion: Conclusion = result === 'failure' && continueOnError ? 'success' : result;
    if (conclusion === 'failure') this.status = 'failure';
    this.finish(step, name, started, result, conclusion, outcome.outputs ?? {});
  }

  private async runScript(step: StepDef): Promise<ActionStepOutcome> {
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
    let action = this.prepared.get(step.index);
    if (action instanceof NexusError) throw action;
    if (!action) {
      action = await this.prepare(step);
      // GitHub's runner reads a local action only when its step runs, after the checkout: too late for `pre`.
      if (action.pre) this.systemLog(step.index, { kind: 'warning', text: `\`pre\` execution is not supported for local action from '${uses}'` });
    }
    this.registerPost(step, action, name);
    const outcome = await action.main(this.actionContext(step));
    if (outcome.error && outcome.outcome === 'failure') this.systemLog(step.index, { kind: 'error', text: this.env.masker.mask(outcome.error) });
    return outcome;
  }

  private prepare(step: StepDef): Promise<PreparedAction> {
    const uses = step.uses as string;
    if (!this.env.actions) throw new NexusError('ACTION', `step '${step.id}': 'uses: ${uses}' needs the actions module, which this runner was started without`);
    const log = (line: LogLine) => this.env.observer?.log?.(this.instance.key, step.index, line);
    return this.env.actions.prepare(uses, step, { workspace: this.env.paths.workspace, log });
  }

  /**
   * "Set up job", as on GitHub: every action that is not in the repository is prepared, and the
   * `pre` of each runs now, in step order, before any main step, under its own `pre-if` (default
   * `always()`), whatever the main step's `if`.
   */
  private async setUpActions(): Promise<void> {
    if (!this.env.actions || this.env.dryRun) return;
    for (const step of this.instance.job.steps) {
      if (!step.uses || step.uses.startsWith('./')) continue;
      let action: PreparedAction;
      try {
        action = await this.prepare(step);
      } catch (e) {
        if (!(e instanceof NexusError)) throw e;
        this.prepared.set(step.index, e);
        continue;
      }
      this.prepared.set(step.index, action);
      if (action.pre) {
        await this.runHook(step, action, 'pre', this.stepName(step, this.scope()));
      }
    }
  }

  /** A post step runs at the end of the job once its action's pre or main has run. */
  private registerPost(step: StepDef, action: PreparedAction, name: string): void {
    if (action.post && !this.posts.some((p) => p.step === step)) this.posts.push({ step, action, name });
  }

  /** A `pre` or `post` of an action (`stepName`: its step's own name): its own condition, its own entry in the job's steps. */
  private async runHook(step: StepDef, action: PreparedAction, phase: 'pre' | 'post', stepName: string): Promise<void> {
    const started = performance.now();
    const name = `${phase === 'pre' ? 'Pre' : 'Post'} ${stepName}`;
    this.stepBase = this.base.withEntry('github', 'action', step.id);
    this.current = new AbortController();
    const condition = (phase === 'pre' ? action.preIf : action.postIf) ?? 'always()';
    const ctx = this.actionContext(step);
    let outcome: ActionStepOutcome;
    try {
      if (!ctx.scope.evaluateBoolean(condition)) return;
      if (phase === 'pre') this.registerPost(step, action, stepName);
      this.env.observer?.stepStarted?.(this.instance.key, { index: step.index, name, phase });
      this.runningIf = () => ctx.scope.evaluateBoolean(condition);
      outcome = await (phase === 'pre' ? action.pre! : action.post!)(ctx);
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      outcome = { outcome: 'failure', error: e.message };
    } finally {
      this.runningIf = undefined;
    }
    this.apply(step.index, { ...outcome, outputs: {} });
    if (outcome.outcome === 'failure') {
      this.status = 'failure';
      if (outcome.error) this.systemLog(step.index, { kind: 'error', text: this.env.masker.mask(outcome.error) });
    }
    const result: StepResult = { index: step.index, id: step.id, name, phase, outcome: outcome.outcome, conclusion: outcome.outcome, outputs: {}, durationMs: Math.round(performance.now() - started) };
    this.results.push(result);
    this.env.observer?.stepFinished?.(this.instance.key, result);
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
      environment: environmentOf(this.instance.job.environment, this.base)?.name,
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

  /**
   * Host env < CI < env context < GITHUB_* and RUNNER_* (which the workflow cannot change, as on
   * GitHub); PATH with GITHUB_PATH entries first.
   */
  processEnv(stepEnv: Record<string, string>): Record<string, string> {
    const merged: Record<string, string> = {
      ...this.env.hostEnv,
      CI: 'true',
      ...this.jobEnv,
      ...this.addedEnv,
      ...stepEnv,
      ...this.runnerVariables,
      GITHUB_ACTION: String((this.stepBase.contexts.github as Record<string, unknown>).action),
      [TRACKING_VARIABLE]: this.trackingId,
    };
    if (this.addedPath.length) merged.PATH = [...this.addedPath, merged.PATH ?? ''].join(':');
    // Git never looks above the workspace for a repository: the data folder usually lies inside the
    // user's own repository, and `git clean -fdx` in a workspace without .git must not reach it.
    merged.GIT_CEILING_DIRECTORIES = [dirname(this.env.paths.workspace), merged.GIT_CEILING_DIRECTORIES].filter(Boolean).join(':');
    return merged;
  }

  /**
   * The job's `environment`, its url evaluated after the steps as GitHub's "Complete job" does (so
   * it may name step outputs); a url carrying a secret or masked value is left out, with GitHub's warning.
   */
  private environment(): JobResult['environment'] {
    let environment: JobResult['environment'];
    try {
      environment = environmentOf(this.instance.job.environment, this.scope()) ?? undefined;
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      this.status = 'failure';
      this.systemLog(null, { kind: 'error', text: `Failed to evaluate environment url: ${this.env.masker.mask(e.message)}` });
      return undefined;
    }
    if (!environment?.url) return environment;
    if (this.env.masker.mask(environment.url) !== environment.url) {
      this.systemLog(null, { kind: 'warning', text: `Skip setting environment url as environment '${environment.name}' may contain secret.` });
      return { name: environment.name };
    }
    this.systemLog(null, { kind: 'system', text: `Evaluated environment url: ${environment.url}` });
    return environment;
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
