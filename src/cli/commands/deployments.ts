import type { CliIO, Command } from '../command.js';
import { NexusError } from '../../errors.js';
import { ApiClient } from '../../server/client.js';
import { parseCommandArgs } from '../args.js';
import { resolveDataDir } from '../../environments/data-folder.js';
import { FileDeploymentRepository } from '../../deploy/repository.js';
import { currentState, type DeploymentRecord } from '../../deploy/records.js';
import { liveServices } from '../../deploy/local-target.js';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

function describe(d: DeploymentRecord): string {
  const lines = [`deployment #${d.id}: ${d.service} revision ${d.revision} to '${d.environment}' (${d.kind}${d.rollbackOf ? ` of #${d.rollbackOf}` : ''})`];
  lines.push(`  commit ${d.commit ?? '-'}  ref ${d.ref ?? '-'}  artifact ${d.artifactDigest ?? '-'}`);
  lines.push(`  created by ${d.creator} at ${d.createdAt}${d.approver ? `, approved by ${d.approver}` : ''}${d.url ? `, url ${d.url}` : ''}`);
  for (const s of d.statuses) lines.push(`  ${s.at}  ${s.state.padEnd(11)}  ${s.reason}`);
  if (d.analysis) {
    const a = d.analysis;
    const f = a.figures;
    lines.push(`  analysis ${a.verdict}${a.rule ? ` (${a.rule})` : ''}: ${a.startedAt} .. ${a.endsAt}${a.reason ? `; ${a.reason}` : ''}`);
    lines.push(`  requests ${f.requests}, errors ${f.errors} (${Math.round(f.errorRate * 1000) / 10}%), p50 ${f.p50Ms} ms, p95 ${f.p95Ms} ms, p99 ${f.p99Ms} ms, failed probes in a row ${f.consecutiveProbeFailures}`);
  }
  return lines.join('\n') + '\n';
}

export const deployments: Command = {
  name: 'deployments',
  summary: 'List deployment records (newest first), show one in full, or what runs where (--live)',
  usage: 'nexus deployments [--env ENV] [--service SERVICE] [--show ID | --live] [--json] [--data DIR]   |   ... --server URL [--token T] --project NAME',
  async run(args, io) {
    const { values } = parseCommandArgs('deployments', args, { env: { type: 'string' }, service: { type: 'string' }, show: { type: 'string' }, live: { type: 'boolean' }, json: { type: 'boolean' }, data: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' }, project: { type: 'string' } }, false);
    if (values.server) {
      // The records the project's runners reported, with the server's ids.
      if (!values.project) throw new NexusError('USAGE', '--project NAME is required with --server', { exitCode: 2 });
      if (values.live) throw new NexusError('USAGE', '--live shows this host\'s deploy daemon; against a server, open the project\'s environments (GET /api/projects/NAME/environments)', { exitCode: 2 });
      const api = new ApiClient({ server: values.server, token: values.token }, io.env, io.cwd);
      const q = new URLSearchParams({ ...(values.env ? { environment: values.env } : {}), ...(values.service ? { service: values.service } : {}) });
      const { deployments: list } = await api.json<{ deployments: DeploymentRecord[] }>('GET', `/api/projects/${encodeURIComponent(values.project)}/deployments?${q}`);
      return show(list, values, io);
    }
    const dataDir = resolveDataDir(io.cwd, values.data, io.env);
    if (values.live) {
      const services = liveServices(dataDir).filter((s) => (!values.env || s.environment === values.env) && (!values.service || s.service === values.service));
      if (values.json) io.stdout.write(JSON.stringify(services, null, 2) + '\n');
      else if (!services.length) io.stdout.write('no services\n');
      else {
        const rows = [['ENVIRONMENT', 'SERVICE', 'URL', 'LIVE', 'REVISIONS']];
        for (const s of services) rows.push([s.environment, s.service, s.url, s.liveRevision === undefined ? '-' : String(s.liveRevision), s.revisions.map((r) => `${r.revision}:${r.state}`).join(' ')]);
        io.stdout.write(table(rows));
      }
      return 0;
    }
    return show(await new FileDeploymentRepository(dataDir).list({ environment: values.env, service: values.service }), values, io);
  },
};

/** One record in full (`--show ID`), or the list as a table or JSON. */
function show(list: DeploymentRecord[], values: { show?: string; json?: boolean }, io: CliIO): number {
  if (values.show !== undefined) {
    const record = list.find((d) => String(d.id) === values.show);
    if (!record) {
      io.stderr.write(`nexus deployments: no deployment #${values.show}\n`);
      return 1;
    }
    io.stdout.write(values.json ? JSON.stringify(record, null, 2) + '\n' : describe(record));
    return 0;
  }
  if (values.json) {
    io.stdout.write(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  if (!list.length) {
    io.stdout.write('no deployments\n');
    return 0;
  }
  const rows = [['ID', 'ENVIRONMENT', 'SERVICE', 'REV', 'KIND', 'STATE', 'COMMIT', 'BY', 'CREATED', 'LAST STATUS']];
  for (const d of list) {
    const last = d.statuses[d.statuses.length - 1];
    rows.push([`#${d.id}`, d.environment, d.service, String(d.revision), d.kind, currentState(d), d.commit?.slice(0, 12) ?? '-', d.creator, d.createdAt.replace(/\.\d+Z$/, 'Z'), last.reason]);
  }
  io.stdout.write(table(rows));
  return 0;
}
