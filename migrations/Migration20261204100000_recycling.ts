import { Migration } from '@mikro-orm/migrations';

export class Migration20261204100000_recycling extends Migration {

  override async up(): Promise<void> {
    // Recycling records: kilograms per institution, local month, waste stream and disposition.
    this.addSql(`create type "recycling_stream" as enum ('PAPER', 'PLASTICS', 'METALS', 'GLASS', 'E_WASTE', 'KITCHEN_WASTE', 'OTHER');`);
    this.addSql(`create type "waste_disposition" as enum ('RECYCLED', 'LANDFILLED', 'INCINERATED');`);
    this.addSql(`create table "recycling_record" ("id" serial primary key, "institution_id" int not null, "month" date not null, "stream" "recycling_stream" not null, "disposition" "waste_disposition" not null, "quantity_kg" numeric(12,3) not null, "created_by" varchar(200) not null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "recycling_record" add constraint "recycling_record_institution_id_month_stream_disposition_unique" unique ("institution_id", "month", "stream", "disposition");`);
    this.addSql(`alter table "recycling_record" add constraint "recycling_record_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);
    // Figures of a period read every institution's months of that period.
    this.addSql(`create index "recycling_record_month_index" on "recycling_record" ("month");`);
    // Writes move a data version, so the response cache may keep answers that read the records.
    this.addSql(`select ewc_track_data_version('recycling_record'::regclass);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "recycling_record" cascade;`);
    this.addSql(`drop type "recycling_stream";`);
    this.addSql(`drop type "waste_disposition";`);
  }

}
