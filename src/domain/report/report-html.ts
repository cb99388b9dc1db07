/** Any report in the common shape as one self-contained HTML page (no scripts, no external files). */
import type { Report, ReportChart } from './report-shape';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const PALETTE = ['#1565c0', '#2e7d32', '#f9a825', '#6a1b9a', '#c62828', '#00838f', '#ef6c00', '#5d4037', '#455a64', '#ad1457', '#9e9d24', '#7e57c2'];

function unitText(v: number, unit: ReportChart['unit']): string {
  if (unit !== 'bytes') return `${Math.round(v * 100) / 100}${unit === 'percent' ? '%' : unit === 'ms' ? ' ms' : ''}`;
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = v;
  while (Math.abs(x) >= 1024 && i < u.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(i ? 1 : 0)} ${u[i]}`;
}

function chart(c: ReportChart): string {
  const total = c.total ?? c.segments.reduce((a, s) => a + Math.max(0, s.value), 0);
  if (!(total > 0)) return '';
  let x = 0;
  const w = 800;
  const bars = c.segments.map((s, i) => {
    const width = (Math.max(0, s.value) / total) * w;
    const r = `<rect x="${x.toFixed(1)}" y="0" width="${width.toFixed(1)}" height="28" fill="${PALETTE[i % PALETTE.length]}"><title>${esc(s.label)}: ${esc(unitText(s.value, c.unit))}</title></rect>`;
    x += width;
    return r;
  });
  const legend = c.segments.map((s, i) => `<li><span style="background:${PALETTE[i % PALETTE.length]}"></span>${esc(s.label)} <b>${esc(unitText(s.value, c.unit))}</b> (${((s.value / total) * 100).toFixed(1)}%)${s.note ? ` <small>${esc(s.note)}</small>` : ''}</li>`);
  return `<figure><figcaption>${esc(c.title)} — ${esc(unitText(total, c.unit))}</figcaption><svg viewBox="0 0 ${w} 28" width="100%" height="28" preserveAspectRatio="none">${bars.join('')}</svg><ul class="legend">${legend.join('')}</ul></figure>`;
}

export function renderReportHtml(r: Report): string {
  const tables = r.tables
    .map((t) => `<h2>${esc(t.title)}</h2><table><thead><tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${t.rows
      .map((row) => `<tr>${row.map((c) => `<td class="${typeof c === 'number' ? 'n' : ''}">${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`)
    .join('');
  const recs = r.recommendations.map((x) => `<li>${esc(x.summary)}${x.commands?.length ? `<pre>${esc(x.commands.join('\n'))}</pre>` : ''}</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.sev{display:inline-block;padding:1px 8px;border-radius:8px;background:#eee;font-size:12px;text-transform:uppercase}
.sev-high,.sev-critical{background:#ffcdd2}.sev-medium{background:#ffe0b2}.sev-low{background:#fff9c4}.sev-ok{background:#c8e6c9}
pre{background:#f5f5f5;padding:6px 8px;white-space:pre-wrap}ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px}
ul.legend span{display:inline-block;width:10px;height:10px;margin-right:4px}figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}
</style></head><body><h1>${esc(r.title)}</h1><p><span class="sev sev-${esc(r.severity)}">${esc(r.severity)}</span> <strong>${esc(r.conclusion)}</strong></p>
<p><small>Generated ${esc(r.generatedAt)}</small></p>
${r.findings.length ? `<h2>Findings</h2><ul>${r.findings.map((f) => `<li><span class="sev sev-${esc(f.severity)}">${esc(f.severity)}</span> ${esc(f.summary)}${f.detail ? ` <small>(${esc(f.detail)})</small>` : ''}</li>`).join('')}</ul>` : ''}
${(r.charts ?? []).map(chart).join('')}
${recs ? `<h2>Recommendations</h2><ol>${recs}</ol>` : ''}
${tables}
<h2>Evidence</h2><pre>${esc(JSON.stringify(r.evidence, null, 2).slice(0, 200_000))}</pre>
</body></html>`;
}
