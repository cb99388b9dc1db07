import type { MigrationAssessmentEvidence, MigrationFinding, Report, ReportTable } from '../../api-types';

export const SEVERITIES = ['inhibitor', 'high', 'medium', 'low', 'info'] as const;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

export function tableOf(report: Report, title: string): ReportTable | undefined {
  return report.tables.find((t) => t.title === title);
}

/** The rows of a report table as objects keyed by column name. */
export function rowsOf(t: ReportTable | undefined): Array<Record<string, string | number | null>> {
  if (!t) return [];
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null])));
}

/**
 * The findings of an assessment report with their keys and remediation commands: from the
 * evidence when it has them, else rebuilt from the "Findings" table (hint and commands share one
 * cell there, one per line: the first line is the hint).
 */
export function findingsOf(report: Report): MigrationFinding[] {
  const ev = report.evidence as Partial<MigrationAssessmentEvidence>;
  if (Array.isArray(ev.findings) && ev.findings.every((f) => f && typeof f.key === 'string' && typeof f.title === 'string')) {
    return ev.findings.map((f) => ({ ...f, remediation: f.remediation ?? {} }));
  }
  return rowsOf(tableOf(report, 'Findings')).map((r) => {
    const [hint, ...commands] = str(r.remediation).split('\n');
    return {
      key: str(r.key),
      check: str(r.check),
      severity: str(r.severity),
      title: str(r.title),
      summary: str(r.summary),
      remediation: { ...(hint && { hint }), ...(commands.length > 0 && { commands }) },
    };
  });
}

/** The parts of the evidence the page shows, each checked (the report is stored JSON). */
export function evidenceOf(report: Report): { host: string; path: string; kernel: string; readiness: string; os: string; mode: string; notes: string[] } {
  const ev = report.evidence as Partial<MigrationAssessmentEvidence>;
  return {
    host: str(ev.host),
    path: str(ev.path),
    kernel: str(ev.kernel),
    readiness: str(ev.readiness),
    os: ev.os ? str(ev.os.pretty) || `${str(ev.os.id)} ${str(ev.os.versionId)}`.trim() : '',
    mode: str(ev.mode),
    notes: Array.isArray(ev.notes) ? ev.notes.map(str) : [],
  };
}
