/** "name value…" lines the network probes print from /proc/sys (values keep their tabs as spaces). */
import { lines, printable } from '../../metrics/proc-tokens';

export function parseSysctlLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines(text)) {
    const m = /^([a-z0-9_.]{1,96})\s+(.{1,200})$/.exec(line.trim());
    if (m && out.size < 200) out.set(m[1]!, printable(m[2]!.replace(/\s+/g, ' '), 200));
  }
  return out;
}
