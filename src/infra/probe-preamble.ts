import type { ProbeSpec } from '../domain/diagnosis/diagnosis';

/** Shell text a probe needs before it runs (the shell libraries it names in spec.helpers). */
export async function probePreamble(spec: ProbeSpec, _dataDir: string): Promise<string> {
  if (!spec.helpers?.length) return '';
  throw new Error(`probe helper ${spec.helpers.join(',')} is not wired yet`);
}
