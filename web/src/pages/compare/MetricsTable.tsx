import type { MetricComparison, WindowStats } from '../../api-types';
import { DASH } from '../../format';
import { STATS, type SortDir, type SortKey, type Stat, cellText, rowScale } from './compare-table';

const STAT_TITLE: Record<Stat, string> = {
  mean: 'average of the window',
  p50: 'median',
  p95: '95th percentile',
  p99: '99th percentile',
  min: 'lowest value',
  max: 'highest value',
  stddev: 'standard deviation',
};

function changeText(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return DASH;
  const r = Math.abs(p) >= 100 ? Math.round(p) : Math.round(p * 10) / 10;
  return `${r > 0 ? '+' : ''}${r} %`;
}

/**
 * Every compared metric: the seven statistics of each window side by side, the change of the mean
 * and whether it is beyond noise (those rows are highlighted). Headers sort; a second click reverses.
 */
export function MetricsTable(props: { rows: MetricComparison[]; multiHost: boolean; sortKey: SortKey | null; dir: SortDir; onSort: (k: SortKey) => void }) {
  const { rows, multiHost, sortKey, dir, onSort } = props;

  const head = (k: SortKey, label: string, title: string, className?: string) => {
    const active = sortKey === k;
    return (
      <th key={k} className={className} title={title} aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" className={active ? 'sort-button active' : 'sort-button'} onClick={() => onSort(k)} data-sort={k}>
          {label}
          <span className="sort-mark" aria-hidden>
            {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  const statCells = (w: 'before' | 'after', s: WindowStats, factor: number) =>
    STATS.map((stat) => (
      <td key={`${w}.${stat}`} className={`num ${stat === 'mean' ? `col-mean col-${w}-start` : ''}`} data-col={`${w}-${stat}`} title={stat === 'mean' ? `${s.count} samples` : undefined}>
        {cellText(s[stat], factor)}
      </td>
    ));

  return (
    <div className="table-wrap">
      <table className="table compare-table" data-testid="compare-table">
        <thead>
          <tr className="group-row">
            <th colSpan={multiHost ? 2 : 1} />
            <th colSpan={STATS.length} className="group-before col-before-start">
              Before
            </th>
            <th colSpan={STATS.length} className="group-after col-after-start">
              After
            </th>
            <th className="col-change-start" />
          </tr>
          <tr>
            {multiHost && head('host', 'Host', 'host name')}
            {head('metric', 'Metric', 'metric (unit)')}
            {STATS.map((s) => head(`before.${s}`, s, `before: ${STAT_TITLE[s]}`, `num${s === 'mean' ? ' col-before-start' : ''}`))}
            {STATS.map((s) => head(`after.${s}`, s, `after: ${STAT_TITLE[s]}`, `num${s === 'mean' ? ' col-after-start' : ''}`))}
            {head(
              'change',
              'Change',
              "change of the mean, % of the before mean; marked ▲/▼ when beyond noise: the means differ by more than 3 standard errors, by more than 10 % and by more than the metric's noise floor",
              'num col-change-start',
            )}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td className="table-empty" colSpan={(multiHost ? 2 : 1) + 2 * STATS.length + 1}>
                No metric to show.
              </td>
            </tr>
          )}
          {rows.map((c) => {
            const up = (c.after.mean ?? 0) > (c.before.mean ?? 0);
            const scale = rowScale(c.unit, STATS.flatMap((st) => [c.before[st], c.after[st]]));
            return (
              <tr key={`${c.host}|${c.metric}`} data-row={`${c.host}|${c.metric}`} data-host={c.host} data-metric={c.metric} data-changed={c.change.changed ? 'true' : 'false'} className={c.change.changed ? 'row-changed' : undefined}>
                {multiHost && <td className="nowrap">{c.host}</td>}
                <td className="cell-metric" title={`${c.metric}${scale.label ? ` · values in ${scale.label}` : ''}`}>
                  <span className="metric-title">{c.title}</span>
                  {scale.label && <span className="metric-unit">{scale.label}</span>}
                </td>
                {statCells('before', c.before, scale.factor)}
                {statCells('after', c.after, scale.factor)}
                <td className="num col-change-start" data-col="change" title={`${c.change.changed ? 'beyond noise' : 'within noise'}${c.change.t === null ? '' : `, t = ${c.change.t.toFixed(1)}`}`}>
                  {c.change.changed ? (
                    <span className={`badge ${up ? 'badge-warn' : 'badge-busy'}`} data-changed="true">
                      {up ? '▲' : '▼'} {c.change.percent === null ? 'changed' : changeText(c.change.percent)}
                    </span>
                  ) : (
                    <span className="muted">{changeText(c.change.percent)}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
