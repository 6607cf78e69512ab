import type pg from 'pg';
import { formatDecimal, mul, parseDecimal, type Dec } from '../../figures/decimal';
import type { FactorTable } from '../factors/factor-table';
import type { EmissionScope } from '../factors/factors.enums';
import type { Carrier, MeterUnit } from '../metering/metering.enums';
import { monthStart, nextMonth, type Period } from './period';

/**
 * One institution's use of one carrier in one calendar month (or the part of it in the period), or
 * in a run of months that share one factor set (`month` is then the run's first month).
 * Quantities are exact decimals: summed in SQL numeric, times the factors' exact decimals; they
 * become floats once, in the view the API rounds (precision policy, figures/precision.ts).
 */
export interface MonthFigure {
  institutionId: number;
  month: string;
  carrier: Carrier;
  /** In `unit`: the conversion factor's unit for energy, m³ for water, kWh for PV. */
  quantity: Dec;
  unit: MeterUnit;
  kgce: Dec | null;
  kgCo2: Dec | null;
  scope: EmissionScope | null;
  avoidedKgCo2: Dec | null;
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

const ZERO_VALUE: Dec = { coef: 0n, scale: 0 };
/** A numeric column as node-pg gives it (text), or null. */
const exactOf = (text: string | null): Dec | null => (text === null ? null : parseDecimal(text, 'figure'));

/**
 * Institutions summed together in SQL: `institutionIds[i]` counts as `keys[i]`. Each key must
 * lie within one region (factors depend on it); its figures come back with `institutionId` = key.
 */
export interface FigureGroups {
  institutionIds: number[];
  keys: number[];
}

export interface LiveFigureOptions {
  /** Per group instead of per institution (see FigureGroups). */
  groups?: FigureGroups;
  /**
   * One figure per calendar month (what closing freezes). Otherwise one per run of months that
   * share a factor set (`month` is its first month): the months' exact sums are added in SQL and
   * multiplied once, the same exact figures in a twelfth of the rows for a year.
   */
  perMonth?: boolean;
}

/**
 * The whole months of a period (`fullFrom` to `fullTo`, read from meter_month) and its ragged ends
 * (`edges`, a year to date ending mid-month, read from meter_day); usually no edges. Dates are
 * YYYY-MM-DD strings this module made, so they are safe to inline.
 */
export function rollupSpan(period: Pick<Period, 'from' | 'to'>): { fullFrom: string; fullTo: string; edges: { from: string; to: string }[] } {
  const fullFrom = period.from.endsWith('-01') ? period.from : nextMonth(period.from);
  const fullTo = monthStart(period.to) < fullFrom ? fullFrom : monthStart(period.to);
  const edges = [
    { from: period.from, to: fullFrom < period.to ? fullFrom : period.to },
    { from: fullTo > period.from ? fullTo : period.from, to: period.to },
  ].filter((e) => /^\d{4}-\d{2}-\d{2}$/.test(e.from) && /^\d{4}-\d{2}-\d{2}$/.test(e.to) && e.from < e.to);
  return { fullFrom, fullTo, edges };
}

/**
 * The CTEs both live reads share, over the meters of a CTE `me` (id, institution_id, carrier,
 * unit): `ep`, the seconds of each run of months within the period; `src`, the rollup rows of the
 * span; `sums`, their exact (numeric) sum per institution, carrier, unit and run. `p` names the
 * statement's parameters: the period's bounds, the time zone, the runs' first months (date[]) and
 * the whole months' bounds.
 */
export function rollupSumCtes(
  p: { from: string; to: string; tz: string; epochs: string; fullFrom: string; fullTo: string },
  edges: { from: string; to: string }[],
): string {
  return `ep AS (
       SELECT e AS epoch,
              extract(epoch FROM (least(lead(e) OVER (ORDER BY e), ${p.to}::date)::timestamp AT TIME ZONE ${p.tz})
                               - (greatest(e, ${p.from}::date)::timestamp AT TIME ZONE ${p.tz}))::float8 AS seconds
         FROM unnest(${p.epochs}::date[]) e),
     src AS (
       SELECT mm.meter_id, mm.month, mm.value, mm.covered_s
         FROM me JOIN meter_month mm ON mm.meter_id = me.id AND mm.month >= ${p.fullFrom}::date AND mm.month < ${p.fullTo}::date
       ${edges.map((e) => `UNION ALL
       SELECT md.meter_id, date_trunc('month', md.day)::date, md.value, md.covered_s
         FROM me JOIN meter_day md ON md.meter_id = me.id AND md.day >= '${e.from}'::date AND md.day < '${e.to}'::date`).join('\n')}),
     sums AS (
       SELECT me.institution_id, me.carrier, me.unit, (${p.epochs}::date[])[width_bucket(src.month, ${p.epochs}::date[])] AS epoch,
              sum(src.value::numeric) AS value, sum(src.covered_s)::float8 AS covered_s
         FROM src JOIN me ON me.id = src.meter_id
        GROUP BY 1, 2, 3, 4)`;
}

/**
 * Live figures from the rollups: whole months from meter_month, the ragged ends of a period
 * (year to date) from meter_day. Never reads raw readings. One statement whatever the number of
 * institutions; `ids` null means every institution. With `groups`, per group instead of per
 * institution (what a city-wide aggregate needs: hundreds of rows, not tens of thousands).
 */
export async function loadLiveFigures(
  pool: pg.Pool,
  ids: number[] | null,
  period: Pick<Period, 'from' | 'to'>,
  tz: string,
  factors: FactorTable,
  regionOf: (institutionId: number) => number,
  options: LiveFigureOptions = {},
): Promise<MonthFigure[]> {
  const { groups, perMonth = false } = options;
  const { fullFrom, fullTo, edges } = rollupSpan(period);
  // The runs of months summed together, each named by its first month: every month, or the
  // months between two changes of factor versions (within a run every month resolves alike).
  const first = monthStart(period.from);
  const epochs: string[] = [];
  if (perMonth) for (let m = first; m < period.to; m = nextMonth(m)) epochs.push(m);
  else epochs.push(...factors.factorEpochs(first, period.to));
  // The meters to sum, each with the key it counts under: its institution, or its institution's group.
  // A charging point's meter behind a building meter is a submeter: the building meter already has its kWh.
  const notSubmeter = 'NOT EXISTS (SELECT 1 FROM charging_point cp WHERE cp.meter_id = m.id AND cp.behind_building_meter)';
  const me = groups
    ? `SELECT m.id, g.key AS institution_id, m.carrier, m.unit FROM meter m JOIN unnest($1::int[], $8::int[]) AS g(institution_id, key) ON g.institution_id = m.institution_id WHERE ${notSubmeter}`
    : `SELECT m.id, m.institution_id, m.carrier, m.unit FROM meter m WHERE ($1::int[] IS NULL OR m.institution_id = ANY($1::int[])) AND ${notSubmeter}`;
  // One statement: per institution (or group), carrier and meter unit, and per run of months, the
  // meters, the seconds of the run within the period, and the exact sum (numeric) of the rollups.
  const { rows } = await pool.query<{ institution_id: number; carrier: Carrier; unit: MeterUnit; epoch: string; meters: number; seconds: number; value: string | null; covered_s: number }>(
    `WITH me AS (${me}),
     ${rollupSumCtes({ from: '$2', to: '$3', tz: '$4', epochs: '$5', fullFrom: '$6', fullTo: '$7' }, edges)},
     kinds AS (SELECT institution_id, carrier, unit, count(*)::int AS meters FROM me GROUP BY 1, 2, 3)
     SELECT k.institution_id, k.carrier, k.unit, to_char(ep.epoch, 'YYYY-MM-DD') AS epoch, k.meters, ep.seconds, s.value::text AS value, coalesce(s.covered_s, 0) AS covered_s
       FROM kinds k CROSS JOIN ep
       LEFT JOIN sums s ON s.institution_id = k.institution_id AND s.carrier = k.carrier AND s.unit = k.unit AND s.epoch = ep.epoch`,
    [groups ? groups.institutionIds : ids, period.from, period.to, tz, epochs, fullFrom, fullTo, ...(groups ? [groups.keys] : [])],
  );
  return rows.map((r) => {
    const f = factors.resolve(r.carrier, r.unit, r.epoch, regionOf(r.institution_id));
    const x = f.exact;
    const value = r.value === null ? ZERO_VALUE : parseDecimal(r.value, 'figure');
    return {
      institutionId: r.institution_id,
      month: r.epoch,
      carrier: r.carrier,
      quantity: mul(value, x.toUnit),
      unit: f.unit,
      kgce: x.kgce && mul(value, x.kgce),
      kgCo2: x.kgCo2 && mul(value, x.kgCo2),
      scope: f.scope,
      avoidedKgCo2: x.avoidedKgCo2 && mul(value, x.avoidedKgCo2),
      coveredS: r.covered_s,
      expectedS: r.seconds * r.meters,
      conversionFactorIds: f.conversionFactorIds,
      emissionFactorIds: f.emissionFactorIds,
      unitConversionIds: f.unitConversionIds,
    };
  });
}

/**
 * Frozen figures of a closed year summed per institution and carrier: the whole year from the sums
 * made at closing (each float8 read as numeric: its 15 significant digits, PostgreSQL's cast, so a
 * stored 0.30000000000000004 reads 0.3), part of it from the months (the ids of the factor versions come back as text:
 * parsing thousands of int[] is slow in node-pg).
 */
export async function loadClosedFigures(pool: pg.Pool, ids: number[] | null, year: number, period: Pick<Period, 'from' | 'to'>): Promise<MonthFigure[]> {
  const wholeYear = period.from === `${year}-01-01` && period.to === `${year + 1}-01-01`;
  const idText = (column: string) => `array_to_string(${column}, ',')`;
  const { rows } = await pool.query(
    wholeYear
      ? `SELECT institution_id, to_char(first_month, 'YYYY-MM-DD') AS month, carrier, quantity::numeric AS quantity, unit, kgce::numeric AS kgce,
                kg_co2::numeric AS kg_co2, scope, avoided_kg_co2::numeric AS avoided_kg_co2, covered_s, expected_s,
                ${idText('conversion_factor_ids')} AS cf, ${idText('emission_factor_ids')} AS ef, ${idText('unit_conversion_ids')} AS uc
           FROM closed_year
          WHERE year = $1 AND ($2::int[] IS NULL OR institution_id = ANY($2::int[]))`
      : `SELECT institution_id, min(to_char(month, 'YYYY-MM-DD')) AS month, carrier, sum(quantity::numeric) AS quantity, min(unit::text) AS unit,
                sum(kgce::numeric) AS kgce, sum(kg_co2::numeric) AS kg_co2, min(scope::text) AS scope, sum(avoided_kg_co2::numeric) AS avoided_kg_co2,
                sum(covered_s)::float8 AS covered_s, sum(expected_s)::float8 AS expected_s,
                string_agg(${idText('conversion_factor_ids')}, ',') FILTER (WHERE covered_s > 0) AS cf,
                string_agg(${idText('emission_factor_ids')}, ',') FILTER (WHERE covered_s > 0) AS ef,
                string_agg(${idText('unit_conversion_ids')}, ',') FILTER (WHERE covered_s > 0) AS uc
           FROM closed_month
          WHERE year = $1 AND ($2::int[] IS NULL OR institution_id = ANY($2::int[])) AND month >= date_trunc('month', $3::date) AND month < $4::date
          GROUP BY institution_id, carrier`,
    wholeYear ? [year, ids] : [year, ids, period.from, period.to],
  );
  const idList = (text: string | null) => [...new Set((text ?? '').split(',').filter(Boolean).map(Number))];
  return rows.map((r) => ({
    institutionId: r.institution_id,
    month: r.month,
    carrier: r.carrier,
    quantity: exactOf(r.quantity)!,
    unit: r.unit,
    kgce: exactOf(r.kgce),
    kgCo2: exactOf(r.kg_co2),
    scope: r.scope,
    avoidedKgCo2: exactOf(r.avoided_kg_co2),
    coveredS: r.covered_s,
    expectedS: r.expected_s,
    conversionFactorIds: idList(r.cf),
    emissionFactorIds: idList(r.ef),
    unitConversionIds: idList(r.uc),
  }));
}

/** Freezes figures of a closed year (in the caller's transaction). */
export async function storeClosedFigures(client: pg.PoolClient, year: number, figures: MonthFigure[], profiles: Map<number, ProfileFigures>): Promise<void> {
  await client.query('DELETE FROM closed_month WHERE year = $1', [year]);
  await client.query('DELETE FROM closed_profile WHERE year = $1', [year]);
  const col = <K extends keyof MonthFigure>(k: K) => figures.map((f) => f[k]);
  // Exact decimals go in as text; the float8 column keeps the float nearest to each.
  const text = (k: 'quantity' | 'kgce' | 'kgCo2' | 'avoidedKgCo2') => figures.map((f) => (f[k] === null ? null : formatDecimal(f[k])));
  await client.query(
    `INSERT INTO closed_month (year, institution_id, month, carrier, quantity, unit, kgce, kg_co2, scope, avoided_kg_co2, covered_s, expected_s,
                               conversion_factor_ids, emission_factor_ids, unit_conversion_ids)
     SELECT $1, i, m::date, c::carrier, q, u::meter_unit, k, co2, s::emission_scope, av, cov, exp,
            ARRAY(SELECT jsonb_array_elements_text(cf)::int), ARRAY(SELECT jsonb_array_elements_text(ef)::int), ARRAY(SELECT jsonb_array_elements_text(uc)::int)
       FROM unnest($2::int[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::float8[], $8::float8[], $9::text[], $10::float8[], $11::float8[], $12::float8[],
                   $13::jsonb[], $14::jsonb[], $15::jsonb[]) AS u(i, m, c, q, u, k, co2, s, av, cov, exp, cf, ef, uc)`,
    [
      year, col('institutionId'), col('month'), col('carrier'), text('quantity'), col('unit'), text('kgce'), text('kgCo2'), col('scope'), text('avoidedKgCo2'),
      col('coveredS'), col('expectedS'),
      figures.map((f) => JSON.stringify(f.conversionFactorIds)), figures.map((f) => JSON.stringify(f.emissionFactorIds)), figures.map((f) => JSON.stringify(f.unitConversionIds)),
    ],
  );
  await client.query('SELECT ewc_sum_closed_year($1::smallint)', [year]);
  await client.query(
    `INSERT INTO closed_profile (year, institution_id, headcount, floor_area_m2) SELECT $1, * FROM unnest($2::int[], $3::int[], $4::float8[])`,
    [year, [...profiles.keys()], [...profiles.values()].map((p) => p.headcount), [...profiles.values()].map((p) => p.floorAreaM2)],
  );
}
