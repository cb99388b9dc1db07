// File-cache attribution: osdeck (the probe path: `sh -s` with the helper preamble, pagecache_files
// reading the file list) vs util-linux fincore (batched by xargs) vs vmtouch, on the same >= 10,000
// files holding >= 4 GB of page cache; then the wall time of a full memory panorama of this machine.
// The file set is kept in $OSDECK_BENCH_DIR (default /var/tmp/osdeck-bench-pagecache, real disk) and
// reused by later runs.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parsePagecacheFiles } from '../src/domain/diagnosis/memory/pagecache-output';
import { pagecacheHelper, pagecacheInstallScript } from '../src/infra/probe-helpers';

const DIRS = 100;
const PER_DIR = 100; // 10,000 files
const BIG = 16 << 20; // every 50th file: 200 x 16 MiB = 3.2 GiB
const SMALL = 100 << 10; // the rest: 9,800 x 100 KiB = 0.96 GiB
const RUNS = 5;

interface Timed {
  seconds: number;
  stdout: string;
}

function timed(cmd: string, args: string[], input?: string): Promise<Timed> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (c) => (stdout += c));
    p.stderr!.on('data', (c) => (stderr += c));
    p.on('error', reject);
    p.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0 && !stdout) reject(new Error(`${cmd} exited ${code}: ${stderr.slice(0, 300)}`));
      else resolve({ seconds, stdout });
    });
    if (input !== undefined) p.stdin!.end(input);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** The bench file set: created once, reused while its manifest and sizes match. */
function fileSet(root: string): { paths: string[]; bytes: number } {
  const paths: string[] = [];
  let bytes = 0;
  for (let d = 0; d < DIRS; d++) {
    for (let i = 0; i < PER_DIR; i++) {
      const n = d * PER_DIR + i;
      paths.push(join(root, `d${String(d).padStart(3, '0')}`, `f${String(n).padStart(5, '0')}.dat`));
      bytes += n % 50 === 0 ? BIG : SMALL;
    }
  }
  const manifest = join(root, 'manifest.json');
  const want = JSON.stringify({ files: paths.length, bytes, layout: 1 });
  const ok = existsSync(manifest) && readFileSync(manifest, 'utf8') === want && paths.every((p, n) => existsSync(p) && statSync(p).size === (n % 50 === 0 ? BIG : SMALL));
  if (!ok) {
    console.log(`  writing ${paths.length} files, ${gib(bytes)}, under ${root} (once; later runs reuse them)…`);
    const buf = randomBytes(BIG);
    for (let d = 0; d < DIRS; d++) mkdirSync(join(root, `d${String(d).padStart(3, '0')}`), { recursive: true });
    paths.forEach((p, n) => {
      const fd = openSync(p, 'w');
      const size = n % 50 === 0 ? BIG : SMALL;
      const off = (n * 4096) % (BIG - SMALL);
      writeSync(fd, buf, size === BIG ? 0 : off, size);
      closeSync(fd);
    });
    execFileSync('sync');
    writeFileSync(manifest, want);
  }
  return { paths, bytes };
}

