import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { parseAnsi } from '../lib/ansi.js';
import { navigate, useLocation } from '../lib/router.js';
import type { LogLine, LogModel } from '../lib/log-model.js';

export const LINE_HEIGHT = 20;
const OVERSCAN = 12;
const MAX_HEIGHT = 640;

interface Props {
  model: LogModel;
  /** Bumped by the owner whenever the model changes. */
  version: number;
  /** Path this log lives at; line links are `${path}#L<n>`. */
  path: string;
  live: boolean;
  onDownload?: () => void;
}

/**
 * A virtualised log: only the lines in view (plus a margin) are in the DOM, so 50,000 lines scroll
 * and search as fast as 50. Groups collapse, lines link, the search finds and reveals matches, and a
 * live log stays pinned to its end until the reader scrolls away.
 */
export function LogViewer({ model, version, path, live, onDownload }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set());
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const [follow, setFollow] = useState(live);
  const [target, setTarget] = useState<number | null>(null);
  const { hash } = useLocation();

  const visible = useMemo(() => model.visible(open), [model, version, open]);
  const position = useMemo(() => {
    const at = new Map<number, number>();
    visible.forEach((line, row) => at.set(line, row));
    return at;
  }, [visible]);
  // One search per (query, log length): typing jumps to the first match in the same render.
  const searched = useRef({ query: '', version: -1, found: [] as number[] });
  const search = (q: string) => {
    const c = searched.current;
    if (c.query !== q || c.version !== version) searched.current = { query: q, version, found: model.search(q) };
    return searched.current.found;
  };
  const matches = search(query);
  const needle = query.toLowerCase();

  const reveal = useCallback(
    (line: number) => {
      const g = model.lines[line]?.group ?? -1;
      if (g >= 0 && !open.has(g)) setOpen(new Set([...open, g]));
      setFollow(false);
      setTarget(line);
    },
    [model, open],
  );

  // A #L<n> address (on arrival or from an annotation link) reveals its line once it has arrived.
  const linked = /^#L(\d+)$/.exec(hash);
  const linkedLine = linked ? Number(linked[1]) - 1 : null;
  const haveLinked = linkedLine !== null && linkedLine < model.lines.length;
  useEffect(() => {
    if (haveLinked) reveal(linkedLine);
  }, [linkedLine, haveLinked]);

  // Scroll a revealed line into the middle of the view once its group is open.
  useLayoutEffect(() => {
    if (target === null) return;
    const row = position.get(target);
    const el = scroller.current;
    if (row === undefined || !el) return;
    const top = row * LINE_HEIGHT;
    if (top < el.scrollTop || top > el.scrollTop + el.clientHeight - LINE_HEIGHT) el.scrollTop = Math.max(0, top - el.clientHeight / 2);
    setScrollTop(el.scrollTop);
  }, [target, position]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !follow) return;
    el.scrollTop = el.scrollHeight;
    setScrollTop(el.scrollTop);
  }, [follow, visible]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight || 600));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onScroll = () => {
    const el = scroller.current!;
    setScrollTop(el.scrollTop);
    const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - LINE_HEIGHT;
    if (live && atEnd !== follow) setFollow(atEnd);
  };

  const go = (delta: number) => {
    if (!matches.length) return;
    const next = (current + delta + matches.length) % matches.length;
    setCurrent(next);
    reveal(matches[next]);
  };
  const onSearchKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      go(e.shiftKey ? -1 : 1);
    }
  };
  // Only a new query jumps; new lines arriving must not move the reader.
  const onQuery = (q: string) => {
    setQuery(q);
    setCurrent(0);
    const found = search(q);
    if (found.length) reveal(found[0]);
  };

  const toggle = useCallback(
    (g: number) =>
      setOpen((prev) => {
        const next = new Set(prev);
        if (next.has(g)) next.delete(g);
        else next.add(g);
        return next;
      }),
    [],
  );
  const groups = useMemo(() => model.lines.flatMap((l, i) => (l.kind === 'group' ? [i] : [])), [model, version]);

  const first = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
  const last = Math.min(visible.length, Math.ceil((scrollTop + viewport) / LINE_HEIGHT) + OVERSCAN);
  const rows = [];
  for (let r = first; r < last; r++) {
    const i = visible[r];
    rows.push(
      <Row key={i} line={model.lines[i]} index={i} path={path} open={open.has(i)} onToggle={toggle} needle={needle} current={matches[current] === i && needle !== ''} target={target === i} />,
    );
  }

  return (
    <div className="log">
      <div className="log-toolbar" role="toolbar" aria-label="Log tools">
        <label className="log-search">
          <span className="sr-only">Search log</span>
          <input type="search" placeholder="Search log" value={query} onChange={(e) => onQuery(e.target.value)} onKeyDown={onSearchKey} aria-label="Search log" />
        </label>
        <span className="log-count" aria-live="polite" data-testid="match-count">
          {query ? `${matches.length ? current + 1 : 0} of ${matches.length}` : `${model.lines.length} lines`}
        </span>
        <button type="button" onClick={() => go(-1)} disabled={!matches.length} aria-label="Previous match">↑</button>
        <button type="button" onClick={() => go(1)} disabled={!matches.length} aria-label="Next match">↓</button>
        {groups.length > 0 && (
          <button type="button" onClick={() => setOpen(open.size ? new Set() : new Set(groups))}>
            {open.size ? 'Collapse all' : 'Expand all'}
          </button>
        )}
        {live && (
          <label className="check">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
          </label>
        )}
        {onDownload && <button type="button" onClick={onDownload}>Download raw</button>}
      </div>
      <div className="log-scroll" style={{ height: Math.min(MAX_HEIGHT, Math.max(6, visible.length + 1) * LINE_HEIGHT) }} ref={scroller} onScroll={onScroll} tabIndex={0} role="log" aria-label="Job log" aria-live="off" data-testid="log-scroll">
        <div style={{ height: visible.length * LINE_HEIGHT, position: 'relative' }}>
          <div className="log-rows" style={{ top: first * LINE_HEIGHT }}>{rows}</div>
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  line: LogLine;
  index: number;
  path: string;
  open: boolean;
  onToggle: (i: number) => void;
  needle: string;
  current: boolean;
  target: boolean;
}

