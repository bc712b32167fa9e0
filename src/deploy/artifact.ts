/**
 * Artifacts are copied into `<data>/deploy/releases/ENV/SERVICE/REVISION/` before they start, so any revision
 * can be restarted later (rollback, supervisor restart) whatever happens to the workspace. The digest is a
 * sha256 over the file, or over the sorted paths and contents of a directory.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, join, relative } from 'node:path';
import { NexusError } from '../errors.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

export function artifactDigest(path: string): string {
  const hash = createHash('sha256');
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new NexusError('ARTIFACT_MISSING', `artifact ${path} does not exist`, { exitCode: 2 });
  }
  if (stat.isDirectory()) {
    for (const file of filesUnder(path)) {
      hash.update(relative(path, file)).update('\0').update(createHash('sha256').update(readFileSync(file)).digest()).update('\0');
    }
  } else {
    hash.update(readFileSync(path));
  }
  return `sha256:${hash.digest('hex')}`;
}

/** Installs the artifact (directory, .tar.gz/.tgz archive or single file) into `releaseDir`. */
export function installArtifact(path: string, releaseDir: string): void {
  rmSync(releaseDir, { recursive: true, force: true });
  mkdirSync(releaseDir, { recursive: true });
  if (statSync(path).isDirectory()) cpSync(path, releaseDir, { recursive: true });
  else if (/\.(tar\.gz|tgz)$/.test(path)) execFileSync('tar', ['-xzf', path, '-C', releaseDir], { stdio: 'ignore' });
  else cpSync(path, join(releaseDir, basename(path)));
}
