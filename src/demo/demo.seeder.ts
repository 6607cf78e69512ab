import { ensureReadingPartitions } from '../modules/metering/partitions';
import type pg from 'pg';
import { hashKey } from '../access/key-auth';
import { logger } from '../logger';
import { DEMO_KEY_SPECS, deriveDemoKeys } from './demo-keys';
import { rebuildAllRollups } from '../modules/accounting/rollup';
import { DEMO_CONVERSION_FACTORS, DEMO_EMISSION_FACTORS, DEMO_QUOTAS, DEMO_SCORING_RULE, DEMO_UNIT_CONVERSIONS } from './factors.data';
import type { Database } from '../db/database';
import type { Principal } from '../access/principal';
import { inTransaction } from '../db/transaction';
import { ClosingService } from '../modules/accounting/closing.service';
import { AssessmentService } from '../modules/compliance/assessment.service';
import { cliOperator, cliScope, runAudited } from '../modules/audit/audit.scope';
import { DEMO_ESCOS } from './programmes.data';
import { epcCuts, insertProgrammes } from './programmes.seeder';
import { freezeSignedBaselines, measureLoadedContracts } from '../modules/epc/baseline-freeze';
import { DEMO_AGENCIES, DEMO_INSTITUTIONS, DEMO_REGIONS, LONGHUI_WING, type DemoInstitution } from './shaoyang.data';
import { DEMO_STATION, demoDailyTemperatures } from './weather.data';
import { insertDemoRecycling } from './recycling.data';
import { insertFleet } from './fleet.seeder';

/** Daily readings from the first day through the last day (inclusive), in Asia/Shanghai days. */
export const DEMO_FIRST_DAY = '2021-01-01';
export const DEMO_LAST_DAY = '2024-06-30';
const PROFILE_YEARS = [2021, 2022, 2023, 2024];
/** Changing the seed changes every generated value; the same seed always gives the same data. */
const SEED = 'shaoyang-2023';

/**
 * Departments that run hot in the demo, so that the compliance pages have cases
 * to show. Synthetic: no real department is known to be over its quota.
 */
const HIGH_USE = new Set(['public-security', 'court', 'housing', 'transport', 'urban-management']);

interface MeterSpec {
  institution: DemoInstitution;
  carrier: 'ELECTRICITY' | 'WATER' | 'NATURAL_GAS' | 'GASOLINE' | 'DIESEL';
  unit: 'KWH' | 'M3' | 'L';
  serial: string;
  supplier: string;
  /** Mean daily value, before season, weekday and noise. */
  daily: number;
  /** Seasonal shape, see SHAPES below. */
  shape: 'cooling_heating' | 'weather' | 'summer' | 'winter' | 'flat';
  weekend: number;
  /** From this day the building is larger: its energy use grows by `grow` (new floor area over old). */
  growth?: { from: string; grow: number };
}

function metersOf(inst: DemoInstitution): MeterSpec[] {
  const hot = HIGH_USE.has(inst.key) ? 1.6 : 1;
  const hospital = inst.category === 'HOSPITAL';
  const school = inst.category === 'SCHOOL';
  // kWh per m² a year: offices 55, hospitals 140, schools 35 (typical ranges for hot-summer cold-winter).
  const kwhPerM2 = hospital ? 140 : school ? 35 : 55;
  const m3PerPerson = hospital ? 90 : school ? 22 : 32;
  const weekend = hospital ? 0.95 : school ? 0.55 : 0.45;
  const specs: MeterSpec[] = [
    // Hospitals' electricity follows the day's temperature (heating and cooling degree days at the demo station), so CalTRACK's daily method fits it.
    { institution: inst, carrier: 'ELECTRICITY', unit: 'KWH', serial: `SY-${inst.key}-E1`, supplier: 'GOA', daily: (inst.floorAreaM2 * kwhPerM2 * hot) / 365, shape: hospital ? 'weather' : 'cooling_heating', weekend },
    { institution: inst, carrier: 'WATER', unit: 'M3', serial: `SY-${inst.key}-W1`, supplier: 'WATER', daily: (inst.headcount * m3PerPerson * hot) / 365, shape: 'summer', weekend },
  ];
  if (inst.hasCanteen || hospital) {
    specs.push({ institution: inst, carrier: 'NATURAL_GAS', unit: 'M3', serial: `SY-${inst.key}-G1`, supplier: 'GOA', daily: hospital ? inst.floorAreaM2 * 0.004 : 8 + inst.headcount * 0.08, shape: 'winter', weekend });
  }
  if (inst.key === LONGHUI_WING.institution) {
    const growth = { from: LONGHUI_WING.from, grow: (inst.floorAreaM2 + LONGHUI_WING.areaM2) / inst.floorAreaM2 };
    for (const s of specs) if (s.carrier !== 'WATER') s.growth = growth;
  }
  if (inst.hasFleet) {
    const diesel = hospital;
    specs.push({ institution: inst, carrier: diesel ? 'DIESEL' : 'GASOLINE', unit: 'L', serial: `SY-${inst.key}-F1`, supplier: 'GOA', daily: hospital ? 60 : 6 + inst.headcount * 0.05, shape: 'flat', weekend: 0.3 });
  }
  return specs;
}

