import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { dateTimeMs } from '../format';

/** One line (or stacked layer) of a chart; `values` line up with the chart's `ts`, null = gap. */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color?: string;
  dash?: number[];
  width?: number;
  /** the legend value while the cursor is off the plot (default: the newest value) */
  idleValue?: number | null;
}

export interface TimeChartProps {
  title: ReactNode;
  /** a short note under the title: what is shown and how it is computed */
  note?: ReactNode;
  testId?: string;
  /** x values in ms since epoch (or, with `xMode: 'offset'`, ms since a start), ascending, one per point of every series */
  ts: number[];
  /** the x axis shows clock time (default) or the time elapsed since a start ("+5m") */
  xMode?: 'time' | 'offset';
  /** what the head says while the cursor is off the plot (default: "latest · <time>") */
  idleText?: string;
  series: ChartSeries[];
  /** legend values; also the y axis unless `axisFormat` is given */
  format: (v: number) => string;
  axisFormat?: (v: number) => string;
  /** layers add up (area chart); the legend still shows each layer's own value */
  stacked?: boolean;
  /** y axis: fixed lower bound (default 0), fixed upper bound, or an upper bound the axis shows at least */
  yMin?: number;
  yMax?: number;
  ySoftMax?: number;
  /** byte axes: ticks at powers of two (1, 2, 4 … GiB) rather than 1, 2, 5 … */
  binaryAxis?: boolean;
  /** the whole requested range, ms: the axis spans it even where there is no data */
  xRange: [number, number];
  /** charts with the same key share one cursor */
  syncKey?: string;
  height?: number;
  /** a range selected by dragging over the plot, ms */
  onSelectRange?: (from: number, to: number) => void;
  /** shown over the plot when every value is null */
  emptyText?: string;
}

