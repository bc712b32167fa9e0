/**
 * `hashFiles(patterns...)` as GitHub's runner computes it: its patterns go to @actions/glob (one per
 * line; `#` comments; `!` negates; relative to the workspace, `~` the home folder, absolute paths
 * allowed; a matched folder brings everything under it; a trailing `/` matches folders only; later
 * patterns override earlier ones; no braces or extglobs). The files found, in the glob's depth-first
 * order (search roots in pattern order, each folder's entries in byte order, as readdir gives them),
 * are hashed when they are under the workspace: the SHA-256 of their SHA-256s, or '' when none.
 * Symbolic links are not followed unless the first argument is `--follow-symbolic-links`.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, sep } from 'node:path';
import picomatch from 'picomatch';
import { NexusError } from '../errors.js';

/** A path segment of a pattern: a name to equal, a glob for one name, or `**` for any number of names. */
type Segment = { literal: string } | { glob: (name: string) => boolean } | 'globstar';

interface Pattern {
  negate: boolean;
  /** Matches folders only (the pattern ended with `/`). */
  foldersOnly: boolean;
  segments: Segment[];
  /** The literal folder before the first glob segment, where the search starts. */
  searchPath: string;
}

const NONE = 0;
const FOLDER = 1;
const FILE = 2;
const ALL = FOLDER | FILE;

