/**
 * Where deployment records live. The interface is small so the server can back it with its store; the local
 * implementation keeps one JSON file per record under `<data>/deploy/deployments/`, written atomically.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NexusError } from '../errors.js';
import { readJson, writeJsonAtomic } from '../environments/data-folder.js';
import type { AnalysisRecord, DeploymentRecord, DeploymentState } from './records.js';

export type NewDeployment = Omit<DeploymentRecord, 'id' | 'revision' | 'createdAt' | 'statuses'> & {
  /** Given for rollbacks (the restored revision); new deploys get the next revision number. */
  revision?: number;
  reason: string;
};

export interface DeploymentFilter {
  environment?: string;
  service?: string;
}

/** Asynchronous so that a database-backed store (the server's) can implement it. */
export interface DeploymentRepository {
  create(input: NewDeployment): Promise<DeploymentRecord>;
  addStatus(id: number, state: DeploymentState, reason: string): Promise<DeploymentRecord>;
  update(id: number, patch: { approver?: string; url?: string; analysis?: AnalysisRecord }): Promise<DeploymentRecord>;
  get(id: number): Promise<DeploymentRecord | undefined>;
  /** Newest first. */
  list(filter?: DeploymentFilter): Promise<DeploymentRecord[]>;
}

export class FileDeploymentRepository implements DeploymentRepository {
  private readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'deploy', 'deployments');
  }

  private path(id: number): string {
    return join(this.dir, `${String(id).padStart(6, '0')}.json`);
  }

  private all(): DeploymentRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => /^\d+\.json$/.test(n));
    } catch {
      return [];
    }
    return names.map((n) => readJson<DeploymentRecord>(join(this.dir, n))!).filter(Boolean);
  }

  async create(input: NewDeployment): Promise<DeploymentRecord> {
    const all = this.all();
    const id = all.reduce((m, r) => Math.max(m, r.id), 0) + 1;
    const sameService = all.filter((r) => r.environment === input.environment && r.service === input.service);
    const revision = input.revision ?? sameService.reduce((m, r) => Math.max(m, r.revision), 0) + 1;
    const now = new Date().toISOString();
    const { reason, ...rest } = input;
    const record: DeploymentRecord = { ...rest, id, revision, createdAt: now, statuses: [{ state: 'queued', at: now, reason }] };
    writeJsonAtomic(this.path(id), record);
    return record;
  }

  private mutate(id: number, change: (r: DeploymentRecord) => void): DeploymentRecord {
    const record = readJson<DeploymentRecord>(this.path(id));
    if (!record) throw new NexusError('DEPLOYMENT_NOT_FOUND', `deployment #${id} does not exist`);
    change(record);
    writeJsonAtomic(this.path(id), record);
    return record;
  }

  async addStatus(id: number, state: DeploymentState, reason: string): Promise<DeploymentRecord> {
    return this.mutate(id, (r) => r.statuses.push({ state, at: new Date().toISOString(), reason }));
  }

  async update(id: number, patch: { approver?: string; url?: string; analysis?: AnalysisRecord }): Promise<DeploymentRecord> {
    return this.mutate(id, (r) => Object.assign(r, patch));
  }

  async get(id: number): Promise<DeploymentRecord | undefined> {
    return readJson<DeploymentRecord>(this.path(id));
  }

  async list(filter: DeploymentFilter = {}): Promise<DeploymentRecord[]> {
    return this.all()
      .filter((r) => (!filter.environment || r.environment === filter.environment) && (!filter.service || r.service === filter.service))
      .sort((a, b) => b.id - a.id);
  }
}
