/**
 * What each drop / error counter means, in plain words, and what to run about it. Keys:
 * "Proto.Field" for /proc/net/snmp and /proc/net/netstat, "softnet.<column>" for softnet_stat and
 * "dev.<rx|tx>_<field>" for /proc/net/dev (per interface; "{if}" in a command is the interface).
 * `loss: false` marks counters that are supersets of others or not losses (kept out of the "lost" list).
 */
import type { Severity } from '../../report/report-shape';

export interface CounterMeaning {
  key: string;
  title: string;
  meaning: string;
  /** how bad it is when the counter grows during the interval */
  severity: Severity;
  loss: boolean;
  commands(sysctl: ReadonlyMap<string, string>): string[];
}

function raise(sysctl: ReadonlyMap<string, string>, name: string, fallback: number, factor = 2): string {
  const cur = Number((sysctl.get(name) ?? '').trim().split(/\s+/)[0]);
  const next = Number.isFinite(cur) && cur > 0 ? cur * factor : fallback;
  return `sysctl -w ${name}=${next}  # now ${sysctl.get(name)?.trim() || 'unknown'}; persist it in /etc/sysctl.d/`;
}

const c = (key: string, title: string, severity: Severity, meaning: string, commands: CounterMeaning['commands'] = () => [], loss = true): CounterMeaning => ({ key, title, severity, meaning, commands, loss });

const TCP_RMEM = () => ['sysctl net.ipv4.tcp_rmem net.core.rmem_max', 'ss -tmi  # skmem:(r…,rb…) per socket shows who is at its limit'];
const TCP_MEM = () => ['cat /proc/net/sockstat  # TCP mem is in pages; compare with net.ipv4.tcp_mem', 'sysctl net.ipv4.tcp_mem'];
const SYN_QUEUE = (s: ReadonlyMap<string, string>) => ['sysctl net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_syncookies', raise(s, 'net.ipv4.tcp_max_syn_backlog', 4096)];
const CSUM = () => ['ethtool -k {if} | grep -i checksum  # try turning an offload off if errors follow it', 'ip -s link show {if}'];

