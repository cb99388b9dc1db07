const TONE: Record<string, string> = { ok: 'ok', info: 'muted', low: 'busy', medium: 'warn', high: 'bad', critical: 'bad' };

/** The report severities (ok, info, low, medium, high, critical) in the console's badge colours. */
export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`badge badge-${TONE[severity] ?? 'muted'} sev`}>{severity}</span>;
}
