import { useMemo, useState } from 'react';
import type { Run } from '../lib/api.js';
import { ago, branchOf, elapsed, shortSha, state } from '../lib/format.js';
import { useNow, usePoll } from '../lib/hooks.js';
import { Link } from '../components/Link.js';
import { StatusIcon } from '../components/Status.js';

const STATES = ['all', 'running', 'queued', 'waiting', 'success', 'failure', 'cancelled'];

/** A project's runs, newest first, refreshed live; filters apply as you type. */
export function Runs({ project }: { project: string }) {
  const { data, error } = usePoll<{ runs: Run[] }>(`/runs?project=${encodeURIComponent(project)}&limit=200`, 1000);
  const now = useNow();
  const [status, setStatus] = useState('all');
  const [workflow, setWorkflow] = useState('');
  const [branch, setBranch] = useState('');
  const [event, setEvent] = useState('');
  const [actor, setActor] = useState('');
  const runs = data?.runs ?? [];
  const workflows = useMemo(() => [...new Set(runs.map((r) => r.workflowName))].sort(), [runs]);
  const events = useMemo(() => [...new Set(runs.map((r) => r.event))].sort(), [runs]);
  const shown = runs.filter(
    (r) =>
      (status === 'all' || state(r.status, r.conclusion) === status) &&
      (!workflow || r.workflowName === workflow) &&
      (!event || r.event === event) &&
      (!branch || branchOf(r.ref).toLowerCase().includes(branch.toLowerCase())) &&
      (!actor || r.actor.toLowerCase().includes(actor.toLowerCase())),
  );
  return (
    <>
      <h1>Runs</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATES.map((s) => <option key={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Workflow
          <select value={workflow} onChange={(e) => setWorkflow(e.target.value)}>
            <option value="">all</option>
            {workflows.map((w) => <option key={w}>{w}</option>)}
          </select>
        </label>
        <label>
          Trigger
          <select value={event} onChange={(e) => setEvent(e.target.value)}>
            <option value="">all</option>
            {events.map((w) => <option key={w}>{w}</option>)}
          </select>
        </label>
        <label>
          Branch
          <input value={branch} onChange={(e) => setBranch(e.target.value)} placeholder="any" />
        </label>
        <label>
          Actor
          <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="anyone" />
        </label>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {data && !shown.length && <p className="muted">No runs{runs.length ? ' match these filters' : ' yet: push to the project\'s repository'}.</p>}
      <table className="runs" data-testid="runs">
        <caption className="sr-only">Runs of {project}</caption>
        <thead>
          <tr>
            <th scope="col"><span className="sr-only">Status</span></th>
            <th scope="col">Run</th>
            <th scope="col">Branch</th>
            <th scope="col">Commit</th>
            <th scope="col">Trigger</th>
            <th scope="col">Actor</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.id} data-run={r.id} data-state={state(r.status, r.conclusion)}>
              <td><StatusIcon status={r.status} conclusion={r.conclusion} /></td>
              <td>
                <Link to={`/p/${encodeURIComponent(project)}/runs/${r.id}`}>
                  {r.workflowName} <span className="muted">#{r.number}</span>
                </Link>
                {r.reason && <div className="muted small">{r.reason}</div>}
              </td>
              <td data-label="Branch"><code>{branchOf(r.ref)}</code></td>
              <td data-label="Commit"><Link to={`/p/${encodeURIComponent(project)}/commits/${r.sha}`}><code>{shortSha(r.sha)}</code></Link></td>
              <td data-label="Trigger">{r.event}</td>
              <td data-label="Actor">{r.actor}</td>
              <td data-label="Duration" title={new Date(r.createdAt).toISOString()}>
                {elapsed(r.startedAt ?? r.createdAt, r.finishedAt, now)} <span className="muted small">{ago(r.createdAt, now)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
