import { useState, type FormEvent } from 'react';
import { api, type Run } from '../lib/api.js';
import { useAction, usePoll } from '../lib/hooks.js';
import { can, useMe } from '../lib/me.js';
import { navigate } from '../lib/router.js';
import { Caches } from '../components/Caches.js';

export interface DispatchInput { description?: string; required?: boolean; default?: unknown; type?: string; options?: string[] }
interface Workflow { path: string; name: string; triggers: string[]; dispatch: { inputs: Record<string, DispatchInput> } | null }

/** The project's workflows at its default branch; those with workflow_dispatch get a "Run workflow" form. */
export function Workflows({ project }: { project: string }) {
  const { data, error } = usePoll<{ ref: string; sha: string; workflows: Workflow[] }>(`/projects/${encodeURIComponent(project)}/workflows`, 0);
  const [open, setOpen] = useState<string>();
  return (
    <>
      <h1>Workflows</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {data && !data.workflows.length && <p className="muted">No workflows at {data.ref || 'the default branch'}.</p>}
      <ul className="cards">
        {data?.workflows.map((w) => (
          <li key={w.path} className="card">
            <div className="row">
              <strong>{w.name}</strong>
              <code className="muted">{w.path}</code>
              <span className="muted">on: {w.triggers.join(', ')}</span>
              <span className="spacer" />
              {w.dispatch && (
                <button type="button" aria-expanded={open === w.path} onClick={() => setOpen(open === w.path ? undefined : w.path)}>
                  Run workflow
                </button>
              )}
            </div>
            {open === w.path && w.dispatch && <DispatchForm project={project} workflow={w} defaultRef={data.ref} />}
          </li>
        ))}
      </ul>
      <Caches project={project} />
    </>
  );
}

function DispatchForm({ project, workflow, defaultRef }: { project: string; workflow: Workflow; defaultRef: string }) {
  const me = useMe();
  const inputs = Object.entries(workflow.dispatch?.inputs ?? {});
  const [ref, setRef] = useState(defaultRef);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(inputs.map(([k, d]) => [k, d.default === undefined || d.default === null ? (d.type === 'boolean' ? 'false' : d.type === 'choice' ? (d.options?.[0] ?? '') : '') : String(d.default)])),
  );
  const { busy, error, perform } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void perform(async () => {
      const res = await api<{ runs: Run[] }>(`/projects/${encodeURIComponent(project)}/dispatches`, { method: 'POST', body: { workflow: workflow.path, ref, inputs: values } });
      navigate(res.runs[0] ? `/p/${encodeURIComponent(project)}/runs/${res.runs[0].id}` : `/p/${encodeURIComponent(project)}`);
    });
  };
  const set = (k: string, v: string) => setValues({ ...values, [k]: v });
  const id = (k: string) => `in-${workflow.path}-${k}`.replace(/[^\w-]/g, '_');
  return (
    <form className="dispatch" onSubmit={submit} aria-label={`Run ${workflow.name}`}>
      <label htmlFor={id('__ref')}>Branch or tag</label>
      <input id={id('__ref')} value={ref} onChange={(e) => setRef(e.target.value)} required />
      {inputs.map(([k, d]) => (
        <div key={k} className="field">
          {d.type === 'boolean' ? (
            <label className="check">
              <input type="checkbox" checked={values[k] === 'true'} onChange={(e) => set(k, String(e.target.checked))} /> {d.description || k}
            </label>
          ) : (
            <>
              <label htmlFor={id(k)}>
                {d.description || k}
                {d.required && <span aria-hidden="true"> *</span>}
              </label>
              {d.type === 'choice' ? (
                <select id={id(k)} value={values[k]} onChange={(e) => set(k, e.target.value)} required={d.required}>
                  {(d.options ?? []).map((o) => <option key={o}>{o}</option>)}
                </select>
              ) : (
                <input id={id(k)} type={d.type === 'number' ? 'number' : 'text'} value={values[k]} onChange={(e) => set(k, e.target.value)} required={d.required} />
              )}
            </>
          )}
        </div>
      ))}
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" className="primary" disabled={busy || !can(me, 'developer')} title={can(me, 'developer') ? undefined : 'Needs the developer role'}>
        Run workflow
      </button>
    </form>
  );
}
