// npm run bench -- [NAME ...]: runs the named benchmarks (default: all) and prints their ratios.
import { execBenchmark } from './exec-bench';
import { metricsBenchmark } from './metrics-bench';
import { panoramaBenchmark } from './panorama-bench';
import { tsdbBenchmark } from './tsdb-bench';
import { tuneBenchmark } from './tune-bench';

const BENCHMARKS: Record<string, (args: string[]) => Promise<void>> = { exec: execBenchmark, metrics: metricsBenchmark, panorama: panoramaBenchmark, tsdb: tsdbBenchmark, tune: tuneBenchmark };

const [name, ...rest] = process.argv.slice(2);
const chosen = name ? [name] : Object.keys(BENCHMARKS);
for (const n of chosen) {
  const run = BENCHMARKS[n];
  if (!run) {
    console.error(`unknown benchmark '${n}'; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  await run(name ? rest : []);
}
