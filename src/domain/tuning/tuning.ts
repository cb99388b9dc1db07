/**
 * Post-migration tuning. A rule is one module under rules/: what it checks and why, when it applies,
 * a read-only `check` over facts the probe gathered, and an idempotent `fix` that returns the changes
 * to make. Rules never touch a host themselves: the engine merges their changes into one plan, the
 * infra layer applies the plan as one all-or-nothing transaction with a backup of everything it
 * touches, and revert is that plan run backwards (byte-identical files, previous values).
 */
import type { DiagnosisParams, ParamSpec } from '../diagnosis/diagnosis';

export type TuneCategory = 'ssh' | 'security' | 'network' | 'kernel' | 'limits' | 'system' | 'time' | 'container';
export type Risk = 'low' | 'medium' | 'high';
export type OsFamily = 'el' | 'debian' | 'other';
export type RuleStatus = 'pass' | 'fail' | 'n/a' | 'error';

/** A file as the probe saw it. `content` is null when it is absent, too large or not UTF-8 text. */
export interface FileFact {
  path: string;
  exists: boolean;
  /** the file a symlink points to (changes are made there, so links stay links) */
  realPath: string;
  /** octal, e.g. '644' */
  mode: string;
  uid: number;
  gid: number;
  size: number;
  content: string | null;
  /** exists but could not be used as text (too large, unreadable, not UTF-8) */
  unreadable?: string;
}

export interface TuneFacts {
  os: { id: string; idLike: string[]; versionId: string; family: OsFamily; major: number | null; pretty: string };
  /** uname -r */
  kernel: string;
  uid: number;
  /** systemd is PID 1 */
  systemd: boolean;
  files: Map<string, FileFact>;
  /** glob pattern → matching paths, sorted */
  globs: Map<string, string[]>;
  /** sysctl key → runtime value (whitespace as the kernel prints it), null when the key does not exist */
  sysctl: Map<string, string | null>;
  /** named read-only command → its output and exit status (see probes/tune-facts.sh for the names) */
  commands: Map<string, { exit: number; out: string }>;
  /** unit name → state, when systemd runs */
  services: Map<string, { enabled: string; active: string }>;
  /** values read by path (/sys, /proc), for verifying a plan; absent unless asked for */
  values?: Map<string, string | null>;
  /** kernel values written by fixes earlier in the same plan (path → value); absent in probed facts */
  written?: Map<string, string>;
}

/** How osdeck reaches the host: rules that could lock osdeck out read this. */
export interface TuneContext {
  host: string;
  address: string | null;
  user: string | null;
  authType: string | null;
  port: number | null;
}

export interface CheckOutcome {
  status: RuleStatus;
  /** what is there now, in words an operator reads ("UseDNS yes (sshd -T)") */
  current: string;
  expected: string;
  /** more detail: why n/a, what a manual fix involves, why an automatic fix is refused */
  detail?: string;
  /** false: the rule has no automatic fix here (the remediation says what to do by hand) */
  fixable?: boolean;
}

/** One change a fix asks for. Paths are as the rule names them; the engine follows symlinks. */
export type Change =
  /** the whole new content of a text file; null removes it */
  | { kind: 'file'; path: string; content: string | null; mode?: string }
  /** a kernel value under /proc/sys or /sys (sysctl, cgroup limits) */
  | { kind: 'value'; path: string; label: string; value: string; before?: string }
  | { kind: 'mode'; path: string; mode: string }
  | { kind: 'service'; name: string; enabled: boolean; active: boolean };

/** What a rule reads; the probe gathers the union for every selected rule in one round trip. */
export interface RuleReads {
  files?: string[];
  globs?: string[];
  sysctls?: string[];
  commands?: string[];
  services?: string[];
}

export interface TuneRule {
  id: string;
  title: string;
  category: TuneCategory;
  /** why, with today's advice (and what the old advice got wrong, where it did) */
  rationale: string;
  risk: Risk;
  /** OS families it is meant for; anything else is "not applicable" */
  families: OsFamily[];
  /** lowest major version per family, when it matters */
  minMajor?: Partial<Record<OsFamily, number>>;
  maxMajor?: Partial<Record<OsFamily, number>>;
  params: ParamSpec[];
  reads: RuleReads;
  /** what to do by hand, with commands (always shown; the only way when there is no fix) */
  remediation: string;
  /** the change takes full effect only after a reboot */
  needsReboot?: boolean;
  check(f: TuneFacts, p: DiagnosisParams, ctx: TuneContext): CheckOutcome;
  /** Idempotent: called only when check failed and said fixable; returns what to change. Throws TuneRefusal to decline. */
  fix?(f: TuneFacts, p: DiagnosisParams, ctx: TuneContext): Change[];
}

/** A fix declining to act (it would lock osdeck out, a vendor file overrides, …): the rule stays failed with this reason. */
export class TuneRefusal extends Error {}

/** A rule chosen for a run, with its validated parameters. */
export interface RuleSelection {
  rule: TuneRule;
  params: DiagnosisParams;
}

export interface RuleResult {
  rule: string;
  title: string;
  category: TuneCategory;
  risk: Risk;
  status: RuleStatus;
  current: string;
  expected: string;
  detail?: string;
  fixable: boolean;
  needsReboot: boolean;
}
