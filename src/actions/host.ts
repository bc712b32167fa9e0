/**
 * The action host the engine calls for `uses:` steps: resolves the reference (local folder, action
 * store, built-in, or a git clone), loads its metadata and returns the pre/main/post to run.
 */
import { resolve, join } from 'node:path';
import { existsSync } from 'node:fs';
import { NexusError } from '../errors.js';
import type { ActionHost, ActionStepContext, PreparedAction } from '../engine/action-host.js';
import type { LogLine } from '../engine/step-process.js';
import type { StepDef } from '../workflow/model.js';
import { findBuiltin, unavailableReason, type BuiltinServices } from './builtins/index.js';
import { CompositeRun } from './composite.js';
import type { ActionIdentity } from './identity.js';
import { actionGithubContext } from './identity.js';
import { resolveInputs } from './inputs.js';
import { loadManifest, type ActionManifest } from './manifest.js';
import { runNodeScript } from './node-action.js';
import { actionName, parseActionReference } from './reference.js';
import { ActionStore, defaultActionStore } from './store.js';

export interface ActionHostOptions {
  /** The data folder: caches, artifacts and releases live under it. */
  dataDir: string;
  /** The action store folder (`--action-cache`); default under the user's cache folder. */
  actionCache?: string;
  /** The repository the run comes from (the built-in checkout reads commits from it). */
  root?: string;
  env?: NodeJS.ProcessEnv;
  /** Total size the cache may hold before least-recently-used entries are evicted. */
  cacheLimitBytes?: number;
}

/** GitHub's limit on composite actions calling composite actions. */
const MAX_NESTING = 9;
const DEFAULT_CACHE_LIMIT = 10 * 1024 ** 3;

export function createActionHost(options: ActionHostOptions): ActionHost {
  return new LocalActionHost(options);
}

interface PrepareContext {
  workspace: string;
  log: (line: LogLine) => void;
}

class LocalActionHost implements ActionHost {
  private readonly store: ActionStore;
  private readonly services: BuiltinServices;

  constructor(options: ActionHostOptions) {
    const env = options.env ?? process.env;
    this.store = new ActionStore(options.actionCache ? resolve(options.actionCache) : defaultActionStore(env));
    const limit = Number(env.NEXUS_CACHE_LIMIT_BYTES);
    this.services = { root: options.root, cacheLimitBytes: options.cacheLimitBytes ?? (Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_CACHE_LIMIT) };
  }

  prepare(uses: string, step: StepDef, ctx: PrepareContext): Promise<PreparedAction> {
    return this.prepareAt(uses, step, ctx, 0);
  }

  private async prepareAt(uses: string, step: StepDef, ctx: PrepareContext, depth: number): Promise<PreparedAction> {
    if (depth > MAX_NESTING) throw new NexusError('ACTION_NESTING', `'uses: ${uses}': composite actions are nested more than ${MAX_NESTING} levels deep`);
    const ref = parseActionReference(uses);
    const displayName = `Run ${ref.text}`;
    if (ref.kind === 'docker') throw new NexusError('ACTION_DOCKER', dockerMessage(uses));
    if (ref.kind === 'local') {
      const dir = resolve(ctx.workspace, ref.path);
      if (!existsSync(dir)) throw new NexusError('ACTION_MISSING', `'uses: ${uses}': ${dir} does not exist in the workspace (did a checkout step run first?)`);
      return this.fromManifest(loadManifest(dir, `uses: ${uses}`), { path: dir, repository: '', ref: '' }, displayName, step, ctx, depth);
    }
    const stored = this.store.find(ref.owner, ref.repo, ref.ref);
    const name = actionName(ref);
    if (!stored) {
      const builtin = findBuiltin(name);
      if (builtin) {
        ctx.log({ kind: 'system', text: `${uses}: using Nexus's built-in ${name} (add the real action to the store to use it instead: nexus actions add ${ref.owner}/${ref.repo}@${ref.ref} --from PATH)` });
        return {
          displayName,
          main: (c) => builtin.main(c, this.services),
          post: builtin.post ? (c) => builtin.post!(c, this.services) : undefined,
          postIf: builtin.postIf,
        };
      }
      const missing = unavailableReason(name);
      if (missing) throw new NexusError('ACTION_UNAVAILABLE', `${uses} ${missing}; no built-in can stand in for it. To run the real action, add it to the store: nexus actions add ${ref.owner}/${ref.repo}@${ref.ref} --from PATH`);
    }
    const dir = stored ?? (await this.store.fetch(ref.owner, ref.repo, ref.ref));
    const actionDir = ref.path ? join(dir, ref.path) : dir;
    return this.fromManifest(loadManifest(actionDir, `uses: ${uses}`), { path: actionDir, repository: `${ref.owner}/${ref.repo}`, ref: ref.ref }, displayName, step, ctx, depth);
  }

  private async fromManifest(manifest: ActionManifest, id: ActionIdentity, displayName: string, step: StepDef, prepare: PrepareContext, depth: number): Promise<PreparedAction> {
    const label = step.uses ?? manifest.file;
    /** Warnings about the inputs are given once, by the main step. */
    const inputsOf = (ctx: ActionStepContext, warn = false) => {
      const github = actionGithubContext(ctx, id);
      const resolved = resolveInputs(manifest.inputs, ctx.inputs, ctx.scope.with({ github }), label);
      if (warn) for (const w of resolved.warnings) ctx.log({ kind: 'warning', text: w });
      return resolved.values;
    };
    if (manifest.kind === 'docker') throw new NexusError('ACTION_DOCKER', dockerMessage(label));
    if (manifest.kind === 'node') {
      const node = manifest.node!;
      return {
        displayName,
        pre: node.pre ? (ctx) => runNodeScript(ctx, manifest.dir, node.pre!, inputsOf(ctx), id) : undefined,
        main: (ctx) => runNodeScript(ctx, manifest.dir, node.main, inputsOf(ctx, true), id),
        post: node.post ? (ctx) => runNodeScript(ctx, manifest.dir, node.post!, inputsOf(ctx), id) : undefined,
        preIf: node.preIf,
        postIf: node.postIf,
      };
    }
    const nested = new Map<number, PreparedAction>();
    for (const s of manifest.steps ?? []) if (s.uses) nested.set(s.index, await this.prepareAt(s.uses, s, prepare, depth + 1));
    const composite = new CompositeRun(manifest, id, nested);
    return {
      displayName,
      main: (ctx) => composite.main(ctx, inputsOf(ctx, true)),
      post: composite.hasPost ? (ctx) => composite.post(ctx) : undefined,
    };
  }
}

function dockerMessage(uses: string): string {
  return `${uses} is a container action, which needs a container engine (Docker or Podman); none runs on this host. Run it on a runner with a container engine, or use a JavaScript or composite action instead.`;
}
