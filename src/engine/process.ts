/**
 * Runs one step process in its own process group, so that a timeout or a cancellation kills the
 * whole tree it started, and hands its output over line by line.
 */
import { spawn } from 'node:child_process';

export type TerminationReason = 'timeout' | 'cancelled';

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  terminated?: TerminationReason;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  durationMs: number;
}

export interface ProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How long a terminated tree gets between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/**
 * How long output may stay open after the process exited. A background child that keeps stdout
 * open (`server &`) would hold the step forever; GitHub's runner waits 5 s, then kills the tree.
 */
export const OPEN_OUTPUT_GRACE_MS = 5000;

/** The process groups of the step processes running now: a quit (a second Ctrl-C) kills them all. */
const liveGroups = new Set<number>();

/** Kills every step process group still running (SIGKILL: a quit waits for nothing). */
export function killStepProcesses(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
}

export function runProcess(options: ProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, terminated: 'cancelled', durationMs: 0 });
      return;
    }
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid) liveGroups.add(child.pid);
    let terminated: TerminationReason | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = (reason: TerminationReason) => {
      if (terminated || child.exitCode !== null) return;
      terminated = reason;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 2500);
    };
    const timeout = options.timeoutMs !== undefined ? setTimeout(() => terminate('timeout'), options.timeoutMs) : undefined;
    const onAbort = () => terminate('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const out = lineSplitter((l) => options.onLine(l, 'stdout'));
    const errs = lineSplitter((l) => options.onLine(l, 'stderr'));
    child.stdout.setEncoding('utf8').on('data', out.push);
    child.stderr.setEncoding('utf8').on('data', errs.push);

    let spawnError: string | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = `${options.command}: ${e.code === 'ENOENT' ? 'not found' : e.message}`;
    });
    let outputTimer: NodeJS.Timeout | undefined;
    child.on('exit', () => {
      outputTimer = setTimeout(() => {
        killGroup(child.pid, 'SIGKILL');
        child.stdout.destroy();
        child.stderr.destroy();
      }, OPEN_OUTPUT_GRACE_MS);
    });
    child.on('close', (exitCode, signal) => {
      if (child.pid) liveGroups.delete(child.pid);
      out.end();
      errs.end();
      if (timeout) clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      if (outputTimer) clearTimeout(outputTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // Whatever the step left running in its group goes with it, as on a hosted runner.
      if (terminated) killGroup(child.pid, 'SIGKILL');
      resolve({ exitCode, signal, terminated, spawnError, durationMs: performance.now() - started });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Splits a text stream into lines; a last partial line is delivered at `end`. */
export function lineSplitter(onLine: (line: string) => void): { push: (chunk: string) => void; end: () => void } {
  let pending = '';
  return {
    push: (chunk: string) => {
      const text = pending + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        onLine(text.slice(start, nl).replace(/\r$/, ''));
        start = nl + 1;
      }
      pending = text.slice(start);
    },
    end: () => {
      if (pending) onLine(pending);
      pending = '';
    },
  };
}
