/** ANSI SGR colours to styled segments; other escape sequences are dropped. */
export interface Segment {
  text: string;
  className: string;
  color?: string;
  background?: string;
}

interface Pen { fg: string; bg: string; bold: boolean; dim: boolean; italic: boolean; underline: boolean }
const blank = (): Pen => ({ fg: '', bg: '', bold: false, dim: false, italic: false, underline: false });

const ESCAPE = /\x1b\[([0-9;?]*)([A-Za-z])|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?/g;

function xterm256(n: number): string {
  if (n < 16) return `c${n}`;
  if (n < 232) {
    const v = [0, 95, 135, 175, 215, 255];
    const i = n - 16;
    return `rgb(${v[Math.floor(i / 36)]},${v[Math.floor(i / 6) % 6]},${v[i % 6]})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

function apply(pen: Pen, codes: number[]): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) Object.assign(pen, blank());
    else if (c === 1) pen.bold = true;
    else if (c === 2) pen.dim = true;
    else if (c === 3) pen.italic = true;
    else if (c === 4) pen.underline = true;
    else if (c === 22) pen.bold = pen.dim = false;
    else if (c === 23) pen.italic = false;
    else if (c === 24) pen.underline = false;
    else if (c >= 30 && c <= 37) pen.fg = `c${c - 30}`;
    else if (c >= 90 && c <= 97) pen.fg = `c${c - 82}`;
    else if (c === 39) pen.fg = '';
    else if (c >= 40 && c <= 47) pen.bg = `c${c - 40}`;
    else if (c >= 100 && c <= 107) pen.bg = `c${c - 92}`;
    else if (c === 49) pen.bg = '';
    else if (c === 38 || c === 48) {
      let colour = '';
      if (codes[i + 1] === 5) (colour = xterm256(codes[i + 2] ?? 0)), (i += 2);
      else if (codes[i + 1] === 2) (colour = `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`), (i += 4);
      if (c === 38) pen.fg = colour;
      else pen.bg = colour;
    }
  }
}

function segment(text: string, pen: Pen): Segment {
  const cls: string[] = [];
  const s: Segment = { text, className: '' };
  if (pen.fg.startsWith('c')) cls.push(`ansi-fg-${pen.fg.slice(1)}`);
  else if (pen.fg) s.color = pen.fg;
  if (pen.bg.startsWith('c')) cls.push(`ansi-bg-${pen.bg.slice(1)}`);
  else if (pen.bg) s.background = pen.bg;
  if (pen.bold) cls.push('ansi-bold');
  if (pen.dim) cls.push('ansi-dim');
  if (pen.italic) cls.push('ansi-italic');
  if (pen.underline) cls.push('ansi-underline');
  s.className = cls.join(' ');
  return s;
}

export function parseAnsi(line: string): Segment[] {
  if (!line.includes('\x1b')) return [{ text: line, className: '' }];
  const out: Segment[] = [];
  const pen = blank();
  let last = 0;
  for (const m of line.matchAll(ESCAPE)) {
    if (m.index > last) out.push(segment(line.slice(last, m.index), pen));
    if (m[2] === 'm') apply(pen, (m[1] || '0').split(';').map((x) => Number(x) || 0));
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push(segment(line.slice(last), pen));
  return out;
}

export const stripAnsi = (line: string): string => (line.includes('\x1b') ? line.replace(ESCAPE, '') : line);
