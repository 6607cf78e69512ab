import { Migration } from '@mikro-orm/migrations';

export class Migration20261204091000_city_target extends Migration {

  override async up(): Promise<void> {
    // Yearly city targets set by GOA: one value per year and kind, a share from 0 to 1.
    this.addSql(`create type "target_kind" as enum ('NEV_SHARE_OF_ADDED', 'RECYCLING_RATE');`);
    this.addSql(`create table "city_target" ("id" serial primary key, "year" smallint not null, "kind" "target_kind" not null, "share" numeric(5,4) not null, "updated_at" timestamptz not null default now());`);
    this.addSql(`alter table "city_target" add constraint "city_target_year_kind_unique" unique ("year", "kind");`);
    this.addSql(`select ewc_track_data_version('city_target'::regclass);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "city_target" cascade;`);
    this.addSql(`drop type if exists "target_kind";`);
  }
}
