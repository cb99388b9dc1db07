/**
 * Talking to the migration agent (probes/migrate-agent.sh) on a host: start it detached with its
 * config, read its status, ask it to stop. Every value reaches the host single-quoted.
 */
import { shellQuote } from '../diagnosis-probe';
import { probeScript } from '../probe-scripts';

export type AgentAction = 'backup' | 'run' | 'restore';

export interface AgentStatus {
  state: string;
  step: string | null;
  message: string;
  ponr: boolean;
  pid: number | null;
  updated: number | null;
  raw: Record<string, string>;
  /** the agent's process is alive (null: unknown) */
  alive: boolean | null;
  log: string;
}

const NAME = /^[A-Z][A-Z0-9_]{0,40}$/;

export function agentConfig(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => {
      if (!NAME.test(k)) throw new Error(`agent variable ${k} is not allowed`);
      if (v.includes('\0')) throw new Error(`agent variable ${k} contains a NUL byte`);
      return `${k}=${shellQuote(v)}`;
    })
    .join('\n');
}

/** A script that writes the config and agent into ST and starts it detached (fresh: old status and markers go). */
export function launchScript(action: AgentAction, st: string, config: string, opts: { fresh: boolean }): string {
  const agent = Buffer.from(probeScript('migrate-agent.sh')).toString('base64');
  const cfg = Buffer.from(`${config}\n`).toString('base64');
  return [
    `ST=${shellQuote(st)}`,
    'umask 077',
    'mkdir -p "$ST" || exit 11',
    // an agent already running on this root is left alone: its script and config are never
    // rewritten under it (sh reads its script as it goes)
    'lock="$(dirname "$ST")/.lock"; p=$(cat "$lock/pid" 2>/dev/null)',
    'if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then echo "running $p"; exit 0; fi',
    // a restarted agent must not be read as finished before it writes its first status
    opts.fresh ? 'rm -rf "$ST/done" "$ST/status" "$ST/cancel" "$ST/ponr"' : 'rm -f "$ST/cancel"; [ ! -f "$ST/status" ] || sed -i "s/^state=.*/state=starting/" "$ST/status"',
    `printf '%s' ${shellQuote(cfg)} | base64 -d > "$ST/config.new" && mv -f "$ST/config.new" "$ST/config" || exit 12`,
    `printf '%s' ${shellQuote(agent)} | base64 -d > "$ST/agent.sh.new" && mv -f "$ST/agent.sh.new" "$ST/agent.sh" || exit 12`,
    'command -v setsid >/dev/null 2>&1 || { echo "setsid is missing (util-linux)" >&2; exit 13; }',
    `setsid nohup sh "$ST/agent.sh" ${action} "$ST" >> "$ST/agent.out" 2>&1 < /dev/null &`,
    'echo "started $!"',
  ].join('\n');
}

export function statusScript(st: string, logLines = 30): string {
  return [
    `ST=${shellQuote(st)}`,
    'echo @@status; cat "$ST/status" 2>/dev/null',
    'echo @@alive; p=$(sed -n "s/^pid=//p" "$ST/status" 2>/dev/null | tail -n 1); lock=$(dirname "$ST")/.lock',
    'if [ -d "$lock" ] && [ -n "$(cat "$lock/pid" 2>/dev/null)" ] && kill -0 "$(cat "$lock/pid")" 2>/dev/null; then echo 1; else echo 0; fi',
    `echo @@log; tail -n ${Math.max(1, Math.min(logLines, 500))} "$ST/log" 2>/dev/null`,
  ].join('\n');
}

export function parseStatus(out: string): AgentStatus {
  const part = (name: string) => {
    const i = out.indexOf(`@@${name}\n`);
    if (i < 0) return '';
    const rest = out.slice(i + name.length + 3);
    const j = rest.indexOf('\n@@');
    return j < 0 ? rest : rest.slice(0, j);
  };
  const raw: Record<string, string> = {};
  for (const l of part('status').split('\n')) {
    const m = /^([a-z_0-9]+)=(.*)$/.exec(l);
    if (m) raw[m[1]!] = m[2]!.trim();
  }
  const alive = part('alive').trim();
  return {
    state: raw.state ?? 'none',
    step: raw.step ?? null,
    message: raw.message ?? '',
    ponr: raw.ponr === '1',
    pid: raw.pid && /^\d+$/.test(raw.pid) ? Number(raw.pid) : null,
    updated: raw.updated && /^\d+$/.test(raw.updated) ? Number(raw.updated) : null,
    raw,
    alive: alive === '1' ? true : alive === '0' ? false : null,
    log: part('log'),
  };
}

export function cancelScript(st: string): string {
  return `ST=${shellQuote(st)}\n[ -d "$ST" ] && : > "$ST/cancel" && echo ok`;
}

/** Reads a file the agent wrote (bounded). */
export function readFileScript(path: string, maxBytes = 16 * 1024 * 1024): string {
  return `head -c ${maxBytes} ${shellQuote(path)} 2>/dev/null`;
}
