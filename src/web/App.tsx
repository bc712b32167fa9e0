import { useEffect, useState, type ReactNode } from 'react';
import { api, errorText } from './lib/api.js';
import { MeContext, type Me } from './lib/me.js';
import { match, navigate, useLocation } from './lib/router.js';
import { getToken, onSessionChange, signOut } from './lib/session.js';
import { Link } from './components/Link.js';
import { SignIn } from './pages/SignIn.js';
import { Projects } from './pages/Projects.js';
import { Runs } from './pages/Runs.js';
import { RunPage } from './pages/RunPage.js';
import { Checks } from './pages/Checks.js';
import { Workflows } from './pages/Workflows.js';
import { Deployments } from './pages/Deployments.js';
import { Cost } from './pages/Cost.js';

export function App() {
  const [token, setToken] = useState(getToken());
  const [me, setMe] = useState<Me>();
  const [error, setError] = useState<string>();
  useEffect(() => onSessionChange(() => setToken(getToken())), []);
  useEffect(() => {
    setMe(undefined);
    if (!token) return;
    api<Me>('/me').then(setMe, (e) => setError(errorText(e)));
  }, [token]);
  if (!token) return <SignIn />;
  if (!me) return <main className="page">{error ? <p role="alert">{error}</p> : <p>Loading…</p>}</main>;
  return (
    <MeContext.Provider value={me}>
      <Shell me={me}>
        <Routes />
      </Shell>
    </MeContext.Provider>
  );
}

function Shell({ me, children }: { me: Me; children: ReactNode }) {
  const { path } = useLocation();
  const project = /^\/p\/([^/]+)/.exec(path)?.[1];
  const tab = (to: string, label: string) => (
    <Link to={to} className={path === to || (label === 'Runs' && path.startsWith(`${to}/runs`)) ? 'active' : undefined} aria-current={path === to ? 'page' : undefined}>
      {label}
    </Link>
  );
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link to="/" className="brand">Nexus</Link>
        {project && (
          <nav aria-label="Project">
            <span className="crumb">{decodeURIComponent(project)}</span>
            {tab(`/p/${project}`, 'Runs')}
            {tab(`/p/${project}/workflows`, 'Workflows')}
            {tab(`/p/${project}/deployments`, 'Deployments')}
            {tab(`/p/${project}/cost`, 'Cost')}
          </nav>
        )}
        <span className="spacer" />
        <span className="who" data-role={me.role}>
          {me.name} · {me.role}
        </span>
        <button type="button" onClick={() => (signOut(), navigate('/'))}>Sign out</button>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function Routes() {
  const { path } = useLocation();
  let m: Record<string, string> | null;
  if ((m = match('/p/:project/runs/:id/jobs/:job', path) ?? match('/runs/:id/jobs/:job', path))) return <RunPage runId={Number(m.id)} jobId={Number(m.job)} />;
  if ((m = match('/p/:project/runs/:id', path) ?? match('/runs/:id', path))) return <RunPage runId={Number(m.id)} jobId={null} />;
  if ((m = match('/p/:project/commits/:sha', path))) return <Checks project={m.project} sha={m.sha} />;
  if ((m = match('/p/:project/workflows', path))) return <Workflows project={m.project} />;
  if ((m = match('/p/:project/deployments', path))) return <Deployments project={m.project} />;
  if ((m = match('/p/:project/cost', path))) return <Cost project={m.project} />;
  if ((m = match('/p/:project', path))) return <Runs project={m.project} />;
  if (path === '/cost') return <Cost project={undefined} />;
  if (path === '/' || path === '') return <Projects />;
  return (
    <p>
      Nothing here. <Link to="/">Projects</Link>
    </p>
  );
}
