/**
 * Runs one diagnosis on this machine through the same pieces a job uses (parameter validation,
 * probe assembly, a real transport, the pure analyzer), without a server. Live tests of a
 * diagnosis' probe use this; the end-to-end path (API, job, CLI) has its own tests.
 */
import { findDiagnosis } from '../../src/domain/diagnosis/registry';
import { validateParams } from '../../src/domain/diagnosis/params';
import type { Report } from '../../src/domain/report/report-shape';
import { assembleProbe, newSectionMark } from '../../src/infra/diagnosis-probe';
import { pagecachePreamble } from '../../src/infra/probe-helpers';
import { LocalTransport } from '../../src/infra/transport/local-transport';
import type { Transport } from '../../src/infra/transport/transport';

export async function runDiagnosisHere(id: string, input: Record<string, unknown> = {}, transport: Transport = new LocalTransport()): Promise<{ report: Report; raw: string }> {
  const d = findDiagnosis(id);
  if (!d) throw new Error(`no diagnosis ${id}`);
  const params = validateParams(d, input);
  const spec = d.probe(params);
  const mark = newSectionMark();
  const preamble = spec.helpers?.includes('pagecache') ? await pagecachePreamble() : '';
  const r = await transport.runScript(assembleProbe(spec, mark, preamble), { timeoutMs: spec.timeoutSec * 1000, maxOutputBytes: spec.maxOutputBytes });
  const raw = r.stdout.toString('utf8');
  return { report: d.analyze(raw, { host: transport.host, now: Date.now(), params, mark, history: [] }), raw };
}
