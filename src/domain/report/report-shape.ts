/** The one report shape shared by diagnoses, assessments and comparisons. */
export type Severity = 'ok' | 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface ReportTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

/** A picture of one breakdown: a stacked bar (memory panorama) whose segments add up to the total. */
export interface ReportChart {
  title: string;
  kind: 'stacked-bar';
  unit: 'bytes' | 'count' | 'percent' | 'ms';
  total?: number;
  segments: Array<{ label: string; value: number; note?: string }>;
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
  /** optional pictures (the console and the HTML export draw them) */
  charts?: ReportChart[];
  recommendations: Array<{ summary: string; commands?: string[] }>;
  /** raw evidence, for machines and for audits */
  evidence: Record<string, unknown>;
}
