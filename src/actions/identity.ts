/** Which action a step runs, as the runner exposes it (`github.action*`, `GITHUB_ACTION*`). */
import type { ActionStepContext } from '../engine/action-host.js';

export interface ActionIdentity {
  /** The folder holding action.yml (empty for built-ins). */
  path: string;
  /** `owner/repo` for remote actions, empty for local ones. */
  repository: string;
  ref: string;
}

export function actionEnvironment(ctx: ActionStepContext, id: ActionIdentity): Record<string, string> {
  return {
    GITHUB_ACTION: ctx.step.id,
    GITHUB_ACTION_PATH: id.path,
    GITHUB_ACTION_REPOSITORY: id.repository,
    GITHUB_ACTION_REF: id.ref,
  };
}

/** The `github` context of the action's own expressions. */
export function actionGithubContext(ctx: ActionStepContext, id: ActionIdentity): Record<string, unknown> {
  return {
    ...(ctx.scope.contexts.github as Record<string, unknown>),
    action: ctx.step.id,
    action_path: id.path,
    action_repository: id.repository,
    action_ref: id.ref,
  };
}

export function stateEnvironment(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
}
