import type { Db } from './database';

/** Small key/value settings (setup token hash, metrics intervals…). */
export class SettingsRepository {
  constructor(private readonly db: Db) {}
  get = async (key: string) => (await this.db.kysely.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  set = async (key: string, value: string) => {
    await this.db.kysely.transaction().execute(async (tx) => {
      await tx.deleteFrom('settings').where('key', '=', key).execute();
      await tx.insertInto('settings').values({ key, value }).execute();
    });
  };
  delete = async (key: string) => {
    await this.db.kysely.deleteFrom('settings').where('key', '=', key).execute();
  };
}
