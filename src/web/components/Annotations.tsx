import { useEffect, useState } from 'react';
import { apiText, type Job, type Run } from '../lib/api.js';
import { runPath } from '../lib/format.js';
import { LogModel } from '../lib/log-model.js';
import { Link } from './Link.js';

interface Annotation { job: Job; level: string; message: string; line: number; file?: string; fileLine?: string }

/**
 * Errors, warnings and notices (`::error file=…::`) of the run's finished jobs, read from their
 * logs; each links to its log line.
 */
export function Annotations({ run, jobs }: { run: Run; jobs: Job[] }) {
  const [found, setFound] = useState<Map<string, Annotation[]>>(new Map());
  const finished = jobs.filter((j) => j.status === 'completed' && j.startedAt);
  const want = finished.map((j) => `${j.id}@${j.finishedAt}`).join(',');
  useEffect(() => {
    const ctl = new AbortController();
    for (const job of finished) {
      const k = `${job.id}@${job.finishedAt}`;
      if (found.has(k)) continue;
      apiText(`/jobs/${job.id}/logs`, ctl.signal).then(
        (text) => {
          const m = new LogModel();
          m.append(text);
          const list = m.lines
            .filter((l) => l.kind === 'error' || l.kind === 'warning' || l.kind === 'notice')
            .map((l) => ({ job, level: l.kind, message: l.text, line: l.n, file: l.props?.file, fileLine: l.props?.line }));
          setFound((prev) => new Map(prev).set(k, list));
        },
        () => undefined,
      );
    }
    return () => ctl.abort();
  }, [want]);
  const all = finished.flatMap((j) => found.get(`${j.id}@${j.finishedAt}`) ?? []);
  if (!all.length) return null;
  return (
    <section className="annotations card" aria-labelledby="ann-h" data-testid="annotations">
      <h2 id="ann-h">Annotations <span className="muted">{all.length}</span></h2>
      <ul>
        {all.map((a) => (
          <li key={`${a.job.id}:${a.line}`} className={`annotation level-${a.level}`}>
            <span className={`badge badge-${a.level === 'error' ? 'failure' : a.level === 'warning' ? 'cancelled' : 'queued'}`}>{a.level}</span>{' '}
            <Link to={`${runPath(run)}/jobs/${a.job.id}#L${a.line}`}>
              <strong>{a.job.key}</strong>
              {a.file && <code> {a.file}{a.fileLine ? `:${a.fileLine}` : ''}</code>}
            </Link>{' '}
            <span className="annotation-message">{a.message}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
