/**
 * Run artifacts under the data folder (`artifacts/<run id>/<name>/`): files copied with their
 * modes into a temp folder renamed into place, with a record of size and expiry. Expired
 * artifacts are removed whenever a new one is stored.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { NexusError } from '../errors.js';
import { readJson, writeJsonAtomic } from '../environments/data-folder.js';

export interface ArtifactRecord {
  name: string;
  runId: string;
  createdAt: string;
  expiresAt: string;
  files: number;
  size: number;
}

const RECORD = 'artifact.json';
const FILES = 'files';

export class ArtifactStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'artifacts');
  }

  upload(runId: string, name: string, files: string[], base: string, retentionDays: number, overwrite: boolean): ArtifactRecord {
    if (!/^[^\\/":<>|*?\r\n]+$/.test(name)) throw new NexusError('ARTIFACT', `artifact name ${JSON.stringify(name)} may not contain \\ / " : < > | * ? or line breaks`);
    this.sweep();
    const dest = join(this.root, runId, name);
    if (existsSync(dest) && !overwrite) throw new NexusError('ARTIFACT', `an artifact named '${name}' already exists in this run; set overwrite: true to replace it`);
    const temp = join(this.root, runId, `.tmp-${randomBytes(6).toString('hex')}`);
    let size = 0;
    try {
      for (const file of files) {
        const target = join(temp, FILES, relative(base, file));
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(file, target);
        const st = statSync(file);
        chmodSync(target, st.mode & 0o7777);
        size += st.size;
      }
      mkdirSync(join(temp, FILES), { recursive: true });
      const now = new Date();
      const record: ArtifactRecord = { name, runId, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + retentionDays * 86_400_000).toISOString(), files: files.length, size };
      writeJsonAtomic(join(temp, RECORD), record);
      rmSync(dest, { recursive: true, force: true });
      renameSync(temp, dest);
      return record;
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }

  list(runId: string): ArtifactRecord[] {
    const dir = join(this.root, runId);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((n) => !n.startsWith('.tmp-')).map((n) => readJson<ArtifactRecord>(join(dir, n, RECORD))).filter((r): r is ArtifactRecord => r !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Copies the artifact's files (with their modes) into `dest`; returns how many. */
  download(runId: string, name: string, dest: string): number {
    const src = join(this.root, runId, name, FILES);
    if (!existsSync(join(this.root, runId, name, RECORD))) {
      const known = this.list(runId).map((a) => a.name);
      throw new NexusError('ARTIFACT', `Artifact not found for name: ${name} (this run has ${known.length ? known.join(', ') : 'no artifacts'})`);
    }
    let count = 0;
    const copy = (from: string, to: string) => {
      mkdirSync(to, { recursive: true });
      for (const e of readdirSync(from, { withFileTypes: true })) {
        if (e.isDirectory()) copy(join(from, e.name), join(to, e.name));
        else {
          copyFileSync(join(from, e.name), join(to, e.name));
          chmodSync(join(to, e.name), statSync(join(from, e.name)).mode & 0o7777);
          count++;
        }
      }
    };
    copy(src, dest);
    return count;
  }

  /** Removes artifacts past their retention. */
  private sweep(): void {
    if (!existsSync(this.root)) return;
    const now = Date.now();
    for (const run of readdirSync(this.root)) {
      for (const record of this.list(run)) if (Date.parse(record.expiresAt) < now) rmSync(join(this.root, run, record.name), { recursive: true, force: true });
    }
  }
}
