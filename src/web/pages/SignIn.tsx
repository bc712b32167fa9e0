import { useState, type FormEvent } from 'react';
import { useAction } from '../lib/hooks.js';
import { signIn } from '../lib/session.js';

/** Sign-in with an API token (`nexus token create --role ...`); kept in sessionStorage only. */
export function SignIn() {
  const [token, setToken] = useState('');
  const { busy, error, perform } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void perform(async () => {
      const res = await fetch('/api/me', { headers: { authorization: `Bearer ${token.trim()}` } });
      if (!res.ok) throw new Error(res.status === 401 ? 'That token is not valid.' : `The server answered ${res.status}.`);
      signIn(token.trim());
    });
  };
  return (
    <main className="page signin">
      <h1>Nexus CI/CD</h1>
      <form onSubmit={submit} className="card">
        <label htmlFor="token">Access token</label>
        <input id="token" type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
        <p className="muted">Create one with <code>nexus token create --role viewer</code>.</p>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" className="primary" disabled={busy || !token.trim()}>Sign in</button>
      </form>
    </main>
  );
}
