import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import type { ActiveAlert, AlertEvent, AlertRule } from '../../api-types';
import { notifyAlertsChanged } from '../../components/ActiveAlertsBadge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { DASH, ago, dateTime, num } from '../../format';
import { conditionText, formatMetric, metricInfo } from '../../metric-catalog';
import { useSession } from '../../session';
import { usePolling } from '../../use-polling';
import { useResource } from '../../use-resource';
import { AddRuleForm } from './AddRuleForm';

/** The server evaluates every rule every 10 s; the page asks as often. */
const REFRESH_MS = 10_000;
const EVENTS = 100;

function HostLink({ host }: { host: string }) {
  return (
    <Link to={`/hosts/${encodeURIComponent(host)}/metrics`} title="metrics dashboard">
      {host}
    </Link>
  );
}

function When({ iso }: { iso: string }) {
  return (
    <span className="nowrap" title={iso}>
      {dateTime(iso)} <span className="muted small">· {ago(iso)}</span>
    </span>
  );
}

function Condition({ r }: { r: { metric: string; op: string; threshold: number; forSec: number } }) {
  const text = conditionText(r);
  return (
    <span className="nowrap" title={`${metricInfo(r.metric).title}: ${text}, averaged per host`}>
      <span className="muted">{metricInfo(r.metric).title}</span> <span className="mono">{text}</span>
    </span>
  );
}

/** "HTTP 200" is fine, "HTTP 500" and "failed: …" are not; no webhook, nothing to say. */
function WebhookStatus({ status }: { status: string | null }) {
  if (!status) return <span className="muted">{DASH}</span>;
  const m = /^HTTP (\d+)/.exec(status);
  const ok = m !== null && Number(m[1]) < 400;
  return (
    <span className={`mono ellipsis ${ok ? 'ok-text' : 'bad-text'}`} title={status}>
      {status}
    </span>
  );
}