async function insertReference(client: pg.PoolClient): Promise<void> {
  await client.query(
    `INSERT INTO region (code, name, name_zh, level) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::region_level[])`,
    [DEMO_REGIONS.map((r) => r.code), DEMO_REGIONS.map((r) => r.name), DEMO_REGIONS.map((r) => r.nameZh), DEMO_REGIONS.map((r) => r.level)],
  );
  await client.query(
    `UPDATE region r SET parent_id = p.id FROM unnest($1::text[], $2::text[]) AS u(code, parent), region p WHERE r.code = u.code AND p.code = u.parent`,
    [DEMO_REGIONS.map((r) => r.code), DEMO_REGIONS.map((r) => r.parentCode)],
  );
  await client.query(`INSERT INTO agency (code, name, name_zh) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, [
    DEMO_AGENCIES.map((a) => a.code),
    DEMO_AGENCIES.map((a) => a.name),
    DEMO_AGENCIES.map((a) => a.nameZh),
  ]);
  const I = DEMO_INSTITUTIONS;
  await client.query(
    `INSERT INTO institution (name, name_zh, credit_code, category, region_id, in_municipal_appraisal)
     SELECT u.name, u.name_zh, u.credit_code, u.category::institution_category, r.id, u.appraisal
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[]) WITH ORDINALITY
            AS u(name, name_zh, credit_code, category, region_code, appraisal, n)
       JOIN region r ON r.code = u.region_code ORDER BY u.n`,
    [I.map((i) => i.name), I.map((i) => i.nameZh), I.map((i) => i.creditCode), I.map((i) => i.category), I.map((i) => i.regionCode), I.map((i) => i.inMunicipalAppraisal)],
  );
  // Headcounts drift a little year to year; floor areas stay, bar one hospital wing opened in 2023.
  const profiles = I.flatMap((inst, n) =>
    PROFILE_YEARS.map((year) => ({
      credit: inst.creditCode,
      year,
      headcount: Math.round(inst.headcount * (1 + 0.015 * (year - 2021) * (n % 3 === 0 ? -1 : 1))),
      floor: inst.key === LONGHUI_WING.institution && year >= Number(LONGHUI_WING.from.slice(0, 4)) ? inst.floorAreaM2 + LONGHUI_WING.areaM2 : inst.floorAreaM2,
    })),
  );
  await client.query(
    `INSERT INTO institution_profile (institution_id, year, headcount, floor_area_m2)
     SELECT i.id, u.year, u.headcount, u.floor FROM unnest($1::text[], $2::int[], $3::int[], $4::float8[]) AS u(credit, year, headcount, floor)
       JOIN institution i ON i.credit_code = u.credit`,
    [profiles.map((p) => p.credit), profiles.map((p) => p.year), profiles.map((p) => p.headcount), profiles.map((p) => p.floor)],
  );
}

async function insertMetersAndReadings(client: pg.PoolClient, batchId: number, stationId: number): Promise<number> {
  const specs = DEMO_INSTITUTIONS.flatMap(metersOf);
  const cuts = epcCuts();
  await client.query(
    `INSERT INTO meter (institution_id, carrier, unit, serial, supplier_id)
     SELECT i.id, u.carrier::carrier, u.unit::meter_unit, u.serial, a.id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(credit, carrier, unit, serial, supplier, n)
       JOIN institution i ON i.credit_code = u.credit JOIN agency a ON a.code = u.supplier ORDER BY u.n`,
    [specs.map((s) => s.institution.creditCode), specs.map((s) => s.carrier), specs.map((s) => s.unit), specs.map((s) => s.serial), specs.map((s) => s.supplier)],
  );
  // One statement generates every daily reading: a seasonal shape, a weekday factor, a 2%-a-year
  // saving trend and ±10% noise from md5(seed, meter, day), so the data is the same on every run.
  const result = await client.query(
    `WITH spec AS (
       SELECT m.id AS meter_id, u.daily, u.shape, u.weekend, u.cut_from, u.cut, u.grow_from, u.grow
         FROM unnest($1::text[], $2::float8[], $3::text[], $4::float8[], $9::date[], $10::float8[], $12::date[], $13::float8[])
              AS u(serial, daily, shape, weekend, cut_from, cut, grow_from, grow)
         JOIN meter m ON m.serial = u.serial),
     weather AS (SELECT day, mean_temp_c FROM weather_day WHERE station_id = $11),
     day AS (
       SELECT d::date AS day, extract(doy FROM d) AS doy, extract(isodow FROM d) AS dow, extract(year FROM d) - 2021 AS yr
         FROM generate_series($5::date, $6::date, interval '1 day') d)
     INSERT INTO reading (meter_id, period_start, period_end, value, quality, batch_id)
     SELECT s.meter_id,
            (day.day::timestamp AT TIME ZONE 'Asia/Shanghai'),
            ((day.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'),
            round((s.daily
              * CASE s.shape
                  WHEN 'cooling_heating' THEN 0.8 + 0.45 * greatest(cos(2 * pi() * (day.doy - 205) / 365), 0) + 0.3 * greatest(cos(2 * pi() * (day.doy - 15) / 365), 0)
                  WHEN 'weather' THEN ${WEATHER_SHAPE}
                  WHEN 'summer' THEN 0.9 + 0.2 * cos(2 * pi() * (day.doy - 200) / 365)
                  WHEN 'winter' THEN 0.85 + 0.35 * greatest(cos(2 * pi() * (day.doy - 15) / 365), 0)
                  ELSE 1 END
              * CASE WHEN day.dow >= 6 THEN s.weekend ELSE 1 END
              * power(0.98, day.yr)
              * CASE WHEN day.day >= s.cut_from THEN s.cut ELSE 1 END
              * CASE WHEN day.day >= s.grow_from THEN s.grow ELSE 1 END
              * (1 + 0.1 * (('x' || substr(md5($7 || ':' || s.meter_id || ':' || day.day), 1, 8))::bit(32)::int / 2147483648.0))
            )::numeric, 2)::float8,
            'MEASURED', $8
       FROM spec s CROSS JOIN day LEFT JOIN weather w ON w.day = day.day`,
    [specs.map((s) => s.serial), specs.map((s) => s.daily), specs.map((s) => s.shape), specs.map((s) => s.weekend), DEMO_FIRST_DAY, DEMO_LAST_DAY, SEED, batchId,
      specs.map((s) => cuts.get(s.serial)?.from ?? null), specs.map((s) => cuts.get(s.serial)?.cut ?? null), stationId,
      specs.map((s) => s.growth?.from ?? null), specs.map((s) => s.growth?.grow ?? null)],
  );
  return result.rowCount ?? 0;
}

/**
 * The 'weather' shape: a base of 0.86 plus heating below 16 °C and cooling above 22 °C (per °C-day,
 * as a fraction of the mean day), about 1.0 on average over a Shaoyang year like the seasonal shape.
 */
const WEATHER_SHAPE = '(0.86 + 0.025 * greatest(16 - w.mean_temp_c, 0) + 0.07 * greatest(w.mean_temp_c - 22, 0))';

/** The demo city's station and its synthesised daily means over the demo's days (src/demo/weather.data.ts). */
async function insertWeather(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO weather_station (code, name, region_id, source) SELECT $1, $2, id, $4 FROM region WHERE code = $3 RETURNING id`,
    [DEMO_STATION.code, DEMO_STATION.name, DEMO_STATION.regionCode, DEMO_STATION.source],
  );
  const days = demoDailyTemperatures(DEMO_FIRST_DAY, DEMO_LAST_DAY);
  await client.query(
    `INSERT INTO weather_day (station_id, day, mean_temp_c, source, imported_by) SELECT $1, d, temp, $4, 'demo seeder' FROM unnest($2::date[], $3::float8[]) AS u(d, temp)`,
    [rows[0].id, days.map((d) => d.day), days.map((d) => d.meanTempC), 'synthesised for the demo from monthly normals (see the station source)'],
  );
  return rows[0].id;
}

async function insertFactors(client: pg.PoolClient): Promise<void> {
  const drc = `(SELECT id FROM agency WHERE code = 'DRC')`;
  const C = DEMO_CONVERSION_FACTORS;
  await client.query(
    `INSERT INTO conversion_factor (carrier, unit, kgce_per_unit, valid_from, source, published_by_id, created_by)
     SELECT c::carrier, u::meter_unit, v, '2021-01-01', s, ${drc}, 'demo seeder' FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[]) AS x(c, u, v, s)`,
    [C.map((f) => f.carrier), C.map((f) => f.unit), C.map((f) => f.value), C.map((f) => f.source)],
  );
  const E = DEMO_EMISSION_FACTORS;
  await client.query(
    `INSERT INTO emission_factor (carrier, region_id, scope, unit, kg_co2_per_unit, valid_from, valid_to, source, published_by_id, created_by)
     SELECT c::carrier, (SELECT id FROM region WHERE code = r), sc::emission_scope, u::meter_unit, v, f::date, t::date, s, ${drc}, 'demo seeder'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::text[]) AS x(c, r, sc, u, v, f, t, s)`,
    [E.map((f) => f.carrier), E.map((f) => f.region), E.map((f) => f.scope), E.map((f) => f.unit), E.map((f) => f.value), E.map((f) => f.from), E.map((f) => f.to), E.map((f) => f.source)],
  );
  const U = DEMO_UNIT_CONVERSIONS;
  await client.query(
    `INSERT INTO unit_conversion (carrier, from_unit, to_unit, factor, valid_from, source, published_by_id, created_by)
     SELECT c::carrier, f::meter_unit, t::meter_unit, v, '2021-01-01', s, ${drc}, 'demo seeder' FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[]) AS x(c, f, t, v, s)`,
    [U.map((u) => u.carrier), U.map((u) => u.from), U.map((u) => u.to), U.map((u) => u.value), U.map((u) => u.source)],
  );
}

async function insertQuotas(client: pg.PoolClient): Promise<void> {
  const Q = DEMO_QUOTAS;
  await client.query(
    `INSERT INTO quota_standard (issuer_id, region_id, category, indicator, year_from, constraint_value, baseline_value, guide_value, source, created_by)
     SELECT (SELECT id FROM agency WHERE code = iss), (SELECT id FROM region WHERE code = '430000'), c::institution_category, k::indicator_kind, 2021, con, base, g, s, 'demo seeder'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::text[]) AS x(iss, c, k, con, base, g, s)`,
    [Q.map((q) => q.issuer), Q.map((q) => q.category), Q.map((q) => q.indicator), Q.map((q) => q.constraint), Q.map((q) => q.baseline), Q.map((q) => q.guide), Q.map((q) => q.source)],
  );
  await client.query('INSERT INTO scoring_rule (name, points_by_status, deduction_per_open_rectification) VALUES ($1, $2, $3)', [
    DEMO_SCORING_RULE.name, JSON.stringify(DEMO_SCORING_RULE.points), DEMO_SCORING_RULE.deduction,
  ]);
}

const demoPrincipal = (agencyCode: string): Principal => ({
  keyId: 0, keyName: `demo seeder (${agencyCode})`, role: 'admin', subject: agencyCode as Principal['subject'], agencyCode, institutionId: null, escoId: null,
});

/** The demo's history: 2021 to 2023 closed (opening the 2023 rectification cases), the 2022 and 2023 rounds signed by all three. */
async function closeDemoYears(db: Database): Promise<void> {
  // Through the services, so the demo's history is on the audit trail like any other.
  await runAudited(cliScope('seed demo'), async () => {
    const em = db.orm.em.fork();
    const closing = new ClosingService(db, em, demoPrincipal('GOA'));
    for (const year of [2021, 2022, 2023]) await closing.closeYear(year);
    for (const year of [2022, 2023]) {
      await new AssessmentService(db, em.fork(), demoPrincipal('GOA')).open(year);
      for (const agency of ['GOA', 'DRC', 'FINANCE']) await new AssessmentService(db, em.fork(), demoPrincipal(agency)).sign(year);
    }
  });
}

async function insertDemoKeys(client: pg.PoolClient, dataDir: string): Promise<void> {
  const keys = deriveDemoKeys(dataDir);
  for (const [n, spec] of DEMO_KEY_SPECS.entries()) {
    const { key } = keys[n];
    const prefix = key.split('_')[1];
    const institutionKey = 'institution' in spec ? spec.institution : null;
    const institution = institutionKey ? DEMO_INSTITUTIONS.find((i) => i.key === institutionKey)! : null;
    const esco = 'esco' in spec ? DEMO_ESCOS.find((e) => e.key === spec.esco)! : null;
    await client.query(
      `INSERT INTO api_key (name, prefix, hash, role, agency_id, institution_id, esco_id)
       VALUES ($1, $2, $3, $4, (SELECT id FROM agency WHERE code = $5), (SELECT id FROM institution WHERE credit_code = $6), (SELECT id FROM esco WHERE credit_code = $7))`,
      [`demo: ${spec.label}`, prefix, hashKey(key), spec.role, 'agency' in spec ? spec.agency : null, institution?.creditCode ?? null, esco?.creditCode ?? null],
    );
  }
}

export interface SeedStats {
  seeded: boolean;
  rows: number;
  readings: number;
  ms: number;
}

/** Loads the Shaoyang demo into an empty database, in one transaction; does nothing otherwise. */
export async function seedDemo(db: Database, dataDir: string): Promise<SeedStats> {
  const { pool, timezone } = db;
  const started = Date.now();
  // Readings are stored in monthly partitions; the demo's months (local days, so from the UTC evening before).
  await ensureReadingPartitions(pool, new Date(`${DEMO_FIRST_DAY}T00:00:00+08:00`), new Date(`${DEMO_LAST_DAY}T00:00:00+08:00`));
  const loaded = await inTransaction(
    pool,
    async (client) => {
      // Serialises two processes seeding at once; the loser sees a non-empty database.
      await client.query('LOCK TABLE institution IN EXCLUSIVE MODE');
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM institution');
      if (Number(rows[0].n) > 0) return null;
      await insertReference(client);
      const batch = await client.query<{ id: number }>(
        `INSERT INTO reading_batch (source, submitted_by, received_at, accepted, duplicates, corrected) VALUES ('DEMO', 'demo seeder', now(), 0, 0, 0) RETURNING id`,
      );
      const stationId = await insertWeather(client);
    const readings = await insertMetersAndReadings(client, batch.rows[0].id, stationId);
      await client.query('UPDATE reading_batch SET accepted = $1 WHERE id = $2', [readings, batch.rows[0].id]);
      await insertFactors(client);
      await insertQuotas(client);
      const creditCodeOf = (key: string) => DEMO_INSTITUTIONS.find((i) => i.key === key)!.creditCode;
      const pvReadings = await insertProgrammes(client, creditCodeOf, batch.rows[0].id, DEMO_LAST_DAY);
      await client.query('UPDATE reading_batch SET accepted = accepted + $1 WHERE id = $2', [pvReadings, batch.rows[0].id]);
      await insertDemoRecycling(client);
      const fleetReadings = await insertFleet(client, batch.rows[0].id, DEMO_FIRST_DAY, DEMO_LAST_DAY);
      await client.query('UPDATE reading_batch SET accepted = accepted + $1 WHERE id = $2', [fleetReadings, batch.rows[0].id]);
      await insertDemoKeys(client, dataDir);
      await rebuildAllRollups(client, timezone);
      return { readings, pvReadings, fleetReadings };
    },
    // The demo load may run longer than a request's statement timeout (it runs at `npm start` too).
    { statementTimeoutMs: 0 },
  );
  if (!loaded) return { seeded: false, rows: 0, readings: 0, ms: Date.now() - started };
  const { readings, pvReadings, fleetReadings } = loaded;
  await pool.query('ANALYZE');
  await closeDemoYears(db);
  // The demo's contracts were signed before the hub knew them: their baselines are frozen as signing would.
  await freezeSignedBaselines(pool, 'demo seeder');
  // And their savings measured and stored, month by month, as reads will ask for them.
  await measureLoadedContracts(db, cliOperator(), DEMO_FIRST_DAY, DEMO_LAST_DAY);
  const counted = await pool.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM region) + (SELECT count(*) FROM agency) + (SELECT count(*) FROM institution)
          + (SELECT count(*) FROM institution_profile) + (SELECT count(*) FROM meter) + (SELECT count(*) FROM api_key) AS n`,
  );
  const stats = { seeded: true, rows: Number(counted.rows[0].n) + readings + pvReadings + fleetReadings, readings: readings + pvReadings + fleetReadings, ms: Date.now() - started };
  logger.info('demo data loaded', { ...stats, rowsPerSecond: Math.round(stats.rows / (stats.ms / 1000)) });
  return stats;
}
