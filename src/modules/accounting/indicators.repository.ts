import type pg from 'pg';
import { ConflictError } from '../../errors/domain-errors';
import { formatDecimal } from '../../figures/decimal';
import { sqlDivideExact } from '../../figures/precision';
import type { FactorTable } from '../factors/factor-table';
import { CARRIER_OF } from '../fleet/fleet.enums';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import { rollupSpan, rollupSumCtes } from './figures';
import type { Denied } from './indicators.types';
import { monthStart, type Period } from './period';

/**
 * One institution's headline figures as one statement computes them: numeric sums (as text, exact)
 * of its figures, the year's profile, and the three ratios of those sums divided in SQL as
 * `divideExact` divides them.
 */
export interface HeadlineRow {
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
  /** A meter or vehicle record whose carrier and unit no factor version resolves (live only): the whole computation says which. */
  unresolved: boolean;
}

/** Carriers that are not energy use: water (m³) and on-site PV generation (reported beside). */
const NOT_ENERGY = `carrier IN ('WATER', 'PV_GENERATION')`;

/**
 * The statement around a source `f` of figures (institution_id, carrier, quantity, kgce, kg_co2,
 * scope, avoided_kg_co2, covered_s, expected_s, unresolved): the sums, ratios and coverage
 * `buildIndicators` makes of the same figures, one row per id of $1 in its order (zeros for an id
 * with no figures), with the profile of the year $2 from `profiles`. $3 and $4: energy and water
 * denied to the key (their seconds then count for nothing in `coverage`).
 */
function headlineStatement(source: string, profiles: 'closed_profile' | 'institution_profile'): string {
  const seen = (energy: string, water: string) => `(CASE WHEN $3::boolean THEN 0 ELSE ${energy} END + CASE WHEN $4::boolean THEN 0 ELSE ${water} END)`;
  const covered = seen('energy_covered_s', 'water_covered_s');
  const expected = seen('energy_expected_s', 'water_expected_s');
  return `WITH ${source},
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
              coalesce(sum(expected_s) FILTER (WHERE carrier = 'WATER'), 0) AS water_expected_s,
              bool_or(unresolved) AS unresolved
         FROM f GROUP BY institution_id),
     t AS (
       SELECT i.id AS institution_id, i.n, coalesce(s.energy, 0) AS energy, coalesce(s.water, 0) AS water, coalesce(s.pv, 0) AS pv,
              coalesce(s.scope1, 0) AS scope1, coalesce(s.scope2, 0) AS scope2, coalesce(s.avoided, 0) AS avoided,
              coalesce(s.energy_covered_s, 0) AS energy_covered_s, coalesce(s.energy_expected_s, 0) AS energy_expected_s,
              coalesce(s.water_covered_s, 0) AS water_covered_s, coalesce(s.water_expected_s, 0) AS water_expected_s,
              coalesce(s.unresolved, false) AS unresolved, p.headcount, p.floor_area_m2
         FROM unnest($1::int[]) WITH ORDINALITY AS i(id, n)
         LEFT JOIN s ON s.institution_id = i.id
         LEFT JOIN ${profiles} p ON p.year = $2 AND p.institution_id = i.id)
     -- Floor areas divide as their shortest decimal forms (float8's text), the numbers the JavaScript path divides by.
     SELECT institution_id, energy::text AS energy_kgce, water::text AS water_m3, pv::text AS pv_generation_kwh,
            scope1::text AS scope1_kg_co2, scope2::text AS scope2_kg_co2, (scope1 + scope2)::text AS total_kg_co2, avoided::text AS avoided_kg_co2,
            CASE WHEN ${expected} > 0 THEN least(1, (${covered}) / (${expected})) END AS coverage,
            CASE WHEN energy_expected_s > 0 THEN least(1, energy_covered_s / energy_expected_s) ELSE 0 END AS energy_coverage,
            CASE WHEN water_expected_s > 0 THEN least(1, water_covered_s / water_expected_s) ELSE 0 END AS water_coverage,
            headcount, floor_area_m2, unresolved,
            trim_scale(${sqlDivideExact('energy', 't.headcount::numeric')})::text AS per_capita_energy_kgce,
            trim_scale(${sqlDivideExact('energy', 't.floor_area_m2::text::numeric')})::text AS energy_per_area_kgce_m2,
            trim_scale(${sqlDivideExact('water', 't.headcount::numeric')})::text AS per_capita_water_m3
       FROM t ORDER BY n`;
}

