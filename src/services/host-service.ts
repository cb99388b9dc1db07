import type { Actor } from '../domain/actor';
import { OsdeckError, badRequest, conflict, notFound, HostError } from '../domain/errors';
import { type HostFacts, parseFacts } from '../domain/facts';
import { checkName, parseTag } from '../domain/names';
import { resolveSelector } from '../domain/selector';
import { parseSshTarget } from '../domain/ssh-target';
import { type Clock, iso } from '../infra/clock';
import type { SecretBox } from '../infra/crypto/secret-box';
import { newId } from '../infra/crypto/tokens';
import type { HostRow, HostsRepository } from '../infra/db/hosts-repository';
import { probeScript } from '../infra/probe-scripts';
import { LocalTransport } from '../infra/transport/local-transport';
import type { SshHostConfig, SshPool } from '../infra/transport/ssh-pool';
import type { Transport } from '../infra/transport/transport';
import type { AuditService } from './audit-service';

export const LOCAL_HOST = 'local';

export interface HostView {
  name: string;
  transport: 'local' | 'ssh';
  address: string | null;
  port: number | null;
  user: string | null;
  authType: string | null;
  groups: string[];
  tags: Record<string, string>;
  state: string;
  lastError: string | null;
  lastSeenAt: string | null;
  hostKeyFingerprint: string | null;
  /** set when the host offered a different key than the pinned one */
  offeredHostKeyFingerprint: string | null;
  facts: HostFacts | null;
  factsAt: string | null;
  createdAt: string;
}

export interface AddHostInput {
  name: string;
  ssh: string;
  privateKey?: string;
  password?: string;
  groups?: string[];
  tags?: Record<string, string> | string[];
}

/** Inventory, credentials (sealed), pinned host keys, facts, and the transport to each host. */
export class HostService {
  private local = new LocalTransport(LOCAL_HOST);

