import { Migration } from '@mikro-orm/migrations';

export class Migration20261202080000_fleet extends Migration {

  override async up(): Promise<void> {
    // Official fleets: vehicles, their refuellings and chargings (keyed by vehicle, energy, day, odometer), charging points.
    this.addSql(`create type "vehicle_type" as enum ('SEDAN', 'BUS', 'VAN', 'TRUCK', 'SPECIAL_PURPOSE');`);
    this.addSql(`create type "vehicle_powertrain" as enum ('PETROL', 'DIESEL', 'HYBRID', 'PLUG_IN_HYBRID', 'BATTERY_ELECTRIC', 'FUEL_CELL');`);
    this.addSql(`create type "vehicle_energy" as enum ('GASOLINE', 'DIESEL', 'ELECTRICITY');`);
    this.addSql(`create table "charging_point" ("id" serial primary key, "institution_id" int not null, "code" varchar(32) not null, "location" varchar(200) not null, "power_kw" double precision not null, "connectors" int not null, "meter_id" int null, "behind_building_meter" boolean not null default false, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "charging_point" add constraint "charging_point_code_unique" unique ("code");`);
    this.addSql(`create index "charging_point_institution_id_index" on "charging_point" ("institution_id");`);

    this.addSql(`create table "vehicle" ("id" serial primary key, "institution_id" int not null, "plate" varchar(16) not null, "type" "vehicle_type" not null, "powertrain" "vehicle_powertrain" not null, "new_energy" boolean not null, "in_service_on" date not null, "out_of_service_on" date null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "vehicle" add constraint "vehicle_plate_unique" unique ("plate");`);
    this.addSql(`create index "vehicle_institution_id_index" on "vehicle" ("institution_id");`);

    this.addSql(`create table "vehicle_energy_record" ("id" bigserial primary key, "vehicle_id" int not null, "energy" "vehicle_energy" not null, "day" date not null, "quantity" numeric(12,3) not null, "odometer_km" numeric(10,1) not null, "charging_point_id" int null, "created_by" varchar(200) not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "vehicle_energy_record_charging_point_id_index" on "vehicle_energy_record" ("charging_point_id");`);
    this.addSql(`alter table "vehicle_energy_record" add constraint "vehicle_energy_record_vehicle_id_energy_day_odometer_km_unique" unique ("vehicle_id", "energy", "day", "odometer_km");`);

    this.addSql(`alter table "charging_point" add constraint "charging_point_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);
    this.addSql(`alter table "charging_point" add constraint "charging_point_meter_id_foreign" foreign key ("meter_id") references "meter" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "vehicle" add constraint "vehicle_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);

    this.addSql(`alter table "vehicle_energy_record" add constraint "vehicle_energy_record_vehicle_id_foreign" foreign key ("vehicle_id") references "vehicle" ("id") on update cascade;`);
    this.addSql(`alter table "vehicle_energy_record" add constraint "vehicle_energy_record_charging_point_id_foreign" foreign key ("charging_point_id") references "charging_point" ("id") on update cascade on delete set null;`);

  }

  override async down(): Promise<void> {
    this.addSql(`alter table "vehicle_energy_record" drop constraint "vehicle_energy_record_charging_point_id_foreign";`);

    this.addSql(`alter table "vehicle_energy_record" drop constraint "vehicle_energy_record_vehicle_id_foreign";`);

    this.addSql(`drop table if exists "charging_point" cascade;`);

    this.addSql(`drop table if exists "vehicle" cascade;`);

    this.addSql(`drop table if exists "vehicle_energy_record" cascade;`);

    this.addSql(`drop type "vehicle_type";`);
    this.addSql(`drop type "vehicle_powertrain";`);
    this.addSql(`drop type "vehicle_energy";`);
  }

}
