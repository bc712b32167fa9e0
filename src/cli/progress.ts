/**
 * What `nexus run` shows while it works. On a terminal: step logs prefixed by their job, and a
 * footer with one line per running job (state, elapsed time) redrawn in place. Elsewhere: the
 * same log lines, plain. At the end: a table of jobs, conclusions and durations.
 */
import type { RunObserver } from '../engine/run.js';
import type { Masker } from '../engine/masker.js';
import type { Conclusion, JobResult, RunReport, StepResult } from '../engine/results.js';
import type { LogLine } from '../engine/step-process.js';

interface Style {
  dim(s: string): string;
  bold(s: string): string;
  color(c: Conclusion | 'running' | 'waiting', s: string): string;
}

const ANSI: Style = {
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  color: (c, s) => `\x1b[${{ success: 32, failure: 31, cancelled: 33, skipped: 90, running: 36, waiting: 35 }[c]}m${s}\x1b[39m`,
};
const PLAIN: Style = { dim: (s) => s, bold: (s) => s, color: (_c, s) => s };

const SYMBOL: Record<Conclusion, string> = { success: '✓', failure: '✗', cancelled: '⊘', skipped: '-' };

export interface ProgressOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  masker: Masker;
  color: boolean;
  live: boolean;
  showDebug?: boolean;
}

export class Progress implements RunObserver {
  private readonly style: Style;
  private readonly running = new Map<string, { name: string; started: number; step: string; waiting?: string }>();
  private footerLines = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ProgressOptions) {
    this.style = options.color ? ANSI : PLAIN;
    if (options.live) this.timer = setInterval(() => this.redraw(), 250).unref();
  }

  jobStarted(key: string, name: string): void {
    this.running.set(key, { name, started: performance.now(), step: 'Set up job' });
    this.print(`${this.prefix(key)} ${this.style.bold('⏵ ' + name)}`);
  }

  jobWaiting(key: string, environment: string): void {
    this.running.set(key, { name: key, started: performance.now(), step: '', waiting: environment });
    this.print(`${this.prefix(key)} ${this.style.color('waiting', `waiting for approval to deploy to '${environment}'`)}`);
  }

  stepStarted(key: string, step: { index: number; name: string }): void {
    const r = this.running.get(key);
    if (r) r.step = step.name;
    this.print(`${this.prefix(key)} ${this.style.dim('⏵')} ${step.name}`);
  }

  log(key: string, _stepIndex: number | null, line: LogLine): void {
    if (line.kind === 'debug' && !this.options.showDebug) return;
    const text = line.kind === 'group' ? `▸ ${line.text}` : line.kind === 'endgroup' ? '' : line.kind === 'command' ? this.style.dim(`$ ${line.text}`) : line.kind === 'error' ? this.style.color('failure', `Error: ${line.text}`) : line.kind === 'warning' ? this.style.color('cancelled', `Warning: ${line.text}`) : line.kind === 'notice' ? `Notice: ${line.text}` : line.text;
    if (line.kind === 'endgroup') return;
    // A message may span lines (an annotation with %0A): every line keeps the job prefix.
    for (const part of text.split('\n')) this.print(`${this.prefix(key)}   ${part}`);
  }

  stepFinished(key: string, result: StepResult): void {
    if (result.conclusion === 'skipped') return;
    const mark = this.style.color(result.outcome, SYMBOL[result.outcome]);
    this.print(`${this.prefix(key)} ${mark} ${result.name} ${this.style.dim(`(${formatDuration(result.durationMs)})`)}`);
  }

  jobFinished(result: JobResult): void {
    this.running.delete(result.key);
    const mark = this.style.color(result.conclusion, `${SYMBOL[result.conclusion]} ${result.conclusion}`);
    const reason = result.reason && result.conclusion !== 'success' ? ` — ${result.reason}` : '';
    this.print(`${this.prefix(result.key)} ${this.style.bold(mark)} ${this.style.dim(formatDuration(result.durationMs))}${reason}`);
    if (result.environment?.url) this.print(`${this.prefix(result.key)}   ${environmentLine(result.environment)}`);
  }

  /** The closing table; returns nothing, prints everything. */
  summary(report: RunReport): void {
    this.stop();
    // An Environment column only when a job deploys somewhere: its name and the url its steps gave.
    const deployed = report.jobs.some((j) => j.environment);
    const header = ['Job', 'Conclusion', 'Duration', ...(deployed ? ['Environment'] : [])];
    const rows = report.jobs.map((j) => [j.key, j.conclusion, formatDuration(j.durationMs), ...(deployed ? [j.environment ? environmentLine(j.environment) : ''] : [])]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[], style: (cell: string, column: number) => string) => cells.map((c, i) => style(i < cells.length - 1 ? c.padEnd(widths[i]) : c, i)).join('  ').trimEnd();
    const lines = [
      '',
      this.style.bold(line(header, (c) => c)),
      ...report.jobs.map((j, n) => line(rows[n], (c, i) => (i === 1 ? this.style.color(j.conclusion, c) : c))),
      '',
      this.style.bold(`${report.workflow}: ${this.style.color(report.conclusion, report.conclusion)} in ${formatDuration(report.durationMs)}`),
    ];
    for (const l of lines) this.print(l);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearFooter();
  }

  print(line: string): void {
    this.clearFooter();
    this.options.out.write(this.options.masker.mask(line) + '\n');
    this.drawFooter();
  }

  private prefix(key: string): string {
    return this.style.dim(`[${key}]`);
  }

  private redraw(): void {
    this.clearFooter();
    this.drawFooter();
  }

  private clearFooter(): void {
    if (!this.options.live || this.footerLines === 0) return;
    // Back to column 0 first: the terminal may have echoed something (^C) after the footer.
    this.options.out.write(`\r\x1b[${this.footerLines}A\x1b[J`);
    this.footerLines = 0;
  }

  private drawFooter(): void {
    if (!this.options.live || !this.timer || this.running.size === 0) return;
    // A terminal that reports no width (0, as some do under a pty) gets a usual one.
    const columns = this.options.out.columns || 100;
    const lines = [...this.running.entries()].map(([key, r]) => {
      const elapsed = formatDuration(performance.now() - r.started);
      const state = r.waiting ? this.style.color('waiting', `waiting for ${r.waiting}`) : this.style.color('running', '●');
      return truncate(`${state} ${key} ${this.style.dim(elapsed)} ${r.waiting ? '' : r.step}`, columns - 1);
    });
    this.options.out.write(this.options.masker.mask(lines.join('\n')) + '\n');
    this.footerLines = lines.length;
  }
}

/** `production: https://…` (or the name alone when the job gave no url). */
function environmentLine(environment: NonNullable<JobResult['environment']>): string {
  return environment.url ? `${environment.name}: ${environment.url}` : environment.name;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

function truncate(s: string, width: number): string {
  // Only visible characters count; ANSI sequences are kept.
  let visible = 0;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\x1b') {
      const end = s.indexOf('m', i);
      out += s.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible++ >= width) continue;
    out += s[i];
  }
  return out;
}
