/**
 * actions/setup-node and actions/setup-python: pick the newest installed toolchain matching the
 * version spec, put it first on PATH, and with `cache:` restore the package manager's cache keyed
 * on the lock files (saved at the end of a successful job when the key missed).
 */
import { readFileSync } from 'node:fs';
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
      const patterns = listInput(ctx, 'cache-dependency-path');
      const lockPatterns = patterns.length ? patterns : cache.lockFiles.map((f) => `**/${f}`);
      const hash = hashFiles(ctx.paths.workspace, lockPatterns);
      if (!hash) return failed(`Dependencies lock file is not found in ${ctx.paths.workspace}. Supported file patterns: ${lockPatterns.join(', ')}`);
      const key = `setup-${config.kind}-Linux-${arch()}-${config.kind}-${chosen.version}-${manager}-${hash}`;
      const path = cache.path(ctx.env);
      const matched = await restoreCache(ctx, services, { key, restoreKeys: [], paths: [path] });
      outcome.outputs!['cache-hit'] = String(matched === key);
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
    npm: { path: (env) => env.npm_config_cache || join(home(env), '.npm'), lockFiles: ['package-lock.json', 'npm-shrinkwrap.json'] },
    yarn: { path: (env) => env.YARN_CACHE_FOLDER || join(home(env), '.cache', 'yarn'), lockFiles: ['yarn.lock'] },
    pnpm: { path: (env) => env.PNPM_STORE_DIR || join(home(env), '.local', 'share', 'pnpm', 'store'), lockFiles: ['pnpm-lock.yaml'] },
  },
});

export const setupPython = setupBuiltin({
  kind: 'python',
  label: 'Python',
  versionInput: 'python-version',
  versionFileInput: 'python-version-file',
  outputs: (tc) => ({ 'python-version': tc.version, 'python-path': tc.executable }),
  caches: {
    pip: { path: (env) => env.PIP_CACHE_DIR || join(home(env), '.cache', 'pip'), lockFiles: ['requirements*.txt', 'pyproject.toml'] },
    pipenv: { path: (env) => join(home(env), '.local', 'share', 'virtualenvs'), lockFiles: ['Pipfile.lock'] },
    poetry: { path: (env) => join(home(env), '.cache', 'pypoetry'), lockFiles: ['poetry.lock'] },
  },
});
