import { Migration } from '@mikro-orm/migrations';

export class Migration20261125080000_closed_year extends Migration {

  override async up(): Promise<void> {
    // A closed year's figures summed per institution and carrier once, at closing: the year's
    // indicators (the common question) read one row per institution and carrier instead of twelve.
    this.addSql(`create table "closed_year" ("year" smallint not null references "year_closure" ("year") on delete cascade, "institution_id" int not null references "institution" ("id"), "carrier" "carrier" not null, "first_month" date not null, "quantity" double precision not null, "unit" "meter_unit" not null, "kgce" double precision null, "kg_co2" double precision null, "scope" "emission_scope" null, "avoided_kg_co2" double precision null, "covered_s" double precision not null, "expected_s" double precision not null, "conversion_factor_ids" int[] not null, "emission_factor_ids" int[] not null, "unit_conversion_ids" int[] not null, primary key ("year", "institution_id", "carrier"));`);
    // The one definition of the sum, used at closing and below for years closed before this migration.
    // Factor ids are those of months with readings, each once.
    this.addSql(`create function ewc_sum_closed_year(y smallint) returns void language sql as $$
      DELETE FROM closed_year WHERE year = y;
      INSERT INTO closed_year (year, institution_id, carrier, first_month, quantity, unit, kgce, kg_co2, scope, avoided_kg_co2, covered_s, expected_s,
                               conversion_factor_ids, emission_factor_ids, unit_conversion_ids)
      SELECT y, institution_id, carrier, min(month), sum(quantity), min(unit::text)::meter_unit, sum(kgce), sum(kg_co2), min(scope::text)::emission_scope,
             sum(avoided_kg_co2), sum(covered_s), sum(expected_s),
             ARRAY(SELECT DISTINCT x FROM unnest(array_remove(string_to_array(string_agg(array_to_string(conversion_factor_ids, ','), ',') FILTER (WHERE covered_s > 0), ','), '')::int[]) x ORDER BY x),
             ARRAY(SELECT DISTINCT x FROM unnest(array_remove(string_to_array(string_agg(array_to_string(emission_factor_ids, ','), ',') FILTER (WHERE covered_s > 0), ','), '')::int[]) x ORDER BY x),
             ARRAY(SELECT DISTINCT x FROM unnest(array_remove(string_to_array(string_agg(array_to_string(unit_conversion_ids, ','), ',') FILTER (WHERE covered_s > 0), ','), '')::int[]) x ORDER BY x)
        FROM closed_month WHERE year = y
       GROUP BY institution_id, carrier;
    $$;`);
    this.addSql(`select ewc_sum_closed_year(year) from year_closure;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists ewc_sum_closed_year(smallint);`);
    this.addSql(`drop table if exists "closed_year";`);
  }

}
