import { Migration } from '@mikro-orm/migrations';

/**
 * A reading's meter and batch must exist: checked once per statement, for the whole set of rows,
 * instead of by the foreign keys' per-row triggers. On the partitioned `reading` those were two
 * lookups per row (about half of a 1,000-row batch's insert, and two million calls in a file import
 * of a million rows), and attaching a month loaded on the side would have locked `meter` and
 * `reading_batch` against every other writer to clone them. The check locks the referenced rows
 * (FOR KEY SHARE, as the foreign key did), and the other side refuses to delete a meter or batch
 * that readings name, or to change its id.
 *
 * Statement triggers fire for statements on `reading` itself, which is how the hub writes; a month
 * loaded on the side and attached (the file import) is checked by its loader with the same function.
 */
export class Migration20261202090000_reading_set_checks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "reading" drop constraint "reading_meter_id_foreign";`);
    this.addSql(`alter table "reading" drop constraint "reading_batch_id_foreign";`);

    // Raises foreign_key_violation unless every meter and batch the rows name exists; locks them.
    this.addSql(`create function ewc_reading_refs_exist(p_meters int[], p_batches int[]) returns void language plpgsql as $$
declare
  n int;
begin
  select count(*) into n from (select id from meter where id = any(p_meters) for key share) m;
  if n < cardinality(p_meters) then
    raise foreign_key_violation using message = 'a reading names a meter that does not exist',
      constraint = 'reading_meter_id_foreign', table = 'reading';
  end if;
  select count(*) into n from (select id from reading_batch where id = any(p_batches) for key share) b;
  if n < cardinality(p_batches) then
    raise foreign_key_violation using message = 'a reading names a batch that does not exist',
      constraint = 'reading_batch_id_foreign', table = 'reading';
  end if;
end $$;`);
    this.addSql(`create function ewc_reading_refs_check() returns trigger language plpgsql as $$
begin
  perform ewc_reading_refs_exist(array(select distinct meter_id from new_rows), array(select distinct batch_id from new_rows));
  return null;
end $$;`);
    this.addSql(`create trigger "reading_refs_insert" after insert on "reading" referencing new table as new_rows
      for each statement execute function ewc_reading_refs_check();`);
    this.addSql(`create trigger "reading_refs_update" after update on "reading" referencing new table as new_rows
      for each statement execute function ewc_reading_refs_check();`);

    // The referenced side: a meter or batch that readings name keeps existing, under the same id.
    for (const [table, column] of [['meter', 'meter_id'], ['reading_batch', 'batch_id']]) {
      this.addSql(`create function ewc_${table}_unreferenced() returns trigger language plpgsql as $$
begin
  if exists (select 1 from old_rows o where not exists (select 1 from ${table} t where t.id = o.id)
                                        and exists (select 1 from reading r where r.${column} = o.id)) then
    raise foreign_key_violation using message = 'readings still name this ${table.replace('_', ' ')}',
      constraint = 'reading_${column.replace('_id', '')}_id_foreign', table = '${table}';
  end if;
  return null;
end $$;`);
      this.addSql(`create trigger "${table}_readings_delete" after delete on "${table}" referencing old table as old_rows
        for each statement execute function ewc_${table}_unreferenced();`);
      this.addSql(`create trigger "${table}_readings_update" after update on "${table}" referencing old table as old_rows
        for each statement execute function ewc_${table}_unreferenced();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['meter', 'reading_batch']) {
      this.addSql(`drop trigger if exists "${table}_readings_delete" on "${table}";`);
      this.addSql(`drop trigger if exists "${table}_readings_update" on "${table}";`);
      this.addSql(`drop function if exists ewc_${table}_unreferenced();`);
    }
    this.addSql(`drop trigger if exists "reading_refs_insert" on "reading";`);
    this.addSql(`drop trigger if exists "reading_refs_update" on "reading";`);
    this.addSql(`drop function if exists ewc_reading_refs_check();`);
    this.addSql(`drop function if exists ewc_reading_refs_exist(int[], int[]);`);
    this.addSql(`alter table "reading" add constraint "reading_meter_id_foreign" foreign key ("meter_id") references "meter" ("id") on update cascade;`);
    this.addSql(`alter table "reading" add constraint "reading_batch_id_foreign" foreign key ("batch_id") references "reading_batch" ("id") on update cascade;`);
  }

}
