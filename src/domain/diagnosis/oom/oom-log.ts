/**
 * OOM-killer reports in kernel log lines become typed events. The report is a run of lines
 * (mm/oom_kill.c dump_header, show_mem, mem_cgroup_print_oom_*), in three eras:
 *   ≤4.18   `<comm> cpuset=… mems_allowed=…`, `Task in A killed as a result of limit of B`, memcg stats on
 *           one line per descendant (`cache:…KB rss:…KB shmem:…KB …`), `Kill process N (c) score S or sacrifice child`
 *   ≥4.19   `oom-kill:constraint=…,oom_memcg=…|global_oom,task_memcg=…,task=…,pid=…,uid=…`, one memory.stat
 *           key per line (bytes; v1 keys on a v1 hierarchy), `Tasks state (memory values in pages):`
 *   ≥6.9    task table with rss_anon / rss_file / rss_shmem columns
 * Units: Mem-Info values are pages, `Node`/zone/buddy lines kB, the task table pages, memcg counters kB,
 * memory.stat dumps bytes (the one-line old form says KB). Columns come from the header, tokens are
 * read as key:value pairs, never by position.
 */
import { kernelNumber, printable } from '../../metrics/proc-tokens';
import type { KernelLine } from './kernel-log-lines';

export interface MemcgCounter {
  usageKb: number;
  limitKb: number;
  failcnt: number;
}

export interface MemcgStatDump {
  path: string;
  /** v2: memory.stat keys (anon, file, shmem, …); v1: v1 keys (rss, cache, …); v1-oneline: the ≤4.x `key:NKB` line */
  form: 'v2' | 'v1' | 'v1-oneline';
  /** bytes */
  values: Record<string, number>;
}

export interface OomZone {
  node: number | null;
  zone: string;
  /** free, min, low, high, managed, present, … in kB */
  kb: Record<string, number>;
}

export interface OomBuddy {
  node: number | null;
  zone: string;
  blocks: Array<{ sizeKb: number; count: number }>;
  totalKb: number | null;
}

export interface OomHugepages {
  node: number;
  total: number;
  free: number;
  surp: number;
  sizeKb: number;
}

/** One row of the task table; memory values in pages. */
export interface OomTask {
  pid: number;
  uid: number | null;
  tgid: number | null;
  totalVm: number | null;
  rss: number;
  rssAnon: number | null;
  rssFile: number | null;
  rssShmem: number | null;
  pgtablesBytes: number | null;
  swapents: number | null;
  oomScoreAdj: number | null;
  name: string;
}

export interface OomKill {
  pid: number;
  comm: string;
  totalVmKb: number | null;
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
  uid: number | null;
  pgtablesKb: number | null;
  oomScoreAdj: number | null;
  /** "Out of memory" (global) or "Memory cgroup out of memory" */
  scope: 'global' | 'memcg' | null;
}

export interface OomEvent {
  mono: number | null;
  wall: number | null;
  wallText: string | null;
  trigger: { comm: string; pid: number | null; gfpMask: string | null; gfpFlags: string | null; order: number | null; oomScoreAdj: number | null } | null;
  nodemask: string | null;
  cpuset: string | null;
  memsAllowed: string | null;
  constraint: string | null;
  globalOom: boolean;
  oomMemcg: string | null;
  taskMemcg: string | null;
  /** ≤4.18: `Task in <task> killed as a result of limit of <limit>` */
  taskIn: { task: string; limitOf: string } | null;
  /** notable kernel functions of the allocation path, in stack order */
  stack: string[];
  memory: MemcgCounter | null;
  memsw: MemcgCounter | null;
  swap: MemcgCounter | null;
  kmem: MemcgCounter | null;
  memcgStats: MemcgStatDump[];
  /** Mem-Info counters, pages */
  memInfo: Record<string, number>;
  /** `Node N active_anon:…kB … all_unreclaimable? no`, kB */
  nodes: Array<{ node: number; kb: Record<string, number>; allUnreclaimable: boolean | null }>;
  zones: OomZone[];
  buddy: OomBuddy[];
  hugepages: OomHugepages[];
  pagecachePages: number | null;
  swapCachePages: number | null;
  freeSwapKb: number | null;
  totalSwapKb: number | null;
  pagesRam: number | null;
  pagesReserved: number | null;
  pagesCmaReserved: number | null;
  slabTop: Array<{ name: string; usedKb: number; totalKb: number }>;
  taskColumns: string[];
  tasks: OomTask[];
  tasksDropped: number;
  /** `Kill process N (c) score S or sacrifice child` (old kernels name the choice before the kill) */
  selected: { pid: number; comm: string; score: number } | null;
  victim: OomKill | null;
  /** further kills of the same event (memory.oom.group) */
  alsoKilled: OomKill[];
  oomGroup: string | null;
  reaped: { pid: number; comm: string; anonRssKb: number; fileRssKb: number; shmemRssKb: number } | null;
  noKillable: boolean;
  /** page size in kB as read from the buddy lines or the victim's row (4 when nothing tells) */
  pageKb: number;
  /** the report began before the log does (no `invoked oom-killer` line) */
  partial: boolean;
  /** lines of the report cut by a pager */
  truncatedLines: number;
}

