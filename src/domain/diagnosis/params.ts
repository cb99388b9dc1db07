import { OsdeckError } from '../errors';
import type { Diagnosis, DiagnosisParams, ParamSpec, ParamValue } from './diagnosis';

/** Anything with an id and a parameter schema: a diagnosis, a tuning rule. */
export type ParamOwner = Pick<Diagnosis, 'id' | 'params'>;

function bad(d: ParamOwner, p: ParamSpec, why: string): OsdeckError {
  return new OsdeckError('INVALID_PARAM', `${d.id}: parameter ${p.name} ${why}`, 400, { diagnosis: d.id, param: p.name });
}

function coerce(d: ParamOwner, p: ParamSpec, v: unknown): ParamValue {
  switch (p.type) {
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === '1' || v === 'yes') return true;
      if (v === 'false' || v === '0' || v === 'no') return false;
      throw bad(d, p, 'must be true or false');
    case 'integer':
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
      if (!Number.isFinite(n) || (p.type === 'integer' && !Number.isInteger(n))) throw bad(d, p, `must be ${p.type === 'integer' ? 'an integer' : 'a number'}`);
      if (p.min !== undefined && n < p.min) throw bad(d, p, `must be at least ${p.min}`);
      if (p.max !== undefined && n > p.max) throw bad(d, p, `must be at most ${p.max}`);
      return n;
    }
    case 'string': {
      if (typeof v !== 'string' && typeof v !== 'number') throw bad(d, p, 'must be a string');
      const s = String(v);
      if (s.length > (p.maxLength ?? 4096)) throw bad(d, p, `is longer than ${p.maxLength ?? 4096} characters`);
      if (p.enum && !p.enum.includes(s)) throw bad(d, p, `must be one of ${p.enum.join(', ')}`);
      if (p.pattern && !new RegExp(`^(?:${p.pattern})$`).test(s)) throw bad(d, p, `has an invalid format (${p.pattern})`);
      return s;
    }
  }
}

/** Checks and converts user input (strings from the CLI, JSON from the API) against the owner's schema (a diagnosis or a tuning rule). */
export function validateParams(d: ParamOwner, input: Record<string, unknown>): DiagnosisParams {
  const out: DiagnosisParams = {};
  const known = new Set(d.params.map((p) => p.name));
  for (const k of Object.keys(input)) {
    if (!known.has(k)) {
      throw new OsdeckError('UNKNOWN_PARAM', `${d.id} has no parameter ${JSON.stringify(k.slice(0, 40))}; it takes: ${d.params.map((p) => p.name).join(', ') || 'none'}`, 400, { diagnosis: d.id });
    }
  }
  for (const p of d.params) {
    const v = input[p.name];
    if (v === undefined || v === null || v === '') {
      if (p.required) throw bad(d, p, 'is required');
      if (p.default !== undefined) out[p.name] = p.default;
      continue;
    }
    out[p.name] = coerce(d, p, v);
  }
  return out;
}

/** "k=v" pairs from the command line. */
export function parseParamPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new OsdeckError('INVALID_PARAM', `--param wants NAME=VALUE, got ${JSON.stringify(pair.slice(0, 60))}`, 400);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
