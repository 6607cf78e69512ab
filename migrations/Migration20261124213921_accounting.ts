import { Migration } from '@mikro-orm/migrations';

export class Migration20261124213921_accounting extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "indicator_kind" as enum ('PER_CAPITA_ENERGY', 'ENERGY_PER_AREA', 'PER_CAPITA_WATER');`);
    this.addSql(`create type "rectification_status" as enum ('OPEN', 'RESPONDED', 'ACCEPTED', 'RETURNED');`);
    this.addSql(`create type "alert_direction" as enum ('CROSSED_ABOVE', 'BACK_UNDER');`);
    this.addSql(`create type "emission_scope" as enum ('SCOPE1', 'SCOPE2');`);
    this.addSql(`create type "assessment_status" as enum ('OPEN', 'FINAL');`);
    this.addSql(`create table "conversion_factor" ("id" serial primary key, "valid_from" date not null, "valid_to" date null, "source" text not null, "published_by_id" int not null, "created_at" timestamptz not null default now(), "created_by" varchar(255) not null, "carrier" "carrier" not null, "unit" "meter_unit" not null, "kgce_per_unit" double precision not null);`);
    this.addSql(`create index "conversion_factor_carrier_valid_from_index" on "conversion_factor" ("carrier", "valid_from");`);

    this.addSql(`create table "quota_standard" ("id" serial primary key, "issuer_id" int not null, "region_id" int not null, "category" "institution_category" not null, "indicator" "indicator_kind" not null, "year_from" smallint not null, "year_to" smallint null, "constraint_value" double precision not null, "baseline_value" double precision null, "guide_value" double precision null, "source" text not null, "created_at" timestamptz not null default now(), "created_by" varchar(255) not null);`);

    this.addSql(`create table "rectification_case" ("id" serial primary key, "institution_id" int not null, "year" smallint not null, "indicator" "indicator_kind" not null, "value" double precision not null, "constraint_value" double precision not null, "status" "rectification_status" not null default 'OPEN', "cause" text null, "measures" text null, "deadline" date not null, "opened_at" timestamptz not null default now());`);
    this.addSql(`alter table "rectification_case" add constraint "rectification_case_institution_id_year_indicator_unique" unique ("institution_id", "year", "indicator");`);

    this.addSql(`create table "rectification_event" ("id" serial primary key, "rectification_case_id" int not null, "from_status" "rectification_status" null, "to_status" "rectification_status" not null, "note" text null, "actor" varchar(255) not null, "at" timestamptz not null default now());`);
    this.addSql(`create index "rectification_event_rectification_case_id_index" on "rectification_event" ("rectification_case_id");`);

    this.addSql(`create table "compliance_alert" ("id" serial primary key, "institution_id" int not null, "year" smallint not null, "indicator" "indicator_kind" not null, "direction" "alert_direction" not null, "projected_value" double precision not null, "year_to_date_value" double precision not null, "constraint_value" double precision not null, "at" timestamptz not null default now());`);
    this.addSql(`create index "compliance_alert_institution_id_year_indicator_index" on "compliance_alert" ("institution_id", "year", "indicator");`);

    this.addSql(`create table "emission_factor" ("id" serial primary key, "valid_from" date not null, "valid_to" date null, "source" text not null, "published_by_id" int not null, "created_at" timestamptz not null default now(), "created_by" varchar(255) not null, "carrier" "carrier" not null, "region_id" int null, "scope" "emission_scope" not null, "unit" "meter_unit" not null, "kg_co2_per_unit" double precision not null);`);
    this.addSql(`create index "emission_factor_carrier_valid_from_index" on "emission_factor" ("carrier", "valid_from");`);

    this.addSql(`create table "scoring_rule" ("id" serial primary key, "name" varchar(255) not null, "points_by_status" jsonb not null, "deduction_per_open_rectification" double precision not null, "created_at" timestamptz not null default now());`);

    this.addSql(`create table "assessment_round" ("id" serial primary key, "year" smallint not null, "status" "assessment_status" not null default 'OPEN', "scoring_rule_id" int not null, "opened_by" varchar(255) not null, "opened_at" timestamptz not null default now(), "finalised_at" timestamptz null);`);
    this.addSql(`alter table "assessment_round" add constraint "assessment_round_year_unique" unique ("year");`);

    this.addSql(`create table "assessment_signature" ("id" serial primary key, "round_id" int not null, "agency_code" varchar(32) not null, "signed_by" varchar(255) not null, "signed_at" timestamptz not null default now());`);
    this.addSql(`alter table "assessment_signature" add constraint "assessment_signature_round_id_agency_code_unique" unique ("round_id", "agency_code");`);

    this.addSql(`create table "assessment_entry" ("id" serial primary key, "round_id" int not null, "institution_id" int not null, "indicators" jsonb not null, "energy_kgce" double precision null, "water_m3" double precision null, "open_rectifications" int not null, "score" double precision not null, "rank" int not null, "comment" text null);`);
    this.addSql(`alter table "assessment_entry" add constraint "assessment_entry_round_id_institution_id_unique" unique ("round_id", "institution_id");`);

    this.addSql(`create table "unit_conversion" ("id" serial primary key, "valid_from" date not null, "valid_to" date null, "source" text not null, "published_by_id" int not null, "created_at" timestamptz not null default now(), "created_by" varchar(255) not null, "carrier" "carrier" null, "from_unit" "meter_unit" not null, "to_unit" "meter_unit" not null, "factor" double precision not null);`);

    this.addSql(`create table "year_closure" ("year" smallint not null, "closed_by" varchar(255) not null, "closed_at" timestamptz not null default now(), "energy_kgce" double precision not null, "emissions_kg_co2" double precision not null, constraint "year_closure_pkey" primary key ("year"));`);

    this.addSql(`create table "year_recalculation" ("id" serial primary key, "year" smallint not null, "recalculated_by" varchar(255) not null, "reason" text null, "at" timestamptz not null default now(), "old_energy_kgce" double precision not null, "new_energy_kgce" double precision not null, "old_emissions_kg_co2" double precision not null, "new_emissions_kg_co2" double precision not null);`);

    this.addSql(`alter table "conversion_factor" add constraint "conversion_factor_published_by_id_foreign" foreign key ("published_by_id") references "agency" ("id") on update cascade;`);

    this.addSql(`alter table "quota_standard" add constraint "quota_standard_issuer_id_foreign" foreign key ("issuer_id") references "agency" ("id") on update cascade;`);
    this.addSql(`alter table "quota_standard" add constraint "quota_standard_region_id_foreign" foreign key ("region_id") references "region" ("id") on update cascade;`);

    this.addSql(`alter table "rectification_case" add constraint "rectification_case_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);

    this.addSql(`alter table "rectification_event" add constraint "rectification_event_rectification_case_id_foreign" foreign key ("rectification_case_id") references "rectification_case" ("id") on update cascade;`);

    this.addSql(`alter table "compliance_alert" add constraint "compliance_alert_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);

    this.addSql(`alter table "emission_factor" add constraint "emission_factor_published_by_id_foreign" foreign key ("published_by_id") references "agency" ("id") on update cascade;`);
    this.addSql(`alter table "emission_factor" add constraint "emission_factor_region_id_foreign" foreign key ("region_id") references "region" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "assessment_round" add constraint "assessment_round_scoring_rule_id_foreign" foreign key ("scoring_rule_id") references "scoring_rule" ("id") on update cascade;`);

    this.addSql(`alter table "assessment_signature" add constraint "assessment_signature_round_id_foreign" foreign key ("round_id") references "assessment_round" ("id") on update cascade;`);

    this.addSql(`alter table "assessment_entry" add constraint "assessment_entry_round_id_foreign" foreign key ("round_id") references "assessment_round" ("id") on update cascade;`);
    this.addSql(`alter table "assessment_entry" add constraint "assessment_entry_institution_id_foreign" foreign key ("institution_id") references "institution" ("id") on update cascade;`);

    this.addSql(`alter table "unit_conversion" add constraint "unit_conversion_published_by_id_foreign" foreign key ("published_by_id") references "agency" ("id") on update cascade;`);
    // Rollups and frozen figures: plain tables kept by SQL, not entities (SQL_ONLY_TABLES in orm.config.ts).
    // A reading is consumption over [start, end); ewc_allocate spreads it by time over the local
    // calendar days it covers, so days, months, quarters and years all add up exactly.
    this.addSql(`create function ewc_allocate(p_start timestamptz, p_end timestamptz, p_value float8, p_tz text)
      returns table (day date, value float8, covered_s float8) language sql stable parallel safe as $$
        select d::date,
               p_value * extract(epoch from least(p_end, (d + interval '1 day') at time zone p_tz) - greatest(p_start, d at time zone p_tz))
                       / extract(epoch from p_end - p_start),
               extract(epoch from least(p_end, (d + interval '1 day') at time zone p_tz) - greatest(p_start, d at time zone p_tz))::float8
          from generate_series((p_start at time zone p_tz)::date::timestamp,
                               ((p_end - interval '1 microsecond') at time zone p_tz)::date::timestamp,
                               interval '1 day') as d
      $$;`);
    this.addSql(`create table "meter_day" ("meter_id" int not null references "meter" ("id") on delete cascade, "day" date not null, "value" double precision not null, "covered_s" double precision not null, primary key ("meter_id", "day"));`);
    this.addSql(`create table "meter_month" ("meter_id" int not null references "meter" ("id") on delete cascade, "month" date not null, "value" double precision not null, "covered_s" double precision not null, primary key ("meter_id", "month"));`);
    this.addSql(`create table "closed_month" ("year" smallint not null references "year_closure" ("year") on delete cascade, "institution_id" int not null references "institution" ("id"), "month" date not null, "carrier" "carrier" not null, "quantity" double precision not null, "unit" "meter_unit" not null, "kgce" double precision null, "kg_co2" double precision null, "scope" "emission_scope" null, "avoided_kg_co2" double precision null, "covered_s" double precision not null, "expected_s" double precision not null, "conversion_factor_ids" int[] not null, "emission_factor_ids" int[] not null, "unit_conversion_ids" int[] not null, primary key ("year", "institution_id", "month", "carrier"));`);
    this.addSql(`create table "closed_profile" ("year" smallint not null references "year_closure" ("year") on delete cascade, "institution_id" int not null references "institution" ("id"), "headcount" int null, "floor_area_m2" double precision null, primary key ("year", "institution_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "closed_profile", "closed_month", "meter_month", "meter_day";`);
    this.addSql(`drop function if exists ewc_allocate(timestamptz, timestamptz, float8, text);`);
    this.addSql(`alter table "rectification_event" drop constraint "rectification_event_rectification_case_id_foreign";`);

    this.addSql(`alter table "assessment_round" drop constraint "assessment_round_scoring_rule_id_foreign";`);

    this.addSql(`alter table "assessment_signature" drop constraint "assessment_signature_round_id_foreign";`);

    this.addSql(`alter table "assessment_entry" drop constraint "assessment_entry_round_id_foreign";`);

    this.addSql(`drop table if exists "conversion_factor" cascade;`);

    this.addSql(`drop table if exists "quota_standard" cascade;`);

    this.addSql(`drop table if exists "rectification_case" cascade;`);

    this.addSql(`drop table if exists "rectification_event" cascade;`);

    this.addSql(`drop table if exists "compliance_alert" cascade;`);

    this.addSql(`drop table if exists "emission_factor" cascade;`);

    this.addSql(`drop table if exists "scoring_rule" cascade;`);

    this.addSql(`drop table if exists "assessment_round" cascade;`);

    this.addSql(`drop table if exists "assessment_signature" cascade;`);

    this.addSql(`drop table if exists "assessment_entry" cascade;`);

    this.addSql(`drop table if exists "unit_conversion" cascade;`);

    this.addSql(`drop table if exists "year_closure" cascade;`);

    this.addSql(`drop table if exists "year_recalculation" cascade;`);

    this.addSql(`drop type "indicator_kind";`);
    this.addSql(`drop type "rectification_status";`);
    this.addSql(`drop type "alert_direction";`);
    this.addSql(`drop type "emission_scope";`);
    this.addSql(`drop type "assessment_status";`);
  }

}
