/** One timed run of a workload command, measured on the target (so SSH latency does not count). */
export interface WorkloadRun {
  exitCode: number;
  /** ms since the epoch, the target's clock */
  endMs: number;
  seconds: number;
}

/** The script that runs `command` N times and prints `osdeck_run RC START_NS END_NS` per run. */
export function workloadScript(command: string, runs: number): string {
  return [
    // the command runs in a subshell: its variables, `cd` and `exit` cannot touch the loop
    `osdeck_i=0`,
    `while [ "$osdeck_i" -lt ${Math.floor(runs)} ]; do`,
    `  osdeck_s=$(date +%s%N)`,
    `  ( ${command}`,
    `  ) >/dev/null 2>&1 </dev/null`,
    `  osdeck_rc=$?`,
    `  osdeck_e=$(date +%s%N)`,
    `  echo "osdeck_run $osdeck_rc $osdeck_s $osdeck_e"`,
    `  osdeck_i=$((osdeck_i+1))`,
    `done`,
    '',
  ].join('\n');
}

/** Parses the script's lines; a `date` without nanoseconds (prints "N") is refused, not guessed. */
export function parseWorkloadRuns(text: string): { runs: WorkloadRun[]; errors: string[] } {
  const runs: WorkloadRun[] = [];
  const errors: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('osdeck_run ')) continue;
    const m = /^osdeck_run (\d+) (\d{10,20}) (\d{10,20})$/.exec(line.trim());
    if (!m) {
      errors.push(`unreadable run line: ${line.slice(0, 80)}`);
      continue;
    }
    const start = BigInt(m[2]!);
    const end = BigInt(m[3]!);
    if (end < start) {
      errors.push('a run ended before it started (clock step)');
      continue;
    }
    runs.push({ exitCode: Number(m[1]), endMs: Number(end / 1_000_000n), seconds: Number(end - start) / 1e9 });
  }
  return { runs, errors };
}
