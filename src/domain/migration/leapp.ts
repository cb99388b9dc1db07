/** Imports a leapp-report.json (schema 1.x) into osdeck findings. */
import { finding, type Finding, type FindingSeverity } from './findings';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function importLeappReport(text: string): { findings: Finding[]; error?: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { findings: [], error: `leapp-report.json is not JSON: ${(e as Error).message}` };
  }
  if (!isObj(doc) || !Array.isArray(doc.entries)) return { findings: [], error: 'leapp-report.json has no entries list' };
  const out: Finding[] = [];
  for (const e of doc.entries.slice(0, 2000)) {
    if (!isObj(e)) continue;
    const title = str(e.title).slice(0, 300);
    if (!title) continue;
    const groups = [...(Array.isArray(e.groups) ? e.groups : []), ...(Array.isArray(e.flags) ? e.flags : [])].map(String);
    const sev = str(e.severity);
    const severity: FindingSeverity = groups.includes('inhibitor') ? 'inhibitor' : sev === 'high' || sev === 'medium' || sev === 'low' || sev === 'info' ? sev : 'info';
    const detail = isObj(e.detail) ? e.detail : {};
    const rem = Array.isArray(detail.remediations) ? detail.remediations.filter(isObj) : [];
    const hints = rem.filter((r) => r.type === 'hint').map((r) => str(r.context)).filter(Boolean);
    const commands = rem.filter((r) => r.type === 'command').map((r) => (Array.isArray(r.context) ? r.context.map(String).join(' ') : str(r.context))).filter(Boolean);
    const related = (Array.isArray(detail.related_resources) ? detail.related_resources.filter(isObj) : []).map((r) => `${str(r.scheme)}:${str(r.title)}`).filter((x) => x !== ':');
    const key = str(e.key) || title;
    out.push({ ...finding('leapp', key.slice(0, 80), severity, title, str(e.summary).slice(0, 4000), { ...(hints.length > 0 && { hint: hints.join(' ') }), ...(commands.length > 0 && { commands }) }, related), source: 'leapp' });
  }
  return { findings: out };
}
