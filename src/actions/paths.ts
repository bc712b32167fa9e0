/**
 * The `path:` inputs of cache, artifact and report actions: one pattern per line, relative to the
 * workspace or absolute (`~` is the home folder), globs allowed, `!pattern` excludes. A matched
 * folder is taken whole and not searched further.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import picomatch from 'picomatch';

const GLOB = /[*?[\]{}!]/;

function absolutePattern(p: string, workspace: string, home: string): string {
  const expanded = p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(workspace, expanded);
}

/** The folder before the first glob segment of a pattern. */
function staticBase(pattern: string): string {
  const segments = pattern.split(sep);
  const firstGlob = segments.findIndex((s) => GLOB.test(s));
  return firstGlob < 0 ? pattern : segments.slice(0, firstGlob).join(sep) || sep;
}

export function expandPaths(patterns: string[], workspace: string, home = homedir()): string[] {
  const absolute = (p: string) => absolutePattern(p, workspace, home);
  const includes = patterns.filter((p) => !p.startsWith('!')).map(absolute);
  const excludes = patterns.filter((p) => p.startsWith('!')).map((p) => picomatch(absolute(p.slice(1)), { dot: true }));
  const found = new Set<string>();
  for (const pattern of includes) {
    if (!GLOB.test(pattern)) {
      if (existsSync(pattern)) found.add(pattern);
      continue;
    }
    const base = staticBase(pattern);
    const matches = picomatch(pattern, { dot: true });
    walk(base, (path, isDir) => {
      if (!matches(path)) return true;
      found.add(path);
      return !isDir;
    });
  }
  return [...found].filter((p) => !excludes.some((m) => m(p))).sort();
}

/** Every file under the given paths (folders expanded), excluding symbolic links to folders. */
export function filesUnder(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!lstatSync(p).isDirectory()) out.push(p);
    else walk(p, (path, isDir) => {
      if (!isDir) out.push(path);
      return true;
    });
  }
  return out;
}

/** Depth-first walk; `visit` returns false to stop descending into a folder. `.git` is skipped. */
function walk(dir: string, visit: (path: string, isDir: boolean) => boolean): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === '.git') continue;
    const path = join(dir, e.name);
    const isDir = e.isDirectory();
    if (visit(path, isDir) && isDir) walk(path, visit);
  }
}

/**
 * The root an artifact's files are stored relative to, as upload-artifact computes it: the least
 * common ancestor of the search paths (a glob's static part, a folder itself, a file's folder).
 */
export function searchRoot(patterns: string[], workspace: string, home = homedir()): string {
  const roots = patterns.filter((p) => !p.startsWith('!')).map((p) => {
    const abs = absolutePattern(p, workspace, home);
    if (GLOB.test(abs)) return staticBase(abs);
    return existsSync(abs) && lstatSync(abs).isDirectory() ? abs : dirname(abs);
  });
  if (roots.length === 0) return workspace;
  let common = roots[0].split(sep);
  for (const r of roots.slice(1)) {
    const parts = r.split(sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(sep) || sep;
}
