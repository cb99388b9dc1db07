import { type ReactNode, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { TuneCell, TuneMatrix, TuneRule } from '../../api-types';
import { KeyValues } from '../../components/KeyValues';
import { ago, dateTime } from '../../format';
import { CELL_SYMBOL, TuneStatusBadge, cellTone, cellTooltip, isManual } from './tune-ui';

type MatrixRule = TuneMatrix['rules'][number];

/** Rules grouped by category (in the order categories first appear), for the header's category row. */
function groupRules(rules: MatrixRule[]): Array<{ category: string; rules: MatrixRule[] }> {
  const groups: Array<{ category: string; rules: MatrixRule[] }> = [];
  for (const r of rules) {
    const g = groups.find((x) => x.category === r.category);
    if (g) g.rules.push(r);
    else groups.push({ category: r.category, rules: [r] });
  }
  return groups;
}

function counts(results: Record<string, TuneCell>): Record<string, number> {
  const c: Record<string, number> = {};
  for (const cell of Object.values(results)) c[cell.status] = (c[cell.status] ?? 0) + 1;
  return c;
}

/**
 * Hosts × rules: each cell the latest result of a rule on a host, coloured by status, with the
 * whole result in its tooltip; a click opens it below. The host column stays put while the rules
 * scroll sideways.
 */
export function ComplianceMatrix({ matrix, catalog }: { matrix: TuneMatrix; catalog?: TuneRule[] }) {
  const groups = useMemo(() => groupRules(matrix.rules), [matrix.rules]);
  const ordered = groups.flatMap((g) => g.rules);
  const firstOfGroup = new Set(groups.map((g) => g.rules[0]!.id));
  const [open, setOpen] = useState<{ host: string; rule: string } | null>(null);
  const openCell = open ? matrix.hosts.find((h) => h.host === open.host)?.results[open.rule] : undefined;
  const openRule = open ? matrix.rules.find((r) => r.id === open.rule) : undefined;
  const openCatalog = open ? catalog?.find((r) => r.id === open.rule) : undefined;

  if (matrix.hosts.length === 0) return <div className="table-empty">No hosts match.</div>;
  if (ordered.length === 0) return <div className="table-empty">Nothing checked yet: choose a profile and hosts above and press Check.</div>;

  return (
    <div className="stack">
      <div className="tune-matrix-wrap">
        <table className="table tune-matrix" data-testid="tune-matrix">
          <thead>
            <tr className="tune-cat-row">
              <th className="tune-host-col" rowSpan={2}>
                Host
              </th>
              {groups.map((g) => (
                <th key={g.category} colSpan={g.rules.length} className="tune-cat" title={g.category}>
                  {g.category}
                </th>
              ))}
            </tr>
            <tr>
              {ordered.map((r) => (
                <th key={r.id} className={`tune-rule-head ${firstOfGroup.has(r.id) ? 'tune-group-start' : ''}`} title={`${r.id} — ${r.title}`} data-rule={r.id}>
                  <span className="tune-vhead">{r.id}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.hosts.map((h) => {
              const c = counts(h.results);
              const checked = Object.keys(h.results).length > 0;
              return (
                <tr key={h.host} data-host={h.host}>
                  <th scope="row" className="tune-host-col">
                    <Link to={`/hosts/${encodeURIComponent(h.host)}/tuning`} className="strong">
                      {h.host}
                    </Link>
                    <span className="tune-host-counts">
                      {checked ? (
                        <>
                          {(['pass', 'fail', 'error', 'n/a'] as const).map((s) =>
                            c[s] ? (
                              <span key={s} className={`count count-${cellTone(s)}`}>
                                <b>{c[s]}</b> {s}
                              </span>
                            ) : null,
                          )}
                        </>
                      ) : (
                        <span className="muted">not checked</span>
                      )}
                    </span>
                  </th>
                  {ordered.map((r) => {
                    const cell = h.results[r.id];
                    const cls = `tune-cell-td ${firstOfGroup.has(r.id) ? 'tune-group-start' : ''}`;
                    if (!cell) {
                      return (
                        <td key={r.id} className={cls} data-rule={r.id} data-status="none">
                          <span className="tune-cell tune-none" title={`${r.id}: not checked on ${h.host}`} />
                        </td>
                      );
                    }
                    const on = open?.host === h.host && open.rule === r.id;
                    return (
                      <td key={r.id} className={cls} data-rule={r.id} data-status={cell.status}>
                        <button
                          type="button"
                          className={`tune-cell tune-${cellTone(cell.status)} ${isManual(cell) ? 'tune-manual' : ''} ${on ? 'on' : ''}`}
                          title={cellTooltip(r.id, r.title, cell)}
                          aria-label={`${r.id} on ${h.host}: ${cell.status}`}
                          aria-pressed={on}
                          onClick={() => setOpen(on ? null : { host: h.host, rule: r.id })}
                        >
                          {CELL_SYMBOL[cell.status] ?? '?'}
                          {isManual(cell) && <sub>m</sub>}
                        </button>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="tune-legend small muted">
        <span>
          <span className="tune-cell tune-ok tune-legend-cell">✓</span> pass
        </span>
        <span>
          <span className="tune-cell tune-bad tune-legend-cell">✗</span> fail, osdeck can fix it
        </span>
        <span>
          <span className="tune-cell tune-bad tune-manual tune-legend-cell">
            ✗<sub>m</sub>
          </span>{' '}
          fail, manual fix
        </span>
        <span>
          <span className="tune-cell tune-warn tune-legend-cell">!</span> error (the check failed)
        </span>
        <span>
          <span className="tune-cell tune-muted tune-legend-cell">–</span> not applicable
        </span>
        <span>Hover a cell for its result, click it for details.</span>
      </div>
      {open && openCell && (
        <div className="tune-cell-detail" data-testid="tune-cell-detail">
          <div className="label-row">
            <strong>
              <Link to={`/hosts/${encodeURIComponent(open.host)}/tuning`}>{open.host}</Link> · <span className="mono">{open.rule}</span>
              {openRule && <span className="muted"> — {openRule.title}</span>}
            </strong>
            <button type="button" className="banner-close" aria-label="Close" onClick={() => setOpen(null)}>
              ×
            </button>
          </div>
          <KeyValues
            items={[
              ['Status', <TuneStatusBadge status={openCell.status} manual={isManual(openCell)} />],
              ['Current', <span className="mono">{openCell.current}</span>],
              ['Expected', <span className="mono">{openCell.expected}</span>],
              ['Detail', openCell.detail],
              ['Fix', openCell.status === 'pass' || openCell.status === 'n/a' ? null : openCell.fixable ? 'automatic (Dry run shows the change, Apply makes it)' : 'manual'],
              ...(openCatalog && isManual(openCell) ? ([['Remediation', <span className="mono">{openCatalog.remediation}</span>]] as [string, ReactNode][]) : []),
              ['Checked', <span title={openCell.checkedAt}>{dateTime(openCell.checkedAt)} ({ago(openCell.checkedAt)})</span>],
            ]}
          />
        </div>
      )}
    </div>
  );
}