/**
 * The closed-year statements, named: each connection parses and plans them once, and a request
 * sends only its parameters (the text is some 5 kB; planning it cost about as much as running it).
 * The whole year reads the sums made at closing, part of it the months.
 */
const CLOSED_STATEMENTS = {
  year: {
    name: 'ewc_closed_headline_year',
    text: headlineStatement('f AS (SELECT *, false AS unresolved FROM closed_year WHERE year = $2 AND institution_id = ANY($1::int[]))', 'closed_profile'),
  },
  months: {
    name: 'ewc_closed_headline_months',
    text: headlineStatement(
      `f AS (SELECT *, false AS unresolved FROM closed_month WHERE year = $2 AND institution_id = ANY($1::int[]) AND month >= date_trunc('month', $5::date) AND month < $6::date)`,
      'closed_profile',
    ),
  },
};

/**
 * The headline figures of the institutions `ids` for a period of the closed year `year`, in one
 * statement: the whole year from the sums made at closing (closed_year), part of it from the
 * months (closed_month); each float8 read as numeric (its 15 significant digits, as
 * `loadClosedFigures` reads it) and summed exactly, with no row per carrier leaving the server.
 */
export async function loadClosedIndicators(pool: pg.Pool, ids: number[], year: number, period: Pick<Period, 'from' | 'to'>, denied: Pick<Denied, 'energy' | 'water'>): Promise<HeadlineRow[]> {
  const wholeYear = period.from === `${year}-01-01` && period.to === `${year + 1}-01-01`;
  const values = [ids, year, denied.energy, denied.water, ...(wholeYear ? [] : [period.from, period.to])];
  const { rows } = await pool.query<HeadlineRow>({ ...CLOSED_STATEMENTS[wholeYear ? 'year' : 'months'], values });
  return rows;
}

/** The factor versions of every (carrier, meter unit) they resolve, per run of months and region, as exact decimal columns. */
interface FactorColumns {
  carrier: string[];
  unit: string[];
  epoch: string[];
  region: number[];
  toUnit: string[];
  kgce: (string | null)[];
  kgCo2: (string | null)[];
  avoided: (string | null)[];
  scope: (string | null)[];
}

const factorColumns = new WeakMap<FactorTable, Map<string, FactorColumns>>();

/**
 * The factor table as rows a statement joins: every carrier and meter unit the versions resolve
 * for these runs and regions (a pair they do not resolve is left out: the statement flags its
 * figures `unresolved`). Made once per factor table, runs and regions.
 */
