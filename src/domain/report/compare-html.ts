import type { buildCompareReport, HostWindows } from './compare-report';
import { DERIVED_METRICS } from './derived-metrics';

type CompareReport = ReturnType<typeof buildCompareReport>;

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** An overlay of the before (grey) and after (blue) series on one time axis (offset from window start). */
function overlay(before: Array<number | null>, after: Array<number | null>, title: string): string {
  const w = 360;
  const h = 90;
  const all = [...before, ...after].filter((v): v is number => v !== null);
  if (!all.length) return '';
  const lo = Math.min(0, ...all);
  const hi = Math.max(...all) || 1;
  const n = Math.max(before.length, after.length, 2);
  const path = (vals: Array<number | null>) => {
    let d = '';
    let pen = false;
    vals.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      const x = (i / (n - 1)) * w;
      const y = h - ((v - lo) / (hi - lo)) * h;
      d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}"><path d="${path(before)}" fill="none" stroke="#999" stroke-width="1.5"/><path d="${path(after)}" fill="none" stroke="#1565c0" stroke-width="1.5"/></svg></figure>`;
}

/** A self-contained HTML page (no scripts, no external files) that opens anywhere. */
export function renderCompareHtml(r: CompareReport): string {
  const hosts = (r.evidence.series ?? []) as HostWindows[];
  const changed = new Set(r.comparisons.filter((c) => c.change.changed).map((c) => `${c.host}|${c.metric}`));
  const charts = hosts
    .map((h) => `<h3>${esc(h.host)}</h3><div class="charts">${DERIVED_METRICS.filter((m) => h.before[m.id]?.some((v) => v !== null) || h.after[m.id]?.some((v) => v !== null))
      .map((m) => overlay(h.before[m.id] ?? [], h.after[m.id] ?? [], `${m.title}${changed.has(`${h.host}|${m.id}`) ? ' — CHANGED' : ''}`)).join('')}</div>`)
    .join('');
  const tables = r.tables
    .map((t) => `<h2>${esc(t.title)}</h2><table><thead><tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${t.rows
      .map((row) => `<tr class="${row[row.length - 1] ? 'changed' : ''}">${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}
td:first-child,td:nth-child(2),th{text-align:left}tr.changed td{background:#fff4e5;font-weight:600}.charts{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0}figcaption{font-size:12px;color:#555}.legend span{display:inline-block;width:24px;height:3px;vertical-align:middle;margin:0 4px}
</style></head><body><h1>${esc(r.title)}</h1><p><strong>${esc(r.conclusion)}</strong></p>
<p>Before: ${esc(new Date((r.evidence.before as { from: number }).from).toISOString())} – ${esc(new Date((r.evidence.before as { to: number }).to).toISOString())}<br>
After: ${esc(new Date((r.evidence.after as { from: number }).from).toISOString())} – ${esc(new Date((r.evidence.after as { to: number }).to).toISOString())}<br>Generated ${esc(r.generatedAt)}</p>
<ul>${r.findings.map((f) => `<li>${esc(f.summary)}${f.detail ? ` <small>(${esc(f.detail)})</small>` : ''}</li>`).join('')}</ul>
${tables}<h2>Overlaid charts</h2><p class="legend"><span style="background:#999"></span>before <span style="background:#1565c0"></span>after (time from each window's start)</p>${charts}
</body></html>`;
}
