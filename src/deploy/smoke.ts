/**
 * Smoke tests run against the new revision directly (its own port, before it gets traffic):
 * `sh -c COMMAND` with NEXUS_TARGET_URL set; exit 0 passes. Output goes to the deployment log.
 */
import { spawn } from 'node:child_process';
import { baseEnvironment } from './supervisor.js';

export interface SmokeResult {
  ok: boolean;
  detail: string;
}

export function runSmokeTest(command: string, o: { cwd: string; targetUrl: string; timeoutMs: number; env?: Record<string, string>; log: (line: string) => void; signal?: AbortSignal }): Promise<SmokeResult> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      cwd: o.cwd,
      env: { ...baseEnvironment(), ...o.env, NEXUS_TARGET_URL: o.targetUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let tail = '';
    const onData = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-2000);
      for (const line of d.toString().split('\n')) if (line.trim()) o.log(`smoke: ${line}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(() => {
      kill();
      finish({ ok: false, detail: `smoke test did not finish within ${o.timeoutMs} ms` });
    }, o.timeoutMs);
    const onAbort = () => {
      kill();
      finish({ ok: false, detail: 'cancelled' });
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (r: SmokeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    child.on('error', (e) => finish({ ok: false, detail: e.message }));
    child.on('close', (code, signal) => {
      const last = tail.trim().split('\n').pop() ?? '';
      finish(code === 0 ? { ok: true, detail: 'smoke test passed' } : { ok: false, detail: `smoke test exited with ${code ?? signal}${last ? `: ${last}` : ''}` });
    });
  });
}
