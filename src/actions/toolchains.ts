/**
 * Installed Node and Python toolchains on this host (PATH, the tool cache, nvm, pyenv, versioned
 * system binaries), and version specs as setup-node / setup-python accept them.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface Toolchain {
  version: string;
  /** The folder to put on PATH. */
  bin: string;
  executable: string;
}

type Kind = 'node' | 'python';

function candidates(kind: Kind, env: Record<string, string>): string[] {
  const home = env.HOME || homedir();
  const names = kind === 'node' ? ['node'] : ['python3', 'python'];
  const out: string[] = [];
  const sub = (dir: string, ...rest: string[]) => (existsSync(dir) ? readdirSync(dir).map((v) => join(dir, v, ...rest)) : []);
  const toolCache = env.RUNNER_TOOL_CACHE;
  if (kind === 'node') {
    out.push(process.execPath);
    if (toolCache) out.push(...sub(join(toolCache, 'node'), 'x64', 'bin', 'node'));
    out.push(...sub(join(home, '.nvm', 'versions', 'node'), 'bin', 'node'));
    out.push(...sub('/usr/local/n/versions/node', 'bin', 'node'));
  } else {
    if (toolCache) out.push(...sub(join(toolCache, 'Python'), 'x64', 'bin', 'python3'));
    out.push(...sub(join(env.PYENV_ROOT || join(home, '.pyenv'), 'versions'), 'bin', 'python3'));
    for (const dir of ['/usr/bin', '/usr/local/bin']) if (existsSync(dir)) out.push(...readdirSync(dir).filter((f) => /^python3\.\d+$/.test(f)).map((f) => join(dir, f)));
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) for (const n of names) out.push(join(dir, n));
  return out;
}

export async function findToolchains(kind: Kind, env: Record<string, string>): Promise<Toolchain[]> {
  const seen = new Set<string>();
  const found: Toolchain[] = [];
  for (const path of candidates(kind, env)) {
    if (!existsSync(path)) continue;
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      continue;
    }
    // pyenv shims resolve to a script that picks a version later: only real interpreters count.
    if (seen.has(real) || real.includes('/shims/')) continue;
    seen.add(real);
    try {
      const args = kind === 'node' ? ['--version'] : ['-c', 'import platform; print(platform.python_version())'];
      const { stdout } = await exec(path, args, { timeout: 10_000 });
      found.push({ version: stdout.trim().replace(/^v/, ''), bin: dirname(path), executable: path });
    } catch {
      // Not runnable: not a toolchain.
    }
  }
  return found.sort((a, b) => compareVersions(b.version, a.version));
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  const pb = b.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * Whether `version` satisfies `spec`: `20`, `20.x`, `3.12`, `v18.17.0`, `^20.1`, `~3.11`, `>=18`,
 * `<21`, space-separated ranges, `*`, `latest`, `node`, `lts/*` (even Node majors), `3.x`.
 * Returns undefined for a spec it cannot read.
 */
export function satisfies(version: string, spec: string): boolean | undefined {
  const s = spec.trim().replace(/^v/, '');
  if (['*', 'x', 'latest', 'node', 'current', 'stable'].includes(s)) return true;
  if (s.startsWith('lts/')) return Number(version.split('.')[0]) % 2 === 0;
  const parts = s.split(/\s+/);
  const results = parts.map((p) => one(version, p));
  if (results.some((r) => r === undefined)) return undefined;
  return results.every(Boolean);
}

function one(version: string, spec: string): boolean | undefined {
  const m = /^(>=|<=|>|<|\^|~|=)?v?(\d+(?:\.(?:\d+|x|\*))*)$/.exec(spec);
  if (!m) return undefined;
  const [, op = '', raw] = m;
  const want = raw.split('.').filter((p) => p !== 'x' && p !== '*');
  const have = version.split('.');
  const prefix = want.every((p, i) => have[i] === p);
  const cmp = compareVersions(version, want.join('.'));
  switch (op) {
    case '>=': return cmp >= 0;
    case '>': return cmp > 0 && !prefix;
    case '<=': return cmp <= 0 || prefix;
    case '<': return cmp < 0 && !prefix;
    case '^': return have[0] === want[0] && cmp >= 0;
    case '~': return have[0] === want[0] && (want.length < 2 || have[1] === want[1]) && cmp >= 0;
    default: return prefix;
  }
}
