/** `nexus run [EVENT]`: runs workflows on this host, with act's flags where act has them. */
import { mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { NexusError, type Diagnostic } from '../../errors.js';
import { Masker } from '../../engine/masker.js';
import { hostEnvironment } from '../../engine/host-env.js';
import { runWorkflow } from '../../engine/run.js';
import { killStepProcesses } from '../../engine/process.js';
import type { RunReport } from '../../engine/results.js';
import { copyRepository } from '../../engine/workspace.js';
import { createActionHost } from '../../actions/host.js';
import { createWorkflowCaller, planCalls } from '../../actions/reusable.js';
import { planWorkflow } from '../../planner/plan.js';
import { workflowTriggers } from '../../planner/triggers.js';
import { ensureDataDir, repositoryRoot, resolveDataDir, writeFileAtomic } from '../../environments/data-folder.js';
import { parseCommandArgs, splitAssignment } from '../args.js';
import type { Command } from '../command.js';
import { checkApprovals, localGate, readLocalSecrets } from '../local-gate.js';
import { readDotenv } from '../dotenv.js';
import { localActor } from '../../environments/local-identity.js';
import { dispatchInputs } from '../../planner/dispatch-inputs.js';
import { localEvent } from '../local-event.js';
import { printPlan } from '../plan-listing.js';
import { Progress } from '../progress.js';
import { loadWorkflows, workflowPaths } from '../workflow-files.js';

const OPTIONS = {
  workflows: { type: 'string', short: 'W' },
  job: { type: 'string', short: 'j' },
  eventpath: { type: 'string', short: 'e' },
  secret: { type: 'string', short: 's', multiple: true },
  'secret-file': { type: 'string' },
  var: { type: 'string', multiple: true },
  'var-file': { type: 'string' },
  env: { type: 'string', multiple: true },
  'env-file': { type: 'string' },
  input: { type: 'string', multiple: true },
  matrix: { type: 'string', multiple: true },
  list: { type: 'boolean', short: 'l' },
  dryrun: { type: 'boolean', short: 'n' },
  json: { type: 'string' },
  jobs: { type: 'string' },
  data: { type: 'string' },
  approve: { type: 'string', multiple: true },
  as: { type: 'string' },
  source: { type: 'string' },
  'action-cache': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

export const runCommand: Command = {
  name: 'run',
  summary: 'Run workflows on this host (like act, without Docker)',
  usage: `nexus run [EVENT] [-W PATH] [-j JOB] [-e EVENT.json] [-s [ENV:]NAME[=VALUE]] [--secret-file F] [--var N=V] [--var-file F]
       [--env N=V] [--env-file F] [--input N=V] [--matrix KEY:VALUE] [-l] [-n] [--json FILE] [--jobs N]
       [--approve ENV] [--as NAME] [--source worktree|commit] [--data DIR] [--action-cache DIR] [-v]`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('run', args, OPTIONS);
    if (positionals.length > 1) throw new NexusError('USAGE', `nexus run: expected at most one EVENT, got ${positionals.join(' ')}`, { exitCode: 2 });
    const eventName = positionals[0] ?? 'push';
    const root = repositoryRoot(io.cwd);
    const maxJobs = values.jobs === undefined ? availableParallelism() : positiveInt('--jobs', values.jobs);
    const source = values.source ?? 'worktree';
    if (source !== 'worktree' && source !== 'commit') throw new NexusError('USAGE', `--source ${source}: expected worktree or commit`, { exitCode: 2 });
    const matrixFilter = Object.fromEntries((values.matrix ?? []).map((m) => {
      const i = m.indexOf(':');
      if (i <= 0) throw new NexusError('USAGE', `--matrix ${JSON.stringify(m)}: expected KEY:VALUE`, { exitCode: 2 });
      return [m.slice(0, i), m.slice(i + 1)];
    }));

    const secretFile = values['secret-file'] ?? (existsSync(join(io.cwd, '.secrets')) ? join(io.cwd, '.secrets') : undefined);
    const localSecrets = readLocalSecrets(secretFile && resolve(io.cwd, secretFile), values.secret ?? [], io.env);
    const secrets = localSecrets.repository;
    const vars = { ...(values['var-file'] ? readDotenv(resolve(io.cwd, values['var-file'])) : {}), ...assignments('--var', values.var) };
    const extraEnv = { ...(values['env-file'] ? readDotenv(resolve(io.cwd, values['env-file'])) : {}), ...assignments('--env', values.env) };
    const givenInputs = assignments('--input', values.input);
    if (values.input?.length && eventName !== 'workflow_dispatch') throw new NexusError('USAGE', `--input: inputs are given to workflow_dispatch runs only, and this run's event is '${eventName}'`, { exitCode: 2 });

    const workflows = await loadWorkflows(workflowPaths(root, io.cwd, values.workflows), root);
    const event = await localEvent(root, eventName, values.eventpath ? resolve(io.cwd, values.eventpath) : undefined);
    // As on GitHub, a dispatch event's payload carries its inputs; --input overrides them.
    const fileInputs = eventInputs(event.payload);
    const inputOrigin = (name: string) => (name in fileInputs && !(name in givenInputs) ? `--eventpath ${values.eventpath}: inputs.${name}` : `--input ${name}`);
    let selected = workflows.filter((w) => workflowTriggers(w, { name: event.name, payload: event.payload, changedFiles: event.changedFiles }));
    if (values.job) {
      const withJob = workflows.filter((w) => w.jobs.some((j) => j.id === values.job));
      if (withJob.length === 0) throw new NexusError('UNKNOWN_JOB', `-j ${values.job}: no workflow has a job '${values.job}' (jobs: ${[...new Set(workflows.flatMap((w) => w.jobs.map((j) => j.id)))].join(', ')})`, { exitCode: 2 });
      selected = selected.filter((w) => w.jobs.some((j) => j.id === values.job));
      if (selected.length === 0 && values.workflows) selected = withJob;
    }
    if (selected.length === 0) {
      io.stderr.write(`nexus run: no workflow is triggered by '${eventName}' (${workflows.map((w) => w.file).join(', ')})\n`);
      return 0;
    }
    const plans = selected.map((w) => planWorkflow(w, values.job));
    const callProblems: Diagnostic[] = [];
    for (const plan of plans) callProblems.push(...(await planCalls(plan, { root, actionCache: values['action-cache'], env: io.env })));
    if (callProblems.length > 0) throw new NexusError('REUSABLE_WORKFLOW', '', { diagnostics: callProblems, exitCode: 2 });
    if (values.list) {
      for (const plan of plans) printPlan(plan, io, { github: {}, vars, secrets: {}, inputs: {} });
      return 0;
    }

    const operator = localActor(io.cwd, values.as, io.env);
    checkApprovals(root, values.approve ?? [], operator, event.actor);
    const dataDir = resolveDataDir(io.cwd, values.data, io.env);
    const actions = createActionHost({ dataDir, actionCache: values['action-cache'], root, env: io.env });
    const callWorkflow = createWorkflowCaller({ root, actionCache: values['action-cache'], env: io.env });
    const masker = new Masker();
    for (const v of localSecrets.values) masker.add(v);
    const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
    const progress = new Progress({ out: io.stdout, masker, color, live: Boolean(io.stdout.isTTY), showDebug: values.verbose });

    const controller = new AbortController();
    let interrupts = 0;
    let workRoot: string | undefined;
    const onInterrupt = () => {
      interrupts++;
      if (interrupts === 1) {
        progress.print('Cancelling: stopping running steps; always() steps still run. Press Ctrl-C again to quit at once.');
        controller.abort();
        return;
      }
      // A quit: nothing the run started may outlive it (step processes run in their own groups).
      killStepProcesses();
      progress.stop();
      if (workRoot) rmSync(workRoot, { recursive: true, force: true });
      process.exit(130);
    };
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onInterrupt);

    const reports: RunReport[] = [];
    try {
      for (const plan of plans) {
        const runNumber = nextRunNumber(ensureDataDir(dataDir));
        const runId = `${Date.now()}${String(runNumber).padStart(4, '0')}`;
        workRoot = join(dataDir, 'work', String(runNumber));
        mkdirSync(workRoot, { recursive: true });
        const eventPath = join(workRoot, 'event.json');
        const inputs = eventName === 'workflow_dispatch' ? dispatchInputs(plan.workflow, { ...fileInputs, ...givenInputs }, inputOrigin) : {};
        const payload = eventName === 'workflow_dispatch' ? { ...event.payload, inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)])) } : event.payload;
        writeFileSync(eventPath, JSON.stringify(payload, null, 2));
        const report = await runWorkflow({
          plan,
          run: {
            runId, runNumber, runAttempt: 1, workflowName: plan.workflow.name, workflowFile: plan.workflow.file,
            eventName, event: payload, eventPath, sha: event.sha, ref: event.ref, repository: event.repository,
            actor: event.actor, serverUrl: 'http://127.0.0.1', baseRef: event.baseRef, headRef: event.headRef,
          },
          secrets, vars, inputs, matrixFilter,
          maxParallelJobs: maxJobs,
          workRoot,
          toolCache: join(dataDir, 'tool-cache'),
          dataDir,
          populateWorkspace: (ws) => copyRepository({ root, mode: source, sha: event.sha, ref: event.ref, dataDir, exclude: secretFile ? [resolve(io.cwd, secretFile)] : [] }, ws),
          masker,
          hostEnv: hostEnvironment(io.env),
          env: extraEnv,
          actions,
          callWorkflow,
          observer: progress,
          signal: controller.signal,
          environmentGate: (request) => localGate(request, { root, dataDir, runNumber, ref: event.ref, sha: event.sha, actor: event.actor, operator, approve: values.approve ?? [], secrets: localSecrets, io, progress, signal: controller.signal }),
          dryRun: values.dryrun,
        });
        // A run's workspaces go when it ends, as a hosted runner's do: the data folder does not grow with every run.
        rmSync(workRoot, { recursive: true, force: true });
        progress.summary(report);
        reports.push(report);
      }
    } finally {
      progress.stop();
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
    }
    if (values.json) writeFileAtomic(resolve(io.cwd, values.json), masker.mask(JSON.stringify(reports.length === 1 ? reports[0] : { conclusion: overall(reports), runs: reports }, null, 2)) + '\n');
    return overall(reports) === 'success' ? 0 : 1;
  },
};

function eventInputs(payload: Record<string, unknown>): Record<string, string> {
  const inputs = payload.inputs;
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) return {};
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function overall(reports: RunReport[]): RunReport['conclusion'] {
  if (reports.some((r) => r.conclusion === 'cancelled')) return 'cancelled';
  return reports.every((r) => r.conclusion === 'success') ? 'success' : 'failure';
}

function nextRunNumber(dataDir: string): number {
  const file = join(dataDir, 'run-number');
  let n = 0;
  try {
    n = Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    // First run in this data folder.
  }
  writeFileAtomic(file, String(n + 1));
  return n + 1;
}

function assignments(flag: string, list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list ?? []) {
    const [k, v] = splitAssignment(flag, a);
    out[k] = v ?? '';
  }
  return out;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new NexusError('USAGE', `${flag} ${text}: expected a positive whole number`, { exitCode: 2 });
  return n;
}

