/** /proc/net/dev per interface as plain records ("rx_drop", "tx_carrier", …), from the metrics parser. */
import { parseNetDev } from '../../metrics/net-dev';

export type InterfaceCounters = Map<string, Record<string, number>>;

export function parseInterfaceCounters(text: string, issues: string[] = []): InterfaceCounters {
  const out: InterfaceCounters = new Map();
  for (const s of parseNetDev(text, issues)) {
    const dev = s.labels.device ?? '';
    const m = /^node_network_(receive|transmit)_(\w+)_total$/.exec(s.name);
    if (!m) continue;
    const rec = out.get(dev) ?? {};
    rec[`${m[1] === 'receive' ? 'rx' : 'tx'}_${m[2]}`] = s.value;
    out.set(dev, rec);
  }
  return out;
}
