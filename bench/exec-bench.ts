// `uname -r` on N lab hosts: osdeck exec vs Ansible ad-hoc (-f 50), same hosts, same keys, one run.
import { execFileSync } from 'node:child_process';
import { type Timed, timed, withLab } from './lab-bench';

export async function execBenchmark(args: string[]): Promise<void> {
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 200);
  const kernel = execFileSync('uname', ['-r']).toString().trim();
  console.log(`exec benchmark: 'uname -r' on ${n} lab hosts, osdeck vs ansible -f 50 (2 cores, one run)`);
  await withLab('exec', n, 'ansible', async (b) => {
    const runOsdeck = () => timed(process.execPath, [b.cli, 'exec', 'group:lab', '--forks', '50', '--json', '--', 'uname', '-r'], b.env);
    const runAnsible = () => timed('ansible', ['lab', '-i', b.inventory, '-f', '50', '-m', 'command', '-a', 'uname -r', '-o'], b.ansibleEnv);
    const osdeckOk = (r: Timed) => (JSON.parse(r.stdout) as { steps: Array<{ stdout: string }> }).steps.filter((s) => s.stdout.trim() === kernel).length;
    const ansibleOk = (r: Timed) => r.stdout.split('\n').filter((l) => l.includes('| CHANGED |') && l.includes(kernel)).length;

    const rows: Array<[string, Timed, number]> = [];
    console.log('  running osdeck twice, then ansible twice (ansible takes a while)…');
    const o1 = await runOsdeck();
    rows.push(['osdeck, first run (new connections)', o1, osdeckOk(o1)]);
    const o2 = await runOsdeck();
    rows.push(['osdeck, second run (pooled connections)', o2, osdeckOk(o2)]);
    const a1 = await runAnsible();
    rows.push(['ansible -f 50, first run', a1, ansibleOk(a1)]);
    const a2 = await runAnsible();
    rows.push(['ansible -f 50, second run (ControlPersist)', a2, ansibleOk(a2)]);
    for (const [label, r, ok] of rows) console.log(`  ${label.padEnd(44)} ${r.seconds.toFixed(2).padStart(7)} s   ${ok}/${n} correct`);
    console.log(`  ratio, first runs  (ansible / osdeck): ${(a1.seconds / o1.seconds).toFixed(1)}x`);
    console.log(`  ratio, second runs (ansible / osdeck): ${(a2.seconds / o2.seconds).toFixed(1)}x`);
    if ([o1, o2].some((r) => osdeckOk(r) !== n)) console.log('  WARNING: osdeck did not get every host right');
    if ([a1, a2].some((r) => ansibleOk(r) !== n)) console.log(`  WARNING: ansible did not get every host right:\n${a1.stderr.slice(0, 500)}`);
  });
}
