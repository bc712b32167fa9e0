import type { Conclusion } from '../lib/api.js';
import { shortSha } from '../lib/format.js';
import { usePoll } from '../lib/hooks.js';
import { Link } from '../components/Link.js';
import { StatusIcon } from '../components/Status.js';

interface CheckRun { name: string; status: 'queued' | 'in_progress' | 'completed'; conclusion: Conclusion; run_id: number; job_id: number; completed_at: string | null }

/** A commit's status checks, as branch protection reads them (GitHub's check names). */
export function Checks({ project, sha }: { project: string; sha: string }) {
  const { data, error } = usePoll<{ total_count: number; check_runs: CheckRun[] }>(`/projects/${encodeURIComponent(project)}/commits/${encodeURIComponent(sha)}/checks`, 2000);
  const checks = data?.check_runs ?? [];
  const failing = checks.filter((c) => c.status === 'completed' && c.conclusion !== 'success' && c.conclusion !== 'skipped').length;
  const pending = checks.filter((c) => c.status !== 'completed').length;
  return (
    <>
      <h1>
        Checks for <code>{shortSha(sha)}</code>
      </h1>
      {error && <p role="alert" className="error">{error}</p>}
      {data && (
        <p data-testid="checks-summary">
          {checks.length === 0 ? 'No checks reported for this commit.' : failing ? `${failing} failing, ${pending} pending, ${checks.length} in all` : pending ? `${pending} pending of ${checks.length}` : `All ${checks.length} checks passed`}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col"><span className="sr-only">Status</span></th>
            <th scope="col">Check</th>
            <th scope="col">Status</th>
            <th scope="col">Completed</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((c) => (
            <tr key={`${c.name}:${c.job_id}`}>
              <td><StatusIcon status={c.status === 'in_progress' ? 'running' : c.status} conclusion={c.conclusion} /></td>
              <td><Link to={`/p/${encodeURIComponent(project)}/runs/${c.run_id}/jobs/${c.job_id}`}>{c.name}</Link></td>
              <td>{c.status === 'completed' ? c.conclusion : c.status.replace('_', ' ')}</td>
              <td className="muted">{c.completed_at?.replace('T', ' ').slice(0, 19) ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
