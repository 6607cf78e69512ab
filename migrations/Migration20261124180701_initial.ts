import { Migration } from '@mikro-orm/migrations';

export class Migration20261124180701_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "region_level" as enum ('PROVINCE', 'CITY', 'COUNTY');`);
    this.addSql(`create type "institution_category" as enum ('GOVERNMENT_OFFICE', 'HOSPITAL', 'SCHOOL', 'OTHER_PUBLIC');`);
    this.addSql(`create type "carrier" as enum ('ELECTRICITY', 'NATURAL_GAS', 'WATER', 'DIESEL', 'GASOLINE', 'LPG', 'COAL', 'HEAT', 'PV_GENERATION');`);
    this.addSql(`create type "meter_unit" as enum ('KWH', 'MWH', 'M3', 'L', 'KG', 'T', 'MJ', 'GJ');`);
    this.addSql(`create type "key_role" as enum ('admin', 'editor', 'viewer');`);
    this.addSql(`create type "batch_source" as enum ('GRAPHQL', 'IMPORT', 'DEMO');`);
    this.addSql(`create type "reading_quality" as enum ('MEASURED', 'ESTIMATED');`);
    this.addSql(`create table "agency" ("id" serial primary key, "code" varchar(32) not null, "name" varchar(255) not null, "name_zh" varchar(255) not null);`);
    this.addSql(`alter table "agency" add constraint "agency_code_unique" unique ("code");`);

    this.addSql(`create table "region" ("id" serial primary key, "code" varchar(12) not null, "name" varchar(255) not null, "name_zh" varchar(255) not null, "level" "region_level" not null, "parent_id" int null);`);
    this.addSql(`alter table "region" add constraint "region_code_unique" unique ("code");`);

    this.addSql(`create table "institution" ("id" serial primary key, "name" varchar(255) not null, "name_zh" varchar(255) not null, "credit_code" varchar(18) not null, "category" "institution_category" not null, "region_id" int not null, "in_municipal_appraisal" boolean not null default false, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "institution_name_zh_idx" on "institution" ("name_zh");`);
    this.addSql(`alter table "institution" add constraint "institution_credit_code_unique" unique ("credit_code");`);

    this.addSql(`create table "meter" ("id" serial primary key, "institution_id" int not null, "carrier" "carrier" not null, "unit" "meter_unit" not null, "serial" varchar(64) not null, "supplier_id" int null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "meter" add constraint "meter_serial_unique" unique ("serial");`);
    this.addSql(`create index "meter_institution_id_carrier_index" on "meter" ("institution_id", "carrier");`);

    this.addSql(`create table "institution_profile" ("id" serial primary key, "institution_id" int not null, "year" smallint not null, "headcount" int null, "floor_area_m2" double precision null, "heated_area_m2" double precision null, "cooled_area_m2" double precision null, "updated_at" timestamptz not null default now());`);
    this.addSql(`alter table "institution_profile" add constraint "institution_profile_institution_id_year_unique" unique ("institution_id", "year");`);

    this.addSql(`create table "api_key" ("id" serial primary key, "name" varchar(255) not null, "prefix" varchar(16) not null, "hash" varchar(64) not null, "role" "key_role" not null, "agency_id" int null, "institution_id" int null, "esco_id" int null, "created_at" timestamptz not null default now(), "revoked_at" timestamptz null);`);
    this.addSql(`alter table "api_key" add constraint "api_key_prefix_unique" unique ("prefix");`);

    this.addSql(`create table "reading_batch" ("id" serial primary key, "source" "batch_source" not null, "api_key_id" int null, "submitted_by" varchar(255) not null, "received_at" timestamptz not null, "accepted" int not null, "duplicates" int not null, "corrected" int not null);`);

    this.addSql(`create table "reading" ("id" bigserial primary key, "meter_id" int not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "value" double precision not null, "quality" "reading_quality" not null, "batch_id" int not null);`);
    this.addSql(`alter table "reading" add constraint "reading_natural_key" unique ("meter_id", "period_start", "period_end");`);

    this.addSql(`create table "reading_revision" ("id" bigserial primary key, "reading_id" bigint not null, "value" double precision not null, "quality" "reading_quality" not null, "batch_id" int not null, "replaced_by_id" int not null, "replaced_at" timestamptz not null);`);
    this.addSql(`create index "reading_revision_reading_id_index" on "reading_revision" ("reading_id");`);

    this.addSql(`alter table "region" add constraint "region_parent_id_foreign" foreign key ("parent_id") references "region" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "institution" add constraint "institution_region_id_foreign" foreign key ("region_id") references "region" ("id") on update cascade;`);

    this.addSql(`alter table "meter" add constraint "meter_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);
    this.addSql(`alter table "meter" add constraint "meter_supplier_id_foreign" foreign key ("supplier_id") references "agency" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "institution_profile" add constraint "institution_profile_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);

    this.addSql(`alter table "api_key" add constraint "api_key_agency_id_foreign" foreign key ("agency_id") references "agency" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "api_key" add constraint "api_key_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "reading_batch" add constraint "reading_batch_api_key_id_foreign" foreign key ("api_key_id") references "api_key" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "reading" add constraint "reading_meter_id_foreign" foreign key ("meter_id") references "meter" ("id") on update cascade;`);
    this.addSql(`alter table "reading" add constraint "reading_batch_id_foreign" foreign key ("batch_id") references "reading_batch" ("id") on update cascade;`);

    this.addSql(`alter table "reading_revision" add constraint "reading_revision_reading_id_foreign" foreign key ("reading_id") references "reading" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "reading_revision" add constraint "reading_revision_batch_id_foreign" foreign key ("batch_id") references "reading_batch" ("id") on update cascade;`);
    this.addSql(`alter table "reading_revision" add constraint "reading_revision_replaced_by_id_foreign" foreign key ("replaced_by_id") references "reading_batch" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "meter" drop constraint "meter_supplier_id_foreign";`);

    this.addSql(`alter table "api_key" drop constraint "api_key_agency_id_foreign";`);

    this.addSql(`alter table "region" drop constraint "region_parent_id_foreign";`);

    this.addSql(`alter table "institution" drop constraint "institution_region_id_foreign";`);

    this.addSql(`alter table "meter" drop constraint "meter_institution_id_foreign";`);

    this.addSql(`alter table "institution_profile" drop constraint "institution_profile_institution_id_foreign";`);

    this.addSql(`alter table "api_key" drop constraint "api_key_institution_id_foreign";`);

    this.addSql(`alter table "reading" drop constraint "reading_meter_id_foreign";`);

    this.addSql(`alter table "reading_batch" drop constraint "reading_batch_api_key_id_foreign";`);

    this.addSql(`alter table "reading" drop constraint "reading_batch_id_foreign";`);

    this.addSql(`alter table "reading_revision" drop constraint "reading_revision_batch_id_foreign";`);

    this.addSql(`alter table "reading_revision" drop constraint "reading_revision_replaced_by_id_foreign";`);

    this.addSql(`alter table "reading_revision" drop constraint "reading_revision_reading_id_foreign";`);

    this.addSql(`drop table if exists "agency" cascade;`);

    this.addSql(`drop table if exists "region" cascade;`);

    this.addSql(`drop table if exists "institution" cascade;`);

    this.addSql(`drop table if exists "meter" cascade;`);

    this.addSql(`drop table if exists "institution_profile" cascade;`);

    this.addSql(`drop table if exists "api_key" cascade;`);

    this.addSql(`drop table if exists "reading_batch" cascade;`);

    this.addSql(`drop table if exists "reading" cascade;`);

    this.addSql(`drop table if exists "reading_revision" cascade;`);

    this.addSql(`drop type "region_level";`);
    this.addSql(`drop type "institution_category";`);
    this.addSql(`drop type "carrier";`);
    this.addSql(`drop type "meter_unit";`);
    this.addSql(`drop type "key_role";`);
    this.addSql(`drop type "batch_source";`);
    this.addSql(`drop type "reading_quality";`);
  }

}
