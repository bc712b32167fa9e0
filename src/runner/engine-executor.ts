import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkflowSource, runAssignedJob, type ActionHost, type LogLine } from '../engine/index.js';
import type { Assignment, ExecutionObserver, JobExecutor, JobOutcome, JobServices } from './assignment.js';

/**
 * Workflow-command lines keep GitHub's `##[kind]` marks so a log reads as it does there; an annotation
 * keeps its place (`::error file=a.ts,line=3::message`) so the UI can link it. Only the properties are
 * escaped (`,` and `:` would end them); the message is written as it reads, so the raw log says
 * "coverage 50% too low", and a message of several lines continues on plain lines below its mark.
 */
const escapeProperty = (v: string) => v.replace(/%/g, '%25').replace(/,/g, '%2C').replace(/:/g, '%3A').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

function render(line: LogLine): string {
  if (line.kind === 'output' || line.kind === 'error-output') return line.text;
  const a = line.annotation;
  if (a) {
    const props = Object.entries({ file: a.file, line: a.line, endLine: a.endLine, col: a.col, endColumn: a.endColumn, title: a.title })
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
    if (props.length > 0) return `::${line.kind} ${props.join(',')}::${line.text.replace(/\r\n?/g, '\n')}`;
  }
  return `##[${line.kind}]${line.text}`;
}

/** Runs an assignment with the engine in a fresh folder under `workDir`, checking the commit out from the server. */
export class EngineExecutor implements JobExecutor {
  constructor(
    private readonly workDir: string,
    private readonly runnerName: string,
    private readonly actions?: ActionHost,
  ) {}

  get dataDir(): string {
    return join(this.workDir, '_data');
  }

  async prepare(): Promise<void> {
    // The first parse loads GitHub's workflow schema and blocks for a moment: not while holding a lease.
    await loadWorkflowSource('warm-up.yml', 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: "true"\n');
  }

  async execute(a: Assignment, observer: ExecutionObserver, signal: AbortSignal, services: JobServices = {}): Promise<JobOutcome> {
    mkdirSync(this.workDir, { recursive: true });
    const workRoot = mkdtempSync(join(this.workDir, `job-${a.job.id}-`));
    // Pre, main and post phases of one step share its index: number the records in the order they start.
    const numbers = new Map<number, number>();
    let next = 0;
    try {
      const result = await runAssignedJob(
        {
          run: a.run,
          workflow: { path: a.workflow.path, source: a.workflow.source },
          jobId: a.job.jobId,
          matrix: a.job.matrix,
          strategy: a.job.strategy,
          needs: a.needs,
          secrets: a.secrets,
          vars: a.vars,
          inputs: a.inputs,
          checkout: {
            url: a.repository.url,
            sha: a.run.sha,
            headers: { Authorization: `Basic ${Buffer.from(`${a.repository.username}:${a.repository.password}`).toString('base64')}` },
          },
        },
        {
          workRoot,
          toolCache: join(this.workDir, '_tool'),
          dataDir: this.dataDir,
          sharedCache: services.cache,
          signal,
          runnerName: this.runnerName,
          actions: this.actions,
          observer: {
            stepStarted: (_key, step) => {
              numbers.set(step.index, ++next);
              observer.step({ number: next, name: step.name, status: 'in_progress', conclusion: null });
            },
            stepFinished: (_key, result) => {
              observer.step({ number: numbers.get(result.index) ?? ++next, name: result.name, status: 'completed', conclusion: result.conclusion });
            },
            log: (_key, _step, line) => observer.log(render(line)),
          },
        },
      );
      return { conclusion: result.conclusion, outputs: result.outputs, reason: result.reason, summary: result.summary };
    } finally {
      rmSync(workRoot, { recursive: true, force: true });
    }
  }
}
