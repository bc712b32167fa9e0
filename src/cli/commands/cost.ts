/** `nexus cost`: the spec's cost table (job, duration, runs per day, monthly minutes, cost) from recorded runs. */
import { NexusError } from '../../errors.js';
import { ApiClient, clientOptions, table } from '../../server/client.js';
import type { CostReport } from '../../server/cost.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

/** An average job duration as people read it: `5 s`, `2 min 30 s`, `1 h 5 min`. */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const cost: Command = {
  name: 'cost',
  summary: 'Billable minutes per job for a month (rounded up per job, as GitHub bills) and their cost',
  usage: 'nexus cost [--month YYYY-MM] [--rate 0.008] [--free-minutes 3000] [--project NAME] [--json] [--server URL] [--token T]',
  async run(args, io) {
    const { values } = parseCommandArgs('cost', args, {
      ...clientOptions, month: { type: 'string' }, rate: { type: 'string' }, 'free-minutes': { type: 'string' }, project: { type: 'string' }, json: { type: 'boolean' },
    }, false);
    for (const [flag, v] of [['rate', values.rate], ['free-minutes', values['free-minutes']]] as const) {
      if (v !== undefined && !(Number(v) >= 0)) throw new NexusError('USAGE', `--${flag} must be a non-negative number, got ${JSON.stringify(v)}`, { exitCode: 2 });
    }
    if (values.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) throw new NexusError('USAGE', `--month must be YYYY-MM, got ${JSON.stringify(values.month)}`, { exitCode: 2 });
    const api = new ApiClient(values, io.env, io.cwd);
    const q = new URLSearchParams({
      ...(values.month ? { month: values.month } : {}), ...(values.rate ? { rate: values.rate } : {}),
      ...(values['free-minutes'] ? { freeMinutes: values['free-minutes'] } : {}), ...(values.project ? { project: values.project } : {}),
    });
    const r = await api.json<CostReport>('GET', `/api/cost?${q}`);
    if (values.json) return (io.stdout.write(JSON.stringify(r, null, 2) + '\n'), 0);
    const money = (n: number) => `$${n.toFixed(2)}`;
    // The rate as given: $0.008 is not rounded to a cent.
    const rate = `$${r.rate.toFixed(6).replace(/\.?0+$/, '')}`;
    io.stdout.write(`GitHub Actions minutes, ${r.month} (rate ${rate}/min, ${r.freeMinutes} free minutes)\n\n`);
    io.stdout.write(table(
      ['Job', 'Duration', 'Billed per Run', 'Runs per Day', 'Monthly Minutes', 'Cost'],
      r.rows.map((x) => [x.job, duration(x.averageSeconds), `${x.durationMinutes} min`, x.runsPerDay, x.monthlyMinutes.toLocaleString('en-US'), money(x.cost)]),
    ));
    io.stdout.write(`\nTotal Monthly Minutes: ${r.totalMinutes.toLocaleString('en-US')}\n`);
    io.stdout.write(`Billable after free minutes: ${r.billableMinutes.toLocaleString('en-US')}\n`);
    io.stdout.write(`Cost: ${money(r.cost)}${r.billableMinutes === 0 ? ` (within ${r.freeMinutes.toLocaleString('en-US')} free minutes)` : ''}\n`);
    return 0;
  },
};
