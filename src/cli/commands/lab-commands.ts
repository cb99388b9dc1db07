import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { HostView } from '../../services/host-service';
import type { LabState } from '../../infra/lab/netns-lab';

// the lab module loads on use: client commands should not pay for it
const lab = () => import('../../infra/lab/netns-lab');
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../table';
import { printJson } from './output';

export const DEFAULT_LAB_DIR = '/var/lib/osdeck/lab';
const REGISTER_CONCURRENCY = 16;

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

/** Registers lab hosts into osdeck (group `lab`, tag lab=1); hosts already registered at the same address are kept. */
async function register(api: ApiClient, state: LabState): Promise<{ added: number; kept: number }> {
  const key = readFileSync(state.privateKeyPath, 'utf8');
  const existing = new Map((await api.get<HostView[]>('/hosts')).map((h) => [h.name, h]));
  let added = 0;
  let kept = 0;
  await mapLimit(state.hosts, REGISTER_CONCURRENCY, async (h) => {
    const have = existing.get(h.name);
    if (have && have.address === h.address && have.port === h.port) {
      kept++;
      return;
    }
    if (have) await api.del(`/hosts/${h.name}`);
    await api.post('/hosts', { name: h.name, ssh: `${h.user}@${h.address}:${h.port}`, privateKey: key, groups: ['lab'], tags: { lab: '1' } });
    added++;
  });
  return { added, kept };
}

function wrap(e: unknown): never {
  const le = e as { name?: string; code?: string; message: string };
  if (le && typeof le.code === 'string' && le.code.startsWith('LAB_')) throw new CliError(le.code, le.message);
  throw e;
}

export function labCommands(program: Command, client: () => ApiClient): void {
  const labCmd = program.command('lab').description('real test hosts on this machine: one network namespace + sshd each (root)');
  labCmd
    .command('up')
    .description('create N lab hosts (198.18.0.0/15) and register them into osdeck as group lab')
    .requiredOption('--hosts <n>', 'how many hosts', (v) => Number(v))
    .option('--dir <dir>', 'lab state directory', DEFAULT_LAB_DIR)
    .option('--no-register', 'do not add the hosts to the osdeck server')
    .option('--json', 'JSON output')
    .action(async (opts: { hosts: number; dir: string; register: boolean; json?: boolean }) => {
      const started = Date.now();
      const tty = process.stderr.isTTY;
      const state = await (await lab()).labUp({
        dir: opts.dir,
        hosts: opts.hosts,
        onProgress: (done, total) => tty && process.stderr.write(`\r\u001b[Klab: ${done}/${total} hosts up`),
      }).catch(wrap);
      if (tty) process.stderr.write('\r\u001b[K');
      let reg: { added: number; kept: number } | null = null;
      if (opts.register) reg = await register(client(), state);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (opts.json) return printJson({ ...state, registered: reg, seconds: Number(secs) });
      console.log(`lab: ${state.hosts.length} hosts up in ${secs}s (${state.hosts[0]?.address} … ${state.hosts.at(-1)?.address}), key ${state.privateKeyPath}`);
      if (reg) console.log(`registered into osdeck as group 'lab': ${reg.added} added, ${reg.kept} already there`);
    });
  labCmd
    .command('status')
    .option('--dir <dir>', 'lab state directory', DEFAULT_LAB_DIR)
    .option('--json', 'JSON output')
    .action(async (opts: { dir: string; json?: boolean }) => {
      const s = await (await lab()).labStatus({ dir: opts.dir }).catch(wrap);
      if (opts.json) return printJson(s);
      if (s.length === 0) return console.log('lab: no hosts');
      console.log(table(['name', 'address', 'netns', 'sshd', 'reachable'], s.map((h) => [h.name, h.address, h.netnsExists ? 'yes' : 'NO', h.sshdRunning ? 'yes' : 'NO', h.reachable ? 'yes' : 'NO'])));
      const bad = s.filter((h) => !h.reachable).length;
      console.log(`${s.length - bad} of ${s.length} reachable`);
      if (bad) process.exitCode = 2;
    });
  labCmd
    .command('down')
    .description('remove every lab host (also after a crash) and unregister them from osdeck')
    .option('--dir <dir>', 'lab state directory', DEFAULT_LAB_DIR)
    .option('--no-register', 'do not touch the osdeck server')
    .action(async (opts: { dir: string; register: boolean }) => {
      const state = await (await lab()).readLabState(opts.dir).catch(() => null);
      let removed = 0;
      if (opts.register) {
        try {
          const api = client();
          const names = new Set(state?.hosts.map((h) => h.name) ?? []);
          const hosts = (await api.get<HostView[]>('/hosts')).filter((h) => h.groups.includes('lab') && (names.size === 0 || names.has(h.name)));
          await mapLimit(hosts, REGISTER_CONCURRENCY, async (h) => {
            await api.del(`/hosts/${h.name}`);
            removed++;
          });
        } catch (e) {
          console.error(`osdeck: lab hosts not unregistered (${(e as Error).message}); tearing down anyway`);
        }
      }
      const r = await (await lab()).labDown({ dir: opts.dir }).catch(wrap);
      console.log(`lab: removed ${r.removedNetns} namespaces, stopped ${r.killedSshd} sshd processes${opts.register ? `, unregistered ${removed} hosts` : ''}`);
    });
  labCmd
    .command('rekey <name>')
    .description("give a lab host a new SSH host key (simulates a reinstall)")
    .option('--dir <dir>', 'lab state directory', DEFAULT_LAB_DIR)
    .action(async (name: string, opts: { dir: string }) => {
      await (await lab()).regenerateHostKey({ dir: opts.dir, name }).catch(wrap);
      console.log(`lab: ${name} has a new host key`);
    });
}
