/**
 * The whole output of probes/metrics.sh → one snapshot: node_exporter-named samples, the kind of
 * each metric, the top processes, and the target's clock. Each section goes to the parser of its
 * source; a section that is missing or malformed becomes an error naming it, the rest still parse.
 * Never throws, and never lets a NaN or Infinity into samples.
 */
import { parseDiskstats } from './diskstats';
import { parseFilesystems } from './filesystems';
import { parseLoadavg } from './loadavg';
import { parseMeminfo } from './meminfo';
import { metricKind } from './metric-kinds';
import { parseNetDev } from './net-dev';
import { parseNetNetstat } from './net-netstat';
import { parseNetSnmp } from './net-snmp';
import { parsePressure, type PressureResource } from './pressure';
import { parseProcStat } from './proc-stat';
import { excerpt, kernelNumber } from './proc-tokens';
import { labelsKey, type MetricKind, type MetricSample } from './sample';
import { parseTopProcesses, type TopProcesses } from './top-processes';
import { parseUptime } from './uptime';
import { parseVmstat } from './vmstat';

export interface MetricsSnapshot {
  /** `date +%s` on the target, seconds; compare with the collector's clock to see skew. */
  targetTime: number | null;
  /** /proc/uptime, read in the same pass as the counters: a precise, monotonic clock for rates. */
  uptimeSeconds: number | null;
  /** Online CPUs (the cpuN lines of /proc/stat), what `nproc` says without an affinity mask. */
  cpuCount: number | null;
  samples: MetricSample[];
  kinds: Record<string, MetricKind>;
  top: TopProcesses;
  errors: string[];
}

const MARKER = /^==> ([A-Za-z0-9_]{1,40}) <==\r?$/;
// Sections every Linux target prints; pressure_* exist only with PSI (4.20+, and not when disabled).
const REQUIRED = ['time', 'stat', 'meminfo', 'loadavg', 'vmstat', 'diskstats', 'net_dev', 'net_snmp', 'net_netstat', 'uptime', 'mounts', 'df', 'ncpu', 'top_cpu', 'top_rss'];
const PRESSURE: Record<string, PressureResource> = { pressure_cpu: 'cpu', pressure_memory: 'memory', pressure_io: 'io', pressure_irq: 'irq' };
const SAMPLE_PARSERS: Record<string, (text: string, issues: string[]) => MetricSample[]> = {
  stat: parseProcStat,
  meminfo: parseMeminfo,
  loadavg: parseLoadavg,
  vmstat: parseVmstat,
  diskstats: parseDiskstats,
  net_dev: parseNetDev,
  net_snmp: parseNetSnmp,
  net_netstat: parseNetNetstat,
};
// Far above any real section (mounts of a busy Kubernetes node are ~200 kB); bounds the work a
// hostile host can cause.
const MAX_SECTION_CHARS = 4 * 1024 * 1024;
const MAX_ISSUES_PER_SECTION = 5;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Text before the first marker (a chatty ~/.bashrc) is ignored; unknown sections too (newer probe). */
export function splitSections(text: string, errors: string[] = []): Map<string, string> {
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  const all = text.split('\n');
  // Every line the probe prints ends in a newline; a last line without one was cut short (output
  // limit, dropped connection), and "MemFree: 23" cut from "MemFree: 2329 kB" would read as a value.
  if (all.length > 1 && all[all.length - 1] !== '') errors.push(`output truncated: last line ${excerpt(all.pop()!)} dropped`);
  for (const line of all) {
    const m = MARKER.exec(line);
    if (!m) {
      current?.push(line);
      continue;
    }
    const name = m[1]!;
    if (sections.has(name)) {
      errors.push(`${name}: section appears twice; the first one is used`);
      current = null;
    } else sections.set(name, (current = []));
  }
  return new Map([...sections].map(([k, v]) => [k, v.join('\n')]));
}

