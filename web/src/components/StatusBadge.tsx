/** One colour language for host states, job statuses and step statuses. */
const TONE: Record<string, 'ok' | 'bad' | 'warn' | 'muted' | 'busy'> = {
  // hosts
  reachable: 'ok',
  unreachable: 'bad',
  'hostkey-changed': 'warn',
  'auth-failed': 'bad',
  unknown: 'muted',
  // monitoring
  up: 'ok',
  down: 'bad',
  // jobs
  queued: 'muted',
  running: 'busy',
  succeeded: 'ok',
  failed: 'bad',
  cancelled: 'muted',
  interrupted: 'warn',
  // steps
  pending: 'muted',
  ok: 'ok',
  timeout: 'bad',
  // alerts
  firing: 'bad',
  resolved: 'ok',
  // audit results
  denied: 'warn',
  error: 'bad',
};

export function toneOf(status: string): string {
  return TONE[status] ?? 'muted';
}

export function StatusBadge({ status, title }: { status: string; title?: string }) {
  return (
    <span className={`badge badge-${toneOf(status)}`} title={title ?? undefined} data-status={status}>
      {status}
    </span>
  );
}