export const PALETTE = ['#1f6feb', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#e03131', '#5c7cfa', '#66a80f', '#c2255c', '#495057', '#15aabf'];

const AXIS_STROKE = '#6a7480';
const GRID = { stroke: '#eceef1', width: 1 };
const TICKS = { stroke: '#d9dde3', width: 1, size: 4 };
const Y_AXIS_SIZE = 66;
const FONT = '11px system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif';

const BINARY_INCRS = (() => {
  const out: number[] = [];
  for (let k = 0; k <= 5; k++) for (let m = 1; m < 1024; m *= 2) out.push(m * 1024 ** k);
  return out;
})();

function withAlpha(hex: string, alpha: number): string {
  const h = hex.replace('#', '');
  const n = parseInt(h.length === 3 ? h.replace(/(.)/g, '$1$1') : h, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/**
 * Cumulative sums for a stacked chart. A null in a layer is a gap in that layer and every layer
 * above it; a hidden layer adds nothing, so the layers above it move down.
 */
function stack(series: ChartSeries[], length: number, hidden: ReadonlySet<string>): (number | null)[][] {
  const acc = new Array<number | null>(length).fill(0);
  return series.map((s) => {
    const off = hidden.has(s.label);
    const out = new Array<number | null>(length);
    for (let i = 0; i < length; i++) {
      const v = s.values[i];
      const a = acc[i];
      out[i] = v === null || v === undefined || a === null || a === undefined ? null : a + (off ? 0 : v);
      acc[i] = out[i] ?? null;
    }
    return out;
  });
}

/** Points whose neighbours are both gaps: a lone sample would otherwise not show at all. */
function isolatedPoints(u: uPlot, si: number, show: boolean): number[] | null {
  if (show) return null;
  const d = u.data[si] as (number | null | undefined)[];
  const out: number[] = [];
  for (let i = 0; i < d.length; i++) {
    if (d[i] == null) continue;
    if ((i === 0 || d[i - 1] == null) && (i === d.length - 1 || d[i + 1] == null)) out.push(i);
  }
  return out.length ? out : null;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Time axis labels on one line, 24-hour like the rest of the console: 14:05:30 when ticks are
 * seconds apart, 14:05 for minutes and hours (the date, 11-21, at midnight), 11-21 for days.
 */
function timeTicks(_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] {
  return splits.map((sec) => {
    const d = new Date(sec * 1000);
    const date = `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
    if (incr >= 86_400) return date;
    const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    if (incr < 60) return `${hm}:${pad2(d.getSeconds())}`;
    return d.getHours() === 0 && d.getMinutes() === 0 ? date : hm;
  });
}

/** Nice steps of an elapsed-time axis, in seconds. */
const OFFSET_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** Elapsed time, shortest form: 0 → "0", 90 s → "+1m30s", 5400 s → "+1h30m", 93600 s → "+1d2h". */
export function offsetText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s === 0) return '0';
  const sign = s < 0 ? '−' : '+';
  const a = Math.abs(s);
  const d = Math.floor(a / 86400);
  const h = Math.floor((a % 86400) / 3600);
  const m = Math.floor((a % 3600) / 60);
  const sec = a % 60;
  let out: string;
  if (d > 0) out = `${d}d${h ? `${h}h` : ''}`;
  else if (h > 0) out = `${h}h${m ? `${m}m` : ''}`;
  else if (m > 0) out = `${m}m${sec ? `${sec}s` : ''}`;
  else out = `${sec}s`;
  return sign + out;
}

function offsetTicks(_u: uPlot, splits: number[]): string[] {
  return splits.map((sec) => offsetText(sec * 1000));
}

function timeOfDay(ms: number): string {
  return dateTimeMs(ms).slice(11);
}

function lastValue(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/**
 * A time-series chart (uPlot on a canvas) with a legend that shows the values under the cursor,
 * or the latest values when the cursor is elsewhere. Null values are gaps: the line breaks, it is
 * never drawn down to zero. The chart follows its container's width and is destroyed on unmount.
 */
export function TimeChart(props: TimeChartProps) {
  const { title, note, testId, ts, series, format, stacked = false, height = 180, syncKey, xRange, emptyText, xMode = 'time', idleText } = props;
  const offset = xMode === 'offset';
  const wrapRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const [cursorIdx, setCursorIdx] = useState<number | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  // callbacks and bounds the long-lived chart reads at draw time
  const live = useRef(props);
  live.current = props;
  const hiddenRef = useRef(hidden);
  hiddenRef.current = hidden;

  const colors = useMemo(() => series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]!), [series]);
  // the chart is rebuilt only when its shape changes; new data for the same shape goes through setData
  const shape = JSON.stringify([series.map((s) => [s.label, s.dash ?? null, s.width ?? null]), colors, stacked, height, syncKey, props.binaryAxis ?? false, xMode]);

  const data = useMemo<uPlot.AlignedData>(() => {
    const x = ts.map((t) => t / 1000);
    const ys = stacked ? stack(series, ts.length, hidden) : series.map((s) => s.values);
    return [x, ...ys] as uPlot.AlignedData;
  }, [ts, series, stacked, hidden]);
  const dataRef = useRef(data);
  dataRef.current = data;

  const nonNull = useMemo(() => series.reduce((n, s) => n + s.values.filter((v) => v !== null && v !== undefined).length, 0), [series]);

  useEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const s = live.current;
    const fmtAxis = (v: number) => (live.current.axisFormat ?? live.current.format)(v);
    const opts: uPlot.Options = {
      width: Math.max(200, wrap.clientWidth),
      height,
      legend: { show: false },
      // room on the right for the last time label, which uPlot centres on its tick
      padding: [8, 26, 0, 0],
      cursor: {
        sync: syncKey ? { key: syncKey, setSeries: false } : undefined,
        drag: { x: true, y: false, setScale: false },
        points: { size: 6 },
      },
      scales: {
        x: {
          time: !offset,
          range: () => {
            const [a, b] = live.current.xRange;
            return [a / 1000, b / 1000];
          },
        },
        y: {
          range: (_u, dmin, dmax) => {
            const p = live.current;
            const lo = p.yMin ?? Math.min(0, Number.isFinite(dmin) ? dmin : 0);
            if (p.yMax !== undefined) return [lo, p.yMax];
            let hi = Number.isFinite(dmax) && dmax > lo ? dmax : lo + 1;
            if (p.ySoftMax !== undefined) hi = Math.max(hi, p.ySoftMax);
            const r = uPlot.rangeNum(lo, hi, 0.1, true);
            return [lo, Math.max(r[1] ?? hi, hi)];
          },
        },
      },
      axes: [
        offset
          ? { stroke: AXIS_STROKE, grid: GRID, ticks: TICKS, font: FONT, space: 64, size: 26, incrs: OFFSET_INCRS, values: offsetTicks }
          : { stroke: AXIS_STROKE, grid: GRID, ticks: TICKS, font: FONT, space: 64, size: 26, values: timeTicks },
        {
          stroke: AXIS_STROKE,
          grid: GRID,
          ticks: TICKS,
          font: FONT,
          space: 28,
          incrs: s.binaryAxis ? BINARY_INCRS : undefined,
          values: (_u, splits) => splits.map((v) => fmtAxis(v)),
          // one width for every chart, so that plots stacked in a column line up in time
          size: Y_AXIS_SIZE,
        },
      ],
      series: [
        {},
        ...series.map((sr, i): uPlot.Series => ({
          // no label: the legend is ours (React, text only); device and mount names come from hosts
          // stacked layers are told apart by their fill: a stroke along the top of a layer that is
          // zero would draw over the layer under it in the wrong colour
          stroke: stacked ? 'transparent' : colors[i],
          width: sr.width ?? 1.5,
          dash: sr.dash,
          fill: stacked ? withAlpha(colors[i]!, 0.6) : undefined,
          spanGaps: false,
          show: !hiddenRef.current.has(sr.label),
          points: { filter: isolatedPoints, size: 4, stroke: colors[i], fill: colors[i] },
        })),
      ],
      // in a stack, each layer fills down to the layer under it (the first one to zero)
      bands: stacked ? series.slice(1).map((_, i): uPlot.Band => ({ series: [i + 2, i + 1] })) : undefined,
      hooks: {
        setCursor: [(u) => setCursorIdx(u.cursor.idx ?? null)],
        setSelect: [
          (u) => {
            const sel = u.select;
            if (sel.width > 4 && live.current.onSelectRange) {
              const from = u.posToVal(sel.left, 'x') * 1000;
              const to = u.posToVal(sel.left + sel.width, 'x') * 1000;
              live.current.onSelectRange(Math.round(from), Math.round(to));
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
    };
    const u = new uPlot(opts, dataRef.current, wrap);
    plotRef.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, wrap.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(wrap);
    return () => {
      ro.disconnect();
      u.destroy();
      plotRef.current = null;
      setCursorIdx(null);
    };
    // `shape` stands for series labels, colours, stacking, height and sync key
  }, [shape]);

  // new data or a new range for the same chart
  useEffect(() => {
    const u = plotRef.current;
    if (!u) return;
    u.setData(data, true);
  }, [data, xRange[0], xRange[1]]);

  const toggle = (label: string, i: number) => {
    const next = new Set(hidden);
    if (next.has(label)) next.delete(label);
    else next.add(label);
    setHidden(next);
    plotRef.current?.setSeries(i + 1, { show: !next.has(label) });
  };

  const idx = cursorIdx !== null && cursorIdx < ts.length ? cursorIdx : null;
  const lastIdx = useMemo(() => {
    for (let i = ts.length - 1; i >= 0; i--) if (series.some((s) => s.values[i] !== null && s.values[i] !== undefined)) return i;
    return null;
  }, [ts, series]);
  return (
    <section className="chart-panel" data-testid={testId} data-nonnull={nonNull} data-points={ts.length}>
      <div className="chart-head">
        <h3 className="chart-title">{title}</h3>
        <span className="chart-when muted small" title={idx !== null ? 'values under the cursor' : (idleText ?? 'the newest value of each series')}>
          {idx !== null
            ? offset
              ? `at ${offsetText(ts[idx]!)}`
              : dateTimeMs(ts[idx])
            : idleText !== undefined
              ? idleText
              : lastIdx !== null
                ? offset
                  ? `latest · ${offsetText(ts[lastIdx]!)}`
                  : `latest · ${timeOfDay(ts[lastIdx]!)}`
                : ''}
        </span>
      </div>
      {note && <div className="chart-note">{note}</div>}
      <div className="chart-plot" style={{ height }}>
        <div ref={wrapRef} />
        {nonNull === 0 && <div className="chart-empty">{emptyText ?? 'No data in this range'}</div>}
      </div>
      <ul className="chart-legend">
        {series.map((s, i) => {
          const v = idx !== null ? (s.values[idx] ?? null) : s.idleValue !== undefined ? s.idleValue : lastValue(s.values);
          const off = hidden.has(s.label);
          return (
            <li key={s.label} className={off ? 'legend-item off' : 'legend-item'} data-series={s.label}>
              <button type="button" className="legend-button" title={off ? 'show this series' : 'hide this series'} aria-pressed={!off} onClick={() => toggle(s.label, i)}>
                <span className="legend-swatch" style={{ background: colors[i], opacity: s.dash ? 0.6 : 1 }} />
                <span className="legend-label">{s.label}</span>
              </button>
              <span className="legend-value" data-value={v ?? ''}>
                {v === null ? '—' : format(v)}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
