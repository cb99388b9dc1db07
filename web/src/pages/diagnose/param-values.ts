import type { DiagnosisParam } from '../../api-types';

/** The form keeps every field as text; only fields the user filled in are sent (the server applies defaults). */
export function paramPayload(specs: DiagnosisParam[], values: Record<string, string>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const p of specs) {
    const v = values[p.name];
    if (v === undefined || v === '') continue;
    if (p.type === 'boolean') out[p.name] = v === 'true';
    else if (p.type === 'integer' || p.type === 'number') out[p.name] = Number(v);
    else out[p.name] = v;
  }
  return out;
}

export function initialValues(specs: DiagnosisParam[]): Record<string, string> {
  return Object.fromEntries(specs.map((p) => [p.name, p.type === 'boolean' ? String(p.default ?? false) : '']));
}

export const CATEGORY_TITLES: Record<string, string> = {
  memory: 'Memory',
  oom: 'Out of memory',
  io: 'Disk IO',
  network: 'Network',
  scheduling: 'CPU scheduling',
  command: 'Command',
};
