/** Releases recorded by actions/create-release, one JSON file per tag under `<data>/releases/`. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NexusError } from '../errors.js';
import { readJson, writeJsonAtomic } from '../environments/data-folder.js';

export interface ReleaseRecord {
  tag: string;
  name: string;
  body: string;
  commit: string;
  draft: boolean;
  prerelease: boolean;
  repository: string;
  runId: string;
  actor: string;
  createdAt: string;
}

export class ReleaseStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'releases');
  }

  create(record: ReleaseRecord): ReleaseRecord {
    const file = this.file(record.tag);
    if (existsSync(file)) throw new NexusError('RELEASE_EXISTS', `a release for tag '${record.tag}' already exists (see nexus releases --show ${record.tag})`);
    writeJsonAtomic(file, record);
    return record;
  }

  get(tag: string): ReleaseRecord | undefined {
    return readJson<ReleaseRecord>(this.file(tag));
  }

  /** Newest first. */
  list(): ReleaseRecord[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root)
      .filter((f) => f.endsWith('.json'))
      .map((f) => readJson<ReleaseRecord>(join(this.root, f))!)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private file(tag: string): string {
    return join(this.root, `${encodeURIComponent(tag)}.json`);
  }
}
