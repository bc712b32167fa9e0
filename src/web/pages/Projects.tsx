import type { Project } from '../lib/api.js';
import { usePoll } from '../lib/hooks.js';
import { Link } from '../components/Link.js';

export function Projects() {
  const { data, error } = usePoll<{ projects: Project[] }>('/projects', 5000);
  return (
    <>
      <h1>Projects</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {data && !data.projects.length && (
        <p className="muted">
          No projects yet: <code>nexus project add NAME</code>.
        </p>
      )}
      <ul className="cards">
        {data?.projects.map((p) => (
          <li key={p.id} className="card">
            <Link to={`/p/${encodeURIComponent(p.name)}`}>
              <strong>{p.name}</strong>
            </Link>
            <span className="muted"> default branch {p.defaultBranch}</span>
          </li>
        ))}
      </ul>
      <p>
        <Link to="/cost">Cost across projects</Link>
      </p>
    </>
  );
}
