/** The one report shape shared by diagnoses, assessments and comparisons. */
export type Severity = 'ok' | 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface ReportTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

export interface Report {
  kind: string;
  title: string;
  generatedAt: string;
  /** one sentence an operator can act on */
  conclusion: string;
  severity: Severity;
  findings: Array<{ severity: Severity; summary: string; detail?: string }>;
  tables: ReportTable[];
  recommendations: Array<{ summary: string; commands?: string[] }>;
  /** raw evidence, for machines and for audits */
  evidence: Record<string, unknown>;
}
