import { Migration } from '@mikro-orm/migrations';

export class Migration20261202040000_effective_at extends Migration {

  override async up(): Promise<void> {
    // Steps that happened before they were entered: the effective time beside the time entered (`at`).
    this.addSql(`alter table "epc_transition" add column "effective_at" timestamptz null;`);
    this.addSql(`update "epc_transition" set "effective_at" = "at";`);
    this.addSql(`alter table "epc_transition" alter column "effective_at" set not null, alter column "effective_at" set default now();`);
    this.addSql(`alter table "epc_payment" add column "effective_at" timestamptz null;`);
    // Who entered a handover and when, beside when ownership passed (`handed_over_at`).
    this.addSql(`alter table "epc_asset" add column "handover_recorded_at" timestamptz null, add column "handover_recorded_by" text null;`);
    this.addSql(`update "epc_asset" a set "handover_recorded_at" = a."handed_over_at", "handover_recorded_by" = t."actor"
      from "epc_transition" t where t."contract_id" = a."contract_id" and t."to_status" = 'HANDED_OVER' and a."handed_over_at" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "epc_asset" drop column "handover_recorded_at", drop column "handover_recorded_by";`);
    this.addSql(`alter table "epc_payment" drop column "effective_at";`);
    this.addSql(`alter table "epc_transition" drop column "effective_at";`);
  }
}