export function parseMetricsProbe(text: string): MetricsSnapshot {
  const errors: string[] = [];
  const sections = splitSections(text, errors);
  for (const name of REQUIRED) if (!sections.has(name)) errors.push(`${name}: section missing`);
  const oversized = [...sections].filter(([, body]) => body.length > MAX_SECTION_CHARS).map(([name]) => name);
  for (const name of oversized) {
    errors.push(`${name}: section too large (${sections.get(name)!.length} characters), ignored`);
    sections.delete(name);
  }

  // Runs one parser with its own issue list, so every error names its section and one noisy
  // section cannot flood the list.
  function guarded<T>(section: string, parse: (issues: string[]) => T, empty: (r: T) => boolean): T {
    const issues: string[] = [];
    const result = parse(issues);
    for (const issue of issues.slice(0, MAX_ISSUES_PER_SECTION)) errors.push(`${section}: ${issue}`);
    if (issues.length > MAX_ISSUES_PER_SECTION) errors.push(`${section}: ${issues.length - MAX_ISSUES_PER_SECTION} more problems`);
    if (empty(result) && issues.length === 0) errors.push(`${section}: nothing parsed`);
    return result;
  }
  const noSamples = (s: MetricSample[]) => s.length === 0;

  const samples: MetricSample[] = [];
  for (const [name, parse] of Object.entries(SAMPLE_PARSERS)) {
    const body = sections.get(name);
    if (body !== undefined) samples.push(...guarded(name, (issues) => parse(body, issues), noSamples));
  }
  for (const [name, resource] of Object.entries(PRESSURE)) {
    const body = sections.get(name);
    if (body !== undefined) samples.push(...guarded(name, (issues) => parsePressure(resource, body, issues), noSamples));
  }
  const df = sections.get('df');
  const mounts = sections.get('mounts');
  if (df !== undefined && mounts !== undefined) {
    samples.push(...guarded('df', (issues) => parseFilesystems(df, mounts, issues), noSamples));
  }

  const single = (section: string): number | null => {
    const body = sections.get(section);
    if (body === undefined) return null;
    const value = kernelNumber(body.trim());
    if (value === null || value < 0) errors.push(`${section}: not a number: ${excerpt(body.trim())}`);
    return value !== null && value >= 0 ? value : null;
  };
  const targetTime = single('time');
  if (targetTime !== null) samples.push({ name: 'node_time_seconds', labels: {}, value: targetTime });
  const ncpu = single('ncpu');
  const cpuCount = ncpu !== null && Number.isInteger(ncpu) && ncpu > 0 ? ncpu : null;

  const uptimeBody = sections.get('uptime');
  const uptime = uptimeBody === undefined ? null : guarded('uptime', (issues) => parseUptime(uptimeBody, issues), (u) => u === null);

  const top =
    sections.has('top_cpu') || sections.has('top_rss')
      ? guarded('top', (issues) => parseTopProcesses(sections.get('top_cpu') ?? '', sections.get('top_rss') ?? '', issues), (t) => t.byCpu.length + t.byRss.length === 0)
      : { byCpu: [], byRss: [] };

  return { targetTime, uptimeSeconds: uptime?.uptimeSeconds ?? null, cpuCount, ...checked(samples, errors), top, errors };
}

/** Last line of defence: valid names, finite values, one sample per series. */
function checked(samples: MetricSample[], errors: string[]): { samples: MetricSample[]; kinds: Record<string, MetricKind> } {
  const seen = new Set<string>();
  const kinds: Record<string, MetricKind> = {};
  const out: MetricSample[] = [];
  let duplicates = 0;
  for (const s of samples) {
    if (!METRIC_NAME.test(s.name) || !Number.isFinite(s.value)) continue;
    const key = `${s.name}{${labelsKey(s.labels)}}`;
    if (seen.has(key)) {
      if (duplicates++ === 0) errors.push(`duplicate series ${excerpt(key)}; the first value is kept`);
      continue;
    }
    seen.add(key);
    kinds[s.name] ??= metricKind(s.name);
    out.push(s);
  }
  return { samples: out, kinds };
}