export async function panoramaBenchmark(args: string[]): Promise<void> {
  const root = args.find((a) => a.startsWith('/')) ?? process.env.OSDECK_BENCH_DIR ?? '/var/tmp/osdeck-bench-pagecache';
  if (process.getuid?.() !== 0) console.log('  note: not root, so residency of files you cannot write is not trustworthy (mincore trap)');
  console.log(`panorama benchmark: page-cache attribution of one file set, osdeck vs fincore vs vmtouch (median of ${RUNS}), then a full panorama`);
  const { paths, bytes } = fileSet(root);

  const helper = await pagecacheHelper();
  if (!helper) console.log('  WARNING: the helper did not build: osdeck runs its fincore fallback');
  const preamble = pagecacheInstallScript(helper);
  const records = join(root, 'records.bin');
  writeFileSync(records, Buffer.concat(paths.flatMap((p) => [Buffer.from(p), Buffer.from([0]), Buffer.from(p), Buffer.from([0])])));
  const list0 = join(root, 'list.nul');
  writeFileSync(list0, paths.join('\0') + '\0');
  const listNl = join(root, 'list.txt');
  writeFileSync(listNl, paths.join('\n') + '\n');
  // everything into the cache (vmtouch -t reads each page once; cat otherwise)
  if (has('vmtouch')) execFileSync('vmtouch', ['-q', '-t', '-b', listNl]);
  else execFileSync('sh', ['-c', `xargs cat < '${listNl}' >/dev/null`]);

  const osdeck = async () => {
    const r = await timed('sh', ['-s'], `${preamble}\npagecache_files < '${records}'\n`);
    const p = parsePagecacheFiles(r.stdout);
    return { seconds: r.seconds, cached: p.cachedBytes ?? NaN, files: p.files.length, impl: p.impl };
  };
  const libOnly = pagecacheInstallScript(null);
  const osdeckFallback = async () => {
    const r = await timed('sh', ['-s'], `${libOnly}\npagecache_files < '${records}'\n`);
    const p = parsePagecacheFiles(r.stdout);
    return { seconds: r.seconds, cached: p.cachedBytes ?? NaN, files: p.files.length };
  };
  const fincore = async () => {
    const r = await timed('sh', ['-c', `xargs -0 fincore -b -n -r -o RES,SIZE,FILE < '${list0}'`]);
    const lines = r.stdout.split('\n').filter(Boolean);
    return { seconds: r.seconds, cached: lines.reduce((s, l) => s + Number(l.split(' ')[0]), 0), files: lines.length };
  };
  const vmtouch = async () => {
    const r = await timed('vmtouch', ['-f', '-b', listNl]);
    const m = /Resident Pages:\s+(\d+)\//.exec(r.stdout);
    const files = Number(/Files:\s+(\d+)/.exec(r.stdout)?.[1] ?? NaN);
    return { seconds: r.seconds, cached: m ? Number(m[1]) * 4096 : NaN, files };
  };

  const peers: Peer[] = [['osdeck', osdeck]];
  if (has('fincore')) peers.push(['fincore', fincore], ['osdeck-fallback', osdeckFallback]);
  else console.log('  fincore missing (util-linux >= 2.30): skipped');
  if (has('vmtouch')) peers.push(['vmtouch', vmtouch]);
  else console.log('  vmtouch missing (apt-get install vmtouch): skipped');

  try {
    await compare(paths, bytes, peers, osdeck);
    await panorama();
  } finally {
    // leave the machine's cache as we found it (other work shares it)
    if (has('vmtouch')) execFileSync('vmtouch', ['-q', '-e', '-b', listNl]);
  }
}

type Peer = [string, () => Promise<{ seconds: number; cached: number; files: number }>];

async function compare(paths: string[], bytes: number, peers: Peer[], osdeck: () => Promise<{ impl: string | null }>): Promise<void> {
  const results = new Map<string, { seconds: number; cached: number; files: number }>();
  // interleaved, so a neighbour's load hits every tool alike
  const runs = new Map<string, Array<{ seconds: number; cached: number; files: number }>>();
  for (let i = 0; i < RUNS; i++) {
    for (const [name, run] of peers) {
      const r = await run();
      runs.set(name, [...(runs.get(name) ?? []), r]);
    }
  }
  for (const [name, rs] of runs) {
    const s = median(rs.map((r) => r.seconds));
    results.set(name, { ...rs.find((r) => r.seconds === s)!, seconds: s });
  }
  const o = results.get('osdeck')!;
  console.log(`  file set: ${paths.length} files, ${gib(bytes)} on disk; osdeck implementation: ${(await osdeck()).impl}`);
  for (const [name, r] of results) {
    const agree = Math.abs(r.cached - o.cached) <= o.cached * 0.01;
    console.log(`  ${name.padEnd(16)} ${r.seconds.toFixed(3).padStart(7)} s   ${String(r.files).padStart(6)} files   cached ${gib(r.cached)}${name === 'osdeck' ? '' : agree ? '   (agrees with osdeck within 1%)' : '   MISMATCH with osdeck'}`);
  }
  console.log('  (osdeck-fallback = lib-pagecache.sh without the helper, as on a host of another architecture)');
  for (const name of ['fincore', 'vmtouch']) {
    const r = results.get(name);
    if (r) console.log(`  ratio ${name}_time / osdeck_time: ${(r.seconds / o.seconds).toFixed(2)}x`);
  }
  if (o.cached < 4e9) console.log(`  WARNING: only ${gib(o.cached)} cached (is memory short?): the target is >= 4 GB`);
}

async function panorama(): Promise<void> {
  // loaded late: the memory diagnosis may not exist (or not load) yet
  let runHere: ((id: string) => Promise<unknown>) | null = null;
  try {
    const { findDiagnosis } = await import('../src/domain/diagnosis/registry');
    if (findDiagnosis('memory')) runHere = (await import('../test/support/diagnose-local')).runDiagnosisHere;
  } catch (e) {
    console.log(`  (the diagnosis registry did not load: ${(e as Error).message.split('\n')[0]})`);
  }
  if (!runHere) {
    console.log('  panorama: not registered yet');
    return;
  }
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    await runHere('memory');
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  console.log(`  full memory panorama of this machine (runDiagnosisHere('memory'), probe + analysis), median of 3: ${median(times).toFixed(2)} s (target <= 5 s)`);
}