export const COUNTER_MEANINGS: readonly CounterMeaning[] = [
  // softnet (per CPU)
  c('softnet.dropped', 'softnet backlog full', 'high', 'packets dropped because a CPU\'s input backlog was full: net.core.netdev_max_backlog was exceeded (RPS or a non-NAPI driver queued packets faster than that CPU processed them)', (s) => ['sysctl net.core.netdev_max_backlog', raise(s, 'net.core.netdev_max_backlog', 4096)]),
  c('softnet.time_squeeze', 'NAPI budget ran out (time_squeeze)', 'medium', 'the receive softirq stopped with packets still waiting because net.core.netdev_budget (packets) or netdev_budget_usecs (time) ran out; packets wait for the next round (latency first, drops if it persists)', (s) => ['sysctl net.core.netdev_budget net.core.netdev_budget_usecs', raise(s, 'net.core.netdev_budget', 600), 'grep -E "CPU|{if}" /proc/interrupts  # spread the NIC queues over more CPUs (irqbalance, RSS)']),
  c('softnet.flow_limit', 'flow limit', 'low', 'packets of one heavy flow dropped by the per-CPU flow limit to protect the other flows (net.core.flow_limit_cpu_bitmap)', () => ['sysctl net.core.flow_limit_cpu_bitmap net.core.flow_limit_table_len']),
  // interfaces
  c('dev.rx_drop', 'interface RX drop', 'medium', 'received but dropped before a protocol took them: the RX ring was full (rx_missed is included), an unknown protocol or VLAN, or a driver-specific reason', () => ['ethtool -S {if} | grep -iE "drop|miss|fifo|buf"', 'ethtool -g {if}  # ring sizes: current vs maximum']),
  c('dev.rx_fifo', 'interface RX FIFO overrun', 'high', 'the NIC\'s receive FIFO/ring overflowed: the host did not drain the ring fast enough', () => ['ethtool -g {if}', 'ethtool -G {if} rx <the maximum ethtool -g shows>']),
  c('dev.rx_errs', 'interface RX errors', 'medium', 'frames received with errors (the sum of CRC, length, overrun and frame errors)', () => ['ethtool -S {if} | grep -iE "err|crc"', 'ethtool {if}  # speed, duplex, link'], false),
  c('dev.rx_frame', 'interface frame/CRC errors', 'medium', 'damaged frames (CRC, alignment, length): a cable, transceiver, duplex mismatch or switch port problem', () => ['ethtool {if}  # speed and duplex on both ends must match', 'ethtool -S {if} | grep -iE "crc|align|symbol"']),
  c('dev.tx_drop', 'interface TX drop', 'medium', 'packets dropped on transmit: the queue discipline or the driver\'s TX ring was full', () => ['tc -s qdisc show dev {if}', 'ip -s link show {if}']),
  c('dev.tx_errs', 'interface TX errors', 'medium', 'transmit errors reported by the driver', () => ['ip -s -s link show {if}', 'ethtool -S {if} | grep -iE "err|timeout"']),
  c('dev.tx_fifo', 'interface TX FIFO errors', 'medium', 'transmit FIFO underruns or errors in the NIC', () => ['ethtool -S {if}']),
  c('dev.tx_carrier', 'carrier errors', 'high', 'the link lost carrier while sending: the cable, transceiver or switch port went down or flapped', () => ['ethtool {if}', 'ip -s -s link show {if}', 'dmesg -T | grep -i {if}']),
  c('dev.tx_colls', 'collisions', 'low', 'Ethernet collisions: a half-duplex link (a duplex mismatch on a modern network)', () => ['ethtool {if}']),
  // IP
  c('Ip.InDiscards', 'IP input discards', 'medium', 'incoming IP packets discarded with nothing wrong in them (no buffer space, or dropped by policy)'),
  c('Ip.OutDiscards', 'IP output discards', 'medium', 'outgoing IP packets discarded (no buffer space, a full queue or netfilter)'),
  c('Ip.InHdrErrors', 'IP header errors', 'low', 'IP packets with a bad header (checksum, version, TTL exceeded)'),
  c('Ip.InAddrErrors', 'IP address errors', 'low', 'packets for an address this host does not own while forwarding is off (a wrong route or stale ARP somewhere)', () => ['sysctl net.ipv4.ip_forward', 'ip addr']),
  c('Ip.OutNoRoutes', 'no route', 'medium', 'packets this host wanted to send but had no route for', () => ['ip route', 'ip route get <destination>']),
  c('Ip.ReasmFails', 'reassembly failures', 'medium', 'IP fragments that could not be reassembled: a fragment was lost or net.ipv4.ipfrag_high_thresh is too small', () => ['sysctl net.ipv4.ipfrag_high_thresh net.ipv4.ipfrag_time']),
  c('IpExt.InNoRoutes', 'no route (input)', 'low', 'received packets this host could not route'),
  c('IpExt.InTruncatedPkts', 'truncated packets', 'medium', 'IP packets shorter than their header says: damaged on the wire'),
  c('IpExt.InCsumErrors', 'IP checksum errors', 'high', 'IP packets with a bad checksum: corrupted on the wire or by an offload bug', CSUM),
  // TCP
  c('Tcp.InErrs', 'TCP segment errors', 'medium', 'TCP segments received with errors (bad checksum or header)', CSUM, false),
  c('Tcp.InCsumErrors', 'TCP checksum errors', 'high', 'TCP segments with a bad checksum: corrupted on the wire or by an offload bug', CSUM),
  c('Tcp.AttemptFails', 'failed connection attempts', 'info', 'connection attempts that failed (refused, or reset during the handshake)', () => ['ss -tn state syn-sent'], false),
  c('Tcp.EstabResets', 'connections reset', 'info', 'established connections that were reset', () => [], false),
  c('TcpExt.ListenOverflows', 'accept queue full (ListenOverflows)', 'high', 'a listener\'s accept queue was full: the application does not accept() new connections fast enough, or the backlog it passed to listen() is too small; the handshake is dropped and the client retries only seconds later', (s) => ['ss -lnt  # Recv-Q close to Send-Q marks the full accept queue', 'sysctl net.core.somaxconn', raise(s, 'net.core.somaxconn', 4096, 4) + '; also raise the backlog the application passes to listen()']),
  c('TcpExt.ListenDrops', 'listen drops', 'medium', 'connection requests dropped on the listen path (includes ListenOverflows, a full SYN queue and memory failures)', () => ['ss -lnt'], false),
  c('TcpExt.TCPReqQFullDrop', 'SYN queue full, dropped', 'high', 'SYNs dropped because the SYN queue was full and syncookies are off', (s) => [...SYN_QUEUE(s), 'sysctl -w net.ipv4.tcp_syncookies=1']),
  c('TcpExt.TCPReqQFullDoCookies', 'SYN queue full, syncookies sent', 'medium', 'the SYN queue was full, so SYNs were answered with syncookies (a SYN flood, or a burst of new connections)', SYN_QUEUE, false),
  c('TcpExt.TCPBacklogDrop', 'socket backlog full (TCPBacklogDrop)', 'high', 'segments dropped because a socket\'s backlog was full while the application held the socket (it processes slowly, or net.ipv4.tcp_rmem is small)', TCP_RMEM),
  c('TcpExt.TCPRcvQDrop', 'receive queue full (TCPRcvQDrop)', 'high', 'segments dropped because a socket\'s receive queue hit its memory limit', TCP_RMEM),
  c('TcpExt.TCPZeroWindowDrop', 'zero window drops', 'medium', 'segments dropped because the receive window was zero: the application does not read its socket', () => ['ss -tn  # a large Recv-Q marks the slow reader']),
  c('TcpExt.TCPOFODrop', 'out-of-order drops', 'medium', 'out-of-order segments dropped for lack of receive memory', TCP_RMEM),
  c('TcpExt.PruneCalled', 'receive queue pruning', 'low', 'receive queues were collapsed to save memory (socket memory pressure)', TCP_RMEM, false),
  c('TcpExt.RcvPruned', 'receive queue pruned', 'high', 'segments thrown away from receive queues because pruning could not free enough memory', TCP_RMEM),
  c('TcpExt.OfoPruned', 'out-of-order queue pruned', 'medium', 'out-of-order queues dropped to free memory', TCP_RMEM),
  c('TcpExt.TCPAbortOnMemory', 'aborted: TCP out of memory', 'high', 'connections aborted because TCP memory (net.ipv4.tcp_mem) ran out', TCP_MEM),
  c('TcpExt.TCPMemoryPressures', 'TCP memory pressure', 'medium', 'TCP entered memory pressure (net.ipv4.tcp_mem): every socket\'s buffers are shrunk', TCP_MEM, false),
  c('TcpExt.TCPAbortOnTimeout', 'aborted after timeouts', 'medium', 'connections given up after too many retransmission timeouts (the peer or the path stopped answering)', () => ['osdeck diagnose net-retrans <host>  # which peers retransmit'], false),
  c('TcpExt.TCPTimeWaitOverflow', 'TIME-WAIT table full', 'low', 'sockets closed without TIME-WAIT because net.ipv4.tcp_max_tw_buckets was reached', () => ['sysctl net.ipv4.tcp_max_tw_buckets', 'ss -s'], false),
  c('TcpExt.PAWSEstab', 'PAWS rejects', 'info', 'segments dropped by PAWS (a timestamp older than the last one seen: old duplicates, or NAT mixing several hosts)'),
  c('TcpExt.SyncookiesFailed', 'invalid syncookies', 'low', 'ACKs with an invalid syncookie (late ACKs after a SYN flood, or scanning)', () => [], false),
  // UDP
  c('Udp.RcvbufErrors', 'UDP receive buffer full (RcvbufErrors)', 'high', 'UDP datagrams dropped because a socket\'s receive buffer was full: the application reads too slowly or SO_RCVBUF / net.core.rmem_default is too small', (s) => ['ss -uamp  # skmem:(…,d<N>) is each socket\'s drop count', 'sysctl net.core.rmem_max net.core.rmem_default', raise(s, 'net.core.rmem_max', 26214400, 4) + '; the application must also ask for it with SO_RCVBUF']),
  c('Udp.SndbufErrors', 'UDP send buffer full', 'medium', 'UDP sends refused because the socket send buffer was full', () => ['sysctl net.core.wmem_max net.core.wmem_default']),
  c('Udp.InErrors', 'UDP input errors', 'medium', 'UDP datagrams that could not be delivered (a full receive buffer, checksum or memory errors; includes RcvbufErrors)', () => ['ss -uamp'], false),
  c('Udp.InCsumErrors', 'UDP checksum errors', 'high', 'UDP datagrams with a bad checksum: corrupted on the wire or by an offload bug', CSUM),
  c('Udp.MemErrors', 'UDP out of memory', 'high', 'UDP ran out of memory (net.ipv4.udp_mem)', () => ['cat /proc/net/sockstat', 'sysctl net.ipv4.udp_mem']),
  c('Udp.NoPorts', 'UDP to closed ports', 'info', 'UDP datagrams to a port with no listener (answered with ICMP port unreachable): usually scans or a stopped service', () => [], false),
];

const BY_KEY = new Map(COUNTER_MEANINGS.map((m) => [m.key, m]));

export function counterMeaning(key: string): CounterMeaning | undefined {
  return BY_KEY.get(key);
}
