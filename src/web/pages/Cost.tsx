import { useEffect, useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { BarChart } from '../components/BarChart.js';
import { duration } from '../lib/format.js';

interface CostRow { project: string; workflow: string; job: string; averageSeconds: number; durationMinutes: number; runs: number; runsPerDay: number; monthlyMinutes: number; cost: number }
interface CostReport { month: string; rate: number; freeMinutes: number; rows: CostRow[]; totalMinutes: number; billableMinutes: number; cost: number }

const monthsBack = (n: number): string[] => {
  const d = new Date();
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (n - 1 - i), 1)).toISOString().slice(0, 7));
};
const dollars = (n: number) => `$${n.toFixed(2)}`;

/** Minutes and dollars per workflow this month and per month over the last six, as bar charts. */
export function Cost({ project }: { project: string | undefined }) {
  const [rate, setRate] = useState('0.008');
  const [free, setFree] = useState('3000');
  const [reports, setReports] = useState<CostReport[]>();
  const [error, setError] = useState<string>();
  const months = monthsBack(6);
  useEffect(() => {
    const q = (m: string) => `/cost?month=${m}&rate=${encodeURIComponent(rate || '0')}&freeMinutes=${encodeURIComponent(free || '0')}${project ? `&project=${encodeURIComponent(project)}` : ''}`;
    const t = setTimeout(() => {
      Promise.all(months.map((m) => api<CostReport>(q(m)))).then((r) => (setReports(r), setError(undefined)), (e) => setError(errorText(e)));
    }, 200);
    return () => clearTimeout(t);
  }, [project, rate, free]);
  const current = reports?.[reports.length - 1];
  // Workflows of different projects may share a name: each project's is its own bar.
  const several = new Set(current?.rows.map((r) => r.project)).size > 1;
  const perWorkflow = new Map<string, { minutes: number; cost: number }>();
  for (const r of current?.rows ?? []) {
    const wf = several ? `${r.project}: ${r.workflow}` : r.workflow;
    const v = perWorkflow.get(wf) ?? { minutes: 0, cost: 0 };
    perWorkflow.set(wf, { minutes: v.minutes + r.monthlyMinutes, cost: v.cost + r.cost });
  }
  return (
    <>
      <h1>Cost{project ? ` of ${project}` : ''}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Cost settings">
        <label>
          Rate per minute ($)
          <input type="number" step="0.001" min="0" value={rate} onChange={(e) => setRate(e.target.value)} />
        </label>
        <label>
          Free minutes a month
          <input type="number" step="1" min="0" value={free} onChange={(e) => setFree(e.target.value)} />
        </label>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {reports && current && (
        <>
          <section className="card">
            <h2>Per month</h2>
            <BarChart title="Minutes and billed dollars per month" bars={reports.map((r) => ({ label: r.month, value: r.totalMinutes, text: `${r.totalMinutes} min`, detail: dollars(r.cost) }))} />
          </section>
          <section className="card">
            <h2>Per workflow, {current.month}</h2>
            {perWorkflow.size ? (
              <BarChart title={`Minutes per workflow in ${current.month}`} bars={[...perWorkflow].map(([wf, v]) => ({ label: wf, value: v.minutes, text: `${v.minutes} min`, detail: dollars(v.cost) }))} />
            ) : (
              <p className="muted">No billable jobs this month.</p>
            )}
          </section>
          <section className="card">
            <h2>Jobs, {current.month}</h2>
            <table data-testid="cost-table" className="stack">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col" className="num">Duration</th>
                  <th scope="col" className="num">Billed per run</th>
                  <th scope="col" className="num">Runs/day</th>
                  <th scope="col" className="num">Monthly minutes</th>
                  <th scope="col" className="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {current.rows.map((r) => (
                  <tr key={r.job}>
                    <td>{r.job}</td>
                    <td className="num" data-label="Duration">{duration(r.averageSeconds * 1000)}</td>
                    <td className="num" data-label="Billed per run">{r.durationMinutes} min</td>
                    <td className="num" data-label="Runs/day">{r.runsPerDay}</td>
                    <td className="num" data-label="Monthly minutes">{r.monthlyMinutes}</td>
                    <td className="num" data-label="Cost">{dollars(r.cost)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total ({current.freeMinutes} free minutes)</th>
                  <td className="blank" />
                  <td className="blank" />
                  <td className="blank" />
                  <td className="num" data-label="Monthly minutes">{current.totalMinutes}</td>
                  <td className="num" data-label="Cost">{dollars(current.cost)}</td>
                </tr>
              </tfoot>
            </table>
          </section>
        </>
      )}
    </>
  );
}