export interface OomLog {
  events: OomEvent[];
  /** events dropped because of the cap (oldest first) */
  droppedEvents: number;
  issues: string[];
}

const MAX_EVENTS = 2000;
const MAX_TASKS = 20_000;
const MAX_STACK = 48;
const MAX_SLAB = 30;
const MAX_ISSUES = 50;
const MAX_STAT_DUMPS = 64;
// An OOM report is printed in well under a second; a later line belongs to something else.
const MAX_REPORT_SPAN_S = 120;

const num = (t: string | undefined): number | null => kernelNumber(t);
const str = (s: string, max = 256) => printable(s, max);

/** `key:value` tokens (optionally `key: value`, optional kB/KB unit) of a line, generically. */
export function colonTokens(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/([A-Za-z_][\w()?]{0,63}):\s?(-?\d{1,20})(?:kB|KB)?(?![\w.])/g)) {
    const v = kernelNumber(m[2]);
    if (v !== null && !(m[1]! in out)) out[m[1]!] = v;
  }
  return out;
}

// Frames that tell the allocation path (see reference §4.1).
const NOTABLE_FRAME = /^(mem_cgroup_out_of_memory|mem_cgroup_oom|try_charge(?:_memcg)?|mem_cgroup_try_charge\w*|__mem_cgroup_charge|charge_memcg|obj_cgroup_charge\w*|__memcg_kmem_charge\w*|pagefault_out_of_memory|__alloc_pages\w*|alloc_pages\w*|__get_free_pages|kmalloc\w*|__kmalloc\w*|kmem_cache_alloc\w*|__vmalloc\w*|vmalloc\w*|shmem_\w+|do_anonymous_page|do_huge_pmd_anonymous_page|handle_pte_fault|filemap_fault|page_cache_ra\w*|do_swap_page|swapin\w*|hugetlb_\w+|alloc_huge_page|alloc_hugetlb_folio|copy_process|dup_mm|do_fork|kernel_clone|pipe_write|tcp_\w+|sk_page_frag_refill|skb_\w+|__netdev_alloc\w*|bpf_\w+|generic_perform_write|ext4_\w+|xfs_\w+|do_sys_poll|execve\w*|do_execve\w*|mmap_region|do_mmap|madvise\w*|khugepaged\w*|collapse_\w+|compact_\w+|kswapd)$/;
const FRAME = /^(?:\[<[0-9a-fA-F]+>\]\s*)?(?:\?\s+)?([A-Za-z_][\w.]{0,127})\+0x[0-9a-fA-F]+\/0x[0-9a-fA-F]+/;

function counter(m: RegExpExecArray): MemcgCounter | null {
  const usage = num(m[2]);
  const limit = num(m[3]);
  const failcnt = num(m[4]);
  return usage === null || limit === null || failcnt === null ? null : { usageKb: usage, limitKb: limit, failcnt };
}

