/**
 * Memory panorama: where did the memory go? The full meminfo/zoneinfo accounting down to an
 * "unaccounted" remainder, file cache attributed to files (host-wide and for one cgroup or container),
 * per-cgroup split, shared memory per directory, slab, leftover cgroups, and memory nobody accounts for.
 * Conclusions and advice follow the operator's question, each with the command to act on it.
 */
import type { Report, ReportTable, Severity } from '../../report/report-shape';
import type { Diagnosis } from '../diagnosis';
import { hiddenMemoryHints, parseSysvShm } from '../memory/hidden-memory';
import { containerLabel, dyingMemcgs, type MemcgNode, parseMemcgRecords } from '../memory/memcg-tree';
import { memoryAccounting } from '../memory/memory-accounting';
import { parseMeminfoFields } from '../memory/meminfo-fields';
import { readPagecacheFiles, readPagecacheKpage, readPagecacheTree } from '../memory/pagecache-views';
import { parseProcessMemory, topProcesses } from '../memory/process-memory';
import { parseSlabinfo } from '../memory/slabinfo';
import { SIZE_BUCKETS, hotTmpfsDir, mostlySmallFiles, rollUpTmpfs } from '../memory/tmpfs-usage';
import { parseZoneinfo } from '../memory/zoneinfo';
import { parseSections, section } from '../probe-sections';
import { humanBytes as hb, makeReport, pct, severityRank, shq } from '../report-kit';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

interface Finding {
  severity: Severity;
  summary: string;
  detail?: string;
}

function kvNumbers(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of text.split('\n')) {
    const x = /^(\w+)\s+(\d{1,20})$/.exec(l.trim());
    if (x) m.set(x[1]!, Number(x[2]));
  }
  return m;
}

/** sysak's leak rule: over 6 GiB, or over 10% of RAM and over 1.5 GiB. */
function leakSized(bytes: number, total: number): boolean {
  return bytes > 6 * GiB || (bytes > total * 0.1 && bytes > 1.5 * GiB);
}

