/**
 * actions/setup-node and actions/setup-python: pick the newest installed toolchain matching the
 * version spec, put it first on PATH, and with `cache:` restore the package manager's cache keyed
 * on the lock files (saved at the end of a successful job when the key missed). Keys, lock file
 * lookups and `cache-hit` are each action's own (setup-node@v4, setup-python@v5).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { arch } from 'node:os';
import type { ActionStepContext, ActionStepOutcome } from '../../engine/action-host.js';
import { hashFiles } from '../../engine/hash-files.js';
import { findToolchains, satisfies, type Toolchain } from '../toolchains.js';
import { failed, listInput, say, type Builtin, type BuiltinServices } from './builtin.js';
import { restoreCache, saveCache } from './cache.js';

interface PackageCache {
  path: (env: Record<string, string>) => string;
  lockFiles: string[];
}

interface SetupConfig {
  kind: 'node' | 'python';
  label: string;
  versionInput: string;
  versionFileInput: string;
  outputs: (tc: Toolchain) => Record<string, string>;
  caches: Record<string, PackageCache>;
  /** The hash of the lock files (`cache-dependency-path`, else the manager's), or why there is none. */
  lockHash: (workspace: string, given: string[], lockFiles: string[]) => { hash: string } | { error: string };
  key: (tc: Toolchain, manager: string, hash: string) => string;
  /** What `cache-hit` says of the entry restored (or of none). */
  hit: (matched: string | undefined, key: string) => boolean;
}

const home = (env: Record<string, string>) => env.HOME ?? '/root';

function setupBuiltin(config: SetupConfig): Builtin {
  return {
    async main(ctx, services) {
      let spec = ctx.inputs[config.versionInput]?.trim() ?? '';
      const versionFile = ctx.inputs[config.versionFileInput]?.trim();
      if (!spec && versionFile) {
        try {
          spec = readFileSync(resolve(ctx.paths.workspace, versionFile), 'utf8').split('\n')[0].trim();
        } catch {
          return failed(`${config.versionFileInput}: ${versionFile} cannot be read`);
        }
      }
      spec ||= '*';
      const installed = await findToolchains(config.kind, ctx.env);
      const matches = installed.map((tc) => ({ tc, ok: satisfies(tc.version, spec) }));
      if (matches.some((m) => m.ok === undefined)) return failed(`${config.versionInput} '${spec}' is not a version spec this host can read (use e.g. 20, 20.x, >=18, 3.12)`);
      const chosen = matches.find((m) => m.ok)?.tc;
      if (!chosen) {
        const list = [...new Set(installed.map((t) => t.version))].join(', ') || 'none';
        return failed(`No installed ${config.label} matches '${spec}' (installed on this host: ${list}); this offline host cannot download toolchains: install one, or ask for one of those versions`);
      }
      say(ctx, `Using ${config.label} ${chosen.version} from ${chosen.bin}`);
      const outcome: ActionStepOutcome = { outcome: 'success', path: [chosen.bin], outputs: config.outputs(chosen) };
      const manager = ctx.inputs.cache?.trim();
      if (!manager) return outcome;
      const cache = config.caches[manager];
      if (!cache) return failed(`cache: '${manager}' is not supported (supported: ${Object.keys(config.caches).join(', ')})`);
      const lock = config.lockHash(ctx.paths.workspace, listInput(ctx, 'cache-dependency-path'), cache.lockFiles);
      if ('error' in lock) return failed(lock.error);
      const key = config.key(chosen, manager, lock.hash);
      const path = cache.path(ctx.env);
      const matched = await restoreCache(ctx, services, { key, restoreKeys: [], paths: [path] });
      outcome.outputs!['cache-hit'] = String(config.hit(matched, key));
      outcome.state = { CACHE_KEY: key, CACHE_RESULT: matched ?? '', CACHE_PATH: path };
      return outcome;
    },
    postIf: 'success()',
    async post(ctx: ActionStepContext, services: BuiltinServices) {
      const { CACHE_KEY: key, CACHE_RESULT: matched, CACHE_PATH: path } = ctx.state;
      if (!key || !path) return { outcome: 'success' };
      if (matched === key) {
        say(ctx, `Cache hit occurred on the primary key ${key}, not saving cache.`);
        return { outcome: 'success' };
      }
      return saveCache(ctx, services, key, [path]);
    },
  };
}

export const setupNode = setupBuiltin({
  kind: 'node',
  label: 'Node.js',
  versionInput: 'node-version',
  versionFileInput: 'node-version-file',
  outputs: (tc) => ({ 'node-version': `v${tc.version}` }),
  caches: {
    npm: { path: (env) => env.npm_config_cache || join(home(env), '.npm'), lockFiles: ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock'] },
    yarn: { path: (env) => env.YARN_CACHE_FOLDER || join(home(env), '.cache', 'yarn'), lockFiles: ['yarn.lock'] },
    pnpm: { path: (env) => env.PNPM_STORE_DIR || join(home(env), '.local', 'share', 'pnpm', 'store'), lockFiles: ['pnpm-lock.yaml'] },
  },
  // setup-node looks for one lock file, and only at the workspace root: a monorepo names its own.
  lockHash(workspace, given, lockFiles) {
    if (given.length) {
      const hash = hashFiles(workspace, given);
      return hash ? { hash } : { error: 'Some specified paths were not resolved, unable to cache dependencies.' };
    }
    const root = readdirSync(workspace);
    const found = lockFiles.find((f) => root.includes(f));
    if (!found) return { error: `Dependencies lock file is not found in ${workspace}. Supported file patterns: ${lockFiles.toString()}` };
    return { hash: hashFiles(workspace, [join(workspace, found)]) };
  },
  key: (_tc, manager, hash) => `node-cache-Linux-${arch()}-${manager}-${hash}`,
  hit: (matched) => matched !== undefined,
});

export const setupPython = setupBuiltin({
  kind: 'python',
  label: 'Python',
  versionInput: 'python-version',
  versionFileInput: 'python-version-file',
  outputs: (tc) => ({ 'python-version': tc.version, 'python-path': tc.executable }),
  caches: {
    pip: { path: (env) => env.PIP_CACHE_DIR || join(home(env), '.cache', 'pip'), lockFiles: ['**/requirements.txt'] },
    pipenv: { path: (env) => join(home(env), '.local', 'share', 'virtualenvs'), lockFiles: ['**/Pipfile.lock'] },
    poetry: { path: (env) => join(home(env), '.cache', 'pypoetry'), lockFiles: ['**/poetry.lock'] },
  },
  lockHash(workspace, given, lockFiles) {
    const patterns = given.length ? given : lockFiles;
    const hash = hashFiles(workspace, patterns);
    return hash ? { hash } : { error: `No file in ${workspace} matched to [${patterns.join(',')}], make sure you have checked out the target repository` };
  },
  key: (tc, manager, hash) => `setup-python-Linux-${arch()}-python-${tc.version}-${manager}-${hash}`,
  hit: (matched, key) => matched === key,
});
