import { Migration } from '@mikro-orm/migrations';

export class Migration20261205000000_recycling_close extends Migration {

  override async up(): Promise<void> {
    // A closed year's recycling records as they were when it was closed (or last recalculated): its figures and targets read these.
    this.addSql(`create table "closed_recycling" ("year" smallint not null, "institution_id" int not null, "month" date not null, "stream" "recycling_stream" not null, "disposition" "waste_disposition" not null, "quantity_kg" numeric(12,3) not null, primary key ("year", "institution_id", "month", "stream", "disposition"));`);
    this.addSql(`create index "closed_recycling_month_index" on "closed_recycling" ("month");`);
    // Years closed before this migration freeze the records they hold now.
    this.addSql(`insert into "closed_recycling" (year, institution_id, month, stream, disposition, quantity_kg)
      select c.year, r.institution_id, r.month, r.stream, r.disposition, r.quantity_kg
        from "year_closure" c join "recycling_record" r on r.month >= make_date(c.year, 1, 1) and r.month < make_date(c.year + 1, 1, 1);`);
    this.addSql(`select ewc_track_data_version('closed_recycling'::regclass);`);
    // The kilograms a record had before a correction replaced them (readings keep theirs in reading_revision).
    this.addSql(`create table "recycling_record_revision" ("id" bigserial primary key, "record_id" int not null references "recycling_record" ("id") on delete cascade, "quantity_kg" numeric(12,3) not null, "replaced_by" varchar(200) not null, "replaced_at" timestamptz not null default now());`);
    this.addSql(`create index "recycling_record_revision_record_id_index" on "recycling_record_revision" ("record_id");`);
    this.addSql(`select ewc_track_data_version('recycling_record_revision'::regclass);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "recycling_record_revision";`);
    this.addSql(`drop table if exists "closed_recycling";`);
  }

}
