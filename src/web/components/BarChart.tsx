/** Vertical bars in SVG, labelled for screen readers and with the figure on each bar. */
export interface Bar { label: string; value: number; text: string; detail?: string }

export function BarChart({ bars, title, height = 220 }: { bars: Bar[]; title: string; height?: number }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = 96;
  const width = Math.max(320, bars.length * slot + 20);
  const plot = height - 24;
  return (
    <div className="chart-scroll">
      <svg role="img" aria-label={title} width={width} height={height} className="bar-chart">
        <title>{title}</title>
        {bars.map((b, i) => {
          const h = Math.max(1, (b.value / max) * (plot - 40));
          const x = 10 + i * slot;
          return (
            <g key={b.label} data-bar={b.label}>
              <rect x={x + 8} y={plot - h} width={slot - 16} height={h} rx={3} className="bar" />
              <text x={x + slot / 2} y={plot - h - (b.detail ? 18 : 4)} textAnchor="middle" className="bar-value">
                <tspan>{b.text}</tspan>
                {b.detail && <tspan x={x + slot / 2} dy={14}>{b.detail}</tspan>}
              </text>
              <text x={x + slot / 2} y={plot + 16} textAnchor="middle" className="bar-label">{b.label.length > 14 ? `${b.label.slice(0, 13)}…` : b.label}</text>
            </g>
          );
        })}
        <line x1={10} x2={width - 10} y1={plot} y2={plot} className="axis" />
      </svg>
    </div>
  );
}
