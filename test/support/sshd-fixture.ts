import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-harness';

/** A real OpenSSH server on 127.0.0.1:<free port> with its own host key and one authorized key. */
export interface SshdFixture {
  port: number;
  dir: string;
  clientKey: string;
  clientKeyPath: string;
  stop(): Promise<void>;
  /** Replace the host key and restart sshd on the same port (a "reinstalled" host). */
  regenerateHostKey(): Promise<void>;
}

export async function startSshd(): Promise<SshdFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-sshd-'));
  mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  keygen(join(dir, 'client'));
  keygen(join(dir, 'host'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client.pub')));
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${join(dir, 'host')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'MaxSessions 10',
      'MaxStartups 200:30:400',
      'LogLevel ERROR',
    ].join('\n') + '\n',
  );
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        execFileSync('ssh-keyscan', ['-p', String(port), '-T', '1', '127.0.0.1'], { stdio: 'pipe' });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error('sshd did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const halt = () =>
    new Promise<void>((r) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return r();
      proc.once('exit', () => r());
      // per-connection sshd children outlive the listener; a reinstalled host drops them too
      try {
        execFileSync('pkill', ['-KILL', '-P', String(proc.pid)]);
      } catch {
        /* no children */
      }
      proc.kill('SIGTERM');
    });
  await launch();
  return {
    port,
    dir,
    clientKey: readFileSync(join(dir, 'client'), 'utf8'),
    clientKeyPath: join(dir, 'client'),
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    async regenerateHostKey() {
      await halt();
      rmSync(join(dir, 'host'));
      rmSync(join(dir, 'host.pub'));
      keygen(join(dir, 'host'));
      await launch();
    },
  };
}
