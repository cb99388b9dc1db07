import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api';
import type { AuditEntry } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner, Notice } from '../../components/ErrorBanner';
import { Loading, PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { DASH, bytes, dateTime, duration, shortId } from '../../format';
import { useSession } from '../../session';
import { useResource } from '../../use-resource';

const PAGE = 50;

/** Action prefixes worth one click; every API call is audited too, so "api." is loud. */
const PRESETS: [string, string][] = [
  ['', 'All'],
  ['host.exec', 'Commands'],
  ['host.', 'Hosts'],
  ['job.', 'Jobs'],
  ['auth.', 'Logins'],
  ['user.', 'Users'],
  ['token.', 'Tokens'],
  ['api.denied', 'Denied'],
  ['api.', 'API calls'],
];

function compactDetail(d: Record<string, unknown> | null): string {
  if (!d) return '';
  return Object.entries(d)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** A remote command's exit code, duration and output size in one short cell. */
function outcome(e: AuditEntry): string {
  const parts = [e.exitCode !== null ? `exit ${e.exitCode}` : null, e.durationMs !== null ? duration(e.durationMs) : null, e.bytes !== null ? bytes(e.bytes) : null].filter(Boolean);
  return parts.length ? parts.join(' · ') : DASH;
}

const COLUMNS: Column<AuditEntry>[] = [
  { key: 'ts', header: 'Time', className: 'nowrap', render: (e) => <span title={`#${e.id} · ${e.ts}`}>{dateTime(e.ts).slice(5)}</span> },
  {
    key: 'actor',
    header: 'Actor',
    className: 'nowrap',
    render: (e) => (
      <span title={`${e.actorType}${e.sourceIp ? ` from ${e.sourceIp}` : ''}`}>
        {e.actor}
        {e.actorType !== 'user' && <span className="muted small"> ({e.actorType})</span>}
      </span>
    ),
  },
  { key: 'action', header: 'Action', render: (e) => <span className="mono">{e.action}</span> },
  { key: 'result', header: 'Result', render: (e) => <StatusBadge status={e.result} /> },
  { key: 'host', header: 'Host', render: (e) => (e.host ? <Link to={`/hosts/${encodeURIComponent(e.host)}`}>{e.host}</Link> : DASH) },
  {
    key: 'what',
    header: 'Command / target',
    className: 'cell-command',
    render: (e) => {
      const text = e.command ?? e.target ?? '';
      return text ? (
        <span className={`mono ellipsis ${e.command ? 'audit-command' : ''}`} title={text}>
          {e.command ? `$ ${text}` : text}
        </span>
      ) : (
        DASH
      );
    },
  },
  { key: 'outcome', header: 'Outcome', title: 'exit code · duration · output size', className: 'nowrap', render: outcome },
  { key: 'job', header: 'Job', render: (e) => (e.jobId ? <Link to={`/jobs/${encodeURIComponent(e.jobId)}`} className="mono">{shortId(e.jobId)}</Link> : DASH) },
  {
    key: 'detail',
    header: 'Detail',
    className: 'cell-detail',
    render: (e) => {
      const d = compactDetail(e.detail);
      return d ? (
        <span className="mono small ellipsis" title={JSON.stringify(e.detail, null, 2)}>
          {d}
        </span>
      ) : (
        DASH
      );
    },
  },
];

export function AuditPage() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const action = params.get('action') ?? '';
  const host = params.get('host') ?? '';
  const actor = params.get('actor') ?? '';
  // `before` cursors of the pages above this one; empty = newest page
  const [cursors, setCursors] = useState<number[]>([]);
  const before = cursors.length ? cursors[cursors.length - 1] : undefined;
  const entries = useResource(() => api.audit({ limit: PAGE, before, action, host, actor }), [before, action, host, actor]);

  const [draft, setDraft] = useState({ action, host, actor });
  useEffect(() => setDraft({ action, host, actor }), [action, host, actor]);

  function apply(next: { action: string; host: string; actor: string }) {
    const p: Record<string, string> = {};
    for (const [k, v] of Object.entries(next)) if (v.trim()) p[k] = v.trim();
    setCursors([]);
    setParams(p);
  }

  if (!can('audit.read')) {
    return (
      <>
        <PageHeader title="Audit log" />
        <Notice kind="warning">Your role cannot read the audit log.</Notice>
      </>
    );
  }

  const rows = entries.data ?? [];
  const last = rows[rows.length - 1];
  const page = cursors.length + 1;

  return (
    <>
      <PageHeader title="Audit log" subtitle="Every change, every remote command and every API call, newest first." />
      <form
        className="toolbar audit-filters"
        aria-label="Audit filters"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label className="field field-inline">
          <span>Action</span>
          <input name="action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} placeholder="prefix: host.exec" className="mono" />
        </label>
        <label className="field field-inline">
          <span>Host</span>
          <input name="host" value={draft.host} onChange={(e) => setDraft({ ...draft, host: e.target.value })} placeholder="any" />
        </label>
        <label className="field field-inline">
          <span>Actor</span>
          <input name="actor" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} placeholder="any" />
        </label>
        <button type="submit" className="btn btn-primary">
          Apply
        </button>
        {(action || host || actor) && (
          <button type="button" className="btn" onClick={() => apply({ action: '', host: '', actor: '' })}>
            Clear
          </button>
        )}
      </form>
      <div className="presets" role="group" aria-label="Action presets">
        {PRESETS.map(([prefix, label]) => (
          <button key={label} type="button" className={`preset ${action === prefix ? 'on' : ''}`} onClick={() => apply({ action: prefix, host, actor })}>
            {label}
          </button>
        ))}
      </div>
      <ErrorBanner error={entries.error} title="Could not load the audit log" />
      {!entries.data && !entries.error ? (
        <Loading what="audit log" />
      ) : (
        <DataTable testId="audit-table" columns={COLUMNS} rows={rows} rowKey={(e) => String(e.id)} rowClassName={(e) => (e.result === 'ok' ? undefined : `row-${e.result}`)} empty="No entries match." />
      )}
      <div className="pager">
        <button type="button" className="btn" disabled={cursors.length === 0} onClick={() => setCursors([])}>
          ⇤ Newest
        </button>
        <button type="button" className="btn" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ← Newer
        </button>
        <span className="muted">
          page {page}
          {rows.length > 0 && ` · #${rows[0]!.id}–#${last!.id}`}
        </span>
        <button type="button" className="btn" disabled={!last || rows.length < PAGE} onClick={() => last && setCursors((c) => [...c, last.id])}>
          Older →
        </button>
      </div>
    </>
  );
}
