import type { Job } from '../lib/api.js';
import { elapsed, state } from '../lib/format.js';
import { HEADER, ROW, layoutGraph } from '../lib/graph-layout.js';
import { StatusIcon } from './Status.js';

/** The run's jobs as stages left to right, matrix instances grouped, edges from `needs`. */
export function JobGraph({ jobs, selected, onSelect, now }: { jobs: Job[]; selected: number | null; onSelect: (job: Job) => void; now: number }) {
  const { boxes, edges, width, height } = layoutGraph(jobs);
  return (
    <div className="graph-scroll">
      <div className="graph" style={{ width, height }}>
        <svg width={width} height={height} aria-hidden="true" className="graph-edges">
          {edges.map((e) => (
            <path key={`${e.from}->${e.to}`} d={e.d} data-edge={`${e.from}->${e.to}`} />
          ))}
          {boxes.map((b) => (
            <rect key={b.jobId} x={b.x} y={b.y} width={b.width} height={b.height} rx={8} className={`box box-${aggregateState(b.jobs)}`} />
          ))}
        </svg>
        {boxes.map((b) => (
          <div key={b.jobId} className="graph-box" style={{ left: b.x, top: b.y, width: b.width }} role="group" aria-label={b.matrix ? `${b.jobId} (matrix)` : b.jobId}>
            {b.matrix && (
              <div className="graph-head" style={{ height: HEADER }}>
                {b.jobId} <span className="muted">· {b.jobs.length}</span>
              </div>
            )}
            {b.jobs.map((j) => (
              <button
                key={j.id}
                type="button"
                className={`graph-job${selected === j.id ? ' selected' : ''}`}
                style={{ height: ROW }}
                onClick={() => onSelect(j)}
                data-job={j.key}
                data-state={state(j.status, j.conclusion)}
                aria-pressed={selected === j.id}
              >
                <StatusIcon status={j.status} conclusion={j.conclusion} />
                <span className="graph-name">{b.matrix ? j.key.replace(`${b.jobId} `, '').replace(/^\((.*)\)$/, '$1') : j.name || j.key}</span>
                <span className="muted graph-time">{elapsed(j.startedAt, j.finishedAt, now)}</span>
              </button>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function aggregateState(jobs: Job[]): string {
  const s = jobs.map((j) => state(j.status, j.conclusion));
  for (const k of ['failure', 'running', 'queued', 'waiting', 'cancelled', 'success', 'skipped']) if (s.includes(k)) return k;
  return 'waiting';
}
