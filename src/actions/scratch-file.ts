import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Runs `use` with a fresh path under `dir` (a packed entry in transit), removed afterwards whatever happens. */
export async function withScratchFile<T>(dir: string, use: (file: string) => Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `.tmp-${randomBytes(8).toString('hex')}.tar`);
  try {
    return await use(file);
  } finally {
    rmSync(file, { force: true });
  }
}
