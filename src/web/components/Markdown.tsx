import { Fragment, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from '../lib/markdown.js';

/** Markdown from a job, rendered as React elements only: any HTML in it shows as text. */
export function Markdown({ source }: { source: string }) {
  return <div className="markdown">{parseMarkdown(source).map(block)}</div>;
}

function inline(n: Inline, i: number): ReactNode {
  switch (n.t) {
    case 'text':
      return <Fragment key={i}>{n.v}</Fragment>;
    case 'code':
      return <code key={i}>{n.v}</code>;
    case 'strong':
      return <strong key={i}>{n.c.map(inline)}</strong>;
    case 'em':
      return <em key={i}>{n.c.map(inline)}</em>;
    case 'del':
      return <del key={i}>{n.c.map(inline)}</del>;
    case 'link':
      return (
        <a key={i} href={n.href} rel="noopener noreferrer nofollow" target={n.href.startsWith('http') ? '_blank' : undefined}>
          {n.c.map(inline)}
        </a>
      );
  }
}

function block(b: Block, i: number): ReactNode {
  switch (b.t) {
    case 'h': {
      const H = `h${Math.min(6, b.level + 2)}` as 'h3';
      return <H key={i}>{b.c.map(inline)}</H>;
    }
    case 'p':
      return <p key={i}>{b.c.map(inline)}</p>;
    case 'pre':
      return (
        <pre key={i}>
          <code>{b.v}</code>
        </pre>
      );
    case 'quote':
      return <blockquote key={i}>{b.c.map(block)}</blockquote>;
    case 'hr':
      return <hr key={i} />;
    case 'list': {
      const L = b.ordered ? 'ol' : 'ul';
      return <L key={i}>{b.items.map((it, k) => <li key={k}>{it.map(inline)}</li>)}</L>;
    }
    case 'table':
      return (
        <div className="table-wrap" key={i}>
          <table>
            <thead>
              <tr>{b.head.map((c, k) => <th key={k} style={{ textAlign: b.align[k] || undefined }}>{c.map(inline)}</th>)}</tr>
            </thead>
            <tbody>
              {b.rows.map((r, k) => (
                <tr key={k}>{r.map((c, m) => <td key={m} style={{ textAlign: b.align[m] || undefined }}>{c.map(inline)}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      );
  }
}
