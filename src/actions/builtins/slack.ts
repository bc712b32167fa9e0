/**
 * slackapi/slack-github-action: POSTs the payload (JSON or YAML, inline or from a file) to the
 * webhook in the `webhook` input or SLACK_WEBHOOK_URL, retrying 429 and 5xx answers.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { deliver, DEFAULT_RETRY } from '../../alerts/delivery.js';
import { failed, say, type Builtin } from './builtin.js';

export const slack: Builtin = {
  async main(ctx) {
    const url = ctx.inputs.webhook?.trim() || ctx.env.SLACK_WEBHOOK_URL?.trim();
    if (!url) return failed('No webhook: set the `webhook` input or the SLACK_WEBHOOK_URL environment variable (a Slack incoming webhook URL)');
    ctx.masker.add(url);
    let text = ctx.inputs.payload?.trim();
    const file = ctx.inputs['payload-file-path']?.trim();
    try {
      if (!text && file) text = readFileSync(resolve(ctx.paths.workspace, file), 'utf8');
    } catch (e) {
      return failed(`payload-file-path ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (!text) return failed('Need a payload: set `payload` (JSON or YAML) or `payload-file-path`');
    let payload: unknown;
    try {
      payload = parsePayload(text);
    } catch (e) {
      return failed(`The payload is not valid JSON or YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    const attempts = Number(ctx.env.NEXUS_SLACK_ATTEMPTS) || DEFAULT_RETRY.attempts;
    const record = await deliver(
      { url, body: JSON.stringify(payload), headers: {} },
      { event: 'slack-github-action', environment: '', target: `slack:${new URL(url).host}` },
      { ...DEFAULT_RETRY, attempts },
      ctx.signal,
    );
    const last = record.attempts.at(-1);
    const outputs = { time: String(Math.floor(Date.now() / 1000)), ok: String(record.delivered), response: last?.status ? String(last.status) : (last?.error ?? '') };
    for (const [i, a] of record.attempts.entries()) say(ctx, `Slack attempt ${i + 1}: ${a.status ? `HTTP ${a.status}` : a.error} (${a.durationMs} ms)`);
    if (!record.delivered) return failed(`The Slack webhook did not accept the message after ${record.attempts.length} attempt(s) (last: ${outputs.response})`, outputs);
    return { outcome: 'success', outputs };
  },
};

/** JSON as @v1 reads it (which YAML may refuse, e.g. a repeated key: the last wins), else YAML as @v2 also takes. */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parse(text);
  }
}
