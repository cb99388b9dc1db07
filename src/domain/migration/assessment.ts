/** Runs the checks over one host's facts and builds the report in the common shape. */
import type { Report, Severity } from '../report/report-shape';
import { MIGRATION_CHECKS } from './checks/registry';
import type { MigrationFacts } from './facts';
import { SEVERITY_ORDER, worst, type CheckContext, type Finding, type FindingSeverity } from './findings';
import { importLeappReport } from './leapp';
import { planPackages } from './package-plan';

export type Readiness = 'ready' | 'ready-with-warnings' | 'blocked';

export interface Assessment {
  host: string;
  path: string;
  readiness: Readiness;
  findings: Finding[];
  counts: Record<FindingSeverity, number>;
  notes: string[];
}

export function assess(host: string, ctx: CheckContext): Assessment {
  const findings: Finding[] = [];
  const notes = [...ctx.facts.notes];
  for (const check of MIGRATION_CHECKS) {
    try {
      findings.push(...check.run(ctx));
    } catch (e) {
      notes.push(`check ${check.id} failed on this host's facts: ${(e as Error).message}`);
    }
  }
  if (ctx.facts.leappReport) {
    const imported = importLeappReport(ctx.facts.leappReport);
    findings.push(...imported.findings);
    if (imported.error) notes.push(imported.error);
  }
  findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const counts = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<FindingSeverity, number>;
  const readiness: Readiness = counts.inhibitor > 0 ? 'blocked' : counts.high + counts.medium > 0 ? 'ready-with-warnings' : 'ready';
  return { host, path: ctx.path.id, readiness, findings, counts, notes };
}

const REPORT_SEVERITY: Record<FindingSeverity, Severity> = { inhibitor: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' };

export function assessmentReport(a: Assessment, ctx: CheckContext, generatedAt: string): Report {
  const w = worst(a.findings);
  const plan = planPackages(ctx.facts.packages, ctx.path, ctx.target);
  const fateCounts = new Map<string, number>();
  for (const v of plan) fateCounts.set(v.fate, (fateCounts.get(v.fate) ?? 0) + 1);
  return {
    kind: 'migration-assessment',
    title: `Migration assessment: ${a.host} → ${ctx.path.target.name}`,
    generatedAt,
    conclusion:
      a.readiness === 'blocked'
        ? `${a.counts.inhibitor} inhibitor(s) block the migration of ${a.host} to ${ctx.path.target.name}; fix them (or override explicitly) first.`
        : a.readiness === 'ready-with-warnings'
          ? `${a.host} can migrate to ${ctx.path.target.name}; review ${a.counts.high} high and ${a.counts.medium} medium finding(s) first.`
          : `${a.host} is ready to migrate to ${ctx.path.target.name}.`,
    severity: w ? REPORT_SEVERITY[w] : 'ok',
    findings: a.findings.map((f) => ({ severity: REPORT_SEVERITY[f.severity], summary: `${f.severity === 'inhibitor' ? '[inhibitor] ' : ''}${f.title}`, detail: f.summary })),
    tables: [
      {
        title: 'Findings',
        columns: ['severity', 'check', 'title', 'summary', 'remediation', 'key'],
        rows: a.findings.map((f) => [f.severity, f.source === 'leapp' ? 'leapp' : f.check, f.title, f.summary, [f.remediation.hint, ...(f.remediation.commands ?? [])].filter(Boolean).join('\n'), f.key]),
      },
      {
        title: 'Packages',
        columns: ['package', 'installed', 'fate', 'target'],
        rows: plan.filter((v) => v.fate !== 'ignored').map((v) => [v.pkg.name, `${v.pkg.epoch ? `${v.pkg.epoch}:` : ''}${v.pkg.version}-${v.pkg.release}.${v.pkg.arch}`, v.fate, v.target ? `${v.target.name}-${v.target.version}-${v.target.release}.${v.target.arch}` : '']),
      },
      {
        title: 'Target repositories',
        columns: ['id', 'url', 'packages', 'status'],
        rows: ctx.target.repos.map((r) => [r.id, r.url, r.packages, r.ok ? 'ok' : `error: ${r.error ?? ''}`]),
      },
    ],
    recommendations: a.findings.filter((f) => f.severity !== 'info' && (f.remediation.hint || f.remediation.commands)).map((f) => ({ summary: `${f.title}: ${f.remediation.hint ?? ''}`.trim(), ...(f.remediation.commands && f.remediation.commands.length > 0 && { commands: f.remediation.commands }) })),
    evidence: {
      host: a.host,
      path: ctx.path.id,
      kernel: ctx.kernelChoice,
      readiness: a.readiness,
      counts: a.counts,
      findings: a.findings,
      packageFates: Object.fromEntries(fateCounts),
      os: ctx.facts.os,
      mode: ctx.facts.mode,
      notes: a.notes,
    },
  };
}
