import { useMemo } from 'react';
import type { CompareReport, MetricComparison } from '../../api-types';
import { TimeChart } from '../../components/TimeChart';
import { formatMetric } from '../../metric-catalog';
import { overlayOf } from './compare-chart';
import { spanText } from './compare-windows';

const BEFORE_COLOR = '#868e96';
const AFTER_COLOR = '#1f6feb';
const SYNC_KEY = 'compare';

function axisFormat(unit: string) {
  return (v: number) => (unit === '%' ? `${Number(v.toPrecision(3))}%` : v === 0 ? '0' : formatMetric(v, unit));
}

/** One chart per metric (and host): the before window in grey and the after window in blue, from each window's start. */
export function OverlayCharts({ report, rows, multiHost, spanMs }: { report: CompareReport; rows: MetricComparison[]; multiHost: boolean; /** the longer window's length */ spanMs: number }) {
  const charts = useMemo(
    () =>
      rows
        .map((c) => ({ c, o: overlayOf(report, c) }))
        .filter((x): x is { c: MetricComparison; o: NonNullable<ReturnType<typeof overlayOf>> } => x.o !== null)
        .map(({ c, o }) => ({
          c,
          o,
          series: [
            { label: 'before', values: o.before, color: BEFORE_COLOR, width: 1.5, idleValue: c.before.mean },
            { label: 'after', values: o.after, color: AFTER_COLOR, width: 1.75, idleValue: c.after.mean },
          ],
        })),
    [report, rows],
  );
  if (charts.length === 0) return null;
  return (
    <div className="chart-grid compare-charts">
      {charts.map(({ c, o, series }) => (
        <TimeChart
          key={`${c.host}|${c.metric}`}
          testId={`overlay-${c.host}-${c.metric}`}
          title={
            <>
              {c.title}
              {multiHost && <span className="muted"> · {c.host}</span>}
              {c.change.changed && <span className="badge badge-warn chart-badge">changed</span>}
            </>
          }
          note={
            <span title={`each point averages the samples of ${spanText(o.stepMs)} (the report's buckets are ${spanText(o.reportStepMs)}); the legend shows each window's mean, or the values under the cursor`}>
              time since each window's start · {spanText(o.stepMs)} averages
            </span>
          }
          xMode="offset"
          idleText="window means"
          ts={o.offsets}
          xRange={[0, Math.max(spanMs, o.stepMs)]}
          series={series}
          format={(v) => formatMetric(v, c.unit)}
          axisFormat={axisFormat(c.unit)}
          binaryAxis={c.unit === 'bytes' || c.unit === 'bytes/s'}
          ySoftMax={c.unit === '%' ? 1 : undefined}
          syncKey={SYNC_KEY}
          height={160}
          emptyText="No samples in either window"
        />
      ))}
    </div>
  );
}
