import { useEffect, useState } from 'react';
import { api, ApiError, errorText } from '../lib/api.js';
import { downloadFile } from '../lib/download.js';

interface Artifact { id: number | string; name: string; size: number }

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`);

/** The run's uploaded artifacts, each a download; hidden when the server keeps none. */
export function Artifacts({ runId, finished }: { runId: number; finished: boolean }) {
  const [list, setList] = useState<Artifact[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<{ artifacts: Artifact[] }>(`/runs/${runId}/artifacts`).then(
      (d) => setList(d.artifacts),
      (e) => !(e instanceof ApiError && e.status === 404) && setError(errorText(e)),
    );
  }, [runId, finished]);
  if (!list.length) return error ? <p className="error">{error}</p> : null;
  return (
    <section className="card" aria-labelledby="art-h">
      <h2 id="art-h">Artifacts</h2>
      <ul>
        {list.map((a) => (
          <li key={a.id}>
            <button type="button" className="link" onClick={() => downloadFile(`/runs/${runId}/artifacts/${encodeURIComponent(a.name)}`, `${a.name}.zip`).catch((e) => setError(errorText(e)))}>
              {a.name}
            </button>{' '}
            <span className="muted">{size(a.size)}</span>
          </li>
        ))}
      </ul>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
