import { Migration } from '@mikro-orm/migrations';

/**
 * Readings partitioned by month of period_start (UTC months), so a city's years of hourly data
 * stay in tables of a few million rows each and old months can be detached or archived whole.
 * The key of a partitioned table must hold the partition column: the primary key becomes
 * (id, period_start) and a revision refers to its reading by both.
 */
export class Migration20261125021000_partitions extends Migration {

  override async up(): Promise<void> {
    // Makes the monthly partitions covering [p_from, p_to) that are missing; returns how many.
    // The advisory lock keeps two sessions from racing to create the same month.
    this.addSql(`create or replace function ewc_ensure_reading_partitions(p_from timestamptz, p_to timestamptz) returns int
language plpgsql as $$
declare
  m timestamp;
  made int := 0;
  part text;
begin
  if p_from is null or p_to is null or p_to <= p_from then return 0; end if;
  if p_to - p_from > interval '100 years' then
    raise exception 'reading partitions: % to % is more than 100 years', p_from, p_to;
  end if;
  m := date_trunc('month', p_from at time zone 'UTC');
  while (m at time zone 'UTC') < p_to loop
    part := 'reading_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM');
    if to_regclass(part) is null then
      perform pg_advisory_xact_lock(hashtext('ewc_reading_partitions'));
      if to_regclass(part) is null then
        execute format('create table %I partition of reading for values from (%L) to (%L)',
                       part, m at time zone 'UTC', (m + interval '1 month') at time zone 'UTC');
        made := made + 1;
      end if;
    end if;
    m := m + interval '1 month';
  end loop;
  return made;
end $$;`);

    this.addSql(`alter table "reading_revision" drop constraint "reading_revision_reading_id_foreign";`);
    this.addSql(`alter table "reading" rename to "reading_unpartitioned";`);
    this.addSql(`alter table "reading_unpartitioned" rename constraint "reading_pkey" to "reading_unpartitioned_pkey";`);
    this.addSql(`alter table "reading_unpartitioned" rename constraint "reading_natural_key" to "reading_unpartitioned_natural_key";`);

    this.addSql(`create table "reading" (
      "id" bigint not null default nextval('reading_id_seq'),
      "meter_id" int not null, "period_start" timestamptz not null, "period_end" timestamptz not null,
      "value" double precision not null, "quality" "reading_quality" not null, "batch_id" int not null,
      constraint "reading_pkey" primary key ("id", "period_start"),
      constraint "reading_natural_key" unique ("meter_id", "period_start", "period_end")
    ) partition by range ("period_start");`);
    this.addSql(`alter sequence "reading_id_seq" owned by "reading"."id";`);
    this.addSql(`alter table "reading" add constraint "reading_meter_id_foreign" foreign key ("meter_id") references "meter" ("id") on update cascade;`);
    this.addSql(`alter table "reading" add constraint "reading_batch_id_foreign" foreign key ("batch_id") references "reading_batch" ("id") on update cascade;`);

    this.addSql(`select ewc_ensure_reading_partitions(min(period_start), max(period_start) + interval '1 second') from "reading_unpartitioned";`);
    this.addSql(`insert into "reading" (id, meter_id, period_start, period_end, value, quality, batch_id)
                 select id, meter_id, period_start, period_end, value, quality, batch_id from "reading_unpartitioned";`);

    this.addSql(`alter table "reading_revision" add column "reading_period_start" timestamptz null;`);
    this.addSql(`update "reading_revision" v set "reading_period_start" = r.period_start from "reading" r where r.id = v.reading_id;`);
    this.addSql(`alter table "reading_revision" alter column "reading_period_start" set not null;`);
    this.addSql(`drop index "reading_revision_reading_id_index";`);
    this.addSql(`create index "reading_revision_reading_id_reading_period_start_index" on "reading_revision" ("reading_id", "reading_period_start");`);
    this.addSql(`alter table "reading_revision" add constraint "reading_revision_reading_id_reading_period_start_foreign" foreign key ("reading_id", "reading_period_start") references "reading" ("id", "period_start") on update cascade on delete cascade;`);
    this.addSql(`drop table "reading_unpartitioned";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "reading_revision" drop constraint "reading_revision_reading_id_reading_period_start_foreign";`);
    this.addSql(`drop index "reading_revision_reading_id_reading_period_start_index";`);
    this.addSql(`alter table "reading_revision" drop column "reading_period_start";`);
    this.addSql(`create table "reading_plain" (like "reading" including defaults);`);
    this.addSql(`insert into "reading_plain" select * from "reading";`);
    this.addSql(`alter sequence "reading_id_seq" owned by none;`);
    this.addSql(`drop table "reading";`);
    this.addSql(`alter table "reading_plain" rename to "reading";`);
    this.addSql(`alter sequence "reading_id_seq" owned by "reading"."id";`);
    this.addSql(`alter table "reading" add constraint "reading_pkey" primary key ("id");`);
    this.addSql(`alter table "reading" add constraint "reading_natural_key" unique ("meter_id", "period_start", "period_end");`);
    this.addSql(`alter table "reading" add constraint "reading_meter_id_foreign" foreign key ("meter_id") references "meter" ("id") on update cascade;`);
    this.addSql(`alter table "reading" add constraint "reading_batch_id_foreign" foreign key ("batch_id") references "reading_batch" ("id") on update cascade;`);
    this.addSql(`create index "reading_revision_reading_id_index" on "reading_revision" ("reading_id");`);
    this.addSql(`alter table "reading_revision" add constraint "reading_revision_reading_id_foreign" foreign key ("reading_id") references "reading" ("id") on update cascade on delete cascade;`);
    this.addSql(`drop function ewc_ensure_reading_partitions(timestamptz, timestamptz);`);
  }

}
