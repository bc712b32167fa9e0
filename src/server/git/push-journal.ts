import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZERO_SHA } from './repos.js';
import type { RefUpdate } from './push-event.js';

/**
 * git's reference-transaction hook, run by receive-pack for every ref transaction of a push: once the refs
 * are committed, and before git reports success to the pusher, it writes the transaction's updates and the
 * refs as they now are to a journal file. The ref diff is git's own, per push, whatever other pushes (on
 * this or another replica) do at the same time, and a server that dies after git accepted a push finds
 * the journal on disk when it (or another replica) starts.
 */
const HOOK = `#!/bin/sh
# Installed by nexus serve (src/server/git/push-journal.ts): journals the ref updates of a push.
if [ "$1" != committed ] || [ -z "$NEXUS_PUSH_JOURNAL" ]; then cat >/dev/null; exit 0; fi
tmp="$NEXUS_PUSH_JOURNAL.$$.tmp"
{ echo "#pusher $REMOTE_USER"; cat; echo '#refs'; git for-each-ref --format='%(objectname) %(refname)'; } > "$tmp" && mv "$tmp" "$NEXUS_PUSH_JOURNAL.$(date +%s%N).$$.txt"
`;

export interface JournalledPush {
  /** The push's journal name: `PROJECT.UUID`. */
  id: string;
  project: string;
  updates: RefUpdate[];
  /** Every ref just before the push. */
  refsBefore: Map<string, string>;
  /** Who pushed, as the server named them to git. */
  pusher: string;
  files: string[];
}

export class PushJournal {
  readonly hooksDir: string;
  readonly dir: string;

  constructor(reposRoot: string) {
    // Project names start with a letter or digit, so these folders never clash with a repository.
    this.hooksDir = join(reposRoot, '.hooks');
    this.dir = join(reposRoot, '.journal');
    mkdirSync(this.hooksDir, { recursive: true });
    mkdirSync(this.dir, { recursive: true });
    const hook = join(this.hooksDir, 'reference-transaction');
    const tmp = `${hook}.${process.pid}.tmp`;
    writeFileSync(tmp, HOOK, { mode: 0o755 });
    renameSync(tmp, hook);
  }

  /** The environment that makes git http-backend journal a push to `project`, and the push's journal name. */
  forPush(project: string): { id: string; env: NodeJS.ProcessEnv } {
    const id = `${project}.${randomUUID()}`;
    return {
      id,
      env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.hooksPath', GIT_CONFIG_VALUE_0: this.hooksDir, NEXUS_PUSH_JOURNAL: join(this.dir, id) },
    };
  }

  /** The pushes journalled so far, each with its files; `olderThanMs` leaves pushes still being written alone. */
  read(filter: { id?: string; olderThanMs?: number } = {}): JournalledPush[] {
    const byPush = new Map<string, string[]>();
    for (const f of readdirSync(this.dir).sort()) {
      const m = /^(.+\.[0-9a-f-]{36})\.\d+\.\d+\.txt$/.exec(f);
      if (!m || (filter.id && m[1] !== filter.id)) continue;
      if (filter.olderThanMs !== undefined) {
        const mtime = statSync(join(this.dir, f), { throwIfNoEntry: false })?.mtimeMs;
        if (mtime === undefined || Date.now() - mtime < filter.olderThanMs) continue;
      }
      byPush.set(m[1], [...(byPush.get(m[1]) ?? []), f]);
    }
    const out: JournalledPush[] = [];
    for (const [id, files] of byPush) {
      const texts = files.map((f) => readFileSync(join(this.dir, f), { encoding: 'utf8', flag: 'r' }));
      out.push({ id, project: id.slice(0, id.lastIndexOf('.')), files, ...parse(texts) });
    }
    return out;
  }

  /** Forgets a push once the store holds its updates; another replica may have removed the files already. */
  remove(push: JournalledPush): void {
    for (const f of push.files) {
      try {
        unlinkSync(join(this.dir, f));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
}

/**
 * One push's journal files, in the order they were written. A ref's `before` is the first real old value
 * any transaction gave for it (git may run a second, packed-refs transaction for a deletion), its `after`
 * the last new one; refs before the push are the refs after it with the push's updates undone.
 */
function parse(texts: string[]): { updates: RefUpdate[]; refsBefore: Map<string, string>; pusher: string } {
  const seen = new Map<string, RefUpdate>();
  let refsAfter = new Map<string, string>();
  let pusher = '';
  for (const text of texts) {
    const [head, refs = ''] = text.split('#refs\n');
    for (const line of head.split('\n')) {
      if (line.startsWith('#pusher ')) pusher = line.slice('#pusher '.length);
      const [before, after, ref] = line.split(' ');
      if (!ref?.startsWith('refs/') || !/^[0-9a-f]{40,64}$/.test(before) || !/^[0-9a-f]{40,64}$/.test(after)) continue;
      const had = seen.get(ref);
      seen.set(ref, { ref, before: had && had.before !== ZERO_SHA ? had.before : before, after });
    }
    refsAfter = new Map(refs.split('\n').filter(Boolean).map((l) => [l.slice(l.indexOf(' ') + 1), l.slice(0, l.indexOf(' '))]));
  }
  const updates = [...seen.values()].filter((u) => u.before !== u.after);
  const refsBefore = new Map(refsAfter);
  for (const u of updates) {
    if (u.before === ZERO_SHA) refsBefore.delete(u.ref);
    else refsBefore.set(u.ref, u.before);
  }
  return { updates, refsBefore, pusher };
}
