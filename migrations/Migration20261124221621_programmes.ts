import { Migration } from '@mikro-orm/migrations';

export class Migration20261124221621_programmes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "pv_financing" as enum ('SELF_FUNDED', 'EPC', 'LEASE');`);
    this.addSql(`create type "pv_status" as enum ('PLANNED', 'UNDER_CONSTRUCTION', 'OPERATING', 'DECOMMISSIONED');`);
    this.addSql(`create type "epc_type" as enum ('BENEFIT_SHARING', 'GUARANTEED_SAVINGS', 'ENERGY_COST_TRUSTEESHIP', 'FINANCE_LEASE', 'HYBRID');`);
    this.addSql(`create type "epc_status" as enum ('DRAFT', 'AUDITED', 'APPROVED', 'SIGNED', 'IMPLEMENTING', 'OPERATING', 'HANDED_OVER', 'TERMINATED');`);
    this.addSql(`create type "baseline_driver" as enum ('NONE', 'FLOOR_AREA', 'HEADCOUNT');`);
    this.addSql(`create type "settlement_period" as enum ('MONTH', 'QUARTER');`);
    this.addSql(`create type "audit_trigger" as enum ('HIGH_CONSUMPTION', 'LARGE_FLOOR_AREA', 'MANY_OCCUPANTS', 'PERIODIC', 'EPC_PREPARATION');`);
    this.addSql(`create table "esco" ("id" serial primary key, "name" varchar(255) not null, "name_zh" varchar(255) not null, "credit_code" varchar(18) not null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "esco" add constraint "esco_credit_code_unique" unique ("credit_code");`);

    this.addSql(`create table "pv_project" ("id" serial primary key, "institution_id" int not null, "name" varchar(255) not null, "name_zh" varchar(255) not null, "capacity_kw" double precision not null, "investment_yuan" numeric(14,2) not null, "financing" "pv_financing" not null, "status" "pv_status" not null, "started_on" date not null, "commissioned_on" date null, "decommissioned_on" date null, "expected_annual_kwh" double precision not null, "reported_annual_co2_t" double precision not null, "generation_meter_id" int null, "export_meter_id" int null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "pv_project_institution_id_index" on "pv_project" ("institution_id");`);

    this.addSql(`create table "epc_contract" ("id" serial primary key, "institution_id" int not null, "esco_id" int not null, "title" varchar(255) not null, "type" "epc_type" not null, "status" "epc_status" not null default 'DRAFT', "carriers" "carrier"[] not null, "measures" jsonb not null, "term_start" date not null, "term_end" date not null, "investment_yuan" numeric(14,2) not null, "esco_share" numeric(5,4) null, "guaranteed_savings_rate" numeric(5,4) null, "prices" jsonb not null, "baseline_start" date not null, "baseline_driver" "baseline_driver" not null, "settlement_period" "settlement_period" not null, "created_at" timestamptz not null default now(), "created_by" varchar(255) not null);`);
    this.addSql(`create index "epc_contract_esco_id_index" on "epc_contract" ("esco_id");`);
    this.addSql(`create index "epc_contract_institution_id_index" on "epc_contract" ("institution_id");`);

    this.addSql(`create table "epc_transition" ("id" serial primary key, "contract_id" int not null, "from_status" "epc_status" null, "to_status" "epc_status" not null, "note" text null, "actor" varchar(255) not null, "at" timestamptz not null default now());`);
    this.addSql(`create index "epc_transition_contract_id_index" on "epc_transition" ("contract_id");`);

    this.addSql(`create table "epc_payment" ("id" serial primary key, "contract_id" int not null, "amount_yuan" numeric(14,2) not null, "paid_on" date not null, "note" text null, "recorded_by" varchar(255) not null, "recorded_at" timestamptz not null default now());`);
    this.addSql(`create index "epc_payment_contract_id_index" on "epc_payment" ("contract_id");`);

    this.addSql(`create table "epc_asset" ("id" serial primary key, "contract_id" int not null, "name" varchar(255) not null, "quantity" int not null, "value_yuan" numeric(14,2) not null, "handed_over_at" timestamptz null);`);
    this.addSql(`create index "epc_asset_contract_id_index" on "epc_asset" ("contract_id");`);

    this.addSql(`create table "energy_audit" ("id" serial primary key, "institution_id" int not null, "auditor" varchar(255) not null, "audited_on" date not null, "triggers" "audit_trigger"[] not null, "findings" text not null, "measures" jsonb not null, "suits_epc" boolean not null, "created_by" varchar(255) not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "energy_audit_institution_id_audited_on_index" on "energy_audit" ("institution_id", "audited_on");`);

    this.addSql(`alter table "pv_project" add constraint "pv_project_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);
    this.addSql(`alter table "pv_project" add constraint "pv_project_generation_meter_id_foreign" foreign key ("generation_meter_id") references "meter" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "pv_project" add constraint "pv_project_export_meter_id_foreign" foreign key ("export_meter_id") references "meter" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "epc_contract" add constraint "epc_contract_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);
    this.addSql(`alter table "epc_contract" add constraint "epc_contract_esco_id_foreign" foreign key ("esco_id") references "esco" ("id") on update cascade;`);

    this.addSql(`alter table "epc_transition" add constraint "epc_transition_contract_id_foreign" foreign key ("contract_id") references "epc_contract" ("id") on update cascade;`);

    this.addSql(`alter table "epc_payment" add constraint "epc_payment_contract_id_foreign" foreign key ("contract_id") references "epc_contract" ("id") on update cascade;`);

    this.addSql(`alter table "epc_asset" add constraint "epc_asset_contract_id_foreign" foreign key ("contract_id") references "epc_contract" ("id") on update cascade;`);

    this.addSql(`alter table "energy_audit" add constraint "energy_audit_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);

    this.addSql(`alter table "api_key" add constraint "api_key_esco_id_foreign" foreign key ("esco_id") references "esco" ("id") on update cascade on delete set null;`);
    // Daily mean temperatures by region, for degree-day baselines (CalTRACK); filled by import, not by entities.
    this.addSql(`create table "weather_day" ("region_id" int not null references "region" ("id"), "day" date not null, "mean_temp_c" double precision not null, "source" text not null, primary key ("region_id", "day"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "weather_day";`);
    this.addSql(`alter table "epc_contract" drop constraint "epc_contract_esco_id_foreign";`);

    this.addSql(`alter table "api_key" drop constraint "api_key_esco_id_foreign";`);

    this.addSql(`alter table "epc_transition" drop constraint "epc_transition_contract_id_foreign";`);

    this.addSql(`alter table "epc_payment" drop constraint "epc_payment_contract_id_foreign";`);

    this.addSql(`alter table "epc_asset" drop constraint "epc_asset_contract_id_foreign";`);

    this.addSql(`drop table if exists "esco" cascade;`);

    this.addSql(`drop table if exists "pv_project" cascade;`);

    this.addSql(`drop table if exists "epc_contract" cascade;`);

    this.addSql(`drop table if exists "epc_transition" cascade;`);

    this.addSql(`drop table if exists "epc_payment" cascade;`);

    this.addSql(`drop table if exists "epc_asset" cascade;`);

    this.addSql(`drop table if exists "energy_audit" cascade;`);

    this.addSql(`drop type "pv_financing";`);
    this.addSql(`drop type "pv_status";`);
    this.addSql(`drop type "epc_type";`);
    this.addSql(`drop type "epc_status";`);
    this.addSql(`drop type "baseline_driver";`);
    this.addSql(`drop type "settlement_period";`);
    this.addSql(`drop type "audit_trigger";`);
  }

}
