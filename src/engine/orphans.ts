/**
 * Processes a job's steps leave behind. Every step process carries the job's RUNNER_TRACKING_ID, as
 * on GitHub's runner; when the job ends, whatever still carries it is killed, daemons that left the
 * step's process group included. A process meant to outlive the job starts with the variable unset
 * (GitHub documents `RUNNER_TRACKING_ID="" cmd &`); the deploy daemon does so.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const TRACKING_VARIABLE = 'RUNNER_TRACKING_ID';

export const newTrackingId = (): string => `github_${randomUUID()}`;

export interface Orphan {
  pid: number;
  name: string;
}

/** The last process id the kernel handed out; a job's processes all come after its value at the job's start. */
export function lastPid(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Kills the processes whose environment carries `trackingId`; returns them. Linux only (/proc);
 * elsewhere none are found. Only processes started after `since` (a `lastPid()` taken at the
 * job's start) are read, unless process ids wrapped around since: a busy host has hundreds.
 */
export function killOrphans(trackingId: string, since?: number): Orphan[] {
  const needle = Buffer.from(`\0${TRACKING_VARIABLE}=${trackingId}\0`);
  const first = needle.subarray(1);
  let pids: string[];
  try {
    const now = lastPid();
    const floor = since !== undefined && now !== undefined && now >= since ? since : 0;
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) > floor);
  } catch {
    return [];
  }
  const killed: Orphan[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    if (!environ.includes(needle) && !environ.subarray(0, first.length).equals(first)) continue;
    let name = '';
    try {
      name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      // it left on its own
    }
    try {
      process.kill(Number(pid), 'SIGKILL');
      killed.push({ pid: Number(pid), name });
    } catch {
      // already gone
    }
  }
  return killed;
}
