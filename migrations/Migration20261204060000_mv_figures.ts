import { Migration } from '@mikro-orm/migrations';

/**
 * Stored M&V figures, so a read of savings or settlements does no model work: each contract's
 * measured month (adjusted baseline, actual, savings by carrier, missing days) and, for a contract
 * not signed yet, its live baseline fit. Each row carries `inputs`, a hash of what it was computed
 * from (the versions of the meters' monthly totals, temperatures, profiles and reference data,
 * the baseline, the events, the maths): a reader uses a row only while the hash of the inputs now
 * is the same, and measures and stores the month again otherwise. Derived data: never audited.
 */
export class Migration20261204060000_mv_figures extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "epc_month_figure" ("contract_id" int not null references "epc_contract" ("id") on delete cascade, "month" date not null, "inputs" text not null, "figures" jsonb not null, "computed_at" timestamptz not null default now(), primary key ("contract_id", "month"));`);
    this.addSql(`create table "epc_live_baseline" ("contract_id" int not null primary key references "epc_contract" ("id") on delete cascade, "inputs" text not null, "models" jsonb not null, "computed_at" timestamptz not null default now());`);
    // The response cache keeps answers that read these tables only while their versions hold.
    this.addSql(`select ewc_track_data_version('epc_month_figure'::regclass);`);
    this.addSql(`select ewc_track_data_version('epc_live_baseline'::regclass);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "epc_month_figure", "epc_live_baseline";`);
  }

}
