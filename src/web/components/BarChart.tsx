import { useEffect, useRef, useState } from 'react';

/** Vertical bars in SVG, labelled for screen readers and with the figure on each bar. */
export interface Bar { label: string; value: number; text: string; detail?: string }

/** A bar's slot: as wide as 96 px when there is room, never under 52 px (then the chart scrolls within its card). */
const WIDEST = 96;
const NARROWEST = 52;

export function BarChart({ bars, title, height = 220 }: { bars: Bar[]; title: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  // The chart fits the width it is given (a phone's card is about 320 px), measured as it changes.
  const [room, setRoom] = useState(320);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setRoom(el.clientWidth || 320));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = Math.max(NARROWEST, Math.min(WIDEST, Math.floor((room - 20) / Math.max(1, bars.length))));
  const width = Math.max(Math.min(room, 320), bars.length * slot + 20);
  const plot = height - 24;
  // About 6.5 px per character at 11 px.
  const chars = Math.max(4, Math.floor((slot - 4) / 6.5));
  return (
    <div className="chart-scroll" ref={box}>
      <svg role="img" aria-label={title} width={width} height={height} className="bar-chart">
        <title>{title}</title>
        {bars.map((b, i) => {
          const h = Math.max(1, (b.value / max) * (plot - 40));
          const x = 10 + i * slot;
          return (
            <g key={b.label} data-bar={b.label}>
              <title>{`${b.label}: ${b.text}${b.detail ? `, ${b.detail}` : ''}`}</title>
              <rect x={x + 6} y={plot - h} width={slot - 12} height={h} rx={3} className="bar" />
              <text x={x + slot / 2} y={plot - h - (b.detail ? 18 : 4)} textAnchor="middle" className="bar-value">
                <tspan>{b.text}</tspan>
                {b.detail && <tspan x={x + slot / 2} dy={14}>{b.detail}</tspan>}
              </text>
              <text x={x + slot / 2} y={plot + 16} textAnchor="middle" className="bar-label">{b.label.length > chars ? `${b.label.slice(0, chars - 1)}…` : b.label}</text>
            </g>
          );
        })}
        <line x1={10} x2={width - 10} y1={plot} y2={plot} className="axis" />
      </svg>
    </div>
  );
}
