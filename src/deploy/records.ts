/**
 * Deployment records as GitHub keeps them, plus what GitHub lacks: the revision, the artifact digest, the
 * approver and the analysis. Statuses are appended, never rewritten; a rollback is a record of its own.
 */
import type { AnalysisSettings } from './analysis.js';

export const DEPLOYMENT_STATES = ['queued', 'in_progress', 'success', 'failure', 'inactive', 'rolled_back'] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

export interface DeploymentStatus {
  state: DeploymentState;
  at: string;
  reason: string;
}

export interface AnalysisFigures {
  requests: number;
  errors: number;
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  consecutiveProbeFailures: number;
}

export type AnalysisVerdict = 'running' | 'passed' | 'inconclusive' | 'failed';

export interface AnalysisRecord {
  verdict: AnalysisVerdict;
  startedAt: string;
  endsAt: string;
  /** The revision that was live before the switch (what a breach switches back to). */
  previousRevision?: number;
  /** The thresholds in force, so a restarted supervisor can resume the analysis. */
  settings: AnalysisSettings;
  /** The rule that fired (health, error-rate, latency) on a breach. */
  rule?: string;
  reason?: string;
  figures: AnalysisFigures;
  /** Samples from the switch to the end, newest last: one per evaluation, spread out to at most about 300. */
  measurements: Array<{ at: string } & AnalysisFigures>;
}

export interface DeploymentRecord {
  id: number;
  environment: string;
  service: string;
  /** The service revision this deployment puts live (a rollback restores an older one). */
  revision: number;
  kind: 'deploy' | 'rollback';
  /** For a rollback: the deployment it undoes. */
  rollbackOf?: number;
  commit?: string;
  ref?: string;
  /** The workflow run that deployed (for a rollback, the one whose deployment it undoes): a server maps it to its project. Absent for CLI deploys. */
  runId?: string;
  artifactDigest?: string;
  creator: string;
  approver?: string;
  url?: string;
  createdAt: string;
  statuses: DeploymentStatus[];
  analysis?: AnalysisRecord;
}

export function currentState(record: Pick<DeploymentRecord, 'statuses'>): DeploymentState {
  return record.statuses[record.statuses.length - 1]?.state ?? 'queued';
}
