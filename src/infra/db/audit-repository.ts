import type { Db } from './database';
import type { Selectable } from 'kysely';
import type { AuditTable } from './schema';

export type AuditRow = Selectable<AuditTable>;
export type NewAudit = Omit<AuditRow, 'id'>;

export interface AuditQuery {
  limit: number;
  beforeId?: number;
  action?: string;
  host?: string;
  actor?: string;
}

/** Append-only: there is deliberately no update or delete here (and the database refuses them). */
export class AuditRepository {
  constructor(private readonly db: Db) {}
  append = async (rows: NewAudit[]) => {
    if (rows.length) await this.db.kysely.insertInto('audit').values(rows).execute();
  };
  query = (q: AuditQuery) => {
    let s = this.db.kysely.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(q.limit);
    if (q.beforeId) s = s.where('id', '<', q.beforeId);
    if (q.action) s = s.where('action', 'like', `${q.action}%`);
    if (q.host) s = s.where('host', '=', q.host);
    if (q.actor) s = s.where('actor', '=', q.actor);
    return s.execute();
  };
}
