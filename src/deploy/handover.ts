/**
 * What a release under analysis needs from the deploy daemon's memory to be concluded and announced by the next
 * daemon, without a secret value ever touching the disk. Its notification targets are kept as configuration
 * (`<data>/deploy/notify/ID.json`: URLs written in environments.yml, and secret *names*); the values travel to
 * the new daemon on its stdin, from the daemon it replaces (an upgrade hands over everything it holds) or from the
 * client that starts it after a crash (which brings what it can look up for its own environment).
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NotificationTarget } from '../environments/config.js';
import { readJson, writeJsonAtomic } from '../environments/data-folder.js';
import type { ResolvedTarget, SecretLookup } from '../alerts/notifier.js';
import { FileDeploymentRepository } from './repository.js';
import { currentState } from './records.js';

export interface Handover {
  /** Per deployment id under analysis: the values of the secrets its notification targets name. */
  notifications: Record<string, Record<string, string>>;
  /** Per revision (`ENV/SERVICE#REV`): the secret values its process runs with. */
  revisions: Record<string, Record<string, string>>;
}

export const emptyHandover = (): Handover => ({ notifications: {}, revisions: {} });

const notifyDir = (dataDir: string) => join(dataDir, 'deploy', 'notify');
const notifyPath = (dataDir: string, id: number) => join(notifyDir(dataDir), `${id}.json`);

export function keepTargets(dataDir: string, id: number, targets: ResolvedTarget[]): void {
  writeJsonAtomic(notifyPath(dataDir, id), targets.flatMap((t) => (t.source ? [t.source] : [])), 0o600);
}

export function keptTargets(dataDir: string, id: number): NotificationTarget[] {
  return readJson<NotificationTarget[]>(notifyPath(dataDir, id)) ?? [];
}

export function forgetTargets(dataDir: string, id: number): void {
  rmSync(notifyPath(dataDir, id), { force: true });
}

/**
 * The secret values a client brings to a daemon it starts, for the unfinished releases of its own environment
 * (another environment's secrets of the same name may differ, so those are left alone).
 */
export async function resumeSecrets(dataDir: string, environment: string, secret: SecretLookup): Promise<Handover['notifications']> {
  let kept: string[];
  try {
    kept = readdirSync(notifyDir(dataDir));
  } catch {
    return {};
  }
  const out: Handover['notifications'] = {};
  for (const record of await new FileDeploymentRepository(dataDir).list({ environment })) {
    if (!kept.includes(`${record.id}.json`) || currentState(record) !== 'in_progress') continue;
    const values: Record<string, string> = {};
    for (const target of keptTargets(dataDir, record.id)) {
      for (const name of [target.urlSecret, target.signingSecret]) {
        const value = name ? secret(name) : undefined;
        if (name && value !== undefined) values[name] = value;
      }
    }
    out[record.id] = values;
  }
  return out;
}

/** The handover of a replaced daemon, completed by what the starting client brings. */
export function mergeHandover(from: Handover, brought: Handover['notifications']): Handover {
  const notifications = { ...brought };
  for (const [id, values] of Object.entries(from.notifications)) notifications[id] = { ...brought[id], ...values };
  return { notifications, revisions: from.revisions };
}