function factorsFor(factors: FactorTable, epochs: string[], regions: number[]): FactorColumns {
  let byKey = factorColumns.get(factors);
  if (!byKey) factorColumns.set(factors, (byKey = new Map()));
  const key = `${epochs.join(',')}|${regions.join(',')}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const out: FactorColumns = { carrier: [], unit: [], epoch: [], region: [], toUnit: [], kgce: [], kgCo2: [], avoided: [], scope: [] };
  const text = (d: Parameters<typeof formatDecimal>[0] | null) => (d === null ? null : formatDecimal(d));
  for (const carrier of Object.values(Carrier))
    for (const unit of Object.values(MeterUnit))
      for (const epoch of epochs)
        for (const region of regions) {
          let f;
          try {
            f = factors.resolve(carrier, unit, epoch, region);
          } catch (e) {
            // No version for this pair: such figures take the whole computation, which names what to add.
            if (e instanceof ConflictError) continue;
            throw e;
          }
          out.carrier.push(carrier);
          out.unit.push(unit);
          out.epoch.push(epoch);
          out.region.push(region);
          out.toUnit.push(formatDecimal(f.exact.toUnit));
          out.kgce.push(text(f.exact.kgce));
          out.kgCo2.push(text(f.exact.kgCo2));
          out.avoided.push(text(f.exact.avoidedKgCo2));
          out.scope.push(f.scope);
        }
  byKey.set(key, out);
  return out;
}

/**
 * The headline figures of the institutions `ids` (in regions `regionIds`, position by position)
 * over a period of an open year, in one statement, from the rollups as `loadLiveFigures` reads
 * them (whole months from meter_month, the ragged ends from meter_day, per run of months sharing a
 * factor set) and the vehicle energy no meter measures as `loadVehicleFigures` finds it, each
 * multiplied in SQL by the exact factors of its run and region, then summed and divided as for a
 * closed year. A row flagged `unresolved` has a carrier and unit no factor version covers.
 */
export async function loadLiveIndicators(
  pool: pg.Pool,
  ids: number[],
  regionIds: number[],
  period: Pick<Period, 'from' | 'to' | 'year'>,
  tz: string,
  factors: FactorTable,
  denied: Pick<Denied, 'energy' | 'water'>,
): Promise<HeadlineRow[]> {
  // The same whole months and ragged ends as loadLiveFigures.
  const { fullFrom, fullTo, edges } = rollupSpan(period);
  const epochs = factors.factorEpochs(monthStart(period.from), period.to);
  const fx = factorsFor(factors, epochs, [...new Set(regionIds)].sort((a, b) => a - b));
  const vehicleEnergies = Object.entries(CARRIER_OF);
  const run = (month: string) => `($9::date[])[width_bucket(${month}, $9::date[])]`;
  const source = `fx AS (
       SELECT * FROM unnest($10::text[], $11::text[], $12::date[], $13::int[], $14::numeric[], $15::numeric[], $16::numeric[], $17::numeric[], $18::text[])
         AS fx(carrier, unit, epoch, region_id, to_unit, kgce, kg_co2, avoided, scope)),
     inst AS (SELECT * FROM unnest($1::int[], $5::int[]) AS inst(id, region_id)),
     me AS (
       SELECT m.id, m.institution_id, m.carrier::text AS carrier, m.unit::text AS unit FROM meter m
        WHERE m.institution_id = ANY($1::int[]) AND NOT EXISTS (SELECT 1 FROM charging_point cp WHERE cp.meter_id = m.id AND cp.behind_building_meter)),
     ${rollupSumCtes({ from: '$6', to: '$7', tz: '$8', epochs: '$9', fullFrom: '$19', fullTo: '$20' }, edges)},
     kinds AS (SELECT institution_id, carrier, unit, count(*)::int AS meters FROM me GROUP BY 1, 2, 3),
     metered AS (
       SELECT k.institution_id, k.carrier, k.unit, ep.epoch, coalesce(s.value, 0) AS value, coalesce(s.covered_s, 0) AS covered_s, ep.seconds * k.meters AS expected_s
         FROM kinds k CROSS JOIN ep
         LEFT JOIN sums s ON s.institution_id = k.institution_id AND s.carrier = k.carrier AND s.unit = k.unit AND s.epoch = ep.epoch),
     -- Vehicle energy no meter of the institution measures (a charging at a point without its own meter, not behind a building meter).
     vehicles AS (
       SELECT v.institution_id, c.carrier, c.unit, ${run("date_trunc('month', e.day)::date")} AS epoch,
              coalesce(sum(e.quantity) FILTER (WHERE e.energy <> 'ELECTRICITY' OR cp.id IS NULL OR (cp.meter_id IS NULL AND NOT cp.behind_building_meter)), 0) AS value,
              0::float8 AS covered_s, 0::float8 AS expected_s
         FROM vehicle v
         JOIN vehicle_energy_record e ON e.vehicle_id = v.id AND e.day >= $6::date AND e.day < $7::date
         LEFT JOIN charging_point cp ON cp.id = e.charging_point_id
         JOIN unnest($21::text[], $22::text[], $23::text[]) AS c(energy, carrier, unit) ON c.energy = e.energy::text
        WHERE v.institution_id = ANY($1::int[])
        GROUP BY 1, 2, 3, 4),
     f AS (
       SELECT x.institution_id, x.carrier, x.value * fx.to_unit AS quantity, x.value * fx.kgce AS kgce, x.value * fx.kg_co2 AS kg_co2, fx.scope,
              x.value * fx.avoided AS avoided_kg_co2, x.covered_s, x.expected_s, fx.carrier IS NULL AS unresolved
         FROM (SELECT * FROM metered UNION ALL SELECT * FROM vehicles) x
         JOIN inst ON inst.id = x.institution_id
         LEFT JOIN fx ON fx.carrier = x.carrier AND fx.unit = x.unit AND fx.epoch = x.epoch AND fx.region_id = inst.region_id)`;
  const { rows } = await pool.query<HeadlineRow>(headlineStatement(source, 'institution_profile'), [
    ids, period.year, denied.energy, denied.water, regionIds, period.from, period.to, tz, epochs,
    fx.carrier, fx.unit, fx.epoch, fx.region, fx.toUnit, fx.kgce, fx.kgCo2, fx.avoided, fx.scope,
    fullFrom, fullTo,
    vehicleEnergies.map(([energy]) => energy), vehicleEnergies.map(([, c]) => c.carrier), vehicleEnergies.map(([, c]) => c.unit),
  ]);
  return rows;
}
