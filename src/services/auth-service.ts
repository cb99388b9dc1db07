import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Actor, SYSTEM } from '../domain/actor';
import { OsdeckError, badRequest, conflict, forbidden, notFound, unauthorized } from '../domain/errors';
import { LoginThrottle } from '../domain/login-throttle';
import { checkName } from '../domain/names';
import { type Role, isRole, roleAtMost } from '../domain/roles';
import { type Clock, iso } from '../infra/clock';
import { PASSWORD_MIN_LENGTH, hashPassword, verifyPassword } from '../infra/crypto/password';
import { hashToken, newId, newSecretToken } from '../infra/crypto/tokens';
import type { SettingsRepository } from '../infra/db/settings-repository';
import type { UsersRepository } from '../infra/db/users-repository';
import type { AuditService } from './audit-service';

const SETUP_SETTING = 'setup_token_hash';

export interface UserInfo {
  name: string;
  role: Role;
  createdAt: string;
}
export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  owner: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Users, sessions, API tokens, first-run setup. No default password exists anywhere. */
export class AuthService {
  private throttle = new LoginThrottle();

  constructor(
    private readonly repo: UsersRepository,
    private readonly settings: SettingsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly dataDir: string,
    private readonly sessionTtlHours: number,
  ) {}

  private get setupFile(): string {
    return join(this.dataDir, 'setup-token');
  }

  async needsSetup(): Promise<boolean> {
    return (await this.repo.countAdmins()) === 0;
  }

  /** On an empty data dir: a one-time setup token, printed by the server and written 0600. */
  async ensureSetupToken(): Promise<string | null> {
    if (!(await this.needsSetup())) {
      if (existsSync(this.setupFile)) rmSync(this.setupFile, { force: true });
      return null;
    }
    const stored = await this.settings.get(SETUP_SETTING);
    if (stored && existsSync(this.setupFile)) {
      const token = readFileSync(this.setupFile, 'utf8').trim();
      if (hashToken(token) === stored) return token;
    }
    const token = newSecretToken('osdsetup_');
    rmSync(this.setupFile, { force: true });
    writeFileSync(this.setupFile, token + '\n', { mode: 0o600 });
    await this.settings.set(SETUP_SETTING, hashToken(token));
    return token;
  }

  /** Exchanges the setup token for the first admin; optionally also returns an admin API token. */
  async completeSetup(input: { token: string; user: string; password: string; sourceIp?: string }) {
    const stored = await this.settings.get(SETUP_SETTING);
    if (!(await this.needsSetup()) || !stored) throw conflict('ALREADY_SET_UP', 'osdeck is already set up; log in instead');
    if (hashToken(input.token.trim()) !== stored) {
      await this.audit.record({ ...SYSTEM, name: 'anonymous', sourceIp: input.sourceIp }, { action: 'setup', result: 'denied' });
      throw new OsdeckError('SETUP_TOKEN_INVALID', 'the setup token is wrong (see DATA/setup-token or the server log)', 403);
    }
    const user = await this.createUser(input.user, input.password, 'admin');
    await this.settings.delete(SETUP_SETTING);
    rmSync(this.setupFile, { force: true });
    const actor: Actor = { type: 'user', name: user.name, role: 'admin', userId: user.id, sourceIp: input.sourceIp };
    await this.audit.record(actor, { action: 'setup', result: 'ok', target: `user:${user.name}` });
    return { actor, userId: user.id };
  }

  /** Offline first admin for automation; refuses when an admin exists. */
  async bootstrapAdmin(name: string, password: string): Promise<{ token: string }> {
    if (!(await this.needsSetup())) throw conflict('ADMIN_EXISTS', 'an admin already exists; bootstrap refuses to add another');
    const user = await this.createUser(name, password, 'admin');
    await this.settings.delete(SETUP_SETTING);
    rmSync(this.setupFile, { force: true });
    const actor: Actor = { type: 'user', name: user.name, role: 'admin', userId: user.id };
    await this.audit.record({ ...SYSTEM, name: 'cli:bootstrap' }, { action: 'admin.bootstrap', result: 'ok', target: `user:${name}` });
    const t = await this.createToken(actor, { name: 'bootstrap', role: 'admin' });
    return { token: t.token };
  }

  async resetPassword(name: string, password: string, actor: Actor = { ...SYSTEM, name: 'cli:reset-password' }): Promise<void> {
    const user = await this.repo.byName(name);
    if (!user) throw notFound('user', name);
    checkPassword(password);
    await this.repo.setPassword(user.id, await hashPassword(password), iso(this.clock));
    await this.audit.record(actor, { action: 'user.reset_password', result: 'ok', target: `user:${name}` });
  }

