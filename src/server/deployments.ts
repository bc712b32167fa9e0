/**
 * Deployment records as runners report them. The deploy daemon that ran a release lives where the job ran
 * and keeps its records there; the runner sends every new version of a record, and the server keeps the
 * latest per (origin, local id) under the project of the run that deployed.
 */
import { currentState, type DeploymentRecord } from '../deploy/records.js';
import { NexusError } from '../errors.js';
import type { StoredDeployment } from '../store/types.js';
import type { ServerContext } from './context.js';

/** A record as the API shows it: the server's ids (a rollback names the deployment it undoes by that id). */
export type PublicDeployment = Omit<DeploymentRecord, 'rollbackOf' | 'analysis'> & {
  rollbackOf?: number;
  analysis?: Omit<NonNullable<DeploymentRecord['analysis']>, 'measurements'>;
};

function parseRecord(raw: unknown, index: number): DeploymentRecord {
  const r = raw as Partial<DeploymentRecord> | null;
  const ok =
    r && typeof r === 'object' && Number.isInteger(r.id) && Number.isInteger(r.revision) && typeof r.environment === 'string' &&
    typeof r.service === 'string' && typeof r.createdAt === 'string' && !Number.isNaN(Date.parse(r.createdAt)) && Array.isArray(r.statuses);
  if (!ok) throw new NexusError('USAGE', `records[${index}] is not a deployment record (id, revision, environment, service, createdAt, statuses)`);
  return r as DeploymentRecord;
}

/** Who approved the run's job for this environment, when a review was needed. */
async function approverOf(ctx: ServerContext, runId: number, projectId: number, environment: string): Promise<string | undefined> {
  const jobIds = new Set((await ctx.store.listJobs(runId)).map((j) => j.id));
  const approvals = await ctx.store.listApprovals({ projectId, status: ['approved'] });
  return approvals.filter((a) => jobIds.has(a.jobId) && a.environment === environment).sort((a, b) => (b.decidedAt ?? 0) - (a.decidedAt ?? 0))[0]?.reviewer ?? undefined;
}

/**
 * Stores what a runner reported; a record whose run this server does not know (a deploy from the CLI on
 * the runner's host), or of a project the runner's token may not take jobs of, is skipped. Returns how
 * many were stored.
 */
export async function acceptDeployments(ctx: ServerContext, origin: string, records: unknown[], scope: string[] | null): Promise<number> {
  let stored = 0;
  for (const [i, raw] of records.entries()) {
    const record = parseRecord(raw, i);
    const run = record.runId && /^\d+$/.test(record.runId) ? await ctx.store.getRun(Number(record.runId)) : undefined;
    const projectId = run?.projectId ?? (record.rollbackOf !== undefined ? (await ctx.store.findDeployment(origin, record.rollbackOf))?.projectId : undefined);
    if (projectId === undefined) continue;
    if (scope && !scope.includes((await ctx.store.getProjectById(projectId))?.name ?? '')) continue;
    if (!record.approver && run) record.approver = await approverOf(ctx, run.id, projectId, record.environment);
    await ctx.store.saveDeployment({
      projectId, origin, localId: record.id, environment: record.environment, service: record.service,
      record: JSON.stringify(record), createdAt: Date.parse(record.createdAt),
    });
    stored++;
  }
  return stored;
}

/** The project's deployments, newest first, as the API shows them. */
export async function listDeployments(ctx: ServerContext, filter: { projectId: number; environment?: string; service?: string }): Promise<PublicDeployment[]> {
  const rows = await ctx.store.listDeployments(filter);
  const serverId = new Map<string, number>(rows.map((r) => [`${r.origin}\n${r.localId}`, r.id]));
  const idOf = async (origin: string, localId: number) => serverId.get(`${origin}\n${localId}`) ?? (await ctx.store.findDeployment(origin, localId))?.id;
  return Promise.all(rows.map(async (row: StoredDeployment) => {
    const { rollbackOf, analysis, ...record } = JSON.parse(row.record) as DeploymentRecord;
    const shown: PublicDeployment = { ...record, id: row.id };
    if (rollbackOf !== undefined) shown.rollbackOf = await idOf(row.origin, rollbackOf);
    if (analysis) {
      const { measurements: _series, ...summary } = analysis;
      shown.analysis = summary;
    }
    return shown;
  }));
}

/** What serves each service of each environment now: its newest deployment whose last status is success. */
export function liveByEnvironment(deployments: PublicDeployment[]): Map<string, PublicDeployment[]> {
  const live = new Map<string, PublicDeployment[]>();
  const seen = new Set<string>();
  for (const d of deployments) {
    const key = `${d.environment}\n${d.service}`;
    if (seen.has(key) || currentState(d) !== 'success') continue;
    seen.add(key);
    live.set(d.environment, [...(live.get(d.environment) ?? []), d]);
  }
  return live;
}
