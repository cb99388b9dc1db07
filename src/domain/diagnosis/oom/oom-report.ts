/**
 * The OOM report: parsed and classified events (from a host's probe or an uploaded log) become the
 * common report — one sentence, findings per cause, a timeline, the latest event's top consumers,
 * per-cgroup counts, advice with the exact commands, and bounded evidence.
 */
import type { Report, ReportTable, Severity } from '../../report/report-shape';
import { makeReport, severityRank, shq, worst } from '../report-kit';
import { cgroupOwner, type CgroupOwner } from './cgroup-owner';
import type { OomHostFacts } from './oom-counters';
import { classifyOom, sizeText, type OomCauseId, type OomClassification } from './oom-classify';
import type { OomEvent } from './oom-log';
import type { UserspaceOomKill } from './userspace-oom-kills';

export interface SourcedOomEvent {
  event: OomEvent;
  /** section it came from: kmsg, dmesg, journal (this boot), journal-older (earlier boots), upload */
  source: string;
}

export interface OomReportInput {
  host: string;
  now: number;
  sinceHours: number;
  maxEvents: number;
  origin: 'probe' | 'upload';
  /** "kmsg", "kmsg + journal", "the uploaded log" */
  sourceLabel: string;
  events: SourcedOomEvent[];
  userspace: UserspaceOomKill[];
  facts: OomHostFacts | null;
  truncatedLines: number;
  linesRead: number;
  droppedEvents: number;
  issues: string[];
}

interface Timed {
  s: SourcedOomEvent;
  c: OomClassification;
  wall: number | null;
  /** seconds before the reference time, when known */
  ageS: number | null;
}

const SCOPE_LABEL: Record<OomClassification['scope'], string> = {
  memcg: 'memcg',
  'parent-memcg': 'parent memcg',
  global: 'global',
  cpuset: 'cpuset',
  mempolicy: 'mempolicy',
  unknown: 'unknown',
};

const CAUSE_LABEL: Record<OomCauseId, string> = {
  'memcg-limit': 'cgroup limit',
  'memcg-swap-limit': 'cgroup memory+swap limit',
  'memcg-anon': 'cgroup limit, anonymous memory',
  'memcg-shmem': 'cgroup limit, tmpfs/shm',
  'memcg-kernel': 'cgroup limit, kernel memory',
  'memcg-file': 'cgroup limit, page cache',
  'parent-limit': 'parent cgroup limit',
  'global-anon': 'host out of memory, process memory',
  'swap-exhausted': 'host out of memory, swap exhausted',
  cpuset: 'cpuset nodes exhausted',
  mempolicy: 'NUMA policy nodes exhausted',
  fragmentation: 'fragmentation',
  'kernel-leak-slab': 'kernel slab leak',
  'kernel-leak-pages': 'kernel page leak',
  'kernel-heavy': 'kernel memory',
  'untracked-pages': 'untracked kernel pages',
  shmem: 'tmpfs/shm',
  hugetlb: 'huge pages reserved',
  fork: 'many copies of one program',
  'policy-victim': 'victim by oom_score_adj',
  'no-killable': 'nothing killable',
  unknown: 'unknown (incomplete report)',
};

const MAX_TABLE = 200;
const MAX_EVIDENCE_EVENTS = 50;

export function causeLabel(c: OomClassification): string {
  const base = CAUSE_LABEL[c.primary.id];
  if ((c.scope === 'memcg' || c.scope === 'parent-memcg') && c.limitBytes !== null) return `${base} (${sizeText(c.limitBytes)}${c.limitKind === 'memory+swap' ? ' memory+swap' : ''})`;
  return base;
}

function isoTime(ms: number | null, text: string | null): string {
  if (ms !== null && Number.isFinite(ms)) {
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? (text ?? '?') : d.toISOString().replace('.000Z', 'Z');
  }
  return text ?? '?';
}

function cgroupPhrase(path: string | null, owner: CgroupOwner | null): string {
  if (!path) return 'a memory cgroup';
  if (owner && (owner.kind === 'k8s' || owner.containerId)) return `the memory cgroup of ${owner.label}`;
  return `the memory cgroup ${path}`;
}

function victimPhrase(c: OomClassification): string {
  const v = c.victim;
  if (!v) return 'no victim is named in the log';
  const mem = v.anonBytes !== null ? `${sizeText(v.anonBytes)} anon` : `${sizeText(v.rssBytes)} resident`;
  const shm = v.shmemBytes ? `, ${sizeText(v.shmemBytes)} shmem` : '';
  return `the victim was ${v.comm} (pid ${v.pid}, ${mem}${shm})`;
}

