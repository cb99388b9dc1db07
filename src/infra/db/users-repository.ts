import type { Db } from './database';
import type { ApiTokensTable, UsersTable } from './schema';

export type UserRow = UsersTable;
export type TokenRow = ApiTokensTable;

/** Users, sessions and API tokens. */
export class UsersRepository {
  constructor(private readonly db: Db) {}

  private get k() {
    return this.db.kysely;
  }

  countAdmins = async (): Promise<number> => {
    const r = await this.k.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('role', '=', 'admin').executeTakeFirst();
    return Number(r?.n ?? 0);
  };
  countUsers = async (): Promise<number> => {
    const r = await this.k.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  };
  list = () => this.k.selectFrom('users').selectAll().orderBy('name').execute();
  byName = (name: string) => this.k.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
  byId = (id: string) => this.k.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  insert = async (u: UserRow) => {
    await this.k.insertInto('users').values(u).execute();
  };
  setPassword = async (id: string, hash: string, now: string) => {
    await this.k.updateTable('users').set({ password_hash: hash, updated_at: now }).where('id', '=', id).execute();
    await this.k.deleteFrom('sessions').where('user_id', '=', id).execute();
  };
  remove = async (id: string) => {
    await this.k.deleteFrom('users').where('id', '=', id).execute();
  };

  insertSession = async (s: { id_hash: string; user_id: string; created_at: string; expires_at: string }) => {
    await this.k.insertInto('sessions').values(s).execute();
  };
  sessionUser = (idHash: string, now: string) =>
    this.k
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.name', 'users.role'])
      .where('sessions.id_hash', '=', idHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
  deleteSession = async (idHash: string) => {
    await this.k.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  };
  deleteExpiredSessions = async (now: string) => {
    await this.k.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  };

  insertToken = async (t: TokenRow) => {
    await this.k.insertInto('api_tokens').values(t).execute();
  };
  tokenByHash = (hash: string) =>
    this.k.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
  touchToken = async (id: string, now: string) => {
    await this.k.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
  };
  listTokens = () =>
    this.k
      .selectFrom('api_tokens')
      .leftJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.role', 'api_tokens.created_at', 'api_tokens.last_used_at', 'api_tokens.revoked_at', 'api_tokens.user_id', 'users.name as owner'])
      .orderBy('api_tokens.created_at')
      .execute();
  tokenById = (id: string) => this.k.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  revokeToken = async (id: string, now: string) => {
    await this.k.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  };
}
