/**
 * A diagnosis is one module: what it is, the parameters it takes, the probe it runs on the host and
 * a pure analyzer that turns the probe's output into the common report. Adding a diagnosis is adding
 * one file under diagnoses/ and one line in registry.ts.
 */
import type { Report } from '../report/report-shape';

export type DiagnosisCategory = 'memory' | 'oom' | 'io' | 'network' | 'scheduling' | 'command';
export type ParamType = 'string' | 'integer' | 'number' | 'boolean';
export type ParamValue = string | number | boolean;
export type DiagnosisParams = Record<string, ParamValue>;

export interface ParamSpec {
  name: string;
  type: ParamType;
  description: string;
  default?: ParamValue;
  required?: boolean;
  /** numbers: inclusive bounds */
  min?: number;
  max?: number;
  /** strings: an anchored regular expression the whole value must match */
  pattern?: string;
  maxLength?: number;
  enum?: string[];
  /** the value may name another osdeck host as "host:NAME"; the server puts that host's address in its place */
  hostAddress?: boolean;
}

/** What to run on the host: a probe file under src/probes and the parameters it gets as environment variables. */
export interface ProbeSpec {
  /** file name under src/probes, e.g. 'diag-memory.sh' */
  file: string;
  /** OSDECK_* variables set (shell-quoted) before the script runs; names must match [A-Z][A-Z0-9_]* */
  env: Record<string, string>;
  timeoutSec: number;
  maxOutputBytes?: number;
  /**
   * Shell libraries put before the probe. 'pagecache' defines pagecache_files / pagecache_tree /
   * pagecache_kpage (src/probes/lib-pagecache.sh), backed by the shipped osdeck-pagecache binary when
   * the host can run it, else by util-linux fincore, find and awk.
   */
  helpers?: Array<'pagecache'>;
}

/** A past run of the same diagnosis on the same host, for analyzers that compare with the host's own history. */
export interface PastRun {
  at: number;
  evidence: Record<string, unknown>;
}

export interface DiagnosisContext {
  host: string;
  /** ms since epoch, injected (the domain reads no clock) */
  now: number;
  params: DiagnosisParams;
  /** the section marker the probe was given (see probe-sections.ts) */
  mark: string;
  /** newest first; empty unless the diagnosis asks for history */
  history: PastRun[];
}

export interface Diagnosis {
  id: string;
  title: string;
  category: DiagnosisCategory;
  /** one or two sentences for the catalog: what it answers and how */
  description: string;
  params: ParamSpec[];
  /** 'diagnose.run' for fixed read-only probes; 'host.exec' for anything that runs what the user typed */
  permission: 'diagnose.run' | 'host.exec';
  /** past runs on the same host handed to analyze() as ctx.history (0 = none) */
  historyRuns?: number;
  probe(params: DiagnosisParams): ProbeSpec;
  analyze(raw: string, ctx: DiagnosisContext): Report;
  /** diagnoses that can read an uploaded log (OOM) instead of probing a host */
  analyzeText?(text: string, ctx: Omit<DiagnosisContext, 'mark' | 'history'>): Report;
}
