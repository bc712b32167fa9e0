import type { Repos } from './repos.js';
import { ZERO_SHA } from './repos.js';

/** GitHub lists at most this many commits in a push payload. */
const MAX_COMMITS = 2048;

export interface RefUpdate {
  ref: string;
  before: string;
  after: string;
}

export function repositoryPayload(project: string, defaultBranch: string, serverUrl: string) {
  return {
    id: 0,
    name: project,
    full_name: `nexus/${project}`,
    private: true,
    owner: { login: 'nexus', name: 'nexus' },
    html_url: `${serverUrl}/projects/${project}`,
    clone_url: `${serverUrl}/git/${project}.git`,
    default_branch: defaultBranch,
    master_branch: defaultBranch,
  };
}

async function commitInfo(repos: Repos, project: string, sha: string, serverUrl: string, distinct: boolean) {
  const sep = '\x1f';
  const raw = await repos.git(project, ['show', '-s', `--format=%T${sep}%an${sep}%ae${sep}%cn${sep}%ce${sep}%cI${sep}%B`, sha]);
  const [tree, an, ae, cn, ce, date, ...message] = raw.split(sep);
  const changes = await repos.git(project, ['diff-tree', '--no-commit-id', '--name-status', '-r', '--root', '-m', '--first-parent', sha]);
  const added: string[] = [];
  const removed: string[] = [];
  const modified: string[] = [];
  for (const line of changes.split('\n').filter(Boolean)) {
    const [status, ...paths] = line.split('\t');
    const path = paths[paths.length - 1];
    if (status.startsWith('A') || status.startsWith('C')) added.push(path);
    else if (status.startsWith('D')) removed.push(path);
    else if (status.startsWith('R')) (removed.push(paths[0]), added.push(path));
    else modified.push(path);
  }
  return {
    id: sha, tree_id: tree, distinct, message: message.join(sep).trimEnd(), timestamp: date,
    url: `${serverUrl}/projects/${project}/commit/${sha}`,
    author: { name: an, email: ae, username: an }, committer: { name: cn, email: ce, username: cn },
    added, removed, modified,
  };
}

/**
 * GitHub's `push` payload for one ref update: created/deleted/forced flags, the new commits (for a new
 * branch, those no other ref had before the push), and `changedFiles` for path filters.
 */
export async function pushPayload(
  repos: Repos,
  project: string,
  update: RefUpdate,
  refsBefore: Map<string, string>,
  ctx: { defaultBranch: string; serverUrl: string; pusher: string },
): Promise<{ payload: Record<string, unknown>; changedFiles: string[] }> {
  const created = update.before === ZERO_SHA;
  const deleted = update.after === ZERO_SHA;
  const isTag = update.ref.startsWith('refs/tags/');
  let shas: string[] = [];
  if (!deleted && !isTag) {
    const others = [...refsBefore].filter(([ref]) => ref !== update.ref).map(([, sha]) => sha);
    const range = created ? [update.after, ...(others.length ? ['--not', ...others] : [])] : [`${update.before}..${update.after}`];
    shas = (await repos.git(project, ['rev-list', '--reverse', `--max-count=${MAX_COMMITS}`, ...range])).split('\n').filter(Boolean);
  }
  const forced = !created && !deleted && !isTag
    ? !(await repos.git(project, ['merge-base', '--is-ancestor', update.before, update.after]).then(() => true, () => false))
    : false;
  const commits = await Promise.all(shas.map((s) => commitInfo(repos, project, s, ctx.serverUrl, true)));
  const headSha = deleted ? null : (await repos.git(project, ['rev-parse', `${update.after}^{commit}`])).trim();
  const headCommit = headSha ? (commits.find((c) => c.id === headSha) ?? (await commitInfo(repos, project, headSha, ctx.serverUrl, false))) : null;
  const changedFiles = [...new Set(commits.flatMap((c) => [...c.added, ...c.removed, ...c.modified]))];
  if (isTag && headCommit) changedFiles.push(...headCommit.added, ...headCommit.modified);
  const pusher = { name: ctx.pusher, email: `${ctx.pusher}@nexus.local` };
  return {
    payload: {
      ref: update.ref,
      before: update.before,
      after: update.after,
      created,
      deleted,
      forced,
      base_ref: null,
      compare: `${ctx.serverUrl}/projects/${project}/compare/${update.before.slice(0, 12)}...${update.after.slice(0, 12)}`,
      commits,
      head_commit: headCommit,
      pusher,
      repository: repositoryPayload(project, ctx.defaultBranch, ctx.serverUrl),
      sender: { login: ctx.pusher },
    },
    changedFiles,
  };
}
