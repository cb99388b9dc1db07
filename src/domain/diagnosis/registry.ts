/** Every diagnosis osdeck offers. Adding one is adding its file under diagnoses/ and one line here. */
import type { Diagnosis } from './diagnosis';
import { commandDiagnosis } from './diagnoses/command';
// memory diagnoses
import { memoryDiagnosis } from './diagnoses/memory';
// oom diagnoses
import { oomDiagnosis } from './diagnoses/oom';
// io diagnoses
import { ioHangDiagnosis } from './diagnoses/io-hang';
import { ioLatencyDiagnosis } from './diagnoses/io-latency';
import { ioTrafficDiagnosis } from './diagnoses/io-traffic';
// network diagnoses
import { netDropsDiagnosis } from './diagnoses/net-drops';
import { netRetransDiagnosis } from './diagnoses/net-retrans';
import { netJitterDiagnosis } from './diagnoses/net-jitter';
// scheduling diagnoses
import { schedJitterDiagnosis } from './diagnoses/sched-jitter';

export const DIAGNOSES: readonly Diagnosis[] = [
  // memory
  memoryDiagnosis,
  // oom
  oomDiagnosis,
  // io
  ioLatencyDiagnosis,
  ioTrafficDiagnosis,
  ioHangDiagnosis,
  // network
  netDropsDiagnosis,
  netRetransDiagnosis,
  netJitterDiagnosis,
  // scheduling
  schedJitterDiagnosis,
  commandDiagnosis,
];

export function findDiagnosis(id: string): Diagnosis | undefined {
  return DIAGNOSES.find((d) => d.id === id);
}
