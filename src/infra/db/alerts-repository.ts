import type { Selectable } from 'kysely';
import type { Db } from './database';
import type { AlertEventsTable, AlertRulesTable } from './schema';

export type AlertRuleRow = AlertRulesTable;
export type AlertEventRow = Selectable<AlertEventsTable>;

export class AlertsRepository {
  constructor(private readonly db: Db) {}
  private get k() {
    return this.db.kysely;
  }
  rules = () => this.k.selectFrom('alert_rules').selectAll().orderBy('name').execute();
  ruleById = (id: string) => this.k.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
  ruleByName = (name: string) => this.k.selectFrom('alert_rules').selectAll().where('name', '=', name).executeTakeFirst();
  insertRule = async (r: AlertRuleRow) => {
    await this.k.insertInto('alert_rules').values(r).execute();
  };
  deleteRule = async (id: string) => {
    await this.k.deleteFrom('alert_rules').where('id', '=', id).execute();
  };
  insertEvent = async (e: Omit<AlertEventRow, 'id'>) => {
    await this.k.insertInto('alert_events').values(e).execute();
  };
  events = (limit: number) => this.k.selectFrom('alert_events').selectAll().orderBy('id', 'desc').limit(limit).execute();
  /** The newest event of every (rule, host): the current state of each alert. */
  currentStates = async () => {
    const rows = await this.k.selectFrom('alert_events').selectAll().orderBy('id', 'asc').execute();
    const latest = new Map<string, AlertEventRow>();
    for (const r of rows) latest.set(`${r.rule_id}|${r.host}`, r);
    return [...latest.values()];
  };
}