function killOf(prefix: string | undefined, pidText: string, comm: string, rest: string): OomKill | null {
  const pid = num(pidText);
  if (pid === null) return null;
  const kb = (re: RegExp) => num(re.exec(rest)?.[1]);
  return {
    pid,
    comm: str(comm, 64),
    totalVmKb: kb(/total-vm:(\d+)kB/),
    anonRssKb: kb(/anon-rss:(\d+)kB/),
    fileRssKb: kb(/file-rss:(\d+)kB/),
    shmemRssKb: kb(/shmem-rss:(\d+)kB/),
    uid: kb(/UID[: ](\d+)/),
    pgtablesKb: kb(/pgtables:(\d+)kB/),
    oomScoreAdj: kb(/oom_score_adj:(-?\d+)/),
    scope: prefix === undefined ? null : prefix.startsWith('Memory cgroup') ? 'memcg' : 'global',
  };
}

/** Fields of the `oom-kill:` line; nodemask and mems_allowed lists contain commas, so cut at the next known key. */
const OOM_KILL_KEYS = ['constraint', 'nodemask', 'cpuset', 'mems_allowed', 'oom_memcg', 'global_oom', 'task_memcg', 'task', 'pid', 'uid'];
export function oomKillFields(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const starts: Array<{ key: string; at: number; valueAt: number }> = [];
  for (const key of OOM_KILL_KEYS) {
    const marker = key === 'global_oom' ? 'global_oom' : `${key}=`;
    let at = -1;
    if (s.startsWith(marker)) at = 0;
    else {
      const i = key === 'pid' || key === 'uid' ? s.lastIndexOf(`,${marker}`) : s.indexOf(`,${marker}`);
      if (i >= 0) at = i + 1;
    }
    if (at >= 0) starts.push({ key, at, valueAt: at + marker.length });
  }
  starts.sort((a, b) => a.at - b.at);
  for (let i = 0; i < starts.length; i++) {
    const cur = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]!.at - 1 : s.length;
    out[cur.key] = cur.key === 'global_oom' ? '1' : str(s.slice(cur.valueAt, Math.max(cur.valueAt, end)), 512);
  }
  return out;
}

function newEvent(l: KernelLine, partial: boolean): OomEvent {
  return {
    mono: l.mono,
    wall: l.wall,
    wallText: l.wallText,
    trigger: null,
    nodemask: null,
    cpuset: null,
    memsAllowed: null,
    constraint: null,
    globalOom: false,
    oomMemcg: null,
    taskMemcg: null,
    taskIn: null,
    stack: [],
    memory: null,
    memsw: null,
    swap: null,
    kmem: null,
    memcgStats: [],
    memInfo: {},
    nodes: [],
    zones: [],
    buddy: [],
    hugepages: [],
    pagecachePages: null,
    swapCachePages: null,
    freeSwapKb: null,
    totalSwapKb: null,
    pagesRam: null,
    pagesReserved: null,
    pagesCmaReserved: null,
    slabTop: [],
    taskColumns: [],
    tasks: [],
    tasksDropped: 0,
    selected: null,
    victim: null,
    alsoKilled: [],
    oomGroup: null,
    reaped: null,
    noKillable: false,
    pageKb: 4,
    partial,
    truncatedLines: 0,
  };
}

/** Page size from the smallest buddy block, else from the victim's row against its kill line. */
function inferPageKb(e: OomEvent): number {
  const sizes = e.buddy.flatMap((b) => b.blocks.map((x) => x.sizeKb)).filter((x) => x > 0);
  if (sizes.length) {
    const min = Math.min(...sizes);
    if ([4, 8, 16, 64].includes(min)) return min;
  }
  const v = e.victim;
  if (v) {
    const row = e.tasks.find((t) => t.pid === v.pid);
    const kb = (v.anonRssKb ?? 0) + (v.fileRssKb ?? 0) + (v.shmemRssKb ?? 0);
    if (row && row.rss > 0 && kb > 0) {
      const ratio = kb / row.rss;
      for (const p of [4, 8, 16, 64]) if (Math.abs(ratio - p) / p < 0.05) return p;
    }
  }
  return 4;
}

type Section = 'none' | 'stats' | 'meminfo' | 'tasks' | 'slab';

