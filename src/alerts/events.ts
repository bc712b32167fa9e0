/** What a notification is about: one deployment or approval event, with the facts every channel renders. */
import type { NotificationEvent } from '../environments/config.js';
import type { AnalysisFigures } from '../deploy/records.js';

export interface AlertEvent {
  kind: NotificationEvent;
  at: string;
  environment: string;
  service?: string;
  deployment?: number;
  revision?: number;
  /** For rollbacks: the revision traffic went back to. */
  restoredRevision?: number;
  commit?: string;
  ref?: string;
  actor?: string;
  url?: string;
  reason?: string;
  rule?: string;
  figures?: AnalysisFigures;
  /** For approval requests: the run waiting and who may review it. */
  run?: string;
  reviewers?: string[];
}
