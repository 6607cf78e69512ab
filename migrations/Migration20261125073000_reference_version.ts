import { Migration } from '@mikro-orm/migrations';

/** The tables every figure reads and users rarely change; a write to any of them moves the version. */
const REFERENCE_TABLES = ['conversion_factor', 'emission_factor', 'unit_conversion', 'region', 'institution', 'year_closure'];

export class Migration20261125073000_reference_version extends Migration {

  override async up(): Promise<void> {
    // Hubs keep factors, regions, institutions and closed years in memory and check this one row per
    // request. The row is updated in the writer's transaction, so a reader sees the new version only
    // once the new rows are visible too; triggers catch writes made outside the hub as well.
    this.addSql(`create table "reference_version" ("id" boolean primary key default true check ("id"), "version" bigint not null default 1);`);
    this.addSql(`insert into "reference_version" default values;`);
    this.addSql(`create function ewc_bump_reference_version() returns trigger language plpgsql as $$
      begin
        update reference_version set version = version + 1;
        return null;
      end $$;`);
    for (const table of REFERENCE_TABLES) {
      this.addSql(`create trigger "${table}_reference_version" after insert or update or delete or truncate on "${table}"
        for each statement execute function ewc_bump_reference_version();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of REFERENCE_TABLES) this.addSql(`drop trigger if exists "${table}_reference_version" on "${table}";`);
    this.addSql(`drop function if exists ewc_bump_reference_version();`);
    this.addSql(`drop table if exists "reference_version";`);
  }

}
