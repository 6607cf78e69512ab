import { CreateInstitutionDocument, CreateMeterDocument, InstitutionsDocument, MetersDocument } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { makeCreditCode } from '../../src/modules/registry/credit-code';
import type { TestHub } from './hub';

/**
 * A school of the test's own in Shuangqing district (430502), made by GOA through the API; `serial`
 * makes its credit code, so each test file takes its own. Returns its global id.
 */
export async function createSchool(t: TestHub, name: string, nameZh: string, serial: number): Promise<string> {
  const [region] = await t.sql<{ id: number }>(`SELECT id FROM region WHERE code = '430502'`);
  const r = await t.gql(
    CreateInstitutionDocument,
    { input: { name, nameZh, creditCode: makeCreditCode('12', '430502', serial), category: 'SCHOOL', regionId: toGlobalId('Region', region.id) } },
    t.keys.goa,
  );
  if (r.errors) throw new Error(`createInstitution: ${r.errors[0].message}`);
  return r.data!.createInstitution.id;
}

/** A meter of the institution, made by GOA through the API. Returns its global id. */
export async function createMeter(t: TestHub, institutionId: string, carrier: 'ELECTRICITY' | 'WATER', unit: 'KWH' | 'M3', serial: string): Promise<string> {
  const r = await t.gql(CreateMeterDocument, { input: { institutionId, carrier, unit, serial } }, t.keys.goa);
  if (r.errors) throw new Error(`createMeter: ${r.errors[0].message}`);
  return r.data!.createMeter.id;
}

/** Global id of the demo institution with this Chinese name. */
export async function institutionId(t: TestHub, nameZh: string): Promise<string> {
  const r = await t.gql(InstitutionsDocument, { first: 5, filter: { search: nameZh } }, t.keys.goa);
  const node = r.data?.institutions.edges.find((e) => e.node.nameZh === nameZh)?.node;
  if (!node) throw new Error(`no demo institution ${nameZh}`);
  return node.id;
}

/** Global id of a demo meter by serial (e.g. SY-hosp-longhui-E1). */
export async function meterId(t: TestHub, serial: string): Promise<string> {
  const id = (await t.sql<{ id: number }>('SELECT id FROM meter WHERE serial = $1', [serial]))[0]?.id;
  if (id === undefined) throw new Error(`no demo meter ${serial}`);
  const r = await t.gql(MetersDocument, { first: 100, filter: { institutionId: await institutionIdOfMeter(t, id) } }, t.keys.goa);
  return r.data!.meters.nodes.find((m) => m.serial === serial)!.id;
}

async function institutionIdOfMeter(t: TestHub, id: number): Promise<string> {
  const row = (await t.sql<{ institution_id: number }>('SELECT institution_id FROM meter WHERE id = $1', [id]))[0];
  return Buffer.from(`Institution:${row.institution_id}`).toString('base64url');
}

export async function tableCounts(t: TestHub): Promise<Record<string, number>> {
  const rows = await t.sql<{ readings: string; revisions: string; batches: string }>(
    'SELECT (SELECT count(*) FROM reading) AS readings, (SELECT count(*) FROM reading_revision) AS revisions, (SELECT count(*) FROM reading_batch) AS batches',
  );
  return { readings: Number(rows[0].readings), revisions: Number(rows[0].revisions), batches: Number(rows[0].batches) };
}

/** `n` consecutive daily rows starting at `day` (Asia/Shanghai midnight). */
export function dailyRows(meterId: string, day: string, n: number, value = (i: number) => 100 + i) {
  const start = new Date(`${day}T00:00:00+08:00`).getTime();
  return Array.from({ length: n }, (_, i) => ({
    meterId,
    periodStart: new Date(start + i * 86_400_000).toISOString(),
    periodEnd: new Date(start + (i + 1) * 86_400_000).toISOString(),
    value: value(i),
  }));
}

/**
 * Days and months of `meter_day` / `meter_month` that differ from a full recomputation from the
 * readings of these meters (an empty list when the incremental refreshes were right).
 */
export function rollupDrift(t: TestHub, meterIds: number[]) {
  return t.sql(
    `WITH full_day AS (
       SELECT r.meter_id, a.day, sum(a.value) AS value, sum(a.covered_s) AS covered_s
         FROM reading r CROSS JOIN LATERAL ewc_allocate(r.period_start, r.period_end, r.value, 'Asia/Shanghai') a
        WHERE r.meter_id = ANY($1::int[]) GROUP BY 1, 2),
     full_month AS (SELECT meter_id, date_trunc('month', day)::date AS month, sum(value) AS value, sum(covered_s) AS covered_s FROM full_day GROUP BY 1, 2)
     SELECT 'day' AS kind, coalesce(f.meter_id, d.meter_id) AS meter_id, coalesce(f.day, d.day)::text AS at, f.value AS expected, d.value AS actual
       FROM full_day f FULL JOIN (SELECT * FROM meter_day WHERE meter_id = ANY($1::int[])) d ON d.meter_id = f.meter_id AND d.day = f.day
      WHERE f.value IS NULL OR d.value IS NULL OR abs(f.value - d.value) > 1e-6 OR abs(f.covered_s - d.covered_s) > 1e-6
     UNION ALL
     SELECT 'month', coalesce(f.meter_id, m.meter_id), coalesce(f.month, m.month)::text, f.value, m.value
       FROM full_month f FULL JOIN (SELECT * FROM meter_month WHERE meter_id = ANY($1::int[])) m ON m.meter_id = f.meter_id AND m.month = f.month
      WHERE f.value IS NULL OR m.value IS NULL OR abs(f.value - m.value) > 1e-6`,
    [meterIds],
  );
}

/** Rows in `from` (a table, with a WHERE if need be): what a list should total, read from the data rather than pinned. */
export async function countRows(t: TestHub, from: string, params: unknown[] = []): Promise<number> {
  return (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, params))[0].n;
}
