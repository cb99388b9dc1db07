import type { Command } from 'commander';
import { CliError } from '../cli-error';
import type { ApiClient } from '../api-client';
import { humanBytes, table } from '../table';
import { printJson, safe } from './output';

interface OverviewRow {
  host: string; state: string; up: boolean | null; ts: number | null; groups: string[];
  cpuBusyPercent: number | null; memUsedPercent: number | null; memTotalBytes: number | null; load1: number | null; cpus: number | null;
  diskMaxUsedPercent: number | null; diskMaxUsedMount: string | null; netRxBytesPerSec: number | null; netTxBytesPerSec: number | null;
  diskReadBytesPerSec: number | null; diskWriteBytesPerSec: number | null;
}
interface Proc { pid: number; user: string; cpuPercent: number; rssBytes: number; command: string }
interface Latest { ts: number | null; up: boolean | null; samples: Array<{ name: string; labels: Record<string, string>; value: number }>; topByCpu: Proc[]; topByRss: Proc[]; errors: string[] }
interface Series { labels: Record<string, string>; points: Array<[number, number | null]> }

const pct = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)}%`);
const rate = (v: number | null) => (v === null ? '-' : `${humanBytes(v)}/s`);
const SPARK = '▁▂▃▄▅▆▇█';

/** `1h`, `30m`, `7d`, `90s` → milliseconds. */
export function parseSince(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!m) throw new CliError('INVALID_SINCE', `--since must look like 90s, 30m, 6h or 7d, got '${text}'`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3600_000, d: 86400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** A unicode sparkline; gaps (null) are blanks, never zeros. */
export function sparkline(values: Array<number | null>, width = 40): string {
  const step = Math.max(1, Math.ceil(values.length / width));
  const buckets: Array<number | null> = [];
  for (let i = 0; i < values.length; i += step) {
    const chunk = values.slice(i, i + step).filter((v): v is number => v !== null);
    buckets.push(chunk.length ? chunk.reduce((a, b) => a + b, 0) / chunk.length : null);
  }
  const present = buckets.filter((v): v is number => v !== null);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  return buckets.map((v) => (v === null ? ' ' : SPARK[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * 7)])).join('');
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toPrecision(4);
}

function printOverview(rows: OverviewRow[]): void {
  console.log(table(['host', 'state', 'cpu', 'mem', 'load1', 'disk (fullest)', 'net rx', 'net tx', 'disk r', 'disk w'], rows.map((r) => [
    r.host, r.up === false ? 'DOWN' : r.state, pct(r.cpuBusyPercent), pct(r.memUsedPercent), r.load1 === null ? '-' : r.load1.toFixed(2),
    r.diskMaxUsedPercent === null ? '-' : `${pct(r.diskMaxUsedPercent)} ${r.diskMaxUsedMount}`, rate(r.netRxBytesPerSec), rate(r.netTxBytesPerSec),
    rate(r.diskReadBytesPerSec), rate(r.diskWriteBytesPerSec),
  ])));
}

export function metricsCommands(program: Command, client: () => ApiClient): void {
  program
    .command('metrics <host>')
    .description('history of a host: latest values and top processes, or one metric over time')
    .option('--metric <name>', 'e.g. node_load1, node_cpu_seconds_total (counters are per-second rates)')
    .option('--label <k=v>', 'only series with this label (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--since <dur>', 'how far back (90s, 30m, 6h, 7d)', '1h')
    .option('--step <dur>', 'bucket size (default: range / 300)')
    .option('--json', 'JSON output')
    .action(async (host: string, opts: { metric?: string; label: string[]; since: string; step?: string; json?: boolean }) => {
      const api = client();
      const h = encodeURIComponent(host);
      if (!opts.metric) {
        const l = await api.get<Latest>(`/metrics/hosts/${h}/latest`);
        if (opts.json) return printJson(l);
        if (l.ts === null) return console.log(`${host}: no samples yet (collection runs every 15 s by default)`);
        const row = (await api.get<OverviewRow[]>('/metrics/overview')).find((r) => r.host === host);
        console.log(`${host}: ${l.up === false ? 'DOWN (not answering)' : 'up'}, last sample ${new Date(l.ts).toISOString()}`);
        if (row) printOverview([row]);
        console.log(`\ntop by CPU`);
        console.log(table(['pid', 'user', 'cpu%', 'rss', 'command'], l.topByCpu.map((p) => [p.pid, p.user, p.cpuPercent, humanBytes(p.rssBytes), safe(p.command)])));
        console.log(`\ntop by memory`);
        console.log(table(['pid', 'user', 'cpu%', 'rss', 'command'], l.topByRss.map((p) => [p.pid, p.user, p.cpuPercent, humanBytes(p.rssBytes), safe(p.command)])));
        if (l.errors.length) console.log(`\nprobe problems: ${l.errors.join('; ')}`);
        return;
      }
      const to = Date.now();
      const from = to - parseSince(opts.since);
      const q = new URLSearchParams({ name: opts.metric, from: String(from), to: String(to) });
      if (opts.step) q.set('step', String(parseSince(opts.step)));
      if (opts.label.length) q.set('labels', opts.label.join(','));
      const series = await api.get<Series[]>(`/metrics/hosts/${h}/series?${q}`);
      if (opts.json) return printJson(series);
      if (series.length === 0) throw new CliError('NO_DATA', `${host} has no series named ${opts.metric} (see: osdeck metrics ${host} --json)`);
      console.log(table(['labels', 'min', 'avg', 'max', 'last', `${opts.since} (gaps blank)`], series.map((s) => {
        const vals = s.points.map((p) => p[1]).filter((v): v is number => v !== null);
        const last = [...s.points].reverse().find((p) => p[1] !== null)?.[1] ?? null;
        return [
          Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-',
          vals.length ? fmt(Math.min(...vals)) : '-', vals.length ? fmt(vals.reduce((a, b) => a + b, 0) / vals.length) : '-',
          vals.length ? fmt(Math.max(...vals)) : '-', last === null ? '-' : fmt(last), vals.length ? sparkline(s.points.map((p) => p[1])) : '',
        ];
      })));
    });

  program
    .command('top')
    .description('the fleet at a glance: CPU, memory, load, fullest disk, network; problem hosts first')
    .option('--watch', 'refresh every 2 s until Ctrl-C')
    .option('--json', 'JSON output')
    .action(async (opts: { watch?: boolean; json?: boolean }) => {
      const api = client();
      for (;;) {
        const rows = await api.get<OverviewRow[]>('/metrics/overview');
        if (opts.json) return printJson(rows);
        if (opts.watch) process.stdout.write('\u001b[H\u001b[2J');
        printOverview(rows);
        const down = rows.filter((r) => r.up === false).length;
        console.log(`${rows.length} hosts, ${down} down${opts.watch ? ` — ${new Date().toLocaleTimeString()}` : ''}`);
        if (!opts.watch) return;
        await new Promise((r) => setTimeout(r, 2000));
      }
    });
}
