/**
 * What the io-traffic probe tells about its top processes, one fact a line:
 *
 *   4242 cmdline dd if=/dev/zero of=/data/x bs=1M oflag=direct     (NULs and newlines made spaces)
 *   4242 cgroup 12:memory:/docker/4f…\t0::/system.slice/docker-4f….scope   (lines joined by tabs)
 *   4242 stat 4242 (dd) D 4100 …                                   (/proc/PID/stat)
 *
 * and which container, pod or systemd unit a process's cgroup path says it belongs to.
 */
import { kernelNumber, lines, printable } from '../../metrics/proc-tokens';
import { safeCmdline } from './cmdline-text';

export interface ProcessDetails {
  pid: number;
  cmdline: string | null;
  /** the most telling cgroup path: v2 ("0::"), else v1 memory/blkio/cpu */
  cgroup: string | null;
  container: string | null;
  ppid: number | null;
  state: string | null;
}

export function parseProcessDetails(text: string, issues: string[] = []): Map<number, ProcessDetails> {
  const out = new Map<number, ProcessDetails>();
  const seen = new Set<string>();
  for (const line of lines(text)) {
    const m = /^(\d{1,10}) (cmdline|cgroup|stat)(?: (.*))?$/.exec(line);
    if (!m) {
      issues.push(`bad details line ${JSON.stringify(printable(line, 40))}`);
      continue;
    }
    const pid = Number(m[1]);
    if (seen.has(`${pid} ${m[2]}`)) continue;
    seen.add(`${pid} ${m[2]}`);
    let d = out.get(pid);
    if (!d) {
      d = { pid, cmdline: null, cgroup: null, container: null, ppid: null, state: null };
      out.set(pid, d);
    }
    const value = m[3] ?? '';
    if (m[2] === 'cmdline') {
      d.cmdline = value.trim() ? safeCmdline(value) : null;
    } else if (m[2] === 'cgroup') {
      const path = pickCgroupPath(value.split('\t'));
      d.cgroup = path ? printable(path, 160) : null;
      d.container = path ? containerOf(path) : null;
    } else {
      const st = parseStatHead(value);
      if (st) {
        d.ppid = st.ppid;
        d.state = st.state;
      }
    }
  }
  return out;
}

/** pid, comm, state and ppid from a /proc/PID/stat line; comm may hold spaces and parentheses, so it ends at the LAST ')'. */
export function parseStatHead(line: string): { pid: number; comm: string; state: string; ppid: number | null; rest: string[] } | null {
  const open = line.indexOf(' (');
  const close = line.lastIndexOf(')');
  if (open <= 0 || close < open) return null;
  const pid = kernelNumber(line.slice(0, open));
  const rest = line.slice(close + 1).trim().split(/\s+/);
  const state = rest[0];
  if (pid === null || !state || !/^[A-Za-z]$/.test(state)) return null;
  return { pid, comm: printable(line.slice(open + 2, close), 64), state, ppid: kernelNumber(rest[1]), rest };
}

/** From /proc/PID/cgroup lines: the v2 path when the process sits below the root there, else v1 memory, blkio or cpu. */
export function pickCgroupPath(cgLines: string[]): string | null {
  const paths = new Map<string, string>();
  for (const l of cgLines) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(l.trim());
    if (!m) continue;
    for (const c of m[2] === '' ? ['unified'] : m[2]!.split(',')) if (!paths.has(c)) paths.set(c, m[3]!);
  }
  for (const c of ['unified', 'memory', 'blkio', 'io', 'cpu', 'pids', 'name=systemd']) {
    const p = paths.get(c);
    if (p && p !== '/') return p;
  }
  return paths.size ? '/' : null;
}

/** "docker 4f3a…(12)", "pod 1b2c…", "unit nginx.service" from a cgroup path; null when it says nothing. */
export function containerOf(path: string): string | null {
  const id = /(?:docker|cri-containerd|crio|containerd|libpod|lxc)[-/:]([0-9a-f]{12,64})/.exec(path) ?? /\/([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(path);
  if (id) {
    const runtime = /(docker|cri-containerd|crio|containerd|libpod|lxc)/.exec(path)?.[1] ?? 'container';
    return `${runtime === 'libpod' ? 'podman' : runtime} ${id[1]!.slice(0, 12)}`;
  }
  const pod = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/.exec(path);
  if (pod) return `pod ${pod[1]!.replace(/_/g, '-')}`;
  const lxcName = /\/lxc(?:\.payload)?[./]([A-Za-z0-9_.-]{1,64})/.exec(path);
  if (lxcName) return `lxc ${lxcName[1]}`;
  const unit = /([A-Za-z0-9@_.:-]{1,96}\.(?:service|scope))(?:\/|$)/.exec(path.split('/').filter(Boolean).reverse().find((p) => /\.(service|scope)$/.test(p)) ?? '');
  if (unit) return `unit ${unit[1]}`;
  return null;
}
