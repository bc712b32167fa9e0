/**
 * Slack incoming-webhook messages in Block Kit, in the shape the spec's pipeline posts: a bold title with an
 * emoji, then commit, branch and actor, then a link to the environment; `text` is the notification fallback.
 */
import type { AlertEvent } from './events.js';

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

const TITLES: Record<AlertEvent['kind'], [string, string, string]> = {
  approval_requested: ['Approval Requested', ':raising_hand:', '⏸️'],
  deploy_started: ['Deployment Started', ':hourglass_flowing_sand:', '⏳'],
  deploy_succeeded: ['Deployment Complete', ':rocket:', '🚀'],
  deploy_failed: ['Deployment Failed', ':x:', '❌'],
  deploy_rolled_back: ['Deployment Rolled Back', ':rewind:', '🔄'],
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** Slack mrkdwn needs &, < and > escaped in free text. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackMessage(e: AlertEvent): SlackMessage {
  const [title, emoji, icon] = TITLES[e.kind];
  const env = capital(e.environment);
  const subject = e.service ? `${e.service}${e.revision ? ` revision ${e.revision}` : ''}` : env;
  const lines: string[] = [];
  if (e.service) lines.push(`Service: \`${esc(e.service)}\`${e.revision ? ` (revision ${e.revision})` : ''}`);
  if (e.commit) lines.push(`Commit: \`${esc(e.commit)}\``);
  if (e.ref) lines.push(`Branch: \`${esc(e.ref.replace(/^refs\/(heads|tags)\//, ''))}\``);
  if (e.actor) lines.push(`${e.kind === 'approval_requested' ? 'Requested by' : 'Deployed by'}: ${esc(e.actor)}`);
  let body = `*${env} ${title}* ${emoji}\n\n${lines.join('\n')}`;
  if (e.url) body += `\n\n<${e.url}|View ${env}>`;
  const blocks: Array<Record<string, unknown>> = [section(body)];
  const detail: string[] = [];
  if (e.kind === 'deploy_rolled_back') {
    if (e.rule) detail.push(`Rule: \`${e.rule}\``);
    if (e.restoredRevision) detail.push(`Traffic restored to revision ${e.restoredRevision}`);
  }
  if (e.reason) detail.push(esc(e.reason));
  if (e.figures) {
    const f = e.figures;
    detail.push(`Requests: ${f.requests} · errors: ${f.errors} (${Math.round(f.errorRate * 1000) / 10}%) · p50 ${f.p50Ms} ms · p95 ${f.p95Ms} ms · p99 ${f.p99Ms} ms`);
  }
  if (e.kind === 'approval_requested') {
    if (e.reviewers?.length) detail.push(`Reviewers: ${e.reviewers.map(esc).join(', ')}`);
    if (e.run) detail.push(`Approve with \`nexus approve ${esc(e.run)} --env ${esc(e.environment)}\``);
  }
  if (detail.length) blocks.push(section(`*${e.kind === 'deploy_rolled_back' ? 'Why' : 'Details'}*\n${detail.map((d) => `• ${d}`).join('\n')}`));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${e.deployment ? `Deployment #${e.deployment} · ` : ''}${e.at}` }] });
  const text = `${icon} ${e.environment.toUpperCase()} ${title.toUpperCase()}: ${subject}${e.commit ? ` (${e.commit.slice(0, 12)})` : ''}`;
  return { text, blocks };
}