const Row = memo(function Row({ line, index, path, open, onToggle, needle, current, target }: RowProps) {
  const cls = `log-line kind-${line.kind}${current ? ' current' : ''}${target ? ' target' : ''}`;
  return (
    <div className={cls} id={`L${line.n}`} data-line={line.n}>
      <a
        className="ln"
        href={`${path}#L${line.n}`}
        onClick={(e) => {
          e.preventDefault();
          navigate(`${path}#L${line.n}`, true);
        }}
        aria-label={`Line ${line.n}`}
      >
        {line.n}
      </a>
      {line.kind === 'group' ? (
        <button type="button" className="group-toggle" aria-expanded={open} onClick={() => onToggle(index)}>
          {open ? '▾' : '▸'} <Text text={line.text} needle={needle} />
        </button>
      ) : (
        <span className="lt">
          <Text text={line.text} needle={needle} />
        </span>
      )}
    </div>
  );
});

function Text({ text, needle }: { text: string; needle: string }) {
  return (
    <>
      {parseAnsi(text).map((s, i) => (
        <span key={i} className={s.className || undefined} style={s.color || s.background ? { color: s.color, background: s.background } : undefined}>
          {needle ? highlight(s.text, needle) : s.text}
        </span>
      ))}
    </>
  );
}

function highlight(text: string, needle: string) {
  const lower = text.toLowerCase();
  const parts = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    if (i > at) parts.push(text.slice(at, i));
    parts.push(<mark key={i}>{text.slice(i, i + needle.length)}</mark>);
    at = i + needle.length;
  }
  if (!parts.length) return text;
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}
