/** What an assessment check reports, leapp-style: a severity, what and why, and what to do. */
import type { MigrationFacts } from './facts';
import type { MigrationPath, RepoDef } from './path';

export type FindingSeverity = 'inhibitor' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITY_ORDER: FindingSeverity[] = ['inhibitor', 'high', 'medium', 'low', 'info'];

export interface Finding {
  /** stable key: check id + subject, so an override names exactly one finding */
  key: string;
  check: string;
  severity: FindingSeverity;
  title: string;
  summary: string;
  remediation: { hint?: string; commands?: string[] };
  /** packages, files, modules or repos the finding is about */
  related?: string[];
  /** from an imported leapp-report.json */
  source?: 'osdeck' | 'leapp';
}

/** A package in the target repositories (the infra repodata reader's RepoPackage fits this). */
export interface TargetPackage {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  vendor?: string;
  provides: string[];
  obsoletes: Array<{ name: string; flags?: string; evr?: { epoch: number; version: string; release: string } }>;
  files?: string[];
}

export interface TargetIndex {
  repos: Array<{ id: string; url: string; ok: boolean; error?: string; packages: number; optional?: boolean }>;
  packages: TargetPackage[];
}

export interface CheckContext {
  facts: MigrationFacts;
  path: MigrationPath;
  repos: RepoDef[];
  target: TargetIndex;
  kernelChoice: string;
}

export interface MigrationCheck {
  id: string;
  title: string;
  run(ctx: CheckContext): Finding[];
}

export function finding(check: string, subject: string, severity: FindingSeverity, title: string, summary: string, remediation: Finding['remediation'] = {}, related?: string[]): Finding {
  return { key: `${check}:${subject}`, check, severity, title, summary, remediation, ...(related && related.length > 0 && { related }), source: 'osdeck' };
}

/** A short list for a sentence: "a, b, c and 4 more". */
export function listed(items: string[], max = 6): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function worst(findings: Finding[]): FindingSeverity | null {
  for (const s of SEVERITY_ORDER) if (findings.some((f) => f.severity === s)) return s;
  return null;
}
