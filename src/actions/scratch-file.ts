import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const scratchPath = (dir: string): string => {
  mkdirSync(dir, { recursive: true });
  return join(dir, `.tmp-${randomBytes(8).toString('hex')}.tar`);
};

/** Runs `use` with a fresh path under `dir` (a packed entry in transit), removed afterwards whatever happens. */
export async function withScratchFile<T>(dir: string, use: (file: string) => Promise<T>): Promise<T> {
  const file = scratchPath(dir);
  try {
    return await use(file);
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * What `write` puts into a fresh file under `dir`, as a stream that removes the file once read or
 * abandoned: large packed entries go out without being held in memory.
 */
export async function scratchStream(dir: string, write: (file: string) => Promise<void>): Promise<Readable> {
  const file = scratchPath(dir);
  try {
    await write(file);
  } catch (e) {
    rmSync(file, { force: true });
    throw e;
  }
  const stream = createReadStream(file);
  stream.once('close', () => rmSync(file, { force: true }));
  return stream;
}
