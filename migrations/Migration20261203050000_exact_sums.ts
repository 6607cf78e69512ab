import { Migration } from '@mikro-orm/migrations';

/** The year's sums made at closing are summed as numeric (the precision policy: exact sums, rounded once at the boundary). */
export class Migration20261203050000_exact_sums extends Migration {

  override async up(): Promise<void> {
    this.addSql(sumClosedYear('numeric'));
  }

  override async down(): Promise<void> {
    this.addSql(sumClosedYear('float8'));
  }

}

function sumClosedYear(type: 'numeric' | 'float8'): string {
  return `create or replace function ewc_sum_closed_year(y smallint) returns void language sql as $$
      DELETE FROM closed_year WHERE year = y;
      INSERT INTO closed_year (year, institution_id, carrier, first_month, quantity, unit, kgce, kg_co2, scope, avoided_kg_co2, covered_s, expected_s,
                               conversion_factor_ids, emission_factor_ids, unit_conversion_ids)
      SELECT y, institution_id, carrier, min(month), sum(quantity::${type}), min(unit::text)::meter_unit, sum(kgce::${type}), sum(kg_co2::${type}), min(scope::text)::emission_scope,
             sum(avoided_kg_co2::${type}), sum(covered_s), sum(expected_s),
             ARRAY(SELECT DISTINCT x FROM unnest(array_remove(string_to_array(string_agg(array_to_string(conversion_factor_ids, ','), ',') FILTER (WHERE covered_s > 0), ','), '')::int[]) x ORDER BY x),
             ARRAY(SELECT DISTINCT x FROM unnest(array_remove(string_to_array(string_agg(array_to_string(emission_factor_ids, ','), ',') FILTER (WHERE covered_s > 0), ','), '')::int[]) x ORDER BY x),
             ARRAY(SELECT DISTINCT x FROM unnest(array_remove(string_to_array(string_agg(array_to_string(unit_conversion_ids, ','), ',') FILTER (WHERE covered_s > 0), ','), '')::int[]) x ORDER BY x)
        FROM closed_month WHERE year = y
       GROUP BY institution_id, carrier;
    $$;`;
}
