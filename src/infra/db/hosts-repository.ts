import type { Db } from './database';
import type { HostsTable } from './schema';

export type HostRow = HostsTable;

export class HostsRepository {
  constructor(private readonly db: Db) {}
  private get k() {
    return this.db.kysely;
  }
  list = () => this.k.selectFrom('hosts').selectAll().orderBy('name').execute();
  byName = (name: string) => this.k.selectFrom('hosts').selectAll().where('name', '=', name).executeTakeFirst();
  insert = async (h: HostRow) => {
    await this.k.insertInto('hosts').values(h).execute();
  };
  update = async (name: string, patch: Partial<HostRow>) => {
    await this.k.updateTable('hosts').set(patch).where('name', '=', name).execute();
  };
  remove = async (name: string) => {
    const r = await this.k.deleteFrom('hosts').where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  };
}
