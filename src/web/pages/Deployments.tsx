import { useState } from 'react';
import { api } from '../lib/api.js';
import { ago, shortSha } from '../lib/format.js';
import { useAction, usePoll } from '../lib/hooks.js';
import { can, useMe } from '../lib/me.js';
import { Link } from '../components/Link.js';

export interface Approval {
  id: number; runId: number; jobId: number; jobKey: string; environment: string; ref: string; sha: string;
  requestedBy: string; requestedAt: number; rules: string[]; reviewers: string[]; canApprove: boolean; why?: string;
}
interface DeploymentStatus { state: string; at: string; reason: string }
interface Figures { requests: number; errors: number; errorRate: number; p95Ms?: number; consecutiveProbeFailures: number }
export interface Deployment {
  id: number; environment: string; service: string; revision: number; kind: 'deploy' | 'rollback'; rollbackOf?: number; commit?: string; ref?: string;
  creator: string; approver?: string; url?: string; createdAt: string; statuses: DeploymentStatus[];
  analysis?: { verdict: string; rule?: string; reason?: string; figures: Figures };
}
/** `live`: what serves each of the environment's services now. */
interface Environment { name: string; url?: string; rules: string[]; reviewers: string[]; live: Deployment[] }

const stateOf = (d: Deployment) => d.statuses[d.statuses.length - 1]?.state ?? 'queued';

/** Pending approvals, each environment with what is live, and the history of deployments and rollbacks. */
export function Deployments({ project }: { project: string }) {
  const base = `/projects/${encodeURIComponent(project)}`;
  const approvals = usePoll<{ approvals: Approval[] }>(`${base}/approvals`, 1000);
  const envs = usePoll<{ environments: Environment[] }>(`${base}/environments`, 3000);
  const deployments = usePoll<{ deployments: Deployment[] }>(`${base}/deployments`, 3000);
  const problem = [approvals.error, envs.error, deployments.error].find(Boolean);
  return (
    <>
      <h1>Deployments</h1>
      {problem && <p role="alert" className="error">{problem}</p>}
      <section aria-labelledby="pending-h">
        <h2 id="pending-h">Waiting for approval</h2>
        {approvals.data && !approvals.data.approvals.length && <p className="muted">Nothing is waiting.</p>}
        {approvals.data?.approvals.map((a) => <ApprovalCard key={a.id} project={project} approval={a} onDone={approvals.reload} />)}
      </section>
      <section aria-labelledby="env-h">
        <h2 id="env-h">Environments</h2>
        {envs.data && !envs.data.environments.length && <p className="muted">No environments declared in .nexus/environments.yml on the default branch.</p>}
        <div className="cards">
          {envs.data?.environments.map((e) => (
            <article key={e.name} className="card env" data-env={e.name}>
              <h3>{e.name}</h3>
              {e.live.length ? (
                <ul className="live" aria-label={`Live in ${e.name}`}>
                  {e.live.map((d) => (
                    <li key={d.id} data-service={d.service}>
                      Live: <strong>{d.service} r{d.revision}</strong> {d.commit && <code>{shortSha(d.commit)}</code>}{' '}
                      {(d.url ?? e.url) && <a href={d.url ?? e.url} rel="noopener noreferrer">{d.url ?? e.url}</a>}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">
                  Nothing live.{' '}
                  {e.url && <a href={e.url} rel="noopener noreferrer">{e.url}</a>}
                </p>
              )}
              {e.rules.length > 0 && <ul className="rules">{e.rules.map((r) => <li key={r}>{r}</li>)}</ul>}
            </article>
          ))}
        </div>
      </section>
      <section aria-labelledby="hist-h">
        <h2 id="hist-h">History</h2>
        {deployments.data && !deployments.data.deployments.length && <p className="muted">No deployments yet.</p>}
        {!!deployments.data?.deployments.length && (
          <table data-testid="deployments" className="stack">
            <thead>
              <tr>
                <th scope="col">Environment</th>
                <th scope="col">Revision</th>
                <th scope="col">Commit</th>
                <th scope="col">Approved by</th>
                <th scope="col">Status</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {deployments.data.deployments.map((d) => (
                <tr key={d.id} data-state={stateOf(d)}>
                  <td>{d.environment}</td>
                  <td data-label="Revision">
                    {d.service} r{d.revision}
                    {d.kind === 'rollback' && <span className="muted"> (rollback{d.rollbackOf ? ` of #${d.rollbackOf}` : ''})</span>}
                  </td>
                  <td data-label="Commit">{d.commit ? <code>{shortSha(d.commit)}</code> : ''}</td>
                  <td data-label="Approved by">{d.approver ?? <span className="muted">—</span>}</td>
                  <td data-label="Status"><span className={`badge badge-${stateOf(d) === 'success' ? 'success' : /fail|rolled/.test(stateOf(d)) ? 'failure' : 'queued'}`}>{stateOf(d).replace('_', ' ')}</span></td>
                  <td className="small wide">
                    {d.analysis?.rule && (
                      <>
                        {d.analysis.rule}: {d.analysis.reason} ({d.analysis.figures.requests} requests, {(d.analysis.figures.errorRate * 100).toFixed(1)}% errors
                        {d.analysis.figures.p95Ms !== undefined ? `, p95 ${Math.round(d.analysis.figures.p95Ms)} ms` : ''})
                      </>
                    )}
                    {!d.analysis?.rule && d.statuses[d.statuses.length - 1]?.reason}
                    <span className="muted"> {ago(Date.parse(d.createdAt))}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function ApprovalCard({ project, approval: a, onDone }: { project: string; approval: Approval; onDone: () => void }) {
  const me = useMe();
  const [comment, setComment] = useState('');
  const { busy, error, perform } = useAction();
  const allowed = can(me, 'developer') && a.canApprove;
  const decide = (decision: 'approved' | 'rejected') =>
    perform(async () => {
      await api(`/approvals/${a.id}`, { method: 'POST', body: { decision, comment } });
      onDone();
    });
  const id = `comment-${a.id}`;
  return (
    <article className="card approval" data-approval={a.environment} aria-label={`Deployment to ${a.environment} waiting for approval`}>
      <h3>
        Deploy to <strong>{a.environment}</strong>
      </h3>
      <p>
        <Link to={`/p/${encodeURIComponent(project)}/runs/${a.runId}/jobs/${a.jobId}`}>{a.jobKey}</Link> from <code>{a.ref.replace(/^refs\/(heads|tags)\//, '')}</code> at <code>{shortSha(a.sha)}</code>, requested by {a.requestedBy}{' '}
        <span className="muted">{ago(a.requestedAt)}</span>
      </p>
      {a.rules.length > 0 && <ul className="rules">{a.rules.map((r) => <li key={r}>{r}</li>)}</ul>}
      <p>May approve: {a.reviewers.length ? a.reviewers.join(', ') : 'anyone with the developer role'}</p>
      <label htmlFor={id}>Comment</label>
      <textarea id={id} value={comment} onChange={(e) => setComment(e.target.value)} rows={2} />
      {!allowed && <p className="muted">{a.why ?? 'You may not review this deployment.'}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      <div className="actions">
        <button type="button" className="primary" disabled={busy || !allowed} onClick={() => decide('approved')}>Approve and deploy</button>
        <button type="button" className="danger" disabled={busy || !allowed} onClick={() => decide('rejected')}>Reject</button>
      </div>
    </article>
  );
}
