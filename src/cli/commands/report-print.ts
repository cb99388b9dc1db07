import { humanBytes as bytes } from '../../domain/diagnosis/report-kit';
import type { Report } from '../../domain/report/report-shape';
import { table } from '../table';
import { safe } from './output';

const MARK: Record<string, string> = { ok: '✓', info: 'i', low: '·', medium: '!', high: '!!', critical: '!!!' };

/** A report in the common shape, for a terminal: conclusion first, then what to do, then the tables. */
export function printReport(r: Report, opts: { host?: string | null; rows?: number; all?: boolean } = {}): void {
  const rows = opts.all ? Infinity : (opts.rows ?? 15);
  console.log(`${opts.host ? `[${safe(opts.host)}] ` : ''}${r.severity.toUpperCase()}: ${safe(r.conclusion)}`);
  for (const f of r.findings) console.log(`  ${(MARK[f.severity] ?? '-').padEnd(3)} ${safe(f.summary)}${f.detail ? ` (${safe(f.detail)})` : ''}`);
  for (const c of r.charts ?? []) {
    const total = c.total ?? c.segments.reduce((a, s) => a + s.value, 0);
    console.log(`\n${safe(c.title)}`);
    console.log(table(['part', 'value', 'share'], c.segments.map((s) => [s.label, c.unit === 'bytes' ? bytes(s.value) : s.value, total ? `${((s.value / total) * 100).toFixed(1)}%` : '-'])));
  }
  if (r.recommendations.length) {
    console.log('\nRecommendations:');
    r.recommendations.forEach((rec, i) => {
      console.log(`  ${i + 1}. ${safe(rec.summary)}`);
      for (const c of rec.commands ?? []) console.log(`       $ ${safe(c)}`);
    });
  }
  for (const t of r.tables) {
    if (!t.rows.length) continue;
    console.log(`\n${safe(t.title)}${t.rows.length > rows ? ` (first ${rows} of ${t.rows.length}; --all shows every row)` : ''}`);
    console.log(table(t.columns, t.rows.slice(0, rows)));
  }
}
