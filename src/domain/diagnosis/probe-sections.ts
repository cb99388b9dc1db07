/**
 * Diagnosis probes print their output in sections:
 *
 *   @@osdeck <mark> <name>
 *   ...raw text...
 *
 * The mark is a random token the server hands the probe in OSDECK_MARK for each run, so file contents
 * or command output the probe relays (which the host's users control) cannot forge a section header.
 * A section that appears twice keeps the first copy; text before the first header is ignored.
 */
export type Sections = Map<string, string>;

const NAME = /^[a-z0-9][a-z0-9_.:/-]{0,127}$/;

export function parseSections(raw: string, mark: string): Sections {
  const out: Sections = new Map();
  if (!/^[A-Za-z0-9]{8,64}$/.test(mark)) throw new Error('invalid section mark');
  const head = `@@osdeck ${mark} `;
  let name: string | null = null;
  let buf: string[] = [];
  const flush = () => {
    if (name !== null && !out.has(name)) out.set(name, buf.join('\n'));
  };
  for (const line of raw.split('\n')) {
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (l.startsWith(head)) {
      flush();
      const n = l.slice(head.length).trim();
      name = NAME.test(n) ? n : null;
      buf = [];
    } else if (name !== null) {
      buf.push(l);
    }
  }
  flush();
  return out;
}

/** The section's text, or '' when the probe did not print it (an old kernel, a missing file). */
export function section(s: Sections, name: string): string {
  return s.get(name) ?? '';
}

/** Names of sections sharing a prefix, e.g. every "cgroup:<path>" section, in output order. */
export function sectionsWithPrefix(s: Sections, prefix: string): Array<[string, string]> {
  return [...s].filter(([k]) => k.startsWith(prefix));
}
