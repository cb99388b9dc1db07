/**
 * Which series are counters (rates are computed and stored) and which are gauges (stored as read).
 *
 * The rule: a name ending in _total is a counter (the Prometheus convention node_exporter follows);
 * anything else is a gauge, with two families that node_exporter leaves "untyped" although the
 * kernel counts events in them:
 * - node_vmstat_*: the event counters (vm_event_item and the monotonic node stats: pg*, pswp*,
 *   oom_kill, allocstall_*, compact_*, thp_*, numa_*, …) are counters; the nr_* page counts and
 *   workingset_nodes describe state and stay gauges. The list is an allowlist on purpose: a field a
 *   future kernel adds defaults to gauge, and a counter stored as a gauge is still true data while a
 *   gauge stored as a rate would not be.
 * - node_netstat_*: SNMP MIB entries are Counter32/64 by definition (so the retransmission ratio is
 *   rate(Tcp_RetransSegs) / rate(Tcp_OutSegs)), except the few that are settings or a current count.
 */
import type { MetricKind } from './sample';

const VMSTAT_COUNTER =
  /^node_vmstat_(pg|pswp|oom_kill$|allocstall_|compact_|thp_|numa_|workingset_(refault|activate|restore|nodereclaim)|kswapd_|slabs_scanned$|drop_|unevictable_pgs_|htlb_buddy_alloc_|balloon_|swap_ra|zone_reclaim_|pageoutrun$|swpin_zero$|swpout_zero$|zswp|ksm_swpin_copy$|cow_ksm$|direct_map_level\d+_splits$|cma_alloc_|nr_dirtied$|nr_written$|nr_throttled_written$|nr_vmscan_write$|nr_vmscan_immediate_reclaim$|nr_foll_pin_(acquired|released)$|nr_tlb_)/;

const NETSTAT_GAUGE = /^node_netstat_(Tcp_(RtoAlgorithm|RtoMin|RtoMax|MaxConn|CurrEstab)|Ip_(Forwarding|DefaultTTL))$/;

export function metricKind(name: string): MetricKind {
  if (name.endsWith('_total')) return 'counter';
  if (name.startsWith('node_vmstat_')) return VMSTAT_COUNTER.test(name) ? 'counter' : 'gauge';
  if (name.startsWith('node_netstat_')) return NETSTAT_GAUGE.test(name) ? 'gauge' : 'counter';
  return 'gauge';
}
