import { useEffect, useMemo } from 'react';
import { api, type Job, type Run } from '../lib/api.js';
import { branchOf, elapsed, runPath, shortSha, state } from '../lib/format.js';
import { useAction, useNow, usePoll } from '../lib/hooks.js';
import { can, useMe } from '../lib/me.js';
import { navigate } from '../lib/router.js';
import { JobGraph } from '../components/JobGraph.js';
import { JobPanel } from '../components/JobPanel.js';
import { Annotations } from '../components/Annotations.js';
import { Artifacts } from '../components/Artifacts.js';
import { Link } from '../components/Link.js';
import { StatusLabel } from '../components/Status.js';

/** One run: what it is, its job graph, annotations, artifacts, the selected job's steps and log. */
export function RunPage({ runId, jobId }: { runId: number; jobId: number | null }) {
  const { data, error, reload } = usePoll<{ run: Run; jobs: Job[] }>(`/runs/${runId}`, 1000);
  const now = useNow();
  const me = useMe();
  const { busy, error: actionError, setError: setActionError, perform } = useAction();
  const run = data?.run;
  const jobs = useMemo(() => data?.jobs ?? [], [data]);
  // Without a chosen job, show the one that needs eyes: the first failed, else the first running, else the first.
  const selected = jobs.find((j) => j.id === jobId) ?? (jobId === null ? (jobs.find((j) => j.conclusion === 'failure') ?? jobs.find((j) => j.status === 'running') ?? jobs[0]) : undefined) ?? null;

  const act = (path: string, body?: unknown) =>
    perform(async () => {
      await api(path, { method: 'POST', body: body ?? {} });
      reload();
    });
  useEffect(() => setActionError(undefined), [runId]);
  // Links without the project (/runs/12) settle on the project's address once the run is known.
  useEffect(() => {
    if (run?.project && !location.pathname.startsWith('/p/')) navigate(`${runPath(run)}${jobId ? `/jobs/${jobId}` : ''}${location.hash}`, true);
  }, [run?.project]);

  if (error && !run) return <p role="alert" className="error">{error}</p>;
  if (!run) return <p>Loading…</p>;
  const developer = can(me, 'developer');
  const why = developer ? undefined : 'Needs the developer role';
  const finished = run.status === 'completed';
  const failed = jobs.some((j) => j.conclusion === 'failure' || j.conclusion === 'cancelled');
  return (
    <>
      <div className="run-head">
        <h1>
          {run.workflowName} <span className="muted">#{run.number}</span>
        </h1>
        <span data-testid="run-state">
          <StatusLabel status={run.status} conclusion={run.conclusion} />
        </span>
      </div>
      <dl className="facts">
        <div><dt>Project</dt><dd><Link to={`/p/${encodeURIComponent(run.project ?? '')}`}>{run.project}</Link></dd></div>
        <div><dt>Branch</dt><dd><code>{branchOf(run.ref)}</code></dd></div>
        <div><dt>Commit</dt><dd><Link to={`/p/${encodeURIComponent(run.project ?? '')}/commits/${run.sha}`}><code>{shortSha(run.sha)}</code></Link></dd></div>
        <div><dt>Trigger</dt><dd>{run.event}</dd></div>
        <div><dt>Actor</dt><dd>{run.actor}</dd></div>
        <div><dt>Attempt</dt><dd>{run.attempt}</dd></div>
        <div><dt>Duration</dt><dd>{elapsed(run.startedAt ?? run.createdAt, run.finishedAt, now)}</dd></div>
      </dl>
      {run.reason && <p className="muted">{run.reason}</p>}
      <div className="actions" role="group" aria-label="Run actions">
        {!finished && (
          <button type="button" className="danger" disabled={busy || !developer} title={why} onClick={() => act(`/runs/${run.id}/cancel`)}>
            Cancel run
          </button>
        )}
        {finished && (
          <>
            <button type="button" disabled={busy || !developer} title={why} onClick={() => act(`/runs/${run.id}/rerun`, { failed: false })}>
              Re-run all jobs
            </button>
            <button type="button" disabled={busy || !developer || !failed} title={why} onClick={() => act(`/runs/${run.id}/rerun`, { failed: true })}>
              Re-run failed jobs
            </button>
          </>
        )}
      </div>
      {actionError && <p role="alert" className="error">{actionError}</p>}
      <section aria-labelledby="graph-h">
        <h2 id="graph-h" className="sr-only">Jobs</h2>
        <JobGraph jobs={jobs} selected={selected?.id ?? null} now={now} onSelect={(j) => navigate(`${runPath(run)}/jobs/${j.id}`)} />
      </section>
      <Annotations run={run} jobs={jobs} />
      <Artifacts runId={run.id} finished={finished} />
      {selected ? (
        <JobPanel key={selected.id} job={selected} path={`${runPath(run)}/jobs/${selected.id}`} now={now} />
      ) : (
        jobs.length > 0 && <p className="muted">Choose a job to see its steps and log.</p>
      )}
      {!jobs.length && <p className="muted">This run has no jobs{run.reason ? '' : ' yet'}.</p>}
      <span hidden data-testid="job-states">{jobs.map((j) => `${j.key}=${state(j.status, j.conclusion)}`).join(';')}</span>
    </>
  );
}
