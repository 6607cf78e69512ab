import type pg from 'pg';
import type { FactorTable } from '../factors/factor-table';
import type { EmissionScope } from '../factors/factors.enums';
import type { Carrier, MeterUnit } from '../metering/metering.enums';
import { monthStart, type Period } from './period';

/** One institution's use of one carrier in one calendar month (or the part of it in the period). */
export interface MonthFigure {
  institutionId: number;
  month: string;
  carrier: Carrier;
  /** In `unit`: the conversion factor's unit for energy, m³ for water, kWh for PV. */
  quantity: number;
  unit: MeterUnit;
  kgce: number | null;
  kgCo2: number | null;
  scope: EmissionScope | null;
  avoidedKgCo2: number | null;
  /** Seconds of the period covered by readings, summed over the carrier's meters. */
  coveredS: number;
  /** Seconds of the period times the number of meters of the carrier. */
  expectedS: number;
  conversionFactorIds: number[];
  emissionFactorIds: number[];
  unitConversionIds: number[];
}

export interface InstitutionInfo {
  id: number;
  regionId: number;
  category: string;
  inMunicipalAppraisal: boolean;
}

export interface ProfileFigures {
  headcount: number | null;
  floorAreaM2: number | null;
}

interface RollupRow {
  institution_id: number;
  carrier: Carrier;
  unit: MeterUnit;
  month: string;
  seconds: number;
  meters: number;
  value: number;
  covered_s: number;
}

/**
 * Live figures from the rollups: whole months from meter_month, the ragged ends of a period
 * (year to date) from meter_day. Never reads raw readings. One statement whatever the number
 * of institutions; `ids` null means every institution.
 */
export async function loadLiveFigures(
  pool: pg.Pool,
  ids: number[] | null,
  period: Pick<Period, 'from' | 'to'>,
  tz: string,
  factors: FactorTable,
  regionOf: (institutionId: number) => number,
): Promise<MonthFigure[]> {
  const fullFrom = period.from.endsWith('-01') ? period.from : nextMonthOf(period.from);
  const fullTo = monthStart(period.to);
  const { rows } = await pool.query<RollupRow>(
    `WITH months AS (
       SELECT to_char(m, 'YYYY-MM-DD') AS month,
              extract(epoch FROM (least(m + interval '1 month', $3::date::timestamp) AT TIME ZONE $6)
                               - (greatest(m, $2::date::timestamp) AT TIME ZONE $6))::float8 AS seconds
         FROM generate_series(date_trunc('month', $2::date::timestamp), $3::date::timestamp - interval '1 day', interval '1 month') m),
     me AS (SELECT id, institution_id, carrier, unit FROM meter WHERE $1::int[] IS NULL OR institution_id = ANY($1::int[])),
     src AS (
       SELECT mm.meter_id, to_char(mm.month, 'YYYY-MM-DD') AS month, mm.value, mm.covered_s
         FROM meter_month mm JOIN me ON me.id = mm.meter_id
        WHERE mm.month >= $4::date AND mm.month < $5::date
       UNION ALL
       SELECT md.meter_id, to_char(date_trunc('month', md.day), 'YYYY-MM-DD'), md.value, md.covered_s
         FROM meter_day md JOIN me ON me.id = md.meter_id
        WHERE md.day >= $2::date AND md.day < $3::date AND NOT (md.day >= $4::date AND md.day < $5::date)),
     per_meter AS (SELECT meter_id, month, sum(value) AS value, sum(covered_s) AS covered_s FROM src GROUP BY 1, 2)
     SELECT me.institution_id, me.carrier, me.unit, mo.month, mo.seconds, count(*)::int AS meters,
            coalesce(sum(p.value), 0)::float8 AS value, coalesce(sum(p.covered_s), 0)::float8 AS covered_s
       FROM me CROSS JOIN months mo
       LEFT JOIN per_meter p ON p.meter_id = me.id AND p.month = mo.month
      GROUP BY 1, 2, 3, 4, 5`,
    [ids, period.from, period.to, fullFrom, fullTo, tz],
  );
  return rows.map((r) => {
    const f = factors.resolve(r.carrier, r.unit, r.month, regionOf(r.institution_id));
    return {
      institutionId: r.institution_id,
      month: r.month,
      carrier: r.carrier,
      quantity: r.value * f.toUnit,
      unit: f.unit,
      kgce: f.kgcePerMeterUnit === null ? null : r.value * f.kgcePerMeterUnit,
      kgCo2: f.kgCo2PerMeterUnit === null ? null : r.value * f.kgCo2PerMeterUnit,
      scope: f.scope,
      avoidedKgCo2: f.avoidedKgCo2PerMeterUnit === null ? null : r.value * f.avoidedKgCo2PerMeterUnit,
      coveredS: r.covered_s,
      expectedS: r.seconds * r.meters,
      conversionFactorIds: f.conversionFactorIds,
      emissionFactorIds: f.emissionFactorIds,
      unitConversionIds: f.unitConversionIds,
    };
  });
}