  constructor(
    private readonly repo: HostsRepository,
    private readonly pool: SshPool,
    private readonly secrets: SecretBox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The machine osdeck runs on is always host `local`. */
  async ensureLocal(): Promise<void> {
    if (await this.repo.byName(LOCAL_HOST)) return;
    await this.repo.insert({
      id: newId(), name: LOCAL_HOST, transport: 'local', address: null, port: null, ssh_user: null, auth_type: null,
      secret_enc: null, host_key_fp: null, host_key_seen_fp: null, groups_json: '[]', tags_json: '{}', facts_json: null,
      facts_at: null, state: 'unknown', last_error: null, last_seen_at: null, created_at: iso(this.clock),
    }).catch(async (e) => {
      if (!(await this.repo.byName(LOCAL_HOST))) throw e; // lost a race with another process: fine
    });
  }

  async list(): Promise<HostView[]> {
    return (await this.repo.list()).map(view);
  }

  async get(name: string): Promise<HostView> {
    return view(await this.row(name));
  }

  async select(selector: string): Promise<HostView[]> {
    return resolveSelector(selector, await this.list());
  }

  async add(actor: Actor, input: AddHostInput): Promise<HostView> {
    const name = checkName('host', input.name);
    if (name === LOCAL_HOST || name === 'all') throw badRequest('INVALID_NAME', `'${name}' is reserved`);
    const target = parseSshTarget(input.ssh);
    if (!input.privateKey === !input.password) {
      throw badRequest('AUTH_REQUIRED', 'give exactly one of a private key or a password');
    }
    if (input.privateKey && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(input.privateKey)) {
      throw badRequest('INVALID_KEY', 'the key is not a PEM/OpenSSH private key');
    }
    const groups = [...new Set((input.groups ?? []).map((g) => checkName('group', g)))];
    const tags = normalizeTags(input.tags);
    if (await this.repo.byName(name)) throw conflict('HOST_EXISTS', `host '${name}' already exists`);

    // first contact: pin whatever key the host offers, and gather facts on the same connection
    const cfg: SshHostConfig = { name, address: target.address, port: target.port, user: target.user, privateKey: input.privateKey, password: input.password, pinnedFingerprint: null };
    const t = this.pool.transport(cfg);
    let facts: HostFacts;
    let fp: string;
    try {
      facts = await this.gather(t);
      fp = await t.fingerprint();
    } catch (e) {
      this.pool.drop(name);
      await this.audit.record(actor, { action: 'host.add', result: 'error', target: `host:${name}`, host: name, detail: { error: (e as Error).message } });
      throw e;
    }
    this.pool.drop(name); // the next use reconnects with the pinned key enforced
    const now = iso(this.clock);
    const row: HostRow = {
      id: newId(), name, transport: 'ssh', address: target.address, port: target.port, ssh_user: target.user,
      auth_type: input.privateKey ? 'key' : 'password',
      secret_enc: this.secrets.seal(JSON.stringify(input.privateKey ? { privateKey: input.privateKey } : { password: input.password })),
      host_key_fp: fp, host_key_seen_fp: null, groups_json: JSON.stringify(groups), tags_json: JSON.stringify(tags),
      facts_json: JSON.stringify(facts), facts_at: now, state: 'reachable', last_error: null, last_seen_at: now, created_at: now,
    };
    try {
      await this.repo.insert(row);
    } catch (e) {
      if (await this.repo.byName(name)) throw conflict('HOST_EXISTS', `host '${name}' already exists`);
      throw e;
    }
    await this.audit.record(actor, { action: 'host.add', result: 'ok', target: `host:${name}`, host: name, detail: { ssh: `${target.user}@${target.address}:${target.port}`, hostKey: fp, groups, tags } });
    return view(row);
  }

  async remove(actor: Actor, name: string): Promise<void> {
    if (name === LOCAL_HOST) throw badRequest('LOCAL_HOST', 'the local host cannot be removed');
    await this.row(name);
    await this.repo.remove(name);
    this.pool.drop(name);
    await this.audit.record(actor, { action: 'host.remove', result: 'ok', target: `host:${name}`, host: name });
  }

  /**
   * Re-pins a host's key after an intended change (reinstall). With `expected`, the key the host
   * offers must match it, so an admin can verify the fingerprint out of band.
   */
  async trust(actor: Actor, name: string, expected?: string): Promise<HostView> {
    const row = await this.row(name);
    if (row.transport !== 'ssh') throw badRequest('NOT_SSH', `host '${name}' has no SSH host key`);
    this.pool.drop(name);
    const cfg = { ...this.sshConfig(row), pinnedFingerprint: null };
    const t = this.pool.transport(cfg);
    let fp: string;
    try {
      fp = await t.fingerprint();
    } finally {
      this.pool.drop(name);
    }
    if (expected && expected !== fp) {
      await this.audit.record(actor, { action: 'host.trust', result: 'denied', host: name, target: `host:${name}`, detail: { expected, offered: fp } });
      throw new OsdeckError('FINGERPRINT_MISMATCH', `${name}: host offers ${fp}, not the expected ${expected}; nothing changed`, 409);
    }
    await this.repo.update(name, { host_key_fp: fp, host_key_seen_fp: null, state: 'unknown', last_error: null });
    await this.audit.record(actor, { action: 'host.trust', result: 'ok', host: name, target: `host:${name}`, detail: { previous: row.host_key_fp, pinned: fp } });
    return this.get(name);
  }

  async refreshFacts(actor: Actor, name: string): Promise<HostView> {
    const row = await this.row(name);
    const facts = await this.gather(this.transportFor(row)).catch(async (e) => {
      await this.noteFailure(name, e);
      throw e;
    });
    const now = iso(this.clock);
    await this.repo.update(name, { facts_json: JSON.stringify(facts), facts_at: now, state: 'reachable', last_error: null, last_seen_at: now });
    if (actor.type !== 'system') await this.audit.record(actor, { action: 'host.refresh', result: 'ok', host: name, target: `host:${name}` });
    return this.get(name);
  }

  transportFor(row: HostRow): Transport {
    if (row.transport === 'local') return this.local;
    return this.pool.transport(this.sshConfig(row));
  }

  async transportByName(name: string): Promise<Transport> {
    return this.transportFor(await this.row(name));
  }

  /**
   * A fresh login on another port (a new SSH port, before osdeck switches to it). The pooled
   * connection is left alone; this one is closed afterwards.
   */
  async canLoginOnPort(name: string, port: number, signal?: AbortSignal): Promise<{ ok: boolean; error: string | null }> {
    const row = await this.row(name);
    if (row.transport !== 'ssh') return { ok: false, error: 'only SSH hosts have a port' };
    const probeName = `${name}#port-${port}`;
    // sshd binds a new port a moment after its reload: a refused connection is retried for a while
    const deadline = Date.now() + 15_000;
    let error = 'no attempt made';
    while (!signal?.aborted) {
      try {
        const r = await this.pool.transport({ ...this.sshConfig(row), name: probeName, port }).runScript('echo osdeck-login-ok', { timeoutMs: 20_000, signal });
        return r.stdout.toString('utf8').includes('osdeck-login-ok') ? { ok: true, error: null } : { ok: false, error: `unexpected answer (exit ${r.exitCode})` };
      } catch (e) {
        error = (e as Error).message;
        if (e instanceof HostError && (e.code === 'AUTH_FAILED' || e.code === 'HOST_KEY_MISMATCH')) break;
      } finally {
        this.pool.drop(probeName);
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    return { ok: false, error };
  }

  /** The host's sshd now listens elsewhere (osdeck moved it): connect there from now on. */
  async setPort(actor: Actor, name: string, port: number): Promise<void> {
    const row = await this.row(name);
    if (row.transport !== 'ssh') throw badRequest("NOT_SSH", `${name} is not an SSH host`);
    await this.repo.update(name, { port });
    this.pool.drop(name);
    await this.audit.record(actor, { action: 'host.port_changed', result: 'ok', host: name, target: `host:${name}`, detail: { from: row.port, to: port } });
  }

  /** Records the outcome of talking to a host, so the fleet list shows reachability. */
  async noteSuccess(name: string): Promise<void> {
    await this.repo.update(name, { state: 'reachable', last_error: null, last_seen_at: iso(this.clock) });
  }

  async noteFailure(name: string, e: unknown): Promise<void> {
    if (!(e instanceof HostError)) return;
    if (e.code === 'COMMAND_TIMEOUT' || e.code === 'CANCELLED') return; // the host answered; the command was slow
    const state = e.code === 'HOST_KEY_MISMATCH' ? 'hostkey-changed' : e.code === 'AUTH_FAILED' ? 'auth-failed' : 'unreachable';
    const patch: Partial<HostRow> = { state, last_error: e.message };
    if (e.code === 'HOST_KEY_MISMATCH') {
      const offered = String(e.details?.offered ?? '');
      const row = await this.repo.byName(e.host);
      if (row && row.host_key_seen_fp !== offered) {
        patch.host_key_seen_fp = offered;
        await this.audit.record({ type: 'system', name: 'system', role: 'admin', userId: null }, {
          action: 'host.key_mismatch', result: 'denied', host: e.host, target: `host:${e.host}`,
          detail: { pinned: row.host_key_fp, offered },
        });
      }
    }
    await this.repo.update(name, patch);
  }

  private async gather(t: Transport): Promise<HostFacts> {
    const r = await t.runScript(probeScript('facts.sh'), { timeoutMs: 30_000, maxOutputBytes: 64 * 1024 });
    try {
      return parseFacts(r.stdout.toString('utf8'));
    } catch (e) {
      throw new OsdeckError('FACTS_UNREADABLE', `${t.host}: ${(e as Error).message}; stderr: ${r.stderr.toString('utf8').slice(0, 200)}`, 502);
    }
  }

  private sshConfig(row: HostRow): SshHostConfig {
    const secret = row.secret_enc ? (JSON.parse(this.secrets.open(row.secret_enc)) as { privateKey?: string; password?: string }) : {};
    return { name: row.name, address: row.address!, port: row.port ?? 22, user: row.ssh_user!, privateKey: secret.privateKey, password: secret.password, pinnedFingerprint: row.host_key_fp };
  }

  private async row(name: string): Promise<HostRow> {
    const row = await this.repo.byName(name);
    if (!row) throw notFound('host', name);
    return row;
  }
}

function normalizeTags(tags: AddHostInput['tags']): Record<string, string> {
  if (!tags) return {};
  const pairs = Array.isArray(tags) ? tags.map(parseTag) : Object.entries(tags).map(([k, v]) => parseTag(`${k}=${v}`));
  return Object.fromEntries(pairs);
}

function view(r: HostRow): HostView {
  return {
    name: r.name,
    transport: r.transport as 'local' | 'ssh',
    address: r.address,
    port: r.port,
    user: r.ssh_user,
    authType: r.auth_type,
    groups: JSON.parse(r.groups_json) as string[],
    tags: JSON.parse(r.tags_json) as Record<string, string>,
    state: r.state,
    lastError: r.last_error,
    lastSeenAt: r.last_seen_at,
    hostKeyFingerprint: r.host_key_fp,
    offeredHostKeyFingerprint: r.host_key_seen_fp,
    facts: r.facts_json ? (JSON.parse(r.facts_json) as HostFacts) : null,
    factsAt: r.facts_at,
    createdAt: r.created_at,
  };
}
