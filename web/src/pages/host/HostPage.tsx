import { type ReactNode, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../../api';
import type { Host } from '../../api-types';
import { Chips } from '../../components/Chips';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { HostTabs } from '../../components/HostTabs';
import { KeyValues } from '../../components/KeyValues';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { RunCommandForm } from '../../components/RunCommandForm';
import { StatusBadge } from '../../components/StatusBadge';
import { ago, bytes, dateTime, uptime } from '../../format';
import { hostAddress } from '../../host-address';
import { useSession } from '../../session';
import { useResource } from '../../use-resource';
import { HostActivity } from './HostActivity';
import { HostKeyWarning } from './HostKeyWarning';

function factItems(h: Host): [string, ReactNode][] {
  const f = h.facts;
  return [
    ['Operating system', f?.osPretty],
    ['OS id / version', f?.osId ? `${f.osId}${f.osVersionId ? ` ${f.osVersionId}` : ''}${f.osLike ? ` (like ${f.osLike})` : ''}` : null],
    ['Kernel', f?.kernel && <span className="mono">{f.kernel}</span>],
    ['Architecture', f?.arch],
    ['Hostname', f?.hostname && <span className="mono">{f.hostname}</span>],
    ['CPUs', f?.cpus != null ? `${f.cpus}${f.cpuModel ? ` × ${f.cpuModel}` : ''}` : null],
    ['Memory', f?.memTotalBytes != null ? bytes(f.memTotalBytes) : null],
    ['Uptime (when gathered)', f?.uptimeSeconds != null ? uptime(f.uptimeSeconds) : null],
    ['Virtualization', f?.virtualization],
    ['Machine id', f?.machineId && <span className="mono small">{f.machineId}</span>],
    ['Facts gathered', h.factsAt && <span title={h.factsAt}>{dateTime(h.factsAt)} ({ago(h.factsAt)})</span>],
  ];
}

function connectionItems(h: Host): [string, ReactNode][] {
  const ssh = h.transport === 'ssh';
  return [
    ['Transport', h.transport === 'local' ? 'local (the osdeck server itself)' : 'SSH'],
    ...(ssh
      ? ([
          ['Target', <span className="mono">{hostAddress(h)}</span>],
          ['Address', h.address],
          ['Port', h.port],
          ['User', h.user],
          ['Authentication', h.authType],
          ['Pinned host key', h.hostKeyFingerprint ? <span className="mono small" data-testid="pinned-key">{h.hostKeyFingerprint}</span> : 'none (pinned on first contact)'],
        ] as [string, ReactNode][])
      : []),
    ['Last seen', h.lastSeenAt && <span title={h.lastSeenAt}>{dateTime(h.lastSeenAt)} ({ago(h.lastSeenAt)})</span>],
    ['Added', dateTime(h.createdAt)],
    ['Groups / tags', <Chips groups={h.groups} tags={h.tags} />],
  ];
}

export function HostPage() {
  const { name = '' } = useParams();
  const navigate = useNavigate();
  const { can } = useSession();
  const host = useResource(() => api.host(name), [name]);
  const [busy, setBusy] = useState<null | 'refresh' | 'trust' | 'remove'>(null);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [version, setVersion] = useState(0);

  async function act(kind: 'refresh' | 'trust' | 'remove', run: () => Promise<void>) {
    setBusy(kind);
    setActionError(undefined);
    try {
      await run();
    } catch (err) {
      setActionError(err);
      // a failed refresh changes the host's state on the server: show it
      if (kind !== 'remove') void host.reload();
    } finally {
      setBusy(null);
      setVersion((v) => v + 1);
    }
  }

  const crumbs = (
    <>
      <Link to="/hosts">Hosts</Link> /
    </>
  );

  if (host.error instanceof ApiError && host.error.status === 404) {
    return (
      <>
        <PageHeader title={name} crumbs={crumbs} />
        <ErrorBanner error={host.error} />
      </>
    );
  }
  const h = host.data;
  if (!h) {
    return (
      <>
        <PageHeader title={name} crumbs={crumbs} />
        {host.error ? <ErrorBanner error={host.error} title="Could not load the host" /> : <Loading what="host" />}
      </>
    );
  }

  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={
          <>
            {h.name} <StatusBadge status={h.state} />
          </>
        }
        subtitle={
          <span className="summary">
            <span className="mono">{hostAddress(h)}</span>
            {h.facts?.osPretty && <span>{h.facts.osPretty}</span>}
            <span className="muted">last seen {ago(h.lastSeenAt)}</span>
          </span>
        }
        actions={
          <>
            {can('host.write') && (
              <button type="button" className="btn" disabled={busy !== null} onClick={() => act('refresh', async () => host.setData(await api.refreshHost(h.name)))}>
                {busy === 'refresh' ? 'Refreshing…' : 'Refresh facts'}
              </button>
            )}
            {can('host.write') && h.transport !== 'local' && (
              <ConfirmButton
                label="Remove"
                question={`Remove ${h.name} from the fleet?`}
                confirmLabel="Yes, remove"
                busy={busy === 'remove'}
                onConfirm={() =>
                  act('remove', async () => {
                    await api.removeHost(h.name);
                    navigate('/hosts', { replace: true });
                  })
                }
              />
            )}
          </>
        }
      />
      <HostTabs host={h.name} />
      <ErrorBanner
        error={actionError instanceof ApiError && actionError.code === 'HOST_KEY_MISMATCH' && h.offeredHostKeyFingerprint ? undefined : actionError}
        onDismiss={() => setActionError(undefined)}
      />
      <HostKeyWarning
        host={h}
        canTrust={can('host.trust')}
        busy={busy === 'trust'}
        onTrust={() => act('trust', async () => host.setData(await api.trustHost(h.name, h.offeredHostKeyFingerprint ?? undefined)))}
      />
      {h.lastError && h.state !== 'reachable' && !h.offeredHostKeyFingerprint && (
        <div className="banner banner-error" role="status">
          <strong>Last error:</strong> <span className="mono">{h.lastError}</span>
        </div>
      )}
      <div className="grid-2">
        <Panel title="Facts">
          <KeyValues items={factItems(h)} />
        </Panel>
        <Panel title="Connection">
          <KeyValues items={connectionItems(h)} />
        </Panel>
      </div>
      {can('host.exec') && (
        <Panel title="Run command">
          <RunCommandForm fixedSelector={h.name} />
        </Panel>
      )}
      {can('audit.read') && (
        <Panel
          title="Recent activity"
          actions={
            <Link to={`/audit?host=${encodeURIComponent(h.name)}`} className="small">
              Full audit log →
            </Link>
          }
        >
          <HostActivity host={h.name} version={version} />
        </Panel>
      )}
    </>
  );
}
