import type { ReportChart } from '../api-types';
import { bytes } from '../format';

const PALETTE = ['#1565c0', '#2e7d32', '#f9a825', '#6a1b9a', '#c62828', '#00838f', '#ef6c00', '#5d4037', '#455a64', '#ad1457', '#9e9d24', '#7e57c2'];

function value(v: number, unit: ReportChart['unit']): string {
  if (unit === 'bytes') return bytes(v);
  if (unit === 'percent') return `${v.toFixed(1)}%`;
  if (unit === 'ms') return `${v.toFixed(1)} ms`;
  return String(Math.round(v * 100) / 100);
}

/** One breakdown as a horizontal stacked bar with a legend (the memory panorama's picture). */
export function StackedBar({ chart }: { chart: ReportChart }) {
  const total = chart.total ?? chart.segments.reduce((a, s) => a + Math.max(0, s.value), 0);
  if (!(total > 0)) return null;
  return (
    <figure className="stacked" data-testid="stacked-bar">
      <figcaption>
        {chart.title} <span className="muted">· {value(total, chart.unit)}</span>
      </figcaption>
      <div className="stacked-bar" role="img" aria-label={chart.title}>
        {chart.segments.map((s, i) => (
          <div
            key={s.label}
            className="stacked-seg"
            style={{ width: `${(Math.max(0, s.value) / total) * 100}%`, background: PALETTE[i % PALETTE.length] }}
            title={`${s.label}: ${value(s.value, chart.unit)} (${((s.value / total) * 100).toFixed(1)}%)${s.note ? ` — ${s.note}` : ''}`}
          />
        ))}
      </div>
      <ul className="stacked-legend">
        {chart.segments.map((s, i) => (
          <li key={s.label} title={s.note}>
            <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />
            {s.label} <b>{value(s.value, chart.unit)}</b> <span className="muted">{((s.value / total) * 100).toFixed(1)}%</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