export const memoryDiagnosis: Diagnosis = {
  id: 'memory',
  title: 'Memory panorama',
  category: 'memory',
  description:
    'Where did the memory go: the full accounting down to unaccounted memory, the top files in the page cache (host-wide and for one container or cgroup), per-cgroup split, shared memory per directory, slab, leftover cgroups and memory held by drivers, with advice and commands.',
  permission: 'diagnose.run',
  params: [
    { name: 'cgroup', type: 'string', maxLength: 512, pattern: '[A-Za-z0-9_.:@/=+-]*', description: 'a memory cgroup to look into: its path under the cgroup mount (/kubepods/burstable/pod…) or a name fragment (container id, pod uid)' },
    { name: 'paths', type: 'string', maxLength: 4096, pattern: '(/[^:\\x00-\\x1f]*)?(:/[^:\\x00-\\x1f]*)*', description: 'extra files or directories whose cached pages to count, ":"-separated (closed files are invisible otherwise)' },
    { name: 'depth', type: 'integer', min: 1, max: 10, default: 4, description: 'how deep to read the memory cgroup tree' },
    { name: 'kpage', type: 'boolean', default: true, description: 'scan /proc/kpageflags and /proc/kpagecgroup (root) for the exact per-cgroup page split' },
    { name: 'top', type: 'integer', min: 5, max: 500, default: 30, description: 'rows in the top-N tables' },
  ],
  probe(p) {
    return {
      file: 'diag-memory.sh',
      helpers: ['pagecache'],
      env: { OSDECK_CGROUP: String(p.cgroup ?? ''), OSDECK_PATHS: String(p.paths ?? ''), OSDECK_DEPTH: String(p.depth), OSDECK_KPAGE: p.kpage ? '1' : '0' },
      timeoutSec: 120,
      maxOutputBytes: 32 * 1024 * 1024,
    };
  },
  analyze(raw, ctx) {
    const s = parseSections(raw, ctx.mark);
    const issues: string[] = [];
    const env = new Map(section(s, 'env').split('\n').map((l) => [l.split(' ')[0]!, l.slice(l.indexOf(' ') + 1)] as const));
    if (!s.has('meminfo')) throw new Error('the memory probe printed no meminfo section');
    const top = Number(ctx.params.top ?? 30);
    const pageSize = Number(env.get('pagesize')) || 4096;
    const root = env.get('uid') === '0';
    const mi = parseMeminfoFields(section(s, 'meminfo'), issues);
    if (!mi.get('MemTotal')) throw new Error('meminfo has no MemTotal');
    const zi = parseZoneinfo(section(s, 'zoneinfo'));
    const acc = memoryAccounting(mi, zi.pcpPages, pageSize);
    const total = acc.total;
    const part = (id: string) => acc.parts.find((p) => p.id === id)?.bytes ?? 0;
    const vmstat = kvNumbers(section(s, 'vmstat'));
    const slabs = parseSlabinfo(section(s, 'slabinfo'), pageSize);
    const memcgs = parseMemcgRecords(section(s, 'memcg'));
    const counts = kvNumbers(section(s, 'memcg_count'));
    const dying = dyingMemcgs(memcgs, section(s, 'cgroups'), { v1: counts.get('v1_dirs') ?? null, v2: counts.get('v2_dirs') ?? null }, section(s, 'cgroup_stat_v2'));
    const procs = parseProcessMemory(section(s, 'proc_status'), section(s, 'proc_cgroup'));
    const files = readPagecacheFiles(section(s, 'files'));
    const tree = readPagecacheTree(section(s, 'tmpfs'));
    const kpage = s.has('kpage') ? readPagecacheKpage(section(s, 'kpage')) : null;
    const sysv = parseSysvShm(section(s, 'sysvipc_shm'));
    const hints = hiddenMemoryHints({ sockstat: section(s, 'sockstat'), vmstat, hugepages: section(s, 'hugepages'), drm: section(s, 'drm'), dmabuf: section(s, 'dmabuf'), sysv, pageSize });
    const chosen = /^found (v1|v2) (.*)$/.exec(section(s, 'chosen_cgroup').trim());
    const chosenPath = chosen ? chosen[2]! : null;
    const chosenNode = chosen ? memcgs.find((n) => n.version === chosen[1] && n.path === chosenPath) ?? null : null;
    const cgFiles = s.has('files_cgroup') ? readPagecacheFiles(section(s, 'files_cgroup')) : null;
    const cgInode = Number(section(s, 'cgroup_inode').trim()) || null;

    const findings: Finding[] = [];
    const recs: Report['recommendations'] = [];
    const tables: ReportTable[] = [];

    // 1. pressure
    const avail = acc.available ?? acc.free;
    const usedPct = (total - avail) / total;
    findings.push({
      severity: usedPct > 0.95 ? 'high' : usedPct > 0.85 ? 'medium' : 'ok',
      summary: `${hb(total - avail)} of ${hb(total)} in use (${pct(total - avail, total)}), ${hb(avail)} available`,
      detail: `MemFree ${hb(acc.free)}; used by the kernel's count (MemTotal - MemFree) ${hb(acc.used)}`,
    });

    // 2. the chosen container / cgroup
    if (ctx.params.cgroup && !chosen) findings.push({ severity: 'medium', summary: `no memory cgroup matches "${ctx.params.cgroup}"`, detail: 'give a path under the memory cgroup mount, or a container id / pod uid fragment' });
    if (chosenNode) {
      const name = `${chosenNode.path}${containerLabel(chosenNode.path) ? ` (${containerLabel(chosenNode.path)})` : ''}`;
      const use = chosenNode.usage ?? 0;
      const ratio = chosenNode.limit ? use / chosenNode.limit : null;
      const cacheShare = use ? (chosenNode.file + chosenNode.shmem) / use : 0;
      const sev: Severity = ratio !== null && ratio > 0.9 ? 'high' : ratio !== null && ratio > 0.8 ? 'medium' : 'info';
      findings.push({
        severity: sev,
        summary: `cgroup ${name} uses ${hb(use)}${chosenNode.limit ? ` of its ${hb(chosenNode.limit)} limit (${pct(use, chosenNode.limit)})` : ' (no limit)'}; file cache ${hb(chosenNode.file)}${chosenNode.shmem ? ` + shmem ${hb(chosenNode.shmem)}` : ''}${cacheShare > 0.5 ? ' is most of it' : ''}`,
        detail: `anon ${hb(chosenNode.anon)}, active file ${hb(chosenNode.activeFile)}, inactive file ${hb(chosenNode.inactiveFile)}, working set (usage - inactive_file) ${hb(chosenNode.workingSet ?? 0)}`,
      });
      if (cacheShare > 0.3 && chosenNode.activeFile > 0) {
        recs.push({
          summary: `The working set of ${chosenNode.path} counts ${hb(chosenNode.activeFile)} of active file cache, which Kubernetes uses for eviction; drop what is not needed`,
          commands: [
            ...(cgFiles?.files.slice(0, 3).map((f) => `dd if=/dev/null of=${shq(f.name)} oflag=nocache conv=notrunc,fdatasync count=0   # drop this file's cache`) ?? []),
            chosenNode.version === 'v2' ? `echo ${Math.max(1, Math.round(chosenNode.file / MiB))}M > ${shq(`/sys/fs/cgroup${chosenNode.path}/memory.reclaim`)}` : `echo 1 > /proc/sys/vm/drop_caches   # host-wide: drops clean page cache`,
          ],
        });
      }
    }

    // 3. file cache by file
    const filecache = part('filecache');
    const named = files.files.filter((f) => !f.tmpfs).reduce((a, f) => a + f.cached, 0);
    const topFiles = files.files.slice().sort((a, b) => b.cached - a.cached);
    if (filecache > total * 0.3) {
      const f0 = topFiles[0];
      findings.push({
        severity: chosenNode && (chosenNode.limit ?? 0) > 0 && (chosenNode.usage ?? 0) / chosenNode.limit! > 0.8 ? 'medium' : 'info',
        summary: `file cache holds ${hb(filecache)} (${pct(filecache, total)} of RAM)${f0 ? `; the largest cached file is ${f0.name} (${hb(f0.cached)})` : ''}`,
        detail: `files held open or mapped by processes explain ${hb(named)} of it; closed files keep their cache too (name them with paths=…)`,
      });
    }
    if (files.untrusted) findings.push({ severity: 'medium', summary: 'cached-page counts for some files are not trustworthy: the probe did not run as root in the initial user namespace, and the kernel then reports every page of a file it cannot write as resident', detail: 'run the diagnosis as root on the host, not in a container' });
    tables.push({
      title: `Top ${top} files in the page cache (host)`,
      columns: ['file', 'cached (bytes)', 'cached', 'size', 'cached %', 'kind'],
      rows: topFiles.slice(0, top).map((f) => [f.name, f.cached, hb(f.cached), hb(f.size), f.size ? Math.min(100, Math.round((f.cached / f.size) * 1000) / 10) : null, [f.deleted ? 'deleted, still open' : '', f.tmpfs ? 'tmpfs' : '', f.error ? 'unreadable' : ''].filter(Boolean).join(', ') || 'file']),
    });
    if (cgFiles) {
      const inos = new Set<number>();
      if (cgInode) inos.add(cgInode);
      if (kpage && chosenPath) for (const [ino, p] of kpage.paths) if (p.path === chosenPath || p.path.startsWith(`${chosenPath === '/' ? '' : chosenPath}/`)) inos.add(ino);
      const split = cgFiles.files.some((f) => f.cgroups.length > 0);
      const rows = cgFiles.files
        .map((f) => ({ f, mine: split ? f.cgroups.filter((c) => inos.has(c.ino)).reduce((a, c) => a + c.bytes, 0) : f.cached }))
        .filter((x) => x.mine > 0)
        .sort((a, b) => b.mine - a.mine);
      tables.push({
        title: `Top ${top} files in the page cache of ${chosenPath ?? String(ctx.params.cgroup)}${split ? ' (pages charged to this cgroup)' : ' (files its processes hold; page ownership not measured)'}`,
        columns: ['file', 'charged to cgroup (bytes)', 'charged', 'cached in total', 'size', 'kind'],
        rows: rows.slice(0, top).map(({ f, mine }) => [f.name, mine, hb(mine), hb(f.cached), hb(f.size), [f.deleted ? 'deleted, still open' : '', f.tmpfs ? 'tmpfs' : ''].filter(Boolean).join(', ') || 'file']),
      });
      if (rows[0] && chosenNode) findings.push({ severity: 'info', summary: `in ${chosenPath}, ${rows[0].f.name} has the most page cache (${hb(rows[0].mine)})` });
    }

    // 4. shared memory: tmpfs per directory, SysV
    const shmem = part('shmem');
    const dirs = rollUpTmpfs(tree.dirs);
    const hot = hotTmpfsDir(dirs);
    const tmpfsTotal = tree.totalBytes;
    if (hot && hot.totalFiles > 0) {
      const small = mostlySmallFiles(hot.totalHistogram);
      const big = shmem > total * 0.1 || shmem > 4 * GiB;
      findings.push({
        severity: big && small ? 'high' : big ? 'medium' : 'info',
        summary: `shared memory holds ${hb(shmem)} (${pct(shmem, total)} of RAM); ${hb(hot.totalBytes)} of it is in ${hot.totalFiles.toLocaleString('en-US')} ${small ? 'small ' : ''}files under ${hot.dir}${big && small ? ': suspected shared-memory leak' : ''}`,
        detail: `tmpfs mounts hold ${hb(tmpfsTotal)} in ${tree.totalFiles.toLocaleString('en-US')} files; sizes under ${hot.dir}: ${hot.totalHistogram.map((n, i) => (n ? `${SIZE_BUCKETS[i]} ${n}` : '')).filter(Boolean).join(', ')}`,
      });
      if (big) {
        recs.push({
          summary: `Find who writes to ${hot.dir} and whether those files are still needed; deleting tmpfs files frees their memory (killing processes does not)`,
          commands: [`du -sh ${shq(hot.dir)}; ls -lt ${shq(hot.dir)} | head -20`, `find ${shq(hot.dir)} -type f -mmin +1440 | head   # older than a day`, `fuser -vm ${shq(hot.dir)} 2>&1 | head`],
        });
      }
    } else if (shmem > total * 0.1) {
      findings.push({ severity: 'medium', summary: `shared memory holds ${hb(shmem)} (${pct(shmem, total)}) but no tmpfs files explain it: look at SysV segments and memfd mappings`, detail: `SysV segments: ${sysv.length}, ${hb(sysv.reduce((a, x) => a + (x.rss ?? x.size), 0))}` });
    }
    const orphans = sysv.filter((x) => x.nattch === 0 && (x.rss ?? x.size) > 0);
    if (orphans.length) {
      recs.push({ summary: `${orphans.length} SysV shared memory segment(s) with nobody attached hold ${hb(orphans.reduce((a, x) => a + (x.rss ?? x.size), 0))}`, commands: ['ipcs -m -p', ...orphans.slice(0, 5).map((o) => `ipcrm -m ${o.shmid}   # created by pid ${o.cpid}`)] });
    }
    tables.push({
      title: 'Shared memory (tmpfs) by directory',
      columns: ['directory', 'files', 'bytes', 'size', ...SIZE_BUCKETS],
      rows: dirs.filter((d) => d.totalFiles > 0).slice(0, top).map((d) => [d.dir, d.totalFiles, d.totalBytes, hb(d.totalBytes), ...d.totalHistogram]),
    });
    tables.push({ title: `Top ${top} tmpfs files`, columns: ['file', 'bytes', 'size'], rows: tree.top.slice(0, top).map((t) => [t.path, t.alloc, hb(t.alloc)]) });

    // 5. slab
    const sRecl = part('slab_reclaimable');
    const sUnrecl = part('slab_unreclaimable');
    if (leakSized(sUnrecl, total)) {
      findings.push({ severity: 'high', summary: `unreclaimable slab holds ${hb(sUnrecl)} (${pct(sUnrecl, total)}): a kernel memory leak is likely${slabs[0] ? `; the largest cache is ${slabs[0].name} (${hb(slabs[0].bytes)})` : ''}` });
      recs.push({ summary: 'See which slab caches grow; a leak in a driver or module usually needs a kernel or driver update', commands: ['slabtop -o -s c | head -20', 'cat /proc/slabinfo | sort -k3 -n | tail'] });
    }
    if (sRecl > total * 0.1 && sRecl > 1.5 * GiB) {
      findings.push({ severity: 'medium', summary: `reclaimable slab (dentry and inode caches) holds ${hb(sRecl)} (${pct(sRecl, total)}); reclaiming it under pressure causes latency spikes`, detail: slabs.slice(0, 3).map((c) => `${c.name} ${hb(c.bytes)}`).join(', ') });
      recs.push({ summary: 'Drop dentry and inode caches now, or make the kernel reclaim them earlier', commands: ['echo 2 > /proc/sys/vm/drop_caches', 'sysctl -w vm.vfs_cache_pressure=200'] });
    }
    tables.push({ title: 'Largest slab caches', columns: ['cache', 'bytes', 'size', 'objects', 'object size'], rows: slabs.slice(0, 15).map((c) => [c.name, c.bytes, hb(c.bytes), c.numObjs, c.objSize]) });
    if (!root) findings.push({ severity: 'info', summary: 'not run as root: slab caches, kpageflags and some process files were not readable' });

    // 6. leftover memory cgroups
    if (dying.count !== null && (dying.count > 0 || dying.bytes > 0)) {
      const sev: Severity = dying.count > 1000 || dying.bytes > 4 * GiB ? 'high' : dying.count > 100 || dying.bytes > 1 * GiB ? 'medium' : 'info';
      const p0 = dying.parents[0];
      findings.push({
        severity: sev,
        summary: `${dying.count} leftover (dying) memory cgroup(s) still hold ${hb(dying.bytes)}${p0 ? `, most under ${p0.path} (${hb(p0.bytes)})` : ''}`,
        detail: 'cgroups removed while their page cache was still charged stay in the kernel until those pages are reclaimed; they distort statistics and slow reclaim',
      });
      if (dying.count > 0) {
        recs.push({
          summary: 'Free the page cache that keeps removed cgroups alive',
          commands: [
            'echo 1 > /proc/sys/vm/drop_caches',
            ...(p0 && p0.version === 'v1' ? [`echo 0 > ${shq(`/sys/fs/cgroup/memory${p0.path === '/' ? '' : p0.path}/memory.force_empty`)}   # only if it has no tasks of its own`] : []),
            ...(p0 && p0.version === 'v2' ? [`echo ${Math.max(1, Math.round(p0.bytes / MiB))}M > ${shq(`/sys/fs/cgroup${p0.path}/memory.reclaim`)}`] : []),
            "grep memory /proc/cgroups   # num_cgroups counts the dying ones too",
          ],
        });
      }
    }
    tables.push({
      title: 'Memory cgroups (largest first)',
      columns: ['cgroup', 'container', 'usage (bytes)', 'usage', 'limit', 'anon', 'file', 'shmem', 'active file', 'inactive file', 'working set', 'held by dead children'],
      rows: memcgs
        .filter((n) => n.path !== '/' && (n.usage ?? 0) > 0)
        .sort((a, b) => (b.usage ?? 0) - (a.usage ?? 0))
        .slice(0, top)
        .map((n) => [n.path, containerLabel(n.path), n.usage, hb(n.usage ?? 0), n.limit === null ? 'none' : hb(n.limit), hb(n.anon), hb(n.file), hb(n.shmem), hb(n.activeFile), hb(n.inactiveFile), hb(n.workingSet ?? 0), n.dyingResidual === null ? null : hb(n.dyingResidual)]),
    });

    // 7. page-level split (kpageflags), unaccounted memory and where it may be
    if (kpage && kpage.memcgs.length) {
      tables.push({
        title: 'Pages per memory cgroup (from /proc/kpageflags + /proc/kpagecgroup)',
        columns: ['cgroup', 'file active', 'file inactive', 'anon', 'shmem', 'slab', 'page tables', 'total (bytes)'],
        rows: kpage.memcgs
          .map((m) => ({ m, t: m.fileActive + m.fileInactive + m.anon + m.shmem + m.slab + m.pgtable }))
          .sort((a, b) => b.t - a.t)
          .slice(0, top)
          .map(({ m, t }) => [kpage.paths.get(m.ino)?.path ?? (m.ino === 0 ? "(no cgroup: slab and other kernel pages)" : `inode ${m.ino} (a dying cgroup)`), hb(m.fileActive), hb(m.fileInactive), hb(m.anon), hb(m.shmem), hb(m.slab), hb(m.pgtable), t]),
      });
    }
    const un = acc.unaccounted;
    const hiddenIn = hints.filter((h) => h.inUnaccounted).reduce((a, h) => a + h.bytes, 0);
    if (un > total * 0.05 && un > 512 * MiB) {
      findings.push({
        severity: leakSized(un, total) ? 'high' : 'medium',
        summary: `${hb(un)} (${pct(un, total)}) is used but in no kernel counter: memory taken by drivers (GPU, NIC rings, RDMA)${hiddenIn ? `; ${hb(hiddenIn)} of it is explained by ${hints.filter((h) => h.inUnaccounted).map((h) => h.label).join(', ')}` : ''}`,
        detail: kpage?.global.untyped !== undefined ? `a page scan found ${hb(kpage.global.untyped)} of untyped kernel pages` : undefined,
      });
      recs.push({ summary: 'Look at the drivers that allocate pages directly', commands: ['nvidia-smi 2>/dev/null; cat /sys/class/drm/card*/device/mem_info_gtt_used 2>/dev/null', 'for i in /sys/class/net/*; do ethtool -g ${i##*/} 2>/dev/null; done | grep -A4 Current', 'sort -k2 -n /proc/vmallocinfo | tail'] });
    }
    tables.push({ title: 'Memory no counter owns (hints)', columns: ['what', 'bytes', 'size', 'source', 'inside unaccounted'], rows: hints.map((h) => [h.label, h.bytes, hb(h.bytes), h.source, h.inUnaccounted ? 'yes' : 'no']) });

    // 8. processes
    const procTop = topProcesses(procs, top);
    tables.push({ title: `Top ${top} processes by resident memory`, columns: ['pid', 'process', 'rss (bytes)', 'rss', 'anon', 'file', 'shmem', 'memory cgroup'], rows: procTop.map((p) => [p.pid, p.name, p.rss, hb(p.rss), hb(p.anon), hb(p.file), hb(p.shmem), p.memcg]) });
    const byName = new Map<string, { n: number; anon: number }>();
    for (const p of procs) {
      const x = byName.get(p.name) ?? { n: 0, anon: 0 };
      x.n++;
      x.anon += p.anon;
      byName.set(p.name, x);
    }
    const copies = [...byName].filter(([, x]) => x.n > 2 && x.anon > total * 0.25).sort((a, b) => b[1].anon - a[1].anon)[0];
    if (copies) findings.push({ severity: 'medium', summary: `${copies[1].n} copies of ${copies[0]} hold ${hb(copies[1].anon)} of anonymous memory together (${pct(copies[1].anon, total)})` });
    const swapUsed = acc.swapTotal - acc.swapFree;
    if (swapUsed > 0) findings.push({ severity: swapUsed > acc.swapTotal * 0.8 ? 'medium' : 'info', summary: `swap in use: ${hb(swapUsed)} of ${hb(acc.swapTotal)}` });

    // the accounting table and the picture
    tables.unshift({
      title: 'Memory accounting (MemTotal = used + free)',
      columns: ['part', 'bytes', 'size', 'share of RAM', 'reclaimable'],
      rows: [...acc.parts.filter((p) => p.bytes !== 0).map((p) => [p.label, p.bytes, hb(p.bytes), pct(p.bytes, total), p.reclaimable] as Array<string | number | null>), ['Free (MemFree)', acc.free, hb(acc.free), pct(acc.free, total), 'yes']],
    });
    const kernelOther = ['kernel_stack', 'page_tables', 'vmalloc', 'percpu', 'kernel_misc_reclaimable', 'zswap', 'balloon'].reduce((a, id) => a + part(id), 0);
    const segments = [
      { label: 'Anonymous', value: part('anon') },
      { label: 'File cache', value: filecache },
      { label: 'Shared memory', value: shmem },
      { label: 'Buffers', value: part('buffers') + part('swapcached') },
      { label: 'Slab reclaimable', value: sRecl },
      { label: 'Slab unreclaimable', value: sUnrecl },
      { label: 'Other kernel', value: kernelOther, note: 'stacks, page tables, vmalloc, per-CPU' },
      { label: 'HugeTLB', value: acc.hugetlb },
      { label: 'Per-CPU free lists', value: acc.pcpFree },
      { label: 'Unaccounted', value: Math.max(0, un) },
      { label: 'Free', value: acc.free },
    ].filter((x) => x.value > 0);

    // the one sentence: the most severe finding, or the biggest part when nothing is wrong
    const ranked = findings.slice().sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    const biggest = acc.parts.filter((p) => p.group !== 'free').sort((a, b) => b.bytes - a.bytes)[0]!;
    const headline = ranked[0]!;
    const conclusion =
      severityRank(headline.severity) >= severityRank('medium')
        ? `${headline.summary[0]!.toUpperCase()}${headline.summary.slice(1)}${ranked[1] && severityRank(ranked[1].severity) >= severityRank('medium') ? `; also ${ranked[1].summary}` : ''}.`
        : `Memory is healthy: ${hb(total - avail)} of ${hb(total)} in use, ${hb(avail)} available; of what is not free, the largest part is ${biggest.label.toLowerCase()} (${hb(biggest.bytes)}${biggest.reclaimable === 'yes' ? ', reclaimable' : ''})${hot && hot.totalFiles ? `, and tmpfs holds ${hb(tmpfsTotal)} (most under ${hot.dir})` : ''}.`;
    if (filecache > total * 0.3 && !recs.some((r) => r.summary.includes('working set'))) {
      recs.push({
        summary: 'File cache is reclaimable, but reclaim adds latency; drop the cache of files you do not need hot, or all clean cache',
        commands: [...topFiles.filter((f) => !f.tmpfs && !f.deleted).slice(0, 3).map((f) => `dd if=/dev/null of=${shq(f.name)} oflag=nocache conv=notrunc,fdatasync count=0`), 'echo 1 > /proc/sys/vm/drop_caches'],
      });
    }
    const deletedOpen = topFiles.filter((f) => f.deleted && f.cached > 64 * MiB);
    if (deletedOpen.length) recs.push({ summary: `${deletedOpen.length} deleted file(s) are still held open and keep ${hb(deletedOpen.reduce((a, f) => a + f.cached, 0))} cached; restart or signal the holders`, commands: ['find /proc/[0-9]*/fd -lname "*(deleted)" -printf "%p -> %l\\n" 2>/dev/null | head'] });

    return makeReport({
      kind: 'diagnosis:memory',
      title: `Memory panorama of ${ctx.host}${chosenPath ? ` (cgroup ${chosenPath})` : ''}`,
      now: ctx.now,
      conclusion,
      findings: ranked,
      tables,
      charts: [{ title: 'Where the memory is', kind: 'stacked-bar', unit: 'bytes', total, segments }],
      recommendations: recs,
      evidence: {
        kernel: env.get('kernel') ?? null, root, pageSize,
        accounting: Object.fromEntries(acc.parts.map((p) => [p.id, p.bytes])),
        total, free: acc.free, available: acc.available, used: acc.used, pcpPages: zi.pcpPages, unaccounted: un,
        dyingMemcgs: { count: dying.count, bytes: dying.bytes, parents: dying.parents.slice(0, 20) },
        tmpfs: { totalBytes: tmpfsTotal, totalFiles: tree.totalFiles, hotDir: hot?.dir ?? null, hotFiles: hot?.totalFiles ?? 0, hotBytes: hot?.totalBytes ?? 0, impl: tree.impl },
        files: { impl: files.impl, method: files.method, trusted: !files.untrusted, count: files.files.length, namedCached: named, top: topFiles.slice(0, 10).map((f) => ({ name: f.name, cached: f.cached, deleted: f.deleted })) },
        cgroup: chosenNode ? { path: chosenNode.path, version: chosenNode.version, usage: chosenNode.usage, limit: chosenNode.limit, file: chosenNode.file, anon: chosenNode.anon, shmem: chosenNode.shmem, workingSet: chosenNode.workingSet } : null,
        kpage: kpage ? { global: kpage.global, unavailable: kpage.unavailable } : null,
        hints, slabTop: slabs.slice(0, 10).map((c) => ({ name: c.name, bytes: c.bytes })),
        issues: [...issues, ...files.issues, ...tree.issues].slice(0, 50),
      },
    });
  },
};
