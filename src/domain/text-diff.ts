/**
 * A unified diff of two texts (`diff -u` style hunks with 3 lines of context), for showing what a
 * change will do before it is made. Line-based LCS; config files are small, and inputs past
 * MAX_LINES fall back to "replace everything" rather than quadratic work.
 */
const MAX_LINES = 4000;
const CONTEXT = 3;

type Op = { t: ' ' | '-' | '+'; line: string };

function splitLines(s: string): string[] {
  if (s === '') return [];
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function ops(a: string[], b: string[]): Op[] {
  if (a.length > MAX_LINES || b.length > MAX_LINES) return [...a.map((line) => ({ t: '-' as const, line })), ...b.map((line) => ({ t: '+' as const, line }))];
  // trim common head and tail, LCS over the middle
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = am[i] === bm[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: Op[] = a.slice(0, head).map((line) => ({ t: ' ', line }));
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (am[i] === bm[j]) {
      out.push({ t: ' ', line: am[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ t: '-', line: am[i++]! });
    else out.push({ t: '+', line: bm[j++]! });
  }
  while (i < n) out.push({ t: '-', line: am[i++]! });
  while (j < m) out.push({ t: '+', line: bm[j++]! });
  for (const line of a.slice(a.length - tail)) out.push({ t: ' ', line });
  return out;
}

/** `--- a` / `+++ b` and hunks; '' when the texts are equal. A missing file is passed as null. */
export function unifiedDiff(before: string | null, after: string | null, name: string): string {
  if (before === after) return '';
  const all = ops(splitLines(before ?? ''), splitLines(after ?? ''));
  const lines: string[] = [before === null ? '--- /dev/null' : `--- ${name}`, after === null ? '+++ /dev/null' : `+++ ${name}`];
  // positions of changes, grouped into hunks with CONTEXT lines around them
  const changed = all.map((o, k) => (o.t === ' ' ? -1 : k)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    let start = Math.max(0, changed[k]! - CONTEXT);
    let end = Math.min(all.length, changed[k]! + CONTEXT + 1);
    while (k + 1 < changed.length && changed[k + 1]! - CONTEXT <= end) {
      k++;
      end = Math.min(all.length, changed[k]! + CONTEXT + 1);
    }
    k++;
    let aStart = 1;
    let bStart = 1;
    for (let x = 0; x < start; x++) {
      if (all[x]!.t !== '+') aStart++;
      if (all[x]!.t !== '-') bStart++;
    }
    const hunk = all.slice(start, end);
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    lines.push(`@@ -${aLen ? aStart : aStart - 1},${aLen} +${bLen ? bStart : bStart - 1},${bLen} @@`);
    for (const o of hunk) lines.push(`${o.t}${o.line}`);
    start = end;
  }
  if (before !== null && after !== null && before.endsWith('\n') !== after.endsWith('\n')) lines.push('\\ No newline at end of file (one side)');
  return `${lines.join('\n')}\n`;
}
