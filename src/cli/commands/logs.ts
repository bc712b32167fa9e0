/** `nexus logs RUN [--job ID] [--follow]`: a run's (or job's) log; --follow streams it live over SSE. */
import type { ApiErrorBody } from '../../server/api-types.js';
import { NexusError } from '../../errors.js';
import { ApiClient, clientOptions } from '../../server/client.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { jitteredBackoff, sleep } from '../../runner/backoff.js';

export const logs: Command = {
  name: 'logs',
  summary: 'Print (or --follow) the log of a run or job on a server',
  usage: 'nexus logs RUN [--job JOB_ID] [--follow] [--server URL] [--token T]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('logs', args, { ...clientOptions, job: { type: 'string' }, follow: { type: 'boolean', short: 'f' } });
    if (!positionals[0] && !values.job) throw new NexusError('USAGE', `usage: ${this.usage}`, { exitCode: 2 });
    const api = new ApiClient(values, io.env, io.cwd);
    const path = values.job ? `/api/jobs/${encodeURIComponent(values.job)}/logs` : `/api/runs/${encodeURIComponent(positionals[0])}/logs`;
    if (!values.follow) {
      const res = await api.raw('GET', path, undefined, 'text/plain');
      if (!res.ok) throw new NexusError('HTTP', `${path}: ${((await res.json().catch(() => ({}))) as ApiErrorBody).error?.message ?? `HTTP ${res.status}`}`);
      io.stdout.write(await res.text());
      return 0;
    }
    // The stream resumes where it broke off: each job's last event id goes back as `after`.
    const cursors = new Map<string, string>();
    let conclusion: string | null | undefined;
    for (let failures = 0; conclusion === undefined; ) {
      const after = [...cursors.values()].join(',');
      let progressed = false;
      try {
        const res = await api.raw('GET', `${path}?follow=1${after ? `&after=${encodeURIComponent(after)}` : ''}`, undefined, 'text/event-stream');
        if (!res.ok || !res.body) {
          const message = ((await res.json().catch(() => ({}))) as ApiErrorBody).error?.message ?? `HTTP ${res.status}`;
          if (res.status < 500) throw new NexusError('HTTP', `${path}: ${message}`);
          throw new Error(message);
        }
        let buffer = '';
        const decoder = new TextDecoder();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.*)$/m.exec(event)?.[1] ?? 'message';
            const id = /^id: (.*)$/m.exec(event)?.[1];
            const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(l.startsWith('data: ') ? 6 : 5)).join('\n');
            if (type === 'log') io.stdout.write(`${data}\n`);
            if (type === 'end') conclusion = JSON.parse(data).conclusion ?? null;
            if (id) cursors.set(id.slice(0, id.indexOf(':')), id);
            progressed = true;
          }
        }
      } catch (e) {
        if (e instanceof NexusError && e.code !== 'NETWORK') throw e;
      }
      if (conclusion !== undefined) break;
      failures = progressed ? 0 : failures + 1;
      if (failures > 8) throw new NexusError('NETWORK', `${path}: the log stream keeps breaking off; giving up`);
      io.stderr.write(`log stream interrupted; reconnecting\n`);
      await sleep(jitteredBackoff(failures, 250, 5000));
    }
    io.stderr.write(`finished: ${conclusion ?? 'unknown'}\n`);
    return conclusion === 'success' ? 0 : 1;
  },
};