function nextMonthOf(day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Frozen figures of a closed year, whole months only. */
export async function loadClosedFigures(pool: pg.Pool, ids: number[] | null, year: number, period: Pick<Period, 'from' | 'to'>): Promise<MonthFigure[]> {
  const { rows } = await pool.query(
    `SELECT institution_id, to_char(month, 'YYYY-MM-DD') AS month, carrier, quantity, unit, kgce, kg_co2, scope, avoided_kg_co2,
            covered_s, expected_s, conversion_factor_ids, emission_factor_ids, unit_conversion_ids
       FROM closed_month
      WHERE year = $1 AND ($2::int[] IS NULL OR institution_id = ANY($2::int[])) AND month >= date_trunc('month', $3::date) AND month < $4::date`,
    [year, ids, period.from, period.to],
  );
  return rows.map((r) => ({
    institutionId: r.institution_id,
    month: r.month,
    carrier: r.carrier,
    quantity: r.quantity,
    unit: r.unit,
    kgce: r.kgce,
    kgCo2: r.kg_co2,
    scope: r.scope,
    avoidedKgCo2: r.avoided_kg_co2,
    coveredS: r.covered_s,
    expectedS: r.expected_s,
    conversionFactorIds: r.conversion_factor_ids,
    emissionFactorIds: r.emission_factor_ids,
    unitConversionIds: r.unit_conversion_ids,
  }));
}

/** Freezes figures of a closed year (in the caller's transaction). */
export async function storeClosedFigures(client: pg.PoolClient, year: number, figures: MonthFigure[], profiles: Map<number, ProfileFigures>): Promise<void> {
  await client.query('DELETE FROM closed_month WHERE year = $1', [year]);
  await client.query('DELETE FROM closed_profile WHERE year = $1', [year]);
  const col = <K extends keyof MonthFigure>(k: K) => figures.map((f) => f[k]);
  await client.query(
    `INSERT INTO closed_month (year, institution_id, month, carrier, quantity, unit, kgce, kg_co2, scope, avoided_kg_co2, covered_s, expected_s,
                               conversion_factor_ids, emission_factor_ids, unit_conversion_ids)
     SELECT $1, i, m::date, c::carrier, q, u::meter_unit, k, co2, s::emission_scope, av, cov, exp,
            ARRAY(SELECT jsonb_array_elements_text(cf)::int), ARRAY(SELECT jsonb_array_elements_text(ef)::int), ARRAY(SELECT jsonb_array_elements_text(uc)::int)
       FROM unnest($2::int[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::float8[], $8::float8[], $9::text[], $10::float8[], $11::float8[], $12::float8[],
                   $13::jsonb[], $14::jsonb[], $15::jsonb[]) AS u(i, m, c, q, u, k, co2, s, av, cov, exp, cf, ef, uc)`,
    [
      year, col('institutionId'), col('month'), col('carrier'), col('quantity'), col('unit'), col('kgce'), col('kgCo2'), col('scope'), col('avoidedKgCo2'),
      col('coveredS'), col('expectedS'),
      figures.map((f) => JSON.stringify(f.conversionFactorIds)), figures.map((f) => JSON.stringify(f.emissionFactorIds)), figures.map((f) => JSON.stringify(f.unitConversionIds)),
    ],
  );
  await client.query(
    `INSERT INTO closed_profile (year, institution_id, headcount, floor_area_m2) SELECT $1, * FROM unnest($2::int[], $3::int[], $4::float8[])`,
    [year, [...profiles.keys()], [...profiles.values()].map((p) => p.headcount), [...profiles.values()].map((p) => p.floorAreaM2)],
  );
}
