import ExcelJS from 'exceljs';
import type { Report } from '../../domain/report/report-shape';

/** The report as a workbook: a summary sheet, then one sheet per table. */
export async function reportToXlsx(r: Report): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'osdeck';
  wb.created = new Date(r.generatedAt);
  const summary = wb.addWorksheet('Summary');
  summary.columns = [{ width: 24 }, { width: 120 }];
  summary.addRows([['Title', r.title], ['Conclusion', r.conclusion], ['Severity', r.severity], ['Generated', r.generatedAt], []]);
  summary.addRow(['Findings']).font = { bold: true };
  for (const f of r.findings) summary.addRow([f.severity, f.summary]);
  if (r.recommendations.length) {
    summary.addRow([]);
    summary.addRow(['Recommendations']).font = { bold: true };
    for (const rec of r.recommendations) summary.addRow(['', `${rec.summary}${rec.commands?.length ? `: ${rec.commands.join('; ')}` : ''}`]);
  }
  r.tables.forEach((t, i) => {
    const ws = wb.addWorksheet(`${i + 1} ${t.title}`.slice(0, 31).replace(/[[\]*?/\\:]/g, ' '));
    ws.addRow(t.columns).font = { bold: true };
    for (const row of t.rows) ws.addRow(row);
    ws.columns.forEach((c, j) => (c.width = j < 2 ? 22 : 13));
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
