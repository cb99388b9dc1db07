import { useState } from 'react';
import type { Report, ReportTable } from '../api-types';
import { dateTime } from '../format';
import { Panel } from './PageHeader';
import { CopyButton } from './CopyButton';
import { SeverityBadge } from './SeverityBadge';
import { StackedBar } from './StackedBar';

const PAGE_ROWS = 30;

// identifiers are printed as they are, quantities with thousands separators
const ID_COLUMN = /^(#|pid|ppid|tgid|uid|gid|port|inode|cpu|shmid|key)$|\b(pid|id)\b/i;

function Cell({ v, plain }: { v: string | number | null; plain: boolean }) {
  if (v === null) return <span className="muted">—</span>;
  return <>{typeof v === 'number' && !plain ? v.toLocaleString('en-US') : v}</>;
}

function TableBlock({ t }: { t: ReportTable }) {
  const [all, setAll] = useState(false);
  const rows = all ? t.rows : t.rows.slice(0, PAGE_ROWS);
  return (
    <Panel
      title={t.title}
      actions={
        t.rows.length > PAGE_ROWS && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setAll(!all)}>
            {all ? `first ${PAGE_ROWS}` : `all ${t.rows.length} rows`}
          </button>
        )
      }
    >
      <div className="table-wrap">
        <table className="table report-table">
          <thead>
            <tr>
              {t.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td className="table-empty" colSpan={t.columns.length}>
                  Nothing to show.
                </td>
              </tr>
            )}
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j} className={typeof c === 'number' ? 'num' : 'report-cell'}>
                    <Cell v={c} plain={ID_COLUMN.test(t.columns[j] ?? '')} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

/** A report in the common shape: conclusion, findings, pictures, advice with commands, tables, raw evidence. */
export function ReportView({ report }: { report: Report }) {
  return (
    <div className="stack report" data-testid="report">
      <section className={`conclusion conclusion-${report.severity}`} data-testid="conclusion">
        <SeverityBadge severity={report.severity} /> <strong>{report.conclusion}</strong>
        <div className="muted small">generated {dateTime(report.generatedAt)}</div>
      </section>
      {report.findings.length > 0 && (
        <Panel title="Findings">
          <ul className="findings">
            {report.findings.map((f, i) => (
              <li key={i}>
                <SeverityBadge severity={f.severity} /> {f.summary}
                {f.detail && <div className="muted small">{f.detail}</div>}
              </li>
            ))}
          </ul>
        </Panel>
      )}
      {(report.charts ?? []).map((c) => (
        <Panel key={c.title}>
          <StackedBar chart={c} />
        </Panel>
      ))}
      {report.recommendations.length > 0 && (
        <Panel title="Recommendations">
          <ol className="recommendations">
            {report.recommendations.map((r, i) => (
              <li key={i}>
                {r.summary}
                {r.commands && r.commands.length > 0 && (
                  <div className="command-block">
                    <pre className="mono">{r.commands.join('\n')}</pre>
                    <CopyButton text={r.commands.join('\n')} />
                  </div>
                )}
              </li>
            ))}
          </ol>
        </Panel>
      )}
      {report.tables.map((t) => (
        <TableBlock key={t.title} t={t} />
      ))}
      <details className="evidence">
        <summary>Raw evidence</summary>
        <pre className="mono">{JSON.stringify(report.evidence, null, 2)}</pre>
      </details>
    </div>
  );
}
