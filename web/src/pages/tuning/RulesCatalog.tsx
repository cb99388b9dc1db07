import { useState } from 'react';
import type { TuneProfile, TuneRule } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { SeverityBadge } from '../../components/SeverityBadge';

function paramText(p: TuneRule['params'][number]): string {
  const bits: string[] = [p.type];
  if (p.required) bits.push('required');
  if (p.default !== undefined) bits.push(`default ${String(p.default)}`);
  if (p.enum) bits.push(p.enum.join(' | '));
  if (p.min !== undefined || p.max !== undefined) bits.push(`${p.min ?? ''}…${p.max ?? ''}`);
  return `${p.name} (${bits.join(', ')})`;
}

/** Every rule: what it checks, its risk, whether osdeck fixes it, why, and how to fix it by hand. Collapsed at first. */
export function RulesCatalog({ rules, profiles }: { rules: TuneRule[]; profiles: TuneProfile[] }) {
  const [filter, setFilter] = useState('');
  const f = filter.trim().toLowerCase();
  const shown = f ? rules.filter((r) => `${r.id} ${r.title} ${r.category} ${r.risk}`.toLowerCase().includes(f)) : rules;
  const inProfiles = (id: string) => profiles.filter((p) => p.rules.some((x) => x.rule === id)).map((p) => p.name);

  const columns: Column<TuneRule>[] = [
    {
      key: 'rule',
      header: 'Rule',
      className: 'tune-catalog-rule',
      render: (r) => (
        <>
          <span className="mono strong">{r.id}</span>
          <div>{r.title}</div>
        </>
      ),
    },
    { key: 'cat', header: 'Category', render: (r) => r.category },
    { key: 'risk', header: 'Risk', render: (r) => <SeverityBadge severity={r.risk} /> },
    {
      key: 'fix',
      header: 'Fix',
      render: (r) => (
        <span className="nowrap">
          {r.automaticFix ? <span className="badge badge-ok">automatic</span> : <span className="badge badge-muted">manual</span>}
          {r.needsReboot && (
            <>
              {' '}
              <span className="badge badge-warn" title="takes full effect after a reboot">
                reboot
              </span>
            </>
          )}
        </span>
      ),
    },
    { key: 'os', header: 'Applies to', render: (r) => <span className="nowrap">{r.families.join(', ')}</span> },
    { key: 'profiles', header: 'In profiles', render: (r) => <span className="small">{inProfiles(r.id).join(', ') || <span className="muted">—</span>}</span> },
  ];

  return (
    <details className="panel tune-collapsible" data-testid="tune-catalog">
      <summary className="panel-head">
        <h2>Rules catalog ({rules.length})</h2>
        <span className="hint">what each rule checks, why, and how to fix it</span>
      </summary>
      <div className="panel-body stack">
        <input className="filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="filter: id, title, category, risk" aria-label="filter rules" />
        <DataTable
          columns={columns}
          rows={shown}
          rowKey={(r) => r.id}
          testId="tune-rules"
          empty="No rule matches."
          detail={(r) => (
            <div className="tune-rule-text">
              <p>{r.rationale}</p>
              <p>
                <span className="muted">Remediation: </span>
                <span className="mono">{r.remediation}</span>
              </p>
              {r.params.length > 0 && (
                <p>
                  <span className="muted">Parameters: </span>
                  {r.params.map((p) => (
                    <span key={p.name} className="tune-param" title={p.description}>
                      <span className="mono">{paramText(p)}</span> — {p.description}
                    </span>
                  ))}
                </p>
              )}
            </div>
          )}
        />
      </div>
    </details>
  );
}