export function AlertsPage() {
  const { can } = useSession();
  const canWrite = can('host.write');
  const rules = useResource(() => api.alertRules(), []);
  const active = useResource(() => api.activeAlerts(), []);
  const events = useResource(() => api.alertEvents(EVENTS), []);
  const [removing, setRemoving] = useState<string | null>(null);
  const [removeError, setRemoveError] = useState<unknown>(undefined);

  const reloadAll = () => Promise.all([rules.reload(), active.reload(), events.reload()]);
  usePolling(() => void reloadAll(), REFRESH_MS);

  const ruleById = useMemo(() => new Map((rules.data ?? []).map((r) => [r.id, r])), [rules.data]);
  const firingByRule = useMemo(() => {
    const m = new Map<string, number>();
    for (const a of active.data ?? []) m.set(a.rule, (m.get(a.rule) ?? 0) + 1);
    return m;
  }, [active.data]);

  async function remove(r: AlertRule) {
    setRemoving(r.id);
    setRemoveError(undefined);
    try {
      await api.removeAlertRule(r.id);
      await reloadAll();
      notifyAlertsChanged();
    } catch (err) {
      setRemoveError(err);
    } finally {
      setRemoving(null);
    }
  }

  const activeCols: Column<ActiveAlert>[] = [
    { key: 'rule', header: 'Rule', className: 'nowrap', render: (a) => <span className="strong">{a.rule}</span> },
    { key: 'host', header: 'Host', render: (a) => <HostLink host={a.host} /> },
    { key: 'cond', header: 'Condition', render: (a) => <Condition r={a} /> },
    {
      key: 'value',
      header: 'Value',
      title: 'the window average when the alert fired',
      className: 'num',
      render: (a) => (
        <span className="bad-text strong" data-value={a.value ?? ''}>
          {formatMetric(a.value, metricInfo(a.metric).unit)}
        </span>
      ),
    },
    { key: 'since', header: 'Firing since', render: (a) => <When iso={a.since} /> },
  ];

  const ruleCols: Column<AlertRule>[] = [
    { key: 'name', header: 'Name', className: 'nowrap', render: (r) => <span className="strong">{r.name}</span> },
    { key: 'selector', header: 'Hosts', className: 'cell-selector', render: (r) => <span className="mono ellipsis" title={r.selector}>{r.selector}</span> },
    { key: 'cond', header: 'Condition', render: (r) => <Condition r={r} /> },
    {
      key: 'state',
      header: 'State',
      render: (r) => {
        const n = firingByRule.get(r.name) ?? 0;
        return n > 0 ? <span className="badge badge-bad" data-status="firing">firing on {n}</span> : <span className="badge badge-ok" data-status="ok">ok</span>;
      },
    },
    { key: 'webhook', header: 'Webhook', className: 'cell-webhook', render: (r) => (r.webhookUrl ? <span className="mono ellipsis" title={r.webhookUrl}>{r.webhookUrl}</span> : <span className="muted">{DASH}</span>) },
    {
      key: 'created',
      header: 'Added',
      render: (r) => (
        <span className="nowrap" title={`${r.createdAt} by ${r.createdBy}`}>
          {ago(r.createdAt)} <span className="muted small">by {r.createdBy}</span>
        </span>
      ),
    },
  ];
  if (canWrite) {
    ruleCols.push({
      key: 'remove',
      header: '',
      className: 'cell-action',
      render: (r) => <ConfirmButton label="Remove" className="btn btn-danger btn-small" question={`Remove rule ${r.name}?`} confirmLabel="Remove" busy={removing === r.id} onConfirm={() => remove(r)} />,
    });
  }

  const eventCols: Column<AlertEvent>[] = [
    { key: 'ts', header: 'Time', render: (e) => <When iso={e.ts} /> },
    { key: 'rule', header: 'Rule', className: 'nowrap', render: (e) => <span className="strong">{e.rule}</span> },
    { key: 'host', header: 'Host', render: (e) => <HostLink host={e.host} /> },
    { key: 'state', header: 'State', render: (e) => <StatusBadge status={e.state} /> },
    {
      key: 'value',
      header: 'Value',
      title: 'the window average at the transition',
      className: 'num',
      render: (e) => {
        const r = ruleById.get(e.ruleId);
        return r ? formatMetric(e.value, metricInfo(r.metric).unit) : num(e.value);
      },
    },
    { key: 'webhook', header: 'Webhook', className: 'cell-webhook', render: (e) => <WebhookStatus status={e.webhookStatus} /> },
  ];

  const nActive = active.data?.length ?? 0;
  const loading = rules.loading || active.loading || events.loading;

  return (
    <div data-testid="alerts-page">
      <PageHeader
        title="Alerts"
        subtitle={
          <span className="summary">
            {active.data && (nActive > 0 ? <span className="bad-text strong">{nActive} firing</span> : <span className="ok-text">nothing firing</span>)}
            {rules.data && (
              <span>
                {rules.data.length} rule{rules.data.length === 1 ? '' : 's'}
              </span>
            )}
            <span className="muted">rules are evaluated every 10 s · this page refreshes every {REFRESH_MS / 1000} s</span>
          </span>
        }
        actions={
          <button
            type="button"
            className="btn"
            disabled={loading}
            onClick={() => {
              void reloadAll();
              notifyAlertsChanged();
            }}
          >
            {loading && rules.data ? 'Refreshing…' : 'Refresh'}
          </button>
        }
      />

      <Panel title={<>Firing now {nActive > 0 && <span className="badge badge-bad">{nActive}</span>}</>}>
        <ErrorBanner error={active.error} title="Could not load the active alerts" />
        {active.data ? (
          <DataTable testId="active-alerts" columns={activeCols} rows={active.data} rowKey={(a) => `${a.rule}|${a.host}`} rowClassName={() => 'row-bad'} empty="No alert is firing." />
        ) : (
          !active.error && <Loading />
        )}
      </Panel>

      <Panel title="Rules" actions={!canWrite && <span className="muted small">read-only: adding and removing rules needs the operator role</span>}>
        <ErrorBanner error={rules.error} title="Could not load the rules" />
        <ErrorBanner error={removeError} title="The rule was not removed" onDismiss={() => setRemoveError(undefined)} />
        {rules.data ? (
          <DataTable testId="alert-rules" columns={ruleCols} rows={rules.data} rowKey={(r) => r.name} empty={canWrite ? 'No rules yet: add one below.' : 'No rules yet.'} />
        ) : (
          !rules.error && <Loading />
        )}
      </Panel>

      {canWrite && (
        <Panel title="Add rule">
          <AddRuleForm
            onAdded={() => {
              void reloadAll();
              notifyAlertsChanged();
            }}
          />
        </Panel>
      )}

      <Panel title="Recent events" actions={<span className="muted small">newest first · last {EVENTS}</span>}>
        <ErrorBanner error={events.error} title="Could not load the events" />
        {events.data ? (
          <div className="events-scroll">
            <DataTable testId="alert-events" columns={eventCols} rows={events.data} rowKey={(e) => String(e.id)} rowClassName={(e) => (e.state === 'firing' ? 'row-firing' : e.state === 'resolved' ? 'row-resolved' : undefined)} empty="No alert has fired yet." />
          </div>
        ) : (
          !events.error && <Loading />
        )}
      </Panel>
    </div>
  );
}