/** What happened in one event, as the head of a sentence. */
function whatPhrase(t: Timed): string {
  const c = t.c;
  const id = c.primary.id;
  const lim = c.limitBytes !== null ? ` ${c.limitKind === 'memory+swap' ? 'memory+swap limit of ' : ''}${sizeText(c.limitBytes)}${c.limitKind === 'memory+swap' ? '' : ' limit'}` : ' limit';
  if (c.scope === 'memcg' || c.scope === 'parent-memcg') {
    const who = cgroupPhrase(c.memcg, c.owner);
    let s = `${c.scope === 'parent-memcg' ? 'the parent cgroup ' + (c.memcg ?? '') : who} hit its${lim}`;
    const share = (k: string) => (c.usageBytes ? Math.round(((c.numbers[k] ?? 0) / c.usageBytes) * 100) : null);
    if (id === 'memcg-shmem') s += `, ${share('memcgShmemBytes') ?? '?'}% of it tmpfs/shared memory that killing does not free`;
    else if (id === 'memcg-kernel') s += `, ${share('memcgKernelBytes') ?? '?'}% of it kernel memory`;
    else if (id === 'fork') s += ` with ${c.causes.find((x) => x.id === 'fork')?.summary.split(' held')[0] ?? 'many copies of one program'}`;
    return s;
  }
  switch (id) {
    case 'kernel-leak-slab':
    case 'kernel-leak-pages':
      return 'the host ran out of memory because of a kernel memory leak';
    case 'kernel-heavy':
      return `the host ran out of memory with kernel memory (slab, page tables, stacks) at ${Math.round(((c.numbers.slabUnreclaimableBytes ?? 0) + (c.numbers.pagetablesBytes ?? 0) + (c.numbers.kernelStackBytes ?? 0)) / Math.max(1, c.numbers.ramBytes ?? 1) * 100)}% of RAM`;
    case 'shmem':
      return `the host ran out of memory with ${sizeText(c.numbers.shmemBytes ?? 0)} in tmpfs/shared memory`;
    case 'hugetlb':
      return 'the host ran out of memory with much of RAM reserved as huge pages';
    case 'fragmentation':
      return 'the host failed a multi-page allocation because free memory was fragmented';
    case 'cpuset':
      return `the NUMA nodes of cpuset ${c.victim ? '' : ''}${t.s.event.cpuset ?? ''} ran out of memory`.replace('  ', ' ');
    case 'mempolicy':
      return 'the NUMA nodes the task\'s memory policy allows ran out of memory';
    case 'fork':
      return `the host ran out of memory with ${c.causes.find((x) => x.id === 'fork')?.summary.split(' held')[0] ?? 'many copies of one program'}`;
    case 'no-killable':
      return 'the host ran out of memory and nothing could be killed';
    case 'global-anon':
    case 'swap-exhausted':
      return `the host ran out of memory${c.numbers.ramBytes ? ` (${sizeText(c.numbers.ramBytes)} RAM${c.numbers.swapUsedBytes ? ', swap full' : ''})` : ''}, filled by process memory`;
    default:
      return c.scope === 'global' ? 'the host ran out of memory' : 'an OOM kill happened (its report is incomplete)';
  }
}

function windowText(h: number): string {
  if (h === 0) return 'in the whole log';
  if (h % 24 === 0 && h >= 48) return `in the last ${h / 24} days`;
  return `in the last ${h} h`;
}

