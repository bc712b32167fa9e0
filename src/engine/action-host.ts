/**
 * The seam between the job executor and `uses:` steps. The engine knows how to run a step's
 * process under the runner protocol; what an action is (local, JavaScript, composite, built-in)
 * is the business of src/actions, which implements this interface.
 */
import type { ExpressionScope } from '../workflow/expressions.js';
import type { StepDef } from '../workflow/model.js';
import type { Masker } from './masker.js';
import type { Annotation } from './results.js';
import type { LogLine } from './step-process.js';
import type { RunInfo, JobPaths } from './github-context.js';

/** Everything an action step may use while it runs. */
export interface ActionStepContext {
  step: StepDef;
  /** The evaluated `with:` inputs. */
  inputs: Record<string, string>;
  /** The full environment of the step's processes (runner variables, env context, PATH). */
  env: Record<string, string>;
  /** The expression scope of the step (for composite actions and action.yml templates). */
  scope: ExpressionScope;
  run: RunInfo;
  paths: JobPaths;
  jobKey: string;
  jobId: string;
  masker: Masker;
  log: (line: LogLine) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** For post steps: what the main step saved with GITHUB_STATE. */
  state: Record<string, string>;
  /** True while the job is still succeeding (for `post-if`/`pre-if` defaults). */
  jobStatus: 'success' | 'failure' | 'cancelled';
  /** The job as a whole (for built-ins that need the data folder or the secrets). */
  secrets: Record<string, string>;
  dataDir: string;
  /** Who approved the job's environment, when it needed a review. */
  approver?: string;
  /** The job's `environment:` name: the one whose protection rules let the job start (a deploy step may only target it). */
  environment?: string;
  /** Where the run's repository can be fetched from, when it is not on this host. */
  repository?: RepositorySource;
  /** The cache every runner of a server shares, when the job runs for one. */
  sharedCache?: SharedCache;
}

/**
 * A cache shared beyond this host (a server's), scoped by ref as GitHub scopes caches. Entries travel
 * packed by the cache store; the lookup follows GitHub's order (the key exact, then each restore key
 * as a prefix, newest first; the job's own ref before the default branch).
 */
export interface SharedCache {
  /** The best entry for the keys, or undefined when nothing matches. */
  lookup(key: string, restoreKeys: string[], version: string): Promise<{ key: string; scope: string } | undefined>;
  /** Writes the packed entry found by `lookup` into `file`. */
  download(entry: { key: string; scope: string }, version: string, file: string): Promise<void>;
  /** Offers a packed entry (its record names key and version) for the job's ref; the first one stored for them stands. */
  offer(file: string): Promise<'saved' | 'exists' | 'too-large'>;
}

/** A git URL with the HTTP headers (credentials) a fetch from it needs. */
export interface RepositorySource {
  url: string;
  headers?: Record<string, string>;
}

export interface ActionStepOutcome {
  outcome: 'success' | 'failure';
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  path?: string[];
  state?: Record<string, string>;
  summary?: string;
  annotations?: Annotation[];
  /** Shown as the step's error when it fails. */
  error?: string;
}

export interface PreparedAction {
  /** How the step is called when it has no name: `Run actions/checkout@v4`. */
  displayName: string;
  pre?: (ctx: ActionStepContext) => Promise<ActionStepOutcome>;
  main: (ctx: ActionStepContext) => Promise<ActionStepOutcome>;
  post?: (ctx: ActionStepContext) => Promise<ActionStepOutcome>;
  /** `pre-if` / `post-if` conditions (default `always()` for post, as GitHub). */
  preIf?: string;
  postIf?: string;
}

export interface ActionHost {
  /** Resolves a `uses:` reference before the job's steps run ("Set up job"), or fails clearly. */
  prepare(uses: string, step: StepDef, ctx: { workspace: string; log: (line: LogLine) => void }): Promise<PreparedAction>;
}