/** Reads every OOM report in the lines (only kernel lines: `tag` null or 'kernel'). */
export function parseOomLog(lines: KernelLine[]): OomLog {
  const events: OomEvent[] = [];
  const issues: string[] = [];
  let dropped = 0;
  const issue = (s: string) => {
    if (issues.length < MAX_ISSUES) issues.push(s);
  };
  let cur: OomEvent | null = null;
  let section: Section = 'none';
  let statDump: MemcgStatDump | null = null;
  let taskInPending: { task: string; waiting: boolean } | null = null;

  const open = (l: KernelLine, partial: boolean): OomEvent => {
    const e = newEvent(l, partial);
    events.push(e);
    if (events.length > MAX_EVENTS) {
      events.shift();
      dropped++;
    }
    section = 'none';
    statDump = null;
    taskInPending = null;
    return e;
  };

  for (const l of lines) {
    if (l.tag !== null && l.tag !== 'kernel') continue;
    let text = l.text.trim();
    if (!text) continue;
    if (l.truncated) text = text.replace(/\S*(?:>|…)$/, '').trimEnd(); // the pager cut the last token
    let m: RegExpExecArray | null;

    // a report never spans minutes: a far-away line closes it
    if (cur && cur.mono !== null && l.mono !== null && Math.abs(l.mono - cur.mono) > MAX_REPORT_SPAN_S) {
      cur = null;
      section = 'none';
    }

    if ((m = /^(.{1,64}?) invoked oom-killer: (.*)$/.exec(text))) {
      cur = open(l, false);
      const rest = m[2]!;
      const gfp = /gfp_mask=(0x[0-9a-fA-F]{1,16})(?:\(([^)]{0,200})\))?/.exec(rest);
      cur.trigger = {
        comm: str(m[1]!, 64),
        pid: null,
        gfpMask: gfp?.[1] ?? null,
        gfpFlags: gfp?.[2] ? str(gfp[2]) : null,
        order: num(/order=(-?\d+)/.exec(rest)?.[1]),
        oomScoreAdj: num(/oom_score_adj=(-?\d+)/.exec(rest)?.[1]),
      };
      const nm = /nodemask=([^,\s]*(?:,\d[^,\s]*)*)/.exec(rest);
      if (nm) cur.nodemask = str(nm[1]!, 128);
      if (l.truncated) cur.truncatedLines++;
      continue;
    }

    // lines that can begin a report whose head is missing from the log
    const oomKill = /^oom-kill:(.*)$/.exec(text);
    const kill = /^(?:(Out of memory|Memory cgroup out of memory)(?: \(oom_kill_allocating_task\))?: )?Killed process (\d{1,10})(?:, UID (\d{1,10}),)? \((.{0,64}?)\)(?=[ ,]|$)(.*)$/.exec(text);
    const choose = /^(?:(Out of memory|Memory cgroup out of memory)(?: \(oom_kill_allocating_task\))?: )?Kill process (\d{1,10}) \((.{0,64}?)\)(?= ) score (\d{1,10}) or sacrifice child/.exec(text);
    const whole = /^Task in (.*) killed as a result of limit of (.*)$/.exec(text);
    let taskIn: [string, string] | null = whole ? [whole[1]!, whole[2]!] : null;
    // 3.x printed it with pr_cont pieces that may land on separate records:
    // "Task in /lxc/foo" / "killed as a result of limit of " / "/lxc/foo"
    if (!taskIn && cur && cur.victim === null) {
      let p: RegExpExecArray | null;
      if ((p = /^Task in (\/\S*)$/.exec(text))) {
        taskInPending = { task: p[1]!, waiting: false };
        continue;
      }
      if (taskInPending && (p = /^killed as a result of limit of\s*(\/\S*)?$/.exec(text))) {
        if (!p[1]) {
          taskInPending.waiting = true;
          continue;
        }
        taskIn = [taskInPending.task, p[1]];
      } else if (taskInPending?.waiting && (p = /^(\/\S*)$/.exec(text))) {
        taskIn = [taskInPending.task, p[1]!];
      }
    }
    if (taskIn) taskInPending = null;
    if (oomKill || choose || taskIn || (kill && !/sharing same memory/.test(kill[5] ?? ''))) {
      const done = cur !== null && cur.victim !== null && !(kill && cur.oomGroup !== null);
      const again = cur !== null && ((oomKill && cur.constraint !== null) || (taskIn && cur.taskIn !== null) || (choose && cur.selected !== null));
      if (cur === null || done || again) cur = open(l, true);
    }
    if (!cur) continue;
    const e: OomEvent = cur;
    if (l.truncated) e.truncatedLines++;

    if (oomKill) {
      const f = oomKillFields(oomKill[1]!);
      e.constraint = f.constraint ?? null;
      if (f.nodemask !== undefined) e.nodemask = f.nodemask;
      if (f.cpuset !== undefined) e.cpuset = f.cpuset;
      if (f.mems_allowed !== undefined) e.memsAllowed = f.mems_allowed;
      e.globalOom = f.global_oom === '1';
      e.oomMemcg = f.oom_memcg ?? null;
      e.taskMemcg = f.task_memcg ?? null;
      section = 'none';
      continue;
    }
    if (kill) {
      if (/sharing same memory/.test(kill[5] ?? '')) continue;
      const k = killOf(kill[1], kill[2]!, kill[4]!, kill[5] ?? '');
      if (k && k.uid === null && kill[3] !== undefined) k.uid = num(kill[3]); // 2.6.32: "Killed process N, UID N, (comm)
      if (k) {
        if (e.victim === null) e.victim = k;
        else if (e.alsoKilled.length < 1000) e.alsoKilled.push(k);
      }
      section = 'none';
      continue;
    }
    if (choose) {
      const pid = num(choose[2]);
      const score = num(choose[4]);
      if (pid !== null && score !== null) e.selected = { pid, comm: str(choose[3]!, 64), score };
      section = 'none';
      continue;
    }
    if (taskIn) {
      e.taskIn = { task: str(taskIn[0], 512), limitOf: str(taskIn[1], 512) };
      section = 'none';
      continue;
    }
    if ((m = /^oom_reaper: reaped process (\d{1,10}) \((.{0,64}?)\)(?=,), now anon-rss:(\d+)kB, file-rss:(\d+)kB, shmem-rss:(\d+)kB/.exec(text))) {
      const pid = num(m[1]);
      // the reaper runs a moment later; other lines may come between
      const target = [...events].reverse().slice(0, 5).find((x) => x.victim?.pid === pid || x.alsoKilled.some((k) => k.pid === pid));
      if (target && pid !== null) target.reaped = { pid, comm: str(m[2]!, 64), anonRssKb: num(m[3]) ?? 0, fileRssKb: num(m[4]) ?? 0, shmemRssKb: num(m[5]) ?? 0 };
      continue;
    }
    if ((m = /^Tasks in (.*) are going to be killed due to memory\.oom\.group set/.exec(text))) {
      e.oomGroup = str(m[1]!, 512);
      continue;
    }
    if (/^Out of memory and no killable processes/.test(text)) {
      e.noKillable = true;
      continue;
    }
    // After the kill only the lines above belong to the report.
    if (e.victim !== null) continue;

    if ((m = /^(.{1,64}?) cpuset=(\S*) mems_allowed=(\S*)$/.exec(text))) {
      e.cpuset = str(m[2]!, 512);
      e.memsAllowed = str(m[3]!, 128);
      continue;
    }
    if ((m = /^CPU: \d+ (?:UID: \d+ )?PID: (\d+) Comm: (\S{1,64})/.exec(text))) {
      if (e.trigger && e.trigger.pid === null) e.trigger.pid = num(m[1]);
      continue;
    }
    if ((m = FRAME.exec(text))) {
      const fn = m[1]!.replace(/\.(?:cold|constprop|isra|part)(?:\.\d+)*$/, '').replace(/\.\d+$/, '');
      if (NOTABLE_FRAME.test(fn) && e.stack.length < MAX_STACK && e.stack.at(-1) !== fn) e.stack.push(fn);
      continue;
    }
    if ((m = /^(memory|memory\+swap|swap|kmem): usage (\d{1,20})kB, limit (\d{1,20})kB, failcnt (\d{1,20})$/.exec(text))) {
      const c = counter(m);
      if (c) {
        if (m[1] === 'memory') e.memory = c;
        else if (m[1] === 'memory+swap') e.memsw = c;
        else if (m[1] === 'swap') e.swap = c;
        else e.kmem = c;
      }
      section = 'none';
      continue;
    }
    if ((m = /^Memory cgroup stats for (.*?): ([a-z_]+:\d.*)$/.exec(text))) {
      // ≤4.x: all on one line, KB; printed once for each descendant
      if (e.memcgStats.length < MAX_STAT_DUMPS) {
        const values: Record<string, number> = {};
        for (const [k, v] of Object.entries(colonTokens(m[2]!))) values[k] = v * 1024;
        e.memcgStats.push({ path: str(m[1]!, 512), form: 'v1-oneline', values });
      }
      section = 'none';
      continue;
    }
    if ((m = /^Memory cgroup stats for (.*):$/.exec(text))) {
      statDump = { path: str(m[1]!, 512), form: 'v2', values: {} };
      if (e.memcgStats.length < MAX_STAT_DUMPS) e.memcgStats.push(statDump);
      section = 'stats';
      continue;
    }
    if (section === 'stats' && statDump && (m = /^([a-z][a-z0-9_]{0,63}) (\d{1,20})$/.exec(text))) {
      const v = num(m[2]);
      if (v !== null && Object.keys(statDump.values).length < 200) statDump.values[m[1]!] = v;
      // v1 hierarchies dump v1 keys (rss, cache, total_*)
      if (m[1] === 'rss' || m[1] === 'cache' || m[1] === 'total_rss') statDump.form = 'v1';
      continue;
    }
    if (/^Mem-Info:$/.test(text)) {
      section = 'meminfo';
      continue;
    }
    if ((m = /^Node (\d{1,5}) (active_anon:.*)$/.exec(text))) {
      const node = num(m[1]);
      if (node !== null && e.nodes.length < 1024) {
        const u = /all_unreclaimable\? (yes|no)/.exec(m[2]!);
        e.nodes.push({ node, kb: colonTokens(m[2]!), allUnreclaimable: u ? u[1] === 'yes' : null });
      }
      continue;
    }
    if ((m = /^Node (\d{1,5}) hugepages_total=(\d+) hugepages_free=(\d+) hugepages_surp=(\d+) hugepages_size=(\d+)kB/.exec(text))) {
      const [node, total, free, surp, sizeKb] = [num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5])];
      if (node !== null && total !== null && free !== null && surp !== null && sizeKb !== null && e.hugepages.length < 4096) e.hugepages.push({ node, total, free, surp, sizeKb });
      continue;
    }
    if ((m = /^(?:Node (\d{1,5}) )?([A-Za-z][A-Za-z0-9]{0,15}) (free:\d+kB.*)$/.exec(text))) {
      if (e.zones.length < 4096) e.zones.push({ node: num(m[1]), zone: m[2]!, kb: colonTokens(m[3]!) });
      continue;
    }
    if ((m = /^(?:Node (\d{1,5}) )?([A-Za-z][A-Za-z0-9]{0,15}): (\d+\*\d+kB.*?)(?: = (\d+)kB)?$/.exec(text))) {
      const blocks: OomBuddy['blocks'] = [];
      for (const b of m[3]!.matchAll(/(\d{1,20})\*(\d{1,12})kB/g)) {
        const count = num(b[1]);
        const sizeKb = num(b[2]);
        if (count !== null && sizeKb !== null) blocks.push({ sizeKb, count });
      }
      if (e.buddy.length < 4096) e.buddy.push({ node: num(m[1]), zone: m[2]!, blocks, totalKb: num(m[4]) });
      continue;
    }
    if ((m = /^(\d{1,20}) total pagecache pages$/.exec(text))) {
      e.pagecachePages = num(m[1]);
      continue;
    }
    if ((m = /^(\d{1,20}) pages in swap cache$/.exec(text))) {
      e.swapCachePages = num(m[1]);
      continue;
    }
    if ((m = /^Free swap\s*=\s*(-?\d{1,20})kB$/.exec(text))) {
      e.freeSwapKb = num(m[1]);
      continue;
    }
    if ((m = /^Total swap\s*=\s*(\d{1,20})kB$/.exec(text))) {
      e.totalSwapKb = num(m[1]);
      continue;
    }
    if ((m = /^(\d{1,20}) pages (RAM|reserved|cma reserved)$/.exec(text))) {
      const v = num(m[1]);
      if (m[2] === 'RAM') e.pagesRam = v;
      else if (m[2] === 'reserved') e.pagesReserved = v;
      else e.pagesCmaReserved = v;
      continue;
    }
    if (/^Unreclaimable slab info:/.test(text)) {
      section = 'slab';
      continue;
    }
    if (section === 'slab' && (m = /^(\S{1,64})\s+(\d{1,20})KB\s+(\d{1,20})KB$/.exec(text))) {
      const usedKb = num(m[2]);
      const totalKb = num(m[3]);
      if (usedKb !== null && totalKb !== null) {
        e.slabTop.push({ name: str(m[1]!, 64), usedKb, totalKb });
        if (e.slabTop.length > MAX_SLAB * 4) e.slabTop = e.slabTop.sort((a, b) => b.totalKb - a.totalKb).slice(0, MAX_SLAB);
      }
      continue;
    }
    if (/^Tasks state \(memory values in pages\):$/.test(text)) {
      section = 'tasks';
      continue;
    }
    if ((m = /^\[\s*pid\s*\]\s+(.+)$/.exec(text))) {
      e.taskColumns = m[1]!.trim().split(/\s+/).slice(0, 32).map((c) => str(c, 32));
      section = 'tasks';
      continue;
    }
    if (section === 'tasks' && e.taskColumns.length && (m = /^\[\s*(\d{1,10})\]\s+(.+)$/.exec(text))) {
      const row = taskRow(num(m[1]), m[2]!, e.taskColumns);
      if (!row) issue(`unreadable task row: ${str(text, 80)}`);
      else if (e.tasks.length < MAX_TASKS) e.tasks.push(row);
      else e.tasksDropped++;
      continue;
    }
    // Mem-Info counters: every token key:N without a unit (some pastes lose the "Mem-Info:" line)
    if ((section === 'meminfo' || text.startsWith('active_anon:')) && /^(?:[a-z_]{1,40}:\d{1,20}\s*)+$/.test(text)) {
      for (const [k, v] of Object.entries(colonTokens(text))) if (!(k in e.memInfo)) e.memInfo[k] = v;
      continue;
    }
  }
  for (const e of events) {
    e.pageKb = inferPageKb(e);
    if (e.slabTop.length > MAX_SLAB) e.slabTop = e.slabTop.sort((a, b) => b.totalKb - a.totalKb).slice(0, MAX_SLAB);
  }
  return { events, droppedEvents: dropped, issues };
}

