/**
 * The server side of environment protection: the rules come from `.nexus/environments.yml` at the run's
 * commit (as the workflow does), the decision from src/environments/protection.ts, the reviews from the store.
 */
import { ENVIRONMENTS_FILE, implicitEnvironment, parseEnvironments, type EnvironmentConfig, type EnvironmentsFile } from '../environments/config.js';
import { gateState, type GateState, type ReviewRecord } from '../environments/protection.js';
import type { Approval, Project, Run } from '../store/types.js';
import type { Repos } from './git/repos.js';

export const WAITING_FOR_APPROVAL = 'waiting for approval';

export interface EnvironmentRules {
  env: EnvironmentConfig;
  teams: EnvironmentsFile['teams'];
  protectedBranches: string[];
}

/** An environment the file does not declare has no rules; a file that does not parse is an error the job fails with. */
export async function environmentAt(repos: Repos, project: Project, sha: string, name: string): Promise<EnvironmentRules> {
  const source = await repos.git(project.name, ['show', `${sha}:${ENVIRONMENTS_FILE}`]).catch(() => undefined);
  const file = source === undefined ? undefined : parseEnvironments(source, `${ENVIRONMENTS_FILE} at ${sha.slice(0, 12)}`);
  return {
    env: file?.environments.get(name) ?? implicitEnvironment(name),
    teams: file?.teams ?? {},
    protectedBranches: [...(file?.protectedBranches ?? []), project.defaultBranch],
  };
}

export function reviewsOf(a: Approval): ReviewRecord[] {
  if (a.status === 'pending' || !a.reviewer) return [];
  return [{ environment: a.environment, actor: a.reviewer, at: new Date(a.decidedAt ?? a.createdAt).toISOString(), comment: a.comment ?? undefined, decision: a.status }];
}

export function gateOf(rules: EnvironmentRules, run: Run, approval: Approval, now = new Date()): GateState {
  return gateState(rules.env, rules.teams, rules.protectedBranches, { ref: run.ref, triggeredBy: run.actor, requestedAt: new Date(approval.createdAt), reviews: reviewsOf(approval) }, now);
}