/** Commands that raise a memcg limit: the file, a systemd unit, or the pod spec. */
function limitCommands(c: OomClassification, facts: OomHostFacts | null): string[] {
  const path = c.memcg ?? '/';
  const newLimit = c.limitBytes ? Math.ceil((c.limitBytes * 1.5) / 1024 ** 2) * 1024 ** 2 : null;
  const cmds: string[] = [];
  const v = c.cgroupVersion ?? (facts?.v1MemoryMount ? 1 : 2);
  if (v === 1) {
    const dir = `${facts?.v1MemoryMount ?? '/sys/fs/cgroup/memory'}${path === '/' ? '' : path}`;
    cmds.push(`cat ${shq(dir + '/memory.limit_in_bytes')} ${shq(dir + '/memory.max_usage_in_bytes')} ${shq(dir + '/memory.failcnt')} ${shq(dir + '/memory.oom_control')}`);
    if (newLimit) {
      // memsw must stay >= memory: raise it first
      if (c.limitKind === 'memory+swap') cmds.push(`echo ${newLimit} > ${shq(dir + '/memory.memsw.limit_in_bytes')}`);
      cmds.push(`echo ${newLimit} > ${shq(dir + '/memory.limit_in_bytes')}`);
    }
  } else {
    const dir = `${facts?.v2Mount ?? '/sys/fs/cgroup'}${path === '/' ? '' : path}`;
    cmds.push(`cat ${shq(dir + '/memory.max')} ${shq(dir + '/memory.peak')} ${shq(dir + '/memory.events')}`);
    if (newLimit) cmds.push(`echo ${newLimit} > ${shq(dir + '/memory.max')}`);
  }
  const o = c.owner;
  if (o?.kind === 'k8s') {
    if (o.podUid) cmds.push(`kubectl get pods -A -o custom-columns=NAMESPACE:.metadata.namespace,POD:.metadata.name,UID:.metadata.uid | grep ${o.podUid}`);
    if (o.containerId) cmds.push(o.runtime === 'docker' ? `docker inspect --format '{{.Name}} {{.HostConfig.Memory}}' ${o.containerId.slice(0, 12)}` : `crictl inspect ${o.containerId.slice(0, 13)} | grep -i -m3 -E '"name"|memory_limit'`);
  } else if (o?.containerId && o.runtime === 'docker') {
    cmds.push(`docker update --memory ${newLimit ? Math.round(newLimit / 1024 ** 2) + 'm' : '<size>'} ${o.containerId.slice(0, 12)}`);
  } else if (o?.kind === 'podman' && o.containerId) {
    cmds.push(`podman update --memory ${newLimit ? Math.round(newLimit / 1024 ** 2) + 'm' : '<size>'} ${o.containerId.slice(0, 12)}`);
  } else if (o?.unit) {
    cmds.push(`systemctl set-property ${shq(o.unit)} ${v === 1 ? 'MemoryLimit' : 'MemoryMax'}=${newLimit ? Math.round(newLimit / 1024 ** 2) + 'M' : '<size>'}`);
  }
  return cmds;
}

