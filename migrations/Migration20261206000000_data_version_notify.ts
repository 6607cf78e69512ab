import { Migration } from '@mikro-orm/migrations';

/**
 * The version bump (migration 20261202050000) also notifies `ewc_data_version`, once per write
 * transaction at COMMIT: hubs with EWC_RESPONSE_CACHE_FRESHNESS=notified keep the versions in memory
 * and drop them when it arrives (src/db/data-version.ts). Identical notifications of one transaction
 * are folded into one by PostgreSQL; with nobody listening it costs a queue entry.
 */
export class Migration20261206000000_data_version_notify extends Migration {

  override async up(): Promise<void> {
    this.addSql(bump(`perform pg_notify('ewc_data_version', '');`));
  }

  override async down(): Promise<void> {
    this.addSql(bump(''));
  }

}

function bump(notify: string): string {
  return `create or replace function ewc_bump_data_version() returns trigger language plpgsql as $$
      begin
        insert into data_version (tbl, v)
          select t, 1 from unnest(string_to_array(coalesce(current_setting('ewc.written_tables', true), ''), ',')) t where t <> ''
          on conflict (tbl) do update set v = data_version.v + 1;
        perform set_config('ewc.written_tables', '', true);
        delete from data_touch where id = new.id;${notify ? `\n        ${notify}` : ''}
        return null;
      end $$;`;
}
