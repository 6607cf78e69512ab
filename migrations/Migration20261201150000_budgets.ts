import { Migration } from '@mikro-orm/migrations';

export class Migration20261201150000_budgets extends Migration {

  override async up(): Promise<void> {
    // Null: the key spends its role's default budget (EWC_BUDGET_<ROLE>).
    this.addSql(`alter table "api_key" add column "budget" int null;`);
    // One row per key ('key:<id>') or remote address ('addr:<ip>'): the points taken in its current
    // fixed window, shared by every hub instance on this database. Unlogged: a crash forgets this
    // minute's counts, which costs nothing worth a WAL write per refill.
    this.addSql(`create unlogged table "rate_counter" ("bucket" text primary key, "window_start" timestamptz not null, "points" bigint not null, "granted" bigint not null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_counter";`);
    this.addSql(`alter table "api_key" drop column "budget";`);
  }

}
