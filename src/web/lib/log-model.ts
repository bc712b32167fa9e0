import { stripAnsi } from './ansi.js';

/**
 * A job log as lines, grouped: `##[group]`/`::group::` opens a collapsible group that
 * `##[endgroup]`/`::endgroup::` closes; `##[error]` and `::error ...::` lines are marked (a line a
 * program printed that merely starts with `Error:` is output, not an annotation).
 * Built incrementally as chunks arrive so a live log never re-parses what it has.
 */
export type LineKind = 'line' | 'group' | 'error' | 'warning' | 'notice' | 'command' | 'debug' | 'system';

export interface LogLine {
  /** 1-based line number, as linked with #L<n>. */
  n: number;
  text: string;
  /** Lower-case text without escapes, for search. */
  plain: string;
  kind: LineKind;
  /** Index of the group header this line sits in, or -1. */
  group: number;
  /** `file=a.ts,line=3` of an `::error file=...::` command. */
  props?: Record<string, string>;
}

const MARKER = /^(?:##\[(group|endgroup|error|warning|notice|command|debug|system)\]|::(group|endgroup|error|warning|notice)(?: ([^:]*))?::)/;

/** Property values are escaped as in GitHub's workflow commands (`%2C` for a comma, `%25` for `%`). */
const unescape = (v: string) => v.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%25/g, '%');
const properties = (text: string | undefined): Record<string, string> | undefined =>
  text ? Object.fromEntries(text.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), unescape(kv.slice(kv.indexOf('=') + 1))])) : undefined;

export class LogModel {
  readonly lines: LogLine[] = [];
  private openGroup = -1;
  /** Bumped on every change so views can memoise on it. */
  version = 0;

  append(chunk: string): void {
    const parts = chunk.endsWith('\n') ? chunk.slice(0, -1).split('\n') : chunk.split('\n');
    for (const raw of parts) this.push(raw.replace(/\r$/, ''));
    this.version++;
  }

  private push(raw: string): void {
    const bare = stripAnsi(raw);
    const m = MARKER.exec(bare);
    let kind: LineKind = 'line';
    let text = raw;
    let props: Record<string, string> | undefined;
    if (m) {
      const word = m[1] ?? m[2];
      if (word === 'endgroup') {
        this.openGroup = -1;
        return;
      }
      kind = word as LineKind;
      props = properties(m[3]);
      text = bare.slice(m[0].length);
    }
    if (kind === 'group') {
      this.openGroup = -1;
      this.lines.push({ n: this.lines.length + 1, text, plain: stripAnsi(text).toLowerCase(), kind, group: -1 });
      this.openGroup = this.lines.length - 1;
      return;
    }
    this.lines.push({ n: this.lines.length + 1, text, plain: stripAnsi(text).toLowerCase(), kind, group: this.openGroup, props });
  }

  /** Indexes of the lines shown when the groups in `open` are expanded and the others collapsed. */
  visible(open: ReadonlySet<number>): number[] {
    const out: number[] = [];
    const lines = this.lines;
    for (let i = 0; i < lines.length; i++) if (lines[i].group < 0 || open.has(lines[i].group)) out.push(i);
    return out;
  }

  /** Indexes of every line containing `query` (case-insensitive). */
  search(query: string): number[] {
    const q = query.toLowerCase();
    if (!q) return [];
    const out: number[] = [];
    const lines = this.lines;
    for (let i = 0; i < lines.length; i++) if (lines[i].plain.includes(q)) out.push(i);
    return out;
  }
}
