/**
 * `hashFiles(patterns...)`: the SHA-256 of the SHA-256 of every matching file under the
 * workspace, in path order; the empty string when nothing matches. `!pattern` excludes.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import picomatch from 'picomatch';

export function hashFiles(workspace: string, patterns: string[]): string {
  const include = patterns.filter((p) => !p.startsWith('!')).map((p) => picomatch(normalize(p), { dot: true }));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => picomatch(normalize(p.slice(1)), { dot: true }));
  if (include.length === 0) return '';
  let entries: string[];
  try {
    entries = readdirSync(workspace, { recursive: true }) as string[];
  } catch {
    return '';
  }
  const files = entries
    .map((e) => e.split(sep).join('/'))
    .filter((rel) => !rel.startsWith('.git/') && include.some((m) => m(rel)) && !exclude.some((m) => m(rel)))
    .sort()
    .filter((rel) => isFile(join(workspace, rel)));
  if (files.length === 0) return '';
  const total = createHash('sha256');
  for (const rel of files) total.update(createHash('sha256').update(readFileSync(join(workspace, rel))).digest());
  return total.digest('hex');
}

function normalize(pattern: string): string {
  return pattern.replace(/^\.\//, '');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

