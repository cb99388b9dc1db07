/**
 * The network diagnoses the way an operator runs them: through the server, on lab hosts (real SSH
 * hosts in their own namespaces), with lab-1's link made lossy. This kernel has no sch_netem, so the
 * loss is tc netem where available, else an nftables bridge rule dropping 5% of lab-1's frames each way.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { labHostAddress, labNetnsName, labVethName } from '../src/domain/lab-addressing';
import { type RunningServer, bootstrap, runCli, startServer } from './support/server-harness';

let server: RunningServer;
let env: NodeJS.ProcessEnv;
const labDir = mkdtempSync(join(tmpdir(), 'osdeck-lab-'));
const procs: ChildProcess[] = [];
const NS1 = labNetnsName(1);
const NS2 = labNetnsName(2);
const ADDR2 = labHostAddress(2);
const LOSS_TABLE = `osdeck_lab_loss_${process.pid}`;

function impairLab1(): string {
  try {
    execFileSync('tc', ['qdisc', 'add', 'dev', labVethName(1), 'root', 'netem', 'loss', '5%'], { stdio: 'pipe' });
    execFileSync('ip', ['netns', 'exec', NS1, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'loss', '5%'], { stdio: 'pipe' });
    return 'tc netem loss 5% both ways';
  } catch {
    // lab-1's veth is a port of the lab bridge: drop 5% of the frames it sends and 5% of those sent to it
    const port = labVethName(1);
    const rules = `table bridge ${LOSS_TABLE} {\n chain forwardchain {\n  type filter hook forward priority -300; policy accept;\n  iifname "${port}" numgen random mod 100 < 5 counter drop\n  oifname "${port}" numgen random mod 100 < 5 counter drop\n }\n}\n`;
    execFileSync('nft', ['-f', '-'], { input: rules, stdio: ['pipe', 'pipe', 'pipe'] });
    return `nft (bridge) drops 5% each way on ${port}`;
  }
}

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the lab needs root (CI runs as root)');
  server = await startServer();
  ({ env } = await bootstrap(server));
  const up = await runCli(['lab', 'up', '--hosts', '2', '--dir', labDir], { env });
  assert.equal(up.code, 0, up.stderr);
});
after(async () => {
  for (const p of procs) p.kill('SIGKILL');
  try {
    execFileSync('nft', ['delete', 'table', 'bridge', LOSS_TABLE], { stdio: 'pipe' });
  } catch {
    /* netem was used, or the rule was never added */
  }
  await runCli(['lab', 'down', '--dir', labDir], { env });
  await server.stop();
});

interface Out { reports: Array<{ host: string; conclusion: string; report: { evidence: Record<string, any> } }> }

test('net-jitter between two lab hosts (target host:lab-2): clean, then with loss on lab-1', async (t) => {
  const clean = await runCli(['diagnose', 'net-jitter', 'lab-1', '--param', 'target=host:lab-2', '--param', 'count=30', '--json'], { env, timeoutMs: 120_000 });
  assert.equal(clean.code, 0, clean.stderr);
  const c = (JSON.parse(clean.stdout) as Out).reports[0]!.report.evidence;
  assert.equal(c.target, ADDR2);
  assert.equal(c.lossPct, 0);
  t.diagnostic(`impairment: ${impairLab1()}`);
  const lossy = await runCli(['diagnose', 'net-jitter', 'lab-1', '--param', 'target=host:lab-2', '--param', 'count=200', '--json'], { env, timeoutMs: 180_000 });
  assert.equal(lossy.code, 0, lossy.stderr);
  const l = (JSON.parse(lossy.stdout) as Out).reports[0]!;
  assert.ok(l.report.evidence.lossPct > 0, l.conclusion);
  assert.match(l.conclusion, /loss|lost/i);
});

test('net-retrans on lab-1 while it streams TCP to lab-2 over the lossy link', async () => {
  const recv = spawn('ip', ['netns', 'exec', NS2, process.execPath, '-e', `require('net').createServer((s) => { s.on('error', () => {}); s.resume(); }).listen(5001, '${ADDR2}', () => console.log('ready'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
  procs.push(recv);
  await new Promise<void>((resolve) => recv.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  const send = spawn('ip', ['netns', 'exec', NS1, process.execPath, '-e', `const s = require('net').connect(5001, '${ADDR2}'); const b = Buffer.alloc(65536); const w = () => { while (s.write(b)); }; s.on('connect', w); s.on('drain', w); s.on('error', () => {});`], { stdio: 'ignore' });
  procs.push(send);
  await new Promise((r) => setTimeout(r, 1000));
  const r = await runCli(['diagnose', 'net-retrans', 'lab-1', '--param', 'interval=5', '--json'], { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const rep = (JSON.parse(r.stdout) as Out).reports[0]!;
  assert.ok(rep.report.evidence.retransPct > 1, rep.conclusion);
  assert.ok((rep.report.evidence.topSockets as Array<{ peer: string }>).some((s) => s.peer === `${ADDR2}:5001`), JSON.stringify(rep.report.evidence.topSockets));
  assert.match(rep.conclusion, new RegExp(ADDR2.replaceAll('.', '\\.')));
});
