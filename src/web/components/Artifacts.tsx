import { useEffect, useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { downloadFile } from '../lib/download.js';
import { formatSize } from '../lib/format.js';

interface Artifact { name: string; files: number; size: number; expiresAt: number }

/** The run's uploaded artifacts, each a zip download; hidden when the run has none. */
export function Artifacts({ runId, finished }: { runId: number; finished: boolean }) {
  const [list, setList] = useState<Artifact[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<{ artifacts: Artifact[] }>(`/runs/${runId}/artifacts`).then(
      (d) => setList(d.artifacts),
      (e) => setError(errorText(e)),
    );
  }, [runId, finished]);
  if (!list.length) return error ? <p className="error">{error}</p> : null;
  return (
    <section className="card" aria-labelledby="art-h">
      <h2 id="art-h">Artifacts</h2>
      <ul>
        {list.map((a) => (
          <li key={a.name} data-artifact={a.name}>
            <button type="button" className="link" onClick={() => downloadFile(`/runs/${runId}/artifacts/${encodeURIComponent(a.name)}`, `${a.name}.zip`).catch((e) => setError(errorText(e)))}>
              {a.name}
            </button>{' '}
            <span className="muted">{a.files} file{a.files === 1 ? '' : 's'}, {formatSize(a.size)}</span>
          </li>
        ))}
      </ul>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
