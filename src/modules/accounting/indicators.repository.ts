import type pg from 'pg';
import { sqlDivideExact } from '../../figures/precision';
import type { Denied } from './indicators.types';
import type { Period } from './period';

/**
 * One institution's figures of a closed year as one statement computes them: numeric sums (as text,
 * exact) of the frozen figures, the year's frozen profile, and the three ratios of those sums
 * divided in SQL as `divideExact` divides them. Seconds are float8 (whole seconds, exact).
 */
export interface ClosedIndicatorRow {
  institution_id: number;
  energy_kgce: string;
  water_m3: string;
  pv_generation_kwh: string;
  scope1_kg_co2: string;
  scope2_kg_co2: string;
  total_kg_co2: string;
  avoided_kg_co2: string;
  /** Over the energy and water meters the key may see; null when it may see none over the period. */
  coverage: number | null;
  energy_coverage: number;
  water_coverage: number;
  headcount: number | null;
  floor_area_m2: number | null;
  per_capita_energy_kgce: string | null;
  energy_per_area_kgce_m2: string | null;
  per_capita_water_m3: string | null;
}

/** Carriers that are not energy use: water (m³) and on-site PV generation (reported beside). */
const NOT_ENERGY = `carrier IN ('WATER', 'PV_GENERATION')`;

/**
 * The headline figures of the institutions `ids` for a period of the closed year `year`, in one
 * statement: the whole year from the sums made at closing (closed_year), part of it from the
 * months (closed_month); each float8 read as numeric (its 15 significant digits, as
 * `loadClosedFigures` reads it) and summed exactly; the same sums, ratios and coverage
 * `buildIndicators` makes of `loadClosedFigures`' rows, with no row per carrier leaving the server.
 * One row per id, in the order of `ids`, figures of an id with no frozen rows at zero.
 */
export async function loadClosedIndicators(pool: pg.Pool, ids: number[], year: number, period: Pick<Period, 'from' | 'to'>, denied: Pick<Denied, 'energy' | 'water'>): Promise<ClosedIndicatorRow[]> {
  const wholeYear = period.from === `${year}-01-01` && period.to === `${year + 1}-01-01`;
  const source = wholeYear
    ? 'SELECT * FROM closed_year WHERE year = $2 AND institution_id = ANY($1::int[])'
    : `SELECT * FROM closed_month WHERE year = $2 AND institution_id = ANY($1::int[]) AND month >= date_trunc('month', $5::date) AND month < $6::date`;
  // Coverage over what the key may see: seconds of the halves it may not see count for nothing.
  const seen = (energy: string, water: string) => `(CASE WHEN $3::boolean THEN 0 ELSE ${energy} END + CASE WHEN $4::boolean THEN 0 ELSE ${water} END)`;
  const covered = seen('energy_covered_s', 'water_covered_s');
  const expected = seen('energy_expected_s', 'water_expected_s');
  const { rows } = await pool.query<ClosedIndicatorRow>(
    `WITH f AS (${source}),
     s AS (
       SELECT institution_id,
              coalesce(sum(kgce::numeric) FILTER (WHERE NOT ${NOT_ENERGY}), 0) AS energy,
              coalesce(sum(quantity::numeric) FILTER (WHERE carrier = 'WATER'), 0) AS water,
              coalesce(sum(quantity::numeric) FILTER (WHERE carrier = 'PV_GENERATION'), 0) AS pv,
              coalesce(sum(kg_co2::numeric) FILTER (WHERE NOT ${NOT_ENERGY} AND scope = 'SCOPE1'), 0) AS scope1,
              coalesce(sum(kg_co2::numeric) FILTER (WHERE NOT ${NOT_ENERGY} AND scope = 'SCOPE2'), 0) AS scope2,
              coalesce(sum(avoided_kg_co2::numeric) FILTER (WHERE carrier = 'PV_GENERATION'), 0) AS avoided,
              coalesce(sum(covered_s) FILTER (WHERE NOT ${NOT_ENERGY}), 0) AS energy_covered_s,
              coalesce(sum(expected_s) FILTER (WHERE NOT ${NOT_ENERGY}), 0) AS energy_expected_s,
              coalesce(sum(covered_s) FILTER (WHERE carrier = 'WATER'), 0) AS water_covered_s,
              coalesce(sum(expected_s) FILTER (WHERE carrier = 'WATER'), 0) AS water_expected_s
         FROM f GROUP BY institution_id),
     t AS (
       SELECT i.id AS institution_id, i.n, coalesce(s.energy, 0) AS energy, coalesce(s.water, 0) AS water, coalesce(s.pv, 0) AS pv,
              coalesce(s.scope1, 0) AS scope1, coalesce(s.scope2, 0) AS scope2, coalesce(s.avoided, 0) AS avoided,
              coalesce(s.energy_covered_s, 0) AS energy_covered_s, coalesce(s.energy_expected_s, 0) AS energy_expected_s,
              coalesce(s.water_covered_s, 0) AS water_covered_s, coalesce(s.water_expected_s, 0) AS water_expected_s,
              p.headcount, p.floor_area_m2
         FROM unnest($1::int[]) WITH ORDINALITY AS i(id, n)
         LEFT JOIN s ON s.institution_id = i.id
         LEFT JOIN closed_profile p ON p.year = $2 AND p.institution_id = i.id)
     -- Floor areas divide as their shortest decimal forms (float8's text), the numbers the JavaScript path divides by.
     SELECT institution_id, energy::text AS energy_kgce, water::text AS water_m3, pv::text AS pv_generation_kwh,
            scope1::text AS scope1_kg_co2, scope2::text AS scope2_kg_co2, (scope1 + scope2)::text AS total_kg_co2, avoided::text AS avoided_kg_co2,
            CASE WHEN ${expected} > 0 THEN least(1, (${covered}) / (${expected})) END AS coverage,
            CASE WHEN energy_expected_s > 0 THEN least(1, energy_covered_s / energy_expected_s) ELSE 0 END AS energy_coverage,
            CASE WHEN water_expected_s > 0 THEN least(1, water_covered_s / water_expected_s) ELSE 0 END AS water_coverage,
            headcount, floor_area_m2,
            trim_scale(${sqlDivideExact('energy', 't.headcount::numeric')})::text AS per_capita_energy_kgce,
            trim_scale(${sqlDivideExact('energy', 't.floor_area_m2::text::numeric')})::text AS energy_per_area_kgce_m2,
            trim_scale(${sqlDivideExact('water', 't.headcount::numeric')})::text AS per_capita_water_m3
       FROM t ORDER BY n`,
    [ids, year, denied.energy, denied.water, ...(wholeYear ? [] : [period.from, period.to])],
  );
  return rows;
}
