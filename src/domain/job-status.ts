/** Job and step life cycles, and how a finished job's status follows from its steps. */
export const STEP_FINAL = ['ok', 'failed', 'unreachable', 'timeout', 'cancelled', 'interrupted'] as const;
export type StepFinal = (typeof STEP_FINAL)[number];
export type StepStatus = 'pending' | 'running' | StepFinal;

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export const JOB_FINAL: JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export type StepCounts = Partial<Record<StepStatus, number>>;

export function finalJobStatus(counts: StepCounts, cancelRequested: boolean): JobStatus {
  const n = (s: StepStatus) => counts[s] ?? 0;
  if (cancelRequested && n('cancelled') > 0) return 'cancelled';
  const bad = n('failed') + n('unreachable') + n('timeout') + n('cancelled') + n('interrupted');
  return bad === 0 ? 'succeeded' : 'failed';
}

/** The CLI's closing line: "N ok, N failed, N unreachable" (+ other non-zero buckets). */
export function summaryLine(counts: StepCounts): string {
  const n = (s: StepStatus) => counts[s] ?? 0;
  const parts = [`${n('ok')} ok`, `${n('failed')} failed`, `${n('unreachable')} unreachable`];
  for (const s of ['timeout', 'cancelled', 'interrupted', 'pending', 'running'] as const) if (n(s)) parts.push(`${n(s)} ${s}`);
  return parts.join(', ');
}
