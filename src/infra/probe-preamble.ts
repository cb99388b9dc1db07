import type { ProbeSpec } from '../domain/diagnosis/diagnosis';
import { pagecachePreamble } from './probe-helpers';

/** Shell text a probe needs before it runs (the shell libraries it names in spec.helpers). */
export async function probePreamble(spec: ProbeSpec, dataDir: string): Promise<string> {
  return spec.helpers?.includes('pagecache') ? pagecachePreamble(dataDir) : '';
}
