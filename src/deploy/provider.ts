/**
 * What a deployment target must offer so blue/green, analysis and rollback work the same everywhere. The local
 * target (processes behind the built-in proxy) is the reference implementation; docs/deployments.md describes
 * how an ECS or Kubernetes target maps onto it.
 */
import type { TrafficSummary } from './metrics.js';
import type { ProbeResult } from './supervisor.js';

export interface ServiceKey {
  environment: string;
  service: string;
}

/** Everything needed to (re)start one revision of a service; stored, so it must never hold secret values. */
export interface RevisionSpec extends ServiceKey {
  revision: number;
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** Secrets the process gets as environment variables: names only here, values held in memory by the target. */
  secretNames?: string[];
  healthPath: string;
  commit?: string;
  artifactDigest?: string;
}

export type RevisionState = 'starting' | 'ready' | 'live' | 'stopped';

export interface RevisionInfo {
  spec: RevisionSpec;
  state: RevisionState;
  /** Where this revision answers directly (smoke tests, probes), while it runs. */
  endpoint?: string;
  startedAt?: string;
}

export interface DeploymentProvider {
  readonly name: string;
  /** The stable URL of the service (created on first use). */
  serviceUrl(key: ServiceKey, preferredPort?: number): Promise<string>;
  /** Starts a revision beside the live one; it receives no traffic until `switchTraffic`. `secrets` (values of `spec.secretNames`) are never stored. */
  startRevision(spec: RevisionSpec, secrets?: Record<string, string>): Promise<RevisionInfo>;
  /** Which of `spec.secretNames` a start would lack: those the target does not hold (values are never stored) and `given` does not name. */
  missingSecrets(spec: RevisionSpec, given: string[]): string[];
  /** Waits until the revision is healthy, or says why it is not. */
  waitHealthy(key: ServiceKey, revision: number, o: { intervalMs: number; probeTimeoutMs: number; timeoutMs: number; signal?: AbortSignal }): Promise<ProbeResult>;
  /** One health probe. */
  health(key: ServiceKey, revision: number, timeoutMs: number): Promise<ProbeResult>;
  /** Moves all new traffic to `revision` at once; returns the revision that was live before. */
  switchTraffic(key: ServiceKey, revision: number): Promise<number | undefined>;
  /** Stops a revision after requests in flight to it have finished. */
  stopRevision(key: ServiceKey, revision: number): Promise<void>;
  listRevisions(key: ServiceKey): Promise<RevisionInfo[]>;
  /** Traffic the target measured for a revision (a provider without its own measurements reads its metrics system). */
  traffic(key: ServiceKey, revision: number, windowMs: number, since: number): TrafficSummary;
}
