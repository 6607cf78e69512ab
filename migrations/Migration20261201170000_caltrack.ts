import { Migration } from '@mikro-orm/migrations';

export class Migration20261201170000_caltrack extends Migration {

  override async up(): Promise<void> {
    // Weather as data: stations (one may serve a region and, up the tree, its children) and their daily means in °C.
    this.addSql(`create table "weather_station" ("id" serial primary key, "code" varchar(32) not null unique, "name" varchar(200) not null, "region_id" int null unique references "region" ("id"), "source" text not null, "created_at" timestamptz not null default now());`);
    // Temperatures entered by SQL so far were per region: each such region gets a station of its own.
    this.addSql(`insert into "weather_station" ("code", "name", "region_id", "source")
      select 'R' || r.code, r.name || ' (region series)', r.id, min(w.source) from "weather_day" w join "region" r on r.id = w.region_id group by r.id, r.code, r.name;`);
    this.addSql(`alter table "weather_day" add column "station_id" int null references "weather_station" ("id"), add column "imported_at" timestamptz not null default now(), add column "imported_by" text not null default 'sql';`);
    this.addSql(`update "weather_day" w set "station_id" = s.id from "weather_station" s where s.region_id = w.region_id;`);
    this.addSql(`alter table "weather_day" drop constraint "weather_day_pkey", drop column "region_id", alter column "station_id" set not null, add primary key ("station_id", "day");`);

    // Frozen baselines: one version per fit (at SIGNED, then per rebaselining), the current one not superseded.
    this.addSql(`create table "epc_baseline" ("id" serial primary key, "contract_id" int not null references "epc_contract" ("id"), "version" int not null, "models" jsonb not null, "data_count" int not null, "data_hash" text not null, "reason" text not null, "fitted_by" text not null, "fitted_at" timestamptz not null default now(), "superseded_at" timestamptz null, unique ("contract_id", "version"));`);
    this.addSql(`create table "epc_non_routine_event" ("id" serial primary key, "contract_id" int not null references "epc_contract" ("id"), "from_day" date not null, "to_day" date not null, "adjustment_kgce" numeric(16, 3) not null, "reason" text not null, "recorded_by" text not null, "recorded_at" timestamptz not null default now(), check ("from_day" < "to_day"));`);
    this.addSql(`create index "epc_non_routine_event_contract_id_index" on "epc_non_routine_event" ("contract_id");`);
    // A settlement period frozen by a payment: its figures as paid, and each accepted difference before it.
    this.addSql(`create table "epc_settlement" ("contract_id" int not null references "epc_contract" ("id"), "period_start" date not null, "period_end" date not null, "figures" jsonb not null, "frozen_at" timestamptz not null default now(), "frozen_by" text not null, "payment_id" int not null references "epc_payment" ("id"), "history" jsonb not null default '[]', primary key ("contract_id", "period_start"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "epc_settlement", "epc_non_routine_event", "epc_baseline";`);
    this.addSql(`alter table "weather_day" add column "region_id" int null references "region" ("id");`);
    this.addSql(`update "weather_day" w set "region_id" = s.region_id from "weather_station" s where s.id = w.station_id;`);
    this.addSql(`delete from "weather_day" where "region_id" is null;`);
    this.addSql(`alter table "weather_day" drop constraint "weather_day_pkey", drop column "station_id", drop column "imported_at", drop column "imported_by", alter column "region_id" set not null, add primary key ("region_id", "day");`);
    this.addSql(`drop table if exists "weather_station";`);
  }

}
