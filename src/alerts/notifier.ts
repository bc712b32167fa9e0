/**
 * Per-environment notifications: each configured target that listens to an event gets it, as a Slack Block
 * Kit message or as a generic JSON webhook signed with HMAC-SHA256 (`X-Nexus-Signature-256`, GitHub's
 * format). Deliveries run in the background and are recorded under `<data>/alerts/deliveries/`.
 */
import { join } from 'node:path';
import type { NotificationTarget } from '../environments/config.js';
import { writeJsonAtomic } from '../environments/data-folder.js';
import type { AlertEvent } from './events.js';
import { slackMessage } from './slack.js';
import { deliver, hmacSignature, DEFAULT_RETRY, type DeliveryRecord, type OutgoingRequest, type RetryPolicy } from './delivery.js';

/** A target with its secrets looked up; lives in memory only. */
export interface ResolvedTarget {
  kind: NotificationTarget['kind'];
  url: string;
  signingKey?: string;
  events: NotificationTarget['events'];
  /** The configuration it was resolved from (URLs and secret names, no values), when it came from a file. */
  source?: NotificationTarget;
}

export type SecretLookup = (name: string) => string | undefined;

/** Looks up URL and signing secrets; a target whose secret is missing is reported and left out. */
export function resolveTargets(targets: NotificationTarget[], secret: SecretLookup, warn: (message: string) => void): ResolvedTarget[] {
  const out: ResolvedTarget[] = [];
  targets.forEach((t, i) => {
    const url = t.url ?? (t.urlSecret ? secret(t.urlSecret) : undefined);
    const signingKey = t.signingSecret ? secret(t.signingSecret) : undefined;
    const missing = !url ? t.urlSecret : t.signingSecret && !signingKey ? t.signingSecret : undefined;
    if (missing || !url) {
      warn(`notification ${i + 1} (${t.kind}) skipped: secret ${missing ?? '(url)'} is not set`);
      return;
    }
    out.push({ kind: t.kind, url, signingKey, events: t.events, source: t });
  });
  return out;
}

/** The values of the secrets `targets` were resolved with, by secret name: what resolving them again needs. */
export function secretValues(targets: ResolvedTarget[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of targets) {
    if (t.source?.urlSecret) out[t.source.urlSecret] = t.url;
    if (t.source?.signingSecret && t.signingKey !== undefined) out[t.source.signingSecret] = t.signingKey;
  }
  return out;
}

export function outgoingRequest(target: ResolvedTarget, event: AlertEvent): OutgoingRequest {
  if (target.kind === 'slack') return { url: target.url, body: JSON.stringify(slackMessage(event)), headers: {} };
  const body = JSON.stringify({ event: event.kind, ...event });
  const headers: Record<string, string> = { 'x-nexus-event': event.kind };
  if (target.signingKey) headers['x-nexus-signature-256'] = hmacSignature(body, target.signingKey);
  return { url: target.url, body, headers };
}

function label(target: ResolvedTarget): string {
  try {
    return `${target.kind}:${new URL(target.url).host}`;
  } catch {
    return target.kind;
  }
}

export class Notifier {
  private readonly pending = new Set<Promise<DeliveryRecord>>();

  constructor(private readonly dataDir: string, private readonly retry: RetryPolicy = DEFAULT_RETRY, private readonly log: (line: string) => void = () => undefined) {}

  /** Sends `event` to every target listening to it; returns at once (see `settled`). */
  notify(targets: ResolvedTarget[], event: AlertEvent): void {
    for (const target of targets) {
      if (!target.events.includes(event.kind)) continue;
      const p = deliver(outgoingRequest(target, event), { event: event.kind, deployment: event.deployment, environment: event.environment, target: label(target) }, this.retry).then((record) => {
        writeJsonAtomic(join(this.dataDir, 'alerts', 'deliveries', `${record.attempts[0]?.at.replace(/[:.]/g, '-') ?? 'x'}-${record.id}.json`), record);
        if (!record.delivered) this.log(`notification ${event.kind} to ${record.target} failed after ${record.attempts.length} attempt(s)`);
        return record;
      });
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
  }

  /** Resolves when every delivery started so far has finished (delivered or given up). */
  async settled(): Promise<DeliveryRecord[]> {
    return Promise.all([...this.pending]);
  }
}
