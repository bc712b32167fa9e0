/**
 * Does an event start a workflow? GitHub's rules for push, pull_request, schedule and
 * workflow_dispatch, with branch, tag and path filters.
 */
import type { EventsConfig, WorkflowDef } from '../workflow/model.js';
import { matchesFilters } from './filter-pattern.js';

export interface TriggerEvent {
  name: string;
  payload: Record<string, unknown>;
  /** Files changed by a push or pull request, when known; path filters need them. */
  changedFiles?: string[];
  /** For `schedule`: the cron line that fired (a workflow may have several). */
  cron?: string;
}

const PR_DEFAULT_TYPES = ['opened', 'synchronize', 'reopened'];

export function workflowTriggers(workflow: WorkflowDef, event: TriggerEvent): boolean {
  const events = workflow.events as EventsConfig & Record<string, unknown>;
  if (!(event.name in events)) return false;
  switch (event.name) {
    case 'push':
      return matchPush(events.push ?? {}, event);
    case 'pull_request':
    case 'pull_request_target':
      return matchPullRequest(events[event.name] as PullRequestFilter ?? {}, event);
    case 'schedule':
      return event.cron === undefined || (events.schedule ?? []).some((s) => s.cron === event.cron);
    default:
      return matchTypes(events[event.name], event);
  }
}

type PushFilter = NonNullable<EventsConfig['push']>;
type PullRequestFilter = NonNullable<EventsConfig['pull_request']>;

function matchPush(filter: PushFilter, event: TriggerEvent): boolean {
  const ref = String(event.payload.ref ?? '');
  const isTag = ref.startsWith('refs/tags/');
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  const hasBranchFilter = filter.branches !== undefined || filter['branches-ignore'] !== undefined;
  const hasTagFilter = filter.tags !== undefined || filter['tags-ignore'] !== undefined;
  if (isTag) {
    // Only a branch filter: tag pushes do not run. Path filters are not evaluated for tags.
    if (!hasTagFilter) return !hasBranchFilter;
    return refFilter(name, filter.tags, filter['tags-ignore']);
  }
  if (!hasBranchFilter && hasTagFilter) return false;
  if (hasBranchFilter && !refFilter(name, filter.branches, filter['branches-ignore'])) return false;
  return pathFilter(filter.paths, filter['paths-ignore'], event.changedFiles);
}

function matchPullRequest(filter: PullRequestFilter, event: TriggerEvent): boolean {
  const action = String(event.payload.action ?? 'opened');
  if (!(filter.types ?? PR_DEFAULT_TYPES).includes(action)) return false;
  const pr = (event.payload.pull_request ?? {}) as { base?: { ref?: string } };
  const base = pr.base?.ref ?? '';
  if (!refFilter(base, filter.branches, filter['branches-ignore'])) return false;
  return pathFilter(filter.paths, filter['paths-ignore'], event.changedFiles);
}

function matchTypes(config: unknown, event: TriggerEvent): boolean {
  const types = (config as { types?: string[] } | null | undefined)?.types;
  return !types || event.payload.action === undefined || types.includes(String(event.payload.action));
}

function refFilter(name: string, include: string[] | undefined, ignore: string[] | undefined): boolean {
  if (include) return matchesFilters(name, include);
  if (ignore) return !matchesFilters(name, ignore);
  return true;
}

/** Without the changed files (unknown), path filters cannot exclude the event, as on a new branch. */
function pathFilter(include: string[] | undefined, ignore: string[] | undefined, files: string[] | undefined): boolean {
  if (!files) return true;
  if (include) return files.some((f) => matchesFilters(f, include));
  if (ignore) return !files.every((f) => matchesFilters(f, ignore));
  return true;
}
