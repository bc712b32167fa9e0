/**
 * Run artifacts under the data folder (`artifacts/<run id>/<name>/`): files copied with their
 * modes into a temp folder renamed into place, with a record of size and expiry. An artifact past
 * its retention is gone, as on GitHub: never listed nor downloaded, removed when asked for and
 * whenever a new one is stored.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { NexusError } from '../errors.js';
import { readJson, writeJsonAtomic } from '../environments/data-folder.js';
import type { Readable } from 'node:stream';
import { scratchStream, withScratchFile } from './scratch-file.js';
import { createTar, extractTar } from './tar.js';

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
/** Packed artifacts in transit, beside the runs' folders. */
const INCOMING = '.incoming';

export function checkArtifactName(name: string): void {
  if (!/^[^\\/":<>|*?\r\n]+$/.test(name)) throw new NexusError('ARTIFACT', `artifact name ${JSON.stringify(name)} may not contain \\ / " : < > | * ? or line breaks`);
  if (name === '.' || name === '..' || name.startsWith('.tmp-')) throw new NexusError('ARTIFACT', `artifact name ${JSON.stringify(name)} is reserved`);
}

export class ArtifactStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'artifacts');
  }

  upload(runId: string, name: string, files: string[], base: string, retentionDays: number, overwrite: boolean): ArtifactRecord {
    checkArtifactName(name);
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

  /** Runs `use` with a fresh path for a packed artifact in transit, removed afterwards. */
  withPackFile<T>(use: (file: string) => Promise<T>): Promise<T> {
    return withScratchFile(join(this.root, INCOMING), use);
  }

  /** The artifact packed, as a stream whose scratch file goes once it is read. */
  packed(runId: string, name: string): Promise<Readable> {
    return scratchStream(join(this.root, INCOMING), (file) => this.pack(runId, name, file));
  }

  /**
   * Packs a stored artifact (its record and files) into the tar file `file`, the form in which runners
   * and the server hand artifacts to each other.
   */
  async pack(runId: string, name: string, file: string): Promise<void> {
    checkArtifactName(name);
    if (!existsSync(join(this.root, runId, name, RECORD))) throw new NexusError('ARTIFACT', `artifact ${JSON.stringify(name)} of run ${runId} is not stored here`);
    await createTar(file, join(this.root, runId, name), [RECORD, FILES]);
  }

  /** Stores an artifact packed by `pack`, replacing one of the same name; the record must name it. */
  async receive(runId: string, name: string, file: string): Promise<ArtifactRecord> {
    checkArtifactName(name);
    if (!/^\d+$/.test(runId)) throw new NexusError('ARTIFACT', `run id ${JSON.stringify(runId)} is not a number`);
    this.sweep();
    const temp = join(this.root, runId, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(temp, { recursive: true });
      await extractTar(file, temp);
      const record = readJson<ArtifactRecord>(join(temp, RECORD));
      if (!record || record.name !== name || !Number.isFinite(Date.parse(record.expiresAt)) || !existsSync(join(temp, FILES))) {
        throw new NexusError('ARTIFACT', `the upload is not the packed artifact ${JSON.stringify(name)}`);
      }
      const stored: ArtifactRecord = { ...record, runId };
      writeJsonAtomic(join(temp, RECORD), stored);
      rmSync(join(this.root, runId, name), { recursive: true, force: true });
      renameSync(temp, join(this.root, runId, name));
      return stored;
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }

  /** The artifact's files, relative paths with their modes, for archiving. */
  files(runId: string, name: string): Array<{ path: string; file: string; mode: number }> {
    checkArtifactName(name);
    const base = join(this.root, runId, name, FILES);
    const out: Array<{ path: string; file: string; mode: number }> = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else out.push({ path: relative(base, full), file: full, mode: statSync(full).mode });
      }
    };
    if (existsSync(base)) walk(base);
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The run's artifacts still within their retention. */
  list(runId: string): ArtifactRecord[] {
    const now = Date.now();
    return this.records(runId).filter((r) => !expired(r, now));
  }

  /** Copies the artifact's files (with their modes) into `dest`; returns how many. */
  download(runId: string, name: string, dest: string): number {
    const src = join(this.root, runId, name, FILES);
    const record = readJson<ArtifactRecord>(join(this.root, runId, name, RECORD));
    if (!record || expired(record, Date.now())) {
      if (record) rmSync(join(this.root, runId, name), { recursive: true, force: true });
      const known = this.list(runId).map((a) => a.name);
      const why = record ? `it expired at ${record.expiresAt}; ` : '';
      throw new NexusError('ARTIFACT', `Artifact not found for name: ${name} (${why}this run has ${known.length ? known.join(', ') : 'no artifacts'})`);
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
      if (run === INCOMING) continue;
      for (const record of this.records(run)) if (expired(record, now)) rmSync(join(this.root, run, record.name), { recursive: true, force: true });
    }
  }

  private records(runId: string): ArtifactRecord[] {
    const dir = join(this.root, runId);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((n) => !n.startsWith('.tmp-')).map((n) => readJson<ArtifactRecord>(join(dir, n, RECORD))).filter((r): r is ArtifactRecord => r !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  }
}

function expired(record: ArtifactRecord, now: number): boolean {
  return Date.parse(record.expiresAt) <= now;
}