  async login(name: string, password: string, sourceIp: string): Promise<{ sessionToken: string; actor: Actor; expiresAt: string }> {
    const keys = [`user:${name}`, `ip:${sourceIp}`];
    const nowMs = this.clock.now().getTime();
    const wait = this.throttle.retryAfter(keys, nowMs);
    if (wait > 0) {
      throw new OsdeckError('LOGIN_RATE_LIMITED', `too many failed logins; try again in ${wait}s`, 429, { retryAfter: wait });
    }
    const user = await this.repo.byName(name);
    // verify even for unknown users so timing does not reveal which names exist
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) {
      this.throttle.fail(keys, nowMs);
      await this.audit.record({ ...SYSTEM, type: 'user', name, sourceIp }, { action: 'auth.login', result: 'denied' });
      throw unauthorized('wrong user name or password');
    }
    this.throttle.succeed(keys);
    const sessionToken = newSecretToken('osds_');
    const expiresAt = new Date(nowMs + this.sessionTtlHours * 3600_000).toISOString();
    await this.repo.insertSession({ id_hash: hashToken(sessionToken), user_id: user.id, created_at: iso(this.clock), expires_at: expiresAt });
    const actor: Actor = { type: 'user', name: user.name, role: user.role as Role, userId: user.id, sourceIp };
    await this.audit.record(actor, { action: 'auth.login', result: 'ok' });
    return { sessionToken, actor, expiresAt };
  }

  async startSession(userId: string): Promise<{ sessionToken: string; expiresAt: string }> {
    const sessionToken = newSecretToken('osds_');
    const expiresAt = new Date(this.clock.now().getTime() + this.sessionTtlHours * 3600_000).toISOString();
    await this.repo.insertSession({ id_hash: hashToken(sessionToken), user_id: userId, created_at: iso(this.clock), expires_at: expiresAt });
    return { sessionToken, expiresAt };
  }

  async logout(sessionToken: string): Promise<void> {
    await this.repo.deleteSession(hashToken(sessionToken));
  }

  async authenticate(creds: { bearer?: string; session?: string; sourceIp?: string }): Promise<Actor | null> {
    const now = iso(this.clock);
    if (creds.bearer) {
      const t = await this.repo.tokenByHash(hashToken(creds.bearer));
      if (!t) return null;
      await this.repo.touchToken(t.id, now);
      return { type: 'token', name: `token:${t.name}`, role: t.role as Role, userId: t.user_id, tokenId: t.id, sourceIp: creds.sourceIp };
    }
    if (creds.session) {
      const u = await this.repo.sessionUser(hashToken(creds.session), now);
      if (!u) return null;
      return { type: 'user', name: u.name, role: u.role as Role, userId: u.id, sourceIp: creds.sourceIp };
    }
    return null;
  }

  // ---- users

  async listUsers(): Promise<UserInfo[]> {
    return (await this.repo.list()).map((u) => ({ name: u.name, role: u.role as Role, createdAt: u.created_at }));
  }

  async addUser(actor: Actor, name: string, password: string, role: string): Promise<UserInfo> {
    if (!isRole(role)) throw badRequest('INVALID_ROLE', `unknown role '${role}': use viewer, operator or admin`);
    const u = await this.createUser(name, password, role);
    await this.audit.record(actor, { action: 'user.add', result: 'ok', target: `user:${name}`, detail: { role } });
    return { name: u.name, role, createdAt: u.created_at };
  }

  async removeUser(actor: Actor, name: string): Promise<void> {
    const u = await this.repo.byName(name);
    if (!u) throw notFound('user', name);
    if (u.role === 'admin' && (await this.repo.countAdmins()) <= 1) {
      throw conflict('LAST_ADMIN', 'refusing to remove the last admin');
    }
    await this.repo.remove(u.id);
    await this.audit.record(actor, { action: 'user.remove', result: 'ok', target: `user:${name}` });
  }

  private async createUser(name: string, password: string, role: Role) {
    checkName('user', name);
    checkPassword(password);
    if (await this.repo.byName(name)) throw conflict('USER_EXISTS', `user '${name}' already exists`);
    const now = iso(this.clock);
    const row = { id: newId(), name, password_hash: await hashPassword(password), role, created_at: now, updated_at: now };
    await this.repo.insert(row);
    return row;
  }

  // ---- tokens

  async createToken(actor: Actor, input: { name?: string; role: string }): Promise<TokenInfo & { token: string }> {
    if (!isRole(input.role)) throw badRequest('INVALID_ROLE', `unknown role '${input.role}': use viewer, operator or admin`);
    if (!roleAtMost(input.role, actor.role)) throw forbidden(`a ${actor.role} cannot create a ${input.role} token`);
    const name = input.name ?? `${input.role}-${Date.now().toString(36)}`;
    checkName('token', name);
    const token = newSecretToken();
    const now = iso(this.clock);
    const row = { id: newId(), name, token_hash: hashToken(token), role: input.role, user_id: actor.userId, created_at: now, last_used_at: null, revoked_at: null };
    await this.repo.insertToken(row);
    await this.audit.record(actor, { action: 'token.create', result: 'ok', target: `token:${name}`, detail: { id: row.id, role: input.role } });
    return { token, id: row.id, name, role: input.role, owner: actor.userId ? actor.name : null, createdAt: now, lastUsedAt: null, revokedAt: null };
  }

  async listTokens(actor: Actor): Promise<TokenInfo[]> {
    const rows = await this.repo.listTokens();
    const visible = actor.role === 'admin' ? rows : rows.filter((r) => r.user_id !== null && r.user_id === actor.userId);
    return visible.map((r) => ({ id: r.id, name: r.name, role: r.role as Role, owner: r.owner ?? null, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    const t = await this.repo.tokenById(id);
    if (!t) throw notFound('token', id);
    if (actor.role !== 'admin' && t.user_id !== actor.userId) throw forbidden('you can only revoke your own tokens');
    await this.repo.revokeToken(id, iso(this.clock));
    await this.audit.record(actor, { action: 'token.revoke', result: 'ok', target: `token:${t.name}`, detail: { id } });
  }
}

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw badRequest('WEAK_PASSWORD', `password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (password.length > 1024) throw badRequest('WEAK_PASSWORD', 'password is too long');
}

// a valid hash of a random string: used to spend the same time on unknown users
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
