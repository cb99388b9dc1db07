/**
 * /proc/net/softnet_stat (net/core/net-procfs.c softnet_seq_show): one row of hex words per online
 * CPU. Columns: 1 processed, 2 dropped (input backlog over net.core.netdev_max_backlog), 3 time_squeeze
 * (net_rx_action ran out of netdev_budget / netdev_budget_usecs with work left), 4–8 zero, 9 cpu_collision
 * (zero since 4.x), 10 received_rps, 11 flow_limit_count, 12 backlog length (5.10+), 13 CPU id (5.10+),
 * 14/15 input_qlen / process_qlen (6.x). Offline CPUs are skipped, so without column 13 the row
 * index is not the CPU id.
 */
import { excerpt, lines } from '../../metrics/proc-tokens';

export interface SoftnetRow {
  /** position in the file */
  row: number;
  /** column 13 when the kernel prints it, else the row index (which is only right with every CPU online) */
  cpu: number;
  cpuFromKernel: boolean;
  processed: number;
  dropped: number;
  timeSqueeze: number;
  receivedRps: number;
  flowLimitCount: number;
  backlogLen: number | null;
}

const HEX = /^[0-9a-fA-F]{1,16}$/;

function hex(t: string | undefined): number | null {
  if (t === undefined || !HEX.test(t)) return null;
  const n = parseInt(t, 16);
  return Number.isFinite(n) ? n : null;
}

export function parseSoftnetStat(text: string, issues: string[] = []): SoftnetRow[] {
  const out: SoftnetRow[] = [];
  for (const line of lines(text)) {
    const cols = line.trim().split(/\s+/).map(hex);
    if (cols.length < 3 || cols.length > 64 || cols.some((c) => c === null)) {
      issues.push(`softnet_stat: bad row ${excerpt(line)}`);
      continue;
    }
    const c = cols as number[];
    const row = out.length;
    const cpuFromKernel = c.length >= 13;
    out.push({
      row,
      cpu: cpuFromKernel ? c[12]! : row,
      cpuFromKernel,
      processed: c[0]!,
      dropped: c[1]!,
      timeSqueeze: c[2]!,
      receivedRps: c[9] ?? 0,
      flowLimitCount: c[10] ?? 0,
      backlogLen: c.length >= 12 ? c[11]! : null,
    });
  }
  return out;
}

export interface SoftnetDelta {
  cpu: number;
  processed: number;
  dropped: number;
  timeSqueeze: number;
  flowLimitCount: number;
  /** totals since boot at the second snapshot */
  totalDropped: number;
  totalTimeSqueeze: number;
  totalFlowLimit: number;
}

/** Pairs rows by CPU id (by row when the kernel prints no id); a counter that went backwards counts as 0. */
export function softnetDeltas(before: SoftnetRow[], after: SoftnetRow[]): SoftnetDelta[] {
  const key = (r: SoftnetRow) => (r.cpuFromKernel ? `c${r.cpu}` : `r${r.row}`);
  const prev = new Map(before.map((r) => [key(r), r]));
  const d = (a: number, b: number | undefined) => (b === undefined || a < b ? 0 : a - b);
  return after.map((r) => {
    const p = prev.get(key(r));
    return {
      cpu: r.cpu,
      processed: d(r.processed, p?.processed),
      dropped: d(r.dropped, p?.dropped),
      timeSqueeze: d(r.timeSqueeze, p?.timeSqueeze),
      flowLimitCount: d(r.flowLimitCount, p?.flowLimitCount),
      totalDropped: r.dropped,
      totalTimeSqueeze: r.timeSqueeze,
      totalFlowLimit: r.flowLimitCount,
    };
  });
}
