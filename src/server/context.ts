import type { Store } from '../store/store.js';
import type { Identify } from './http/auth.js';
import type { ServerConfig } from './config.js';
import type { Repos } from './git/repos.js';
import type { Pipeline } from './pipeline.js';
import type { Scheduler } from './scheduler.js';

/** What every route handler works with; one per server process. */
export interface ServerContext {
  store: Store;
  repos: Repos;
  scheduler: Scheduler;
  pipeline: Pipeline;
  config: ServerConfig;
  /** Who a bearer token (or git password) belongs to. */
  identify: Identify;
  /** The URL clients and runners reach this server at. */
  url(): string;
  log(message: string): void;
}
