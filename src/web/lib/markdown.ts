/**
 * A small Markdown reader for step summaries (GitHub-flavoured: headings, paragraphs, lists, code,
 * quotes, tables, rules, emphasis, links). It produces a tree of plain data that the UI turns into
 * React elements, so HTML in a summary is only ever text: nothing from a job becomes markup.
 */
export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong' | 'em' | 'del'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] };

export type Block =
  | { t: 'h'; level: number; c: Inline[] }
  | { t: 'p'; c: Inline[] }
  | { t: 'pre'; v: string; lang: string }
  | { t: 'quote'; c: Block[] }
  | { t: 'list'; ordered: boolean; items: Inline[][] }
  | { t: 'table'; head: Inline[][]; rows: Inline[][][]; align: ('left' | 'center' | 'right' | '')[] }
  | { t: 'hr' };

/** Only these URLs become links; anything else (javascript:, data:, ...) stays text. */
export function safeHref(url: string): string | undefined {
  const u = url.trim();
  if (/^(https?:|mailto:)/i.test(u)) return u;
  if (/^[#/?.]/.test(u) && !u.startsWith('//')) return u;
  return undefined;
}

const cells = (line: string): string[] => line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const LIST_ITEM = /^\s*([-*+]|\d+[.)])\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(fence[1]); i++) body.push(lines[i]);
      i++;
      blocks.push({ t: 'pre', v: body.join('\n'), lang: fence[2] });
      continue;
    }
    const heading = /^\s*(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      blocks.push({ t: 'h', level: heading[1].length, c: parseInline(heading[2]) });
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ t: 'hr' });
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      for (; i < lines.length && /^\s*>/.test(lines[i]); i++) body.push(lines[i].replace(/^\s*>\s?/, ''));
      blocks.push({ t: 'quote', c: parseMarkdown(body.join('\n')) });
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      const head = cells(line);
      const align = cells(lines[i + 1]).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : ''));
      const rows: Inline[][][] = [];
      for (i += 2; i < lines.length && lines[i].includes('|') && lines[i].trim(); i++) rows.push(cells(lines[i]).map(parseInline));
      blocks.push({ t: 'table', head: head.map(parseInline), rows, align });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]);
      const items: Inline[][] = [];
      let text: string[] = [];
      for (; i < lines.length && lines[i].trim(); i++) {
        const m = LIST_ITEM.exec(lines[i]);
        if (m) {
          if (text.length) items.push(parseInline(text.join(' ')));
          text = [m[2]];
        } else text.push(lines[i].trim());
      }
      if (text.length) items.push(parseInline(text.join(' ')));
      blocks.push({ t: 'list', ordered, items });
      continue;
    }
    const para: string[] = [];
    for (; i < lines.length && lines[i].trim() && !/^\s*(#{1,6}\s|```|~~~|>)/.test(lines[i]) && !LIST_ITEM.test(lines[i]); i++) para.push(lines[i].trim());
    if (!para.length) para.push(lines[i++].trim());
    blocks.push({ t: 'p', c: parseInline(para.join('\n')) });
  }
  return blocks;
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ t: 'text', v: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const rest = text.slice(i);
    if (ch === '\\' && i + 1 < text.length && /[\\`*_{}[\]()#+\-.!|~<>]/.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const ticks = /^`+/.exec(rest)![0];
      const end = text.indexOf(ticks, i + ticks.length);
      if (end > 0) {
        flush();
        out.push({ t: 'code', v: text.slice(i + ticks.length, end).trim() });
        i = end + ticks.length;
        continue;
      }
    }
    const link = /^!?\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/.exec(rest);
    if (link) {
      flush();
      const href = safeHref(link[2]);
      const label = parseInline(link[1] || link[2]);
      if (href) out.push({ t: 'link', href, c: label });
      else out.push(...label);
      i += link[0].length;
      continue;
    }
    const emph = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1|^(~~)(?=\S)([\s\S]*?\S)~~|^([*_])(?=\S)([\s\S]*?\S)\5(?![*_\w])/.exec(rest);
    if (emph && (ch !== '_' || i === 0 || !/\w/.test(text[i - 1]))) {
      flush();
      if (emph[1]) out.push({ t: 'strong', c: parseInline(emph[2]) });
      else if (emph[3]) out.push({ t: 'del', c: parseInline(emph[4]) });
      else out.push({ t: 'em', c: parseInline(emph[6]) });
      i += emph[0].length;
      continue;
    }
    plain += ch;
    i++;
  }
  flush();
  return out;
}