export function hashFiles(workspace: string, args: string[]): string {
  const follow = args[0]?.startsWith('--') ?? false;
  if (follow && args[0].toLowerCase() !== '--follow-symbolic-links') {
    throw new NexusError('EXPRESSION', `hashFiles: invalid glob option ${args[0]}, available option: '--follow-symbolic-links'`);
  }
  const lines = (follow ? args.slice(1) : args).join('\n').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const patterns = lines.flatMap((line) => withImplicitDescendants(parsePattern(line, workspace)));
  const total = createHash('sha256');
  let count = 0;
  for (const file of globFiles(patterns, follow)) {
    if (!file.startsWith(workspace + sep)) continue;
    let stats: Stats;
    try {
      stats = statSync(file);
    } catch (e) {
      throw new NexusError('EXPRESSION', `hashFiles: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (stats.isDirectory()) continue;
    total.update(createHash('sha256').update(readFileSync(file)).digest());
    count++;
  }
  return count ? total.digest('hex') : '';
}

function parsePattern(line: string, workspace: string): Pattern {
  let text = line;
  let negate = false;
  while (text.startsWith('!')) {
    negate = !negate;
    text = text.slice(1).trim();
  }
  if (!text) throw new NexusError('EXPRESSION', `hashFiles: pattern '${line}' is empty`);
  const own = text.split('/').filter(Boolean);
  if (own.some((s, i) => (s === '.' && i > 0) || s === '..')) {
    throw new NexusError('EXPRESSION', `hashFiles: invalid pattern '${line}': relative pathing '.' and '..' is not allowed`);
  }
  const foldersOnly = text.endsWith('/');
  let base: string[];
  let rest = own;
  if (isAbsolute(text)) base = [];
  else if (own[0] === '~') [base, rest] = [split(homedir()), own.slice(1)];
  else [base, rest] = [split(workspace), own[0] === '.' ? own.slice(1) : own];
  const segments: Segment[] = [...base.map((literal) => ({ literal })), ...rest.map(segment)];
  const searchSegments: string[] = [];
  for (const s of segments) {
    if (typeof s === 'string' || !('literal' in s)) break;
    searchSegments.push(s.literal);
  }
  return { negate, foldersOnly, segments, searchPath: sep + searchSegments.join(sep) };
}

/** GitHub's glob also matches everything under what a pattern matches (`pattern/**`). */
function withImplicitDescendants(p: Pattern): Pattern[] {
  if (!p.foldersOnly && p.segments.at(-1) === 'globstar') return [p];
  return [p, { ...p, foldersOnly: false, segments: [...p.segments, 'globstar'] }];
}

function split(path: string): string[] {
  return path.split(sep).filter(Boolean);
}

function segment(text: string): Segment {
  if (text === '**') return 'globstar';
  const literal = literalOf(text);
  if (literal !== undefined) return { literal };
  // minimatch, under the glob, takes parentheses and bars literally; picomatch would group with them.
  const plain = text.replace(/\\.|[()|]/g, (m) => (m.length === 2 ? m : `\\${m}`));
  return { glob: picomatch(plain, { dot: true, nobrace: true, noextglob: true }) };
}

/** The name a segment stands for when it has no wildcard (`\x` escapes, one-character `[x]` sets). */
function literalOf(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) out += text[++i];
    else if (c === '*' || c === '?') return undefined;
    else if (c === '[' && text.indexOf(']', i + 1) > i) {
      const close = text.indexOf(']', i + 1);
      const set = text.slice(i + 1, close).replace(/\\(.)/g, '$1');
      if (set.length !== 1) return undefined;
      out += set;
      i = close;
    } else out += c;
  }
  return out;
}

function segmentMatches(s: Segment, name: string): boolean {
  return typeof s === 'string' || ('literal' in s ? s.literal === name : s.glob(name));
}

/** Whether `names` match `segments` whole, or (partial) whether names under `names` still could. */
function matches(segments: Segment[], names: string[], partial: boolean, si = 0, ni = 0): boolean {
  if (si === segments.length) return ni === names.length;
  const s = segments[si];
  if (s === 'globstar') {
    if (partial) return true;
    for (let k = ni; k <= names.length; k++) if (matches(segments, names, partial, si + 1, k)) return true;
    return false;
  }
  if (ni === names.length) return partial;
  return segmentMatches(s, names[ni]) && matches(segments, names, partial, si + 1, ni + 1);
}

/** What the patterns make of a path: included patterns add, negated ones take away, in order. */
function matchKind(patterns: Pattern[], names: string[]): number {
  let kind = NONE;
  for (const p of patterns) {
    const k = matches(p.segments, names, false) ? (p.foldersOnly ? FOLDER : ALL) : NONE;
    kind = p.negate ? kind & ~k : kind | k;
  }
  return kind;
}

/** The search roots: each pattern's, unless another one holds it; in pattern order. */
function searchPaths(patterns: Pattern[]): string[] {
  const roots = new Set(patterns.filter((p) => !p.negate).map((p) => p.searchPath));
  const under = (path: string, root: string) => root === sep ? path !== sep : path.startsWith(root + sep);
  return [...roots].filter((path) => ![...roots].some((root) => under(path, root)));
}

/** The paths @actions/glob yields for the patterns (folders included), in its order. */
function globFiles(patterns: Pattern[], follow: boolean): string[] {
  const out: string[] = [];
  const included = patterns.filter((p) => !p.negate);
  const visit = (path: string, chain: string[]) => {
    const names = split(path);
    const kind = matchKind(patterns, names);
    if (!kind && !included.some((p) => matches(p.segments, names, true))) return;
    let stats: Stats;
    try {
      stats = follow ? statSync(path) : lstatSync(path);
    } catch {
      // Gone since its folder was read, or (following links) a broken link: the glob leaves it out.
      return;
    }
    if (!stats.isDirectory()) {
      if (kind & FILE) out.push(path);
      return;
    }
    let inner = chain;
    if (follow) {
      const real = realpathSync(path);
      // A link back to a folder above: the glob leaves it out rather than loop.
      if (chain.includes(real)) return;
      inner = [...chain, real];
    }
    // Folders are walked, never hashed.
    // readdir lists names in byte order (libuv sorts them), the order the glob walks in.
    for (const name of readdirSync(path)) visit(join(path, name), inner);
  };
  for (const root of searchPaths(patterns)) visit(root, []);
  return out;
}