function recommendationsFor(t: Timed, facts: OomHostFacts | null, seen: Set<string>): Report['recommendations'] {
  const out: Report['recommendations'] = [];
  const c = t.c;
  const add = (key: string, summary: string, commands: string[]) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ summary, commands });
  };
  const ids = new Set(c.causes.map((x) => x.id));
  const k8s = c.owner?.kind === 'k8s';
  if (c.scope === 'memcg' || c.scope === 'parent-memcg') {
    const where = c.owner && c.owner.kind !== 'cgroup' ? c.owner.label : (c.memcg ?? 'the cgroup');
    if (ids.has('memcg-shmem')) {
      const statFile = `${c.cgroupVersion === 2 ? (facts?.v2Mount ?? '/sys/fs/cgroup') : (facts?.v1MemoryMount ?? '/sys/fs/cgroup/memory')}${c.memcg && c.memcg !== '/' ? c.memcg : ''}/memory.stat`;
      add(
        `shmem:${c.memcg}`,
        `Find and remove the tmpfs / shared-memory files charged to ${where}: they survive the kill${k8s ? ' (look for an emptyDir with medium: Memory, or /dev/shm in the container)' : ''}, then size-limit the tmpfs.`,
        [
          `grep -E '^(total_)?shmem ' ${shq(statFile)}`,
          'du -x --max-depth=2 /dev/shm 2>/dev/null | sort -h | tail',
          'find /dev/shm -xdev -type f -size +100M -exec ls -lh {} + 2>/dev/null | sort -k5 -h | tail',
          'ipcs -m',
          'df -h -t tmpfs',
          ...(c.owner?.containerId && c.owner.runtime === 'docker' ? [`docker exec ${c.owner.containerId.slice(0, 12)} df -h -t tmpfs`] : []),
          'mount -o remount,size=2G /dev/shm',
        ],
      );
    }
    add(
      `limit:${c.memcg}`,
      `Raise the limit of ${where}${c.limitBytes ? ` (now ${sizeText(c.limitBytes)}${c.limitKind === 'memory+swap' ? ' memory+swap' : ''})` : ''} if the workload needs more, or find what grew${k8s ? ' (raise resources.limits.memory of the container in its pod spec)' : ''}.`,
      limitCommands(c, facts),
    );
  }
  if (ids.has('global-anon') || ids.has('swap-exhausted') || (c.scope === 'global' && c.primary.id === 'unknown')) {
    add('global-anon', 'Find the processes that use the memory now, cap them with a memory limit (systemd MemoryMax= or a cgroup), or add RAM / swap.', [
      'ps -eo pid,user,rss,vsz,comm --sort=-rss | head -15',
      'free -h; swapon --show',
      "grep -H VmSwap /proc/[0-9]*/status 2>/dev/null | sort -k2 -n | tail",
      `systemctl set-property <service> MemoryMax=<size>`,
    ]);
  }
  if (ids.has('kernel-leak-slab') || ids.has('kernel-heavy') || ids.has('kernel-leak-pages')) {
    add('kernel', 'Look at kernel memory now: the biggest slab caches, socket buffers, page tables and the thread count; run the memory panorama for memory nobody accounts for.', [
      'slabtop -o -s c | head -20',
      "grep -E 'Slab|SUnreclaim|PageTables|KernelStack|VmallocUsed|Percpu' /proc/meminfo",
      'cat /proc/net/sockstat',
      'ps -eLf --no-headers | wc -l',
      'osdeck diagnose memory <host>',
    ]);
  }
  if (ids.has('shmem')) {
    add('host-shmem', 'tmpfs and shared memory are not freed by killing processes: find the big files and segments and remove them, or size-limit the tmpfs mounts.', [
      'df -h -t tmpfs',
      'du -x --max-depth=2 /dev/shm 2>/dev/null | sort -h | tail',
      'ipcs -m --human',
    ]);
  }
  if (ids.has('fragmentation')) {
    add('fragmentation', 'Memory is fragmented: compact it, keep more free memory in reserve, and check the buddy lists.', [
      'cat /proc/buddyinfo',
      'echo 1 > /proc/sys/vm/compact_memory',
      'sysctl vm.min_free_kbytes vm.extfrag_threshold',
      'head -30 /proc/pagetypeinfo',
    ]);
  }
  if (ids.has('hugetlb')) {
    add('hugetlb', 'Release huge pages nobody uses (they are taken out of ordinary memory).', ['grep -i huge /proc/meminfo', 'sysctl vm.nr_hugepages', 'echo <fewer> > /proc/sys/vm/nr_hugepages']);
  }
  if (ids.has('cpuset')) {
    const cs = t.s.event.cpuset ?? '';
    add(`cpuset:${cs}`, `The cpuset ${cs} may use only some NUMA nodes; allow more nodes or move memory-hungry tasks.`, [
      `cat ${shq(`/sys/fs/cgroup/cpuset/${cs.replace(/^\//, '')}/cpuset.mems`)} 2>/dev/null || cat ${shq(`/sys/fs/cgroup/${cs.replace(/^\//, '')}/cpuset.mems.effective`)}`,
      'numactl -H',
      'numastat -m',
    ]);
  }
  if (ids.has('mempolicy')) {
    add('mempolicy', 'The task was bound to some NUMA nodes by its memory policy (numactl --membind / mbind); allow more nodes or use interleave/preferred.', [
      'numactl -H',
      'numastat -m',
      ...(t.s.event.trigger?.pid ? [`grep -E 'bind|prefer|interleave' /proc/${t.s.event.trigger.pid}/numa_maps | head`] : []),
    ]);
  }
  const fork = c.causes.find((x) => x.id === 'fork');
  if (fork) {
    const name = c.groups.find((g) => fork.summary.includes(` of ${g.name} held`))?.name ?? c.groups[0]?.name ?? '<name>';
    add(`fork:${name}`, `Many copies of ${name} ran at once: check who starts them and cap the number of tasks (pids.max / TasksMax=).`, [
      `pgrep -c -x ${shq(name)}`,
      `ps -C ${shq(name)} -o pid,ppid,rss,etime --sort=-rss | head`,
      'systemctl set-property <unit> TasksMax=<n>',
    ]);
  }
  if (ids.has('policy-victim')) {
    add('policy', `The victim was chosen by oom_score_adj, not size${k8s ? ' (Kubernetes gives Burstable/BestEffort pods high values; set requests = limits for Guaranteed QoS)' : ''}: review which processes carry high values.`, [
      "grep -H . /proc/[0-9]*/oom_score_adj 2>/dev/null | awk -F: '$2 >= 500' | head",
      'choom -p <pid>',
    ]);
  }
  if (ids.has('no-killable')) {
    add('no-killable', 'Nothing could be killed: too many processes are protected with oom_score_adj -1000.', ["grep -H . /proc/[0-9]*/oom_score_adj 2>/dev/null | awk -F: '$2 == -1000'"]);
  }
  return out;
}

export function buildOomReport(input: OomReportInput): Report {
  const { facts, sinceHours } = input;
  const refMs = facts?.hostNow != null ? facts.hostNow * 1000 : input.now;
  const timed: Timed[] = input.events.map((s) => {
    const e = s.event;
    // printk time is seconds since boot: the wall time is boot time + it (approximately: suspend shifts it)
    const currentBoot = s.source === 'kmsg' || s.source === 'dmesg' || s.source === 'journal';
    const wall = e.wall ?? (currentBoot && e.mono !== null && facts?.btime != null ? (facts.btime + e.mono) * 1000 : null);
    let ageS: number | null = null;
    if (wall !== null) ageS = (refMs - wall) / 1000;
    else if (currentBoot && e.mono !== null && facts?.uptimeS != null) ageS = facts.uptimeS - e.mono;
    return { s, c: classifyOom(e), wall, ageS };
  });
  const inWindow = (ageS: number | null) => sinceHours === 0 || ageS === null || ageS <= sinceHours * 3600;
  const all = timed;
  const win = all.filter((t) => inWindow(t.ageS));
  const unknownTime = win.filter((t) => t.ageS === null).length;
  const userspace = input.userspace
    .map((u) => {
      const wall = u.wall;
      const ageS = wall !== null ? (refMs - wall) / 1000 : u.mono !== null && facts?.uptimeS != null ? facts.uptimeS - u.mono : null;
      return { u, wall, ageS };
    })
    .filter((x) => inWindow(x.ageS));

  const findings: Report['findings'] = [];
  const tables: ReportTable[] = [];
  const recommendations: Report['recommendations'] = [];
  const where = input.origin === 'upload' ? 'the uploaded log' : `the kernel log of ${input.host} (${input.sourceLabel})`;
  const wText = input.origin === 'upload' ? 'in the uploaded log' : windowText(sinceHours);

  // ---- counters (probe only)
  const vmKills = facts?.vmstatOomKill ?? null;
  const memcgCounters = facts?.memcgCounters ?? [];
  const currentBootEvents = all.filter((t) => t.s.source !== 'journal-older' && t.s.event.victim !== null).length;

  // ---- findings per cause, over the window
  // one finding per cause and cgroup (the same cause in two cgroups is two findings)
  const byCause = new Map<string, { n: number; last: Timed; severity: Severity; summary: string; detail?: string }>();
  for (const t of win) {
    for (const cause of t.c.causes) {
      const key = `${cause.id}|${t.c.memcg ?? ''}`;
      const g = byCause.get(key);
      if (!g) byCause.set(key, { n: 1, last: t, severity: cause.severity, summary: cause.summary, detail: cause.detail });
      else {
        g.n++;
        g.last = t;
        g.severity = worst(g.severity, cause.severity);
        g.summary = cause.summary;
        g.detail = cause.detail;
      }
    }
  }
  // worst first; newest first among equals (the sort is stable)
  for (const [, g] of [...byCause].reverse().sort((a, b) => severityRank(b[1].severity) - severityRank(a[1].severity))) {
    findings.push({ severity: g.severity, summary: `${g.n > 1 ? `${g.n} events: ` : ''}${g.summary}`, detail: g.detail });
  }

  // ---- userspace killers
  if (userspace.length) {
    const by = new Map<string, number>();
    for (const x of userspace) by.set(x.u.killer, (by.get(x.u.killer) ?? 0) + 1);
    const last = userspace.at(-1)!.u;
    findings.push({
      severity: 'medium',
      summary: `${[...by].map(([k, n]) => `${n} kill(s) by ${k}`).join(', ')} ${wText}; the latest: ${last.target} (${last.reason.replace('-', ' ')})`,
      detail: 'Userspace OOM killers act on memory pressure or swap use before the kernel runs out; the kernel log does not show these kills.',
    });
    tables.push({
      title: 'Userspace OOM kills (systemd-oomd, earlyoom)',
      columns: ['time', 'killer', 'target', 'pid', 'reason', 'detail'],
      rows: userspace.slice(-MAX_TABLE).reverse().map((x) => [isoTime(x.wall, x.u.wallText), x.u.killer, x.u.target, x.u.pid, x.u.reason, x.u.detail]),
    });
    recommendations.push({
      summary: 'See what systemd-oomd watches and why it killed (its limits are per unit: ManagedOOMMemoryPressure=, ManagedOOMSwap=).',
      commands: ['oomctl', 'journalctl -u systemd-oomd --no-pager -n 50', `systemctl show ${shq(userspace.at(-1)!.u.target.split('/').filter(Boolean).at(-1) ?? '<unit>')} -p ManagedOOMMemoryPressure -p ManagedOOMMemoryPressureLimit -p ManagedOOMSwap`],
    });
  }

  // ---- coverage and log-quality findings
  if (input.truncatedLines > 0) {
    findings.push({ severity: 'low', summary: `${input.truncatedLines} line(s) of the log were cut by a pager (a trailing '>'): their last values are missing`, detail: 'Read the journal with `journalctl -k --no-pager -o cat` (or /dev/kmsg) to get whole lines.' });
    recommendations.push({ summary: 'Collect the kernel log without a pager so long lines are whole.', commands: ['journalctl -k --no-pager -o short-monotonic', 'dmesg --ctime'] });
  }
  if (facts && vmKills !== null && vmKills > currentBootEvents) {
    const missing = vmKills - currentBootEvents;
    findings.push({
      severity: 'medium',
      summary: `the kernel counted ${vmKills} OOM kill(s) since boot (/proc/vmstat oom_kill) but the log holds ${currentBootEvents}: ${missing} report(s) have left the ring buffer${facts.logSource.journal === '1' ? '' : ' and there is no journal to keep them'}`,
    });
    recommendations.push({
      summary: 'Keep kernel messages across the ring buffer\'s rotation and reboots: a persistent journal (or a bigger log_buf_len=).',
      commands: ['mkdir -p /var/log/journal && systemctl restart systemd-journald', "journalctl -k --no-pager -o short-iso | grep -E 'invoked oom-killer|Killed process'", 'dmesg -s 16777216 | grep -c "invoked oom-killer"'],
    });
  }
  const countersHit = memcgCounters.filter((c) => c.oomKill > 0);
  if (countersHit.length) {
    tables.push({
      title: 'Memory cgroups with OOM kills (kernel counters)',
      columns: ['cgroup', 'cgroup version', 'owner', 'oom_kill', 'oom (limit hit)', 'oom_group_kill', 'counts descendants'],
      rows: countersHit.slice(0, MAX_TABLE).map((c) => [c.path, c.version, cgroupOwner(c.path)?.label ?? null, c.oomKill, c.oom, c.oomGroupKill, c.hierarchical ? 'yes' : 'no']),
    });
  }
  for (const c of memcgCounters.filter((x) => x.underOom).slice(0, 5)) {
    findings.push({ severity: 'high', summary: `the cgroup ${c.path} is in OOM right now (under_oom 1): its OOM killer is disabled and its tasks wait for memory`, detail: 'memory.oom_control has oom_kill_disable 1; raise the limit or kill a task in it.' });
  }
  if (facts?.sysctl.panic_on_oom) findings.push({ severity: 'info', summary: `vm.panic_on_oom = ${facts.sysctl.panic_on_oom}: the kernel panics instead of killing ${facts.sysctl.panic_on_oom === 2 ? '(also for cgroup OOMs)' : '(global OOMs)'}; earlier kills may only be in the previous boot's log` });
  if (facts?.sysctl.oom_dump_tasks === 0) findings.push({ severity: 'info', summary: 'vm.oom_dump_tasks = 0: OOM reports have no task table, so top consumers cannot be shown' });
  if (unknownTime > 0 && sinceHours > 0) findings.push({ severity: 'info', summary: `${unknownTime} event(s) carry no usable time, so they are counted whatever their age` });
  if (input.droppedEvents > 0) findings.push({ severity: 'info', summary: `${input.droppedEvents} older event(s) were dropped (more than the parser keeps)` });

  // ---- tables
  const kernelWin = win;
  if (kernelWin.length) {
    const shown = kernelWin.slice(-Math.max(1, input.maxEvents)).reverse();
    tables.unshift({
      title: `OOM events ${wText} (newest first${kernelWin.length > shown.length ? `, ${shown.length} of ${kernelWin.length}` : ''})`,
      columns: ['time', 'seconds since boot', 'kind', 'cgroup', 'owner', 'victim', 'victim pid', 'victim rss (bytes)', 'victim rss', 'cause'],
      rows: shown.map((t) => [
        isoTime(t.wall, t.s.event.wallText),
        t.s.event.mono,
        SCOPE_LABEL[t.c.scope],
        t.c.memcg ?? (t.c.scope === 'global' ? '(host)' : null),
        t.c.owner && t.c.owner.kind !== 'cgroup' ? t.c.owner.label : null,
        t.c.victim?.comm ?? null,
        t.c.victim?.pid ?? null,
        t.c.victim?.rssBytes ?? null,
        t.c.victim ? sizeText(t.c.victim.rssBytes) : null,
        causeLabel(t.c),
      ]),
    });
    const latest = kernelWin.at(-1)!;
    if (latest.c.topConsumers.length) {
      tables.push({
        title: `Top consumers at the latest OOM (${isoTime(latest.wall, latest.s.event.wallText)}${latest.c.memcg ? `, cgroup ${latest.c.memcg}` : ''})`,
        columns: ['pid', 'name', 'uid', 'rss (bytes)', 'rss', 'anon (bytes)', 'file (bytes)', 'shmem (bytes)', 'swap (bytes)', 'oom_score_adj', 'victim'],
        rows: latest.c.topConsumers.map((p) => [p.pid, p.name, p.uid, p.rssBytes, sizeText(p.rssBytes), p.anonBytes, p.fileBytes, p.shmemBytes, p.swapBytes, p.oomScoreAdj, p.pid === latest.c.victim?.pid ? 'yes' : '']),
      });
    } else {
      findings.push({ severity: 'info', summary: 'the latest OOM report has no task table (vm.oom_dump_tasks=0, an old kernel or a trimmed log): only the victim is known' });
    }
    if (latest.c.groups.some((g) => g.count > 1)) {
      tables.push({
        title: 'Processes by name at the latest OOM',
        columns: ['name', 'processes', 'rss (bytes)', 'rss'],
        rows: latest.c.groups.map((g) => [g.name, g.count, g.rssBytes, sizeText(g.rssBytes)]),
      });
    }
    const perCg = new Map<string, { n: number; last: Timed }>();
    for (const t of kernelWin) {
      const key = t.c.memcg ?? `(host, ${SCOPE_LABEL[t.c.scope]})`;
      const g = perCg.get(key);
      if (g) {
        g.n++;
        g.last = t;
      } else perCg.set(key, { n: 1, last: t });
    }
    const counterOf = (path: string) => memcgCounters.find((c) => c.path === path)?.oomKill ?? null;
    tables.push({
      title: `OOM kills per cgroup ${wText}`,
      columns: ['cgroup', 'owner', 'kills in the log', 'oom_kill counter', 'last victim', 'last cause'],
      rows: [...perCg]
        .sort((a, b) => b[1].n - a[1].n)
        .slice(0, MAX_TABLE)
        .map(([k, g]) => [k, g.last.c.owner && g.last.c.owner.kind !== 'cgroup' ? g.last.c.owner.label : null, g.n, g.last.c.memcg ? counterOf(g.last.c.memcg) : vmKills, g.last.c.victim ? `${g.last.c.victim.comm} (${g.last.c.victim.pid})` : null, causeLabel(g.last.c)]),
    });
    // advice: newest event first, one recommendation per cause and cgroup
    const seen = new Set<string>();
    const advice: Report['recommendations'] = [];
    for (const t of [...kernelWin].reverse().slice(0, 20)) advice.push(...recommendationsFor(t, facts, seen));
    recommendations.unshift(...advice);
  }

  // ---- conclusion
  let conclusion: string;
  let severity: Severity;
  const host = input.origin === 'upload' ? '' : ` on ${input.host}`;
  if (!win.length) {
    if (input.origin === 'probe' && input.linesRead === 0) {
      conclusion = `Could not read the kernel log of ${input.host}: ${input.issues[0] ?? 'every source was empty'}${vmKills !== null ? `; /proc/vmstat oom_kill = ${vmKills}` : ''}.`;
      severity = vmKills ? 'medium' : 'low';
      findings.unshift({ severity, summary: 'no kernel log could be read', detail: 'The probe needs root (or kernel.dmesg_restrict=0) for /dev/kmsg and dmesg, or a journal.' });
    } else if (userspace.length) {
      conclusion = `No kernel OOM kill ${wText}${host}, but userspace OOM killers killed ${userspace.length} time(s); the latest: ${userspace.at(-1)!.u.killer} killed ${userspace.at(-1)!.u.target}.`;
      severity = 'medium';
    } else if (facts && vmKills !== null && vmKills > currentBootEvents) {
      conclusion = `No OOM kill found in ${where} ${wText}, but the kernel counted ${vmKills} since boot: their reports have left the log.`;
      severity = 'medium';
    } else {
      const counters = facts ? `; /proc/vmstat oom_kill = ${vmKills ?? 'n/a'}${countersHit.length ? `, ${countersHit.length} memory cgroup(s) with oom_kill > 0` : ''}` : '';
      conclusion = `No OOM kill found in ${where}${input.origin === 'upload' ? '' : ` ${wText}`}${counters}.`;
      severity = countersHit.length ? 'low' : 'ok';
      findings.unshift({ severity, summary: `no OOM kill ${wText} (${input.linesRead} line(s) read${all.length ? `; ${all.length} older event(s) outside the window` : ''})` });
    }
  } else {
    const latest = win.at(-1)!;
    const kills = win.filter((t) => t.c.victim !== null).length;
    const n = kills || win.length;
    const others = new Map<string, number>();
    for (const t of win.slice(0, -1)) {
      if (t.c.primary.id === latest.c.primary.id && t.c.memcg === latest.c.memcg) continue;
      const k = t.c.scope === 'global' ? 'global' : t.c.memcg ? `in ${t.c.memcg}` : SCOPE_LABEL[t.c.scope];
      others.set(k, (others.get(k) ?? 0) + 1);
    }
    const also = others.size ? ` (also: ${[...others].slice(0, 3).map(([k, c]) => `${c} ${k}`).join(', ')})` : '';
    const us = userspace.length ? `, plus ${userspace.length} userspace OOM kill(s)` : '';
    // "3 OOM kills …: <what>; <victim>" when they all share the latest one's cause, else name the latest
    const head = `${n} OOM kill${n === 1 ? '' : 's'} ${wText}${host}${us}`;
    conclusion = `${head}${others.size ? '; the latest: ' : ': '}${whatPhrase(latest)}; ${victimPhrase(latest.c)}${also}.`;
    severity = worst(...findings.map((f) => f.severity));
  }

  const evidenceEvents = win.slice(-MAX_EVIDENCE_EVENTS).map((t) => {
    const e = t.s.event;
    return {
      source: t.s.source,
      time: isoTime(t.wall, e.wallText),
      secondsSinceBoot: e.mono,
      scope: t.c.scope,
      cause: t.c.primary.id,
      causes: t.c.causes.map((c) => c.id),
      trigger: e.trigger,
      constraint: e.constraint,
      memcg: t.c.memcg,
      taskMemcg: t.c.taskMemcg,
      owner: t.c.owner,
      cgroupVersion: t.c.cgroupVersion,
      limitKind: t.c.limitKind,
      limitBytes: t.c.limitBytes,
      usageBytes: t.c.usageBytes,
      memory: e.memory,
      memsw: e.memsw,
      swap: e.swap,
      memInfoPages: e.memInfo,
      pageKb: e.pageKb,
      victim: t.c.victim,
      alsoKilled: e.alsoKilled.slice(0, 20).map((k) => ({ pid: k.pid, comm: k.comm })),
      oomGroup: e.oomGroup,
      reaped: e.reaped,
      stack: e.stack.slice(0, 12),
      topConsumers: t.c.topConsumers.slice(0, 5),
      numbers: t.c.numbers,
      partial: e.partial,
    };
  });
  return makeReport({
    kind: 'diagnosis:oom',
    title: input.origin === 'upload' ? 'OOM kills in an uploaded log' : `OOM kills on ${input.host}`,
    now: input.now,
    conclusion,
    severity,
    findings,
    tables,
    recommendations,
    evidence: {
      source: input.sourceLabel,
      sinceHours,
      linesRead: input.linesRead,
      truncatedLines: input.truncatedLines,
      eventsInLog: all.length,
      eventsInWindow: win.length,
      vmstatOomKill: vmKills,
      memcgCounters: memcgCounters.slice(0, 50),
      kernelRelease: facts?.kernelRelease ?? null,
      sysctl: facts?.sysctl ?? {},
      events: evidenceEvents,
      userspaceKills: userspace.slice(-50).map((x) => ({ ...x.u, time: isoTime(x.wall, x.u.wallText) })),
      issues: input.issues.slice(0, 20),
    },
  });
}