/** A task-table row by the header's column names; the name is the rest of the line (a comm may hold spaces). */
function taskRow(pid: number | null, rest: string, columns: string[]): OomTask | null {
  if (pid === null) return null;
  const numeric = columns.length - 1; // the last column is the name
  if (numeric < 1 || columns.at(-1) !== 'name') return null;
  const parts = rest.trim().split(/\s+/);
  if (parts.length < numeric + 1) return null;
  const vals: Record<string, number | null> = {};
  for (let i = 0; i < numeric; i++) {
    const v = num(parts[i]);
    if (v === null) return null;
    vals[columns[i]!] = v;
  }
  const rss = vals.rss;
  if (rss === null || rss === undefined) return null;
  const g = (k: string) => vals[k] ?? null;
  return {
    pid,
    uid: g('uid'),
    tgid: g('tgid'),
    totalVm: g('total_vm'),
    rss,
    rssAnon: g('rss_anon'),
    rssFile: g('rss_file'),
    rssShmem: g('rss_shmem'),
    // 3.x printed nr_ptes (pages) where 4.x prints pgtables_bytes
    pgtablesBytes: g('pgtables_bytes') ?? (g('nr_ptes') !== null ? g('nr_ptes')! * 4096 : null),
    swapents: g('swapents'),
    oomScoreAdj: g('oom_score_adj'),
    name: str(parts.slice(numeric).join(' '), 64),
  };
}

/** A key that is the same for one kill read from two sources (kmsg and the journal of the same boot). */
export function oomEventKey(e: OomEvent): string {
  const t = e.mono !== null ? Math.round(e.mono * 1000) : e.wall !== null ? `w${Math.round(e.wall / 1000)}` : (e.wallText ?? '?');
  return `${t}:${e.victim?.pid ?? e.trigger?.pid ?? '-'}`;
}
