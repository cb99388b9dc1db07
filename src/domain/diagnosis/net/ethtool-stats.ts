/**
 * `ethtool -S IF` output as the net-drops probe relays it: a "== IF" line before each interface's
 * block, then "NIC statistics:" and "     name: value" lines. The names are driver-private (rx_missed_errors,
 * rx_no_buffer_count, rx_queue_0_drops…), so only their shape is interpreted.
 */
import { excerpt, kernelNumber, lines, printable } from '../../metrics/proc-tokens';

export type NicStats = Map<string, Map<string, number>>;

const MAX_PER_NIC = 5000;

export function parseEthtoolStats(text: string, issues: string[] = []): NicStats {
  const out: NicStats = new Map();
  let cur: Map<string, number> | null = null;
  for (const line of lines(text)) {
    if (line.startsWith('== ')) {
      const name = printable(line.slice(3).trim(), 32);
      cur = name ? new Map() : null;
      if (cur) out.set(name, cur);
      continue;
    }
    if (!cur || /^\s*NIC statistics:\s*$/.test(line)) continue;
    const m = /^\s*([^:]{1,96}):\s*(\S+)\s*$/.exec(line);
    const v = m ? kernelNumber(m[2]) : null;
    if (!m || v === null) {
      issues.push(`ethtool: bad line ${excerpt(line)}`);
      continue;
    }
    if (cur.size < MAX_PER_NIC) cur.set(printable(m[1]!.trim(), 96), v);
  }
  return out;
}

/** NIC counters whose name says they count a loss or an error (rx_missed_errors, tx_dropped, rx_fifo_errors, …). */
export function isNicLossCounter(name: string): boolean {
  return /(drop|discard|miss|err|fifo|no_?buf|nobuf|overrun|over_?flow|timeout|fail|crc|lost)/i.test(name) && !/(^|_)(xdp_)?pass/i.test(name);
}

/** What a NIC counter means, from its name (drivers differ; these are the common spellings). */
export function nicCounterMeaning(name: string): string {
  const n = name.toLowerCase();
  if (/miss|no_?buf|nobuf|rx_.*fifo|overrun|rx_over/.test(n)) return 'the NIC had no free receive descriptor: the RX ring was full because the host did not drain it fast enough';
  if (/crc|align|frame|symbol|length|runt|jabber/.test(n)) return 'damaged frames on the wire: cable, transceiver, duplex or switch port';
  if (/tx.*(timeout|fail)|(timeout|fail).*tx/.test(n)) return 'the NIC failed or timed out sending: driver, firmware or link problem';
  if (/tx.*(drop|discard)|(drop|discard).*tx/.test(n)) return 'packets dropped on transmit: a TX ring or queue was full';
  if (/rx.*(drop|discard)|(drop|discard).*rx/.test(n)) return 'packets dropped on receive by the NIC or its driver (ring, buffer or filter)';
  return 'a NIC-private loss or error counter (see the driver documentation)';
}
