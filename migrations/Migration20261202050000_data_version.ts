import { Migration } from '@mikro-orm/migrations';

/**
 * A version per table, moved by every transaction that writes the table, for the response cache
 * (src/server/response-cache.ts): an answer is served again only while the versions of the tables it
 * read are unchanged. Triggers catch every writer (the hub, the CLI, psql), and the version moves
 * in the writer's own transaction, so a reader that sees the new version sees the new rows too.
 *
 * A statement trigger on each table only notes the table in a transaction-local setting and, once per
 * transaction, inserts a row into `data_touch`, whose deferred trigger bumps the noted tables at
 * COMMIT. The version rows are thus locked only while the transaction commits, not from its first
 * write: two transactions writing the same table do not wait on each other for the version.
 */
export class Migration20261202050000_data_version extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "data_version" ("tbl" text primary key, "v" bigint not null);`);
    this.addSql(`create table "data_touch" ("id" bigserial primary key);`);
    // Also called by writers that triggers cannot see (a partition attached by DDL): select ewc_note_written(array['reading']).
    this.addSql(`create function ewc_note_written(tables text[]) returns void language plpgsql as $$
      declare
        noted text := coalesce(current_setting('ewc.written_tables', true), '');
        t text;
      begin
        foreach t in array tables loop
          if noted = '' then
            insert into data_touch default values;
            noted := t;
          elsif position(',' || t || ',' in ',' || noted || ',') = 0 then
            noted := noted || ',' || t;
          end if;
        end loop;
        perform set_config('ewc.written_tables', noted, true);
      end $$;`);
    this.addSql(`create function ewc_note_data_write() returns trigger language plpgsql as $$
      begin
        perform ewc_note_written(array[TG_TABLE_NAME::text]);
        return null;
      end $$;`);
    this.addSql(`create function ewc_bump_data_version() returns trigger language plpgsql as $$
      begin
        insert into data_version (tbl, v)
          select t, 1 from unnest(string_to_array(coalesce(current_setting('ewc.written_tables', true), ''), ',')) t where t <> ''
          on conflict (tbl) do update set v = data_version.v + 1;
        perform set_config('ewc.written_tables', '', true);
        delete from data_touch where id = new.id;
        return null;
      end $$;`);
    this.addSql(`create constraint trigger "data_touch_bump" after insert on "data_touch" deferrable initially deferred
      for each row execute function ewc_bump_data_version();`);
    // Every table there is now (partitions are written through their parent); a later migration that
    // adds a table calls ewc_track_data_version(name). The cache never keeps an answer that read an
    // untracked table.
    this.addSql(`create function ewc_track_data_version(tbl regclass) returns void language plpgsql as $$
      begin
        execute format('create trigger %I after insert or update or delete or truncate on %s for each statement execute function ewc_note_data_write()',
          'data_version_' || (select relname from pg_class where oid = tbl), tbl);
      end $$;`);
    this.addSql(`select ewc_track_data_version(c.oid::regclass) from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname not in ('data_version', 'data_touch', 'mikro_orm_migrations');`);
  }

  override async down(): Promise<void> {
    this.addSql(`do $$ declare r record; begin
      for r in select tgname, tgrelid::regclass as rel from pg_trigger where tgname like 'data\\_version\\_%' loop
        execute format('drop trigger %I on %s', r.tgname, r.rel);
      end loop; end $$;`);
    this.addSql(`drop function if exists ewc_track_data_version(regclass);`);
    this.addSql(`drop table if exists "data_touch";`);
    this.addSql(`drop function if exists ewc_bump_data_version();`);
    this.addSql(`drop function if exists ewc_note_data_write();`);
    this.addSql(`drop function if exists ewc_note_written(text[]);`);
    this.addSql(`drop table if exists "data_version";`);
  }

}
