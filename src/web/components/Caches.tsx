import { api } from '../lib/api.js';
import { ago, branchOf, formatSize } from '../lib/format.js';
import { useAction, usePoll } from '../lib/hooks.js';
import { can, useMe } from '../lib/me.js';

interface CacheEntry { key: string; scope: string; version: string; size: number; createdAt: number; lastUsedAt: number }

/** The project's shared cache: what each ref saved, how big, when last used; developers may delete an entry. */
export function Caches({ project }: { project: string }) {
  const base = `/projects/${encodeURIComponent(project)}/caches`;
  const { data, error, reload } = usePoll<{ caches: CacheEntry[] }>(base, 5000);
  const me = useMe();
  const action = useAction();
  const remove = (c: CacheEntry) =>
    action.perform(async () => {
      await api(`${base}?${new URLSearchParams({ key: c.key, ref: c.scope })}`, { method: 'DELETE' });
      reload();
    });
  return (
    <section aria-labelledby="caches-h">
      <h2 id="caches-h">Caches</h2>
      {(error || action.error) && <p role="alert" className="error">{error ?? action.error}</p>}
      {data && !data.caches.length && <p className="muted">No cache entries yet: runners share what actions/cache saves here.</p>}
      {!!data?.caches.length && (
        <table data-testid="caches" className="stack">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Branch</th>
              <th scope="col">Size</th>
              <th scope="col">Last used</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {data.caches.map((c) => (
              <tr key={`${c.scope} ${c.key} ${c.version}`} data-cache={c.key}>
                <td><code>{c.key}</code></td>
                <td data-label="Branch">{branchOf(c.scope)}</td>
                <td data-label="Size">{formatSize(c.size)}</td>
                <td data-label="Last used">{ago(c.lastUsedAt)}</td>
                <td>
                  <button type="button" className="danger" aria-label={`Delete cache ${c.key}`} disabled={action.busy || !can(me, 'developer')} onClick={() => remove(c)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
