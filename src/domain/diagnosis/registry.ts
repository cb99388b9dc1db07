/** Every diagnosis osdeck offers. Adding one is adding its file under diagnoses/ and one line here. */
import type { Diagnosis } from './diagnosis';
import { commandDiagnosis } from './diagnoses/command';
// memory diagnoses
import { memoryDiagnosis } from './diagnoses/memory';
// oom diagnoses
import { oomDiagnosis } from './diagnoses/oom';
// io diagnoses
// network diagnoses
// scheduling diagnoses

export const DIAGNOSES: readonly Diagnosis[] = [
  // memory
  memoryDiagnosis,
  // oom
  oomDiagnosis,
  // io
  // network
  // scheduling
  commandDiagnosis,
];

export function findDiagnosis(id: string): Diagnosis | undefined {
  return DIAGNOSES.find((d) => d.id === id);
}
