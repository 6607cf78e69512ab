import type pg from 'pg';
import { DEMO_AUDITS, DEMO_CONTRACTS, DEMO_ESCOS } from './programmes.data';
import { DEMO_PV_PROJECTS } from './solar.data';

const LIFECYCLE = ['AUDITED', 'APPROVED', 'SIGNED', 'IMPLEMENTING', 'OPERATING'] as const;
const ACTOR: Record<string, string> = { AUDITED: 'demo: GOA admin', APPROVED: 'demo: FINANCE editor', SIGNED: 'demo: GOA admin', IMPLEMENTING: 'demo: GOA admin', OPERATING: 'demo: GOA admin' };

/** Electricity and gas of EPC sites fall by the contract's cut once it operates (serial to [from, factor]). */
export function epcCuts(): Map<string, { from: string; cut: number }> {
  const cuts = new Map<string, { from: string; cut: number }>();
  for (const c of DEMO_CONTRACTS) {
    if (!c.operatingFrom || !c.cut) continue;
    for (const suffix of ['E1', 'G1']) cuts.set(`SY-${c.institution}-${suffix}`, { from: c.operatingFrom, cut: c.cut });
  }
  return cuts;
}

/** ESCOs, contracts with their history, assets and payments, audits, PV projects with generation meters and readings. */
export async function insertProgrammes(client: pg.PoolClient, creditCodeOf: (key: string) => string, batchId: number, lastDay: string): Promise<number> {
  const E = DEMO_ESCOS;
  await client.query(`INSERT INTO esco (name, name_zh, credit_code) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, [E.map((e) => e.name), E.map((e) => e.nameZh), E.map((e) => e.creditCode)]);
  const escoCode = (key: string) => E.find((e) => e.key === key)!.creditCode;
  for (const c of DEMO_CONTRACTS) {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO epc_contract (institution_id, esco_id, title, title_zh, type, status, carriers, measures, term_start, term_end, investment_yuan, esco_share,
                                 guaranteed_savings_rate, prices, baseline_start, baseline_driver, settlement_period, created_by, created_at)
       VALUES ((SELECT id FROM institution WHERE credit_code = $1), (SELECT id FROM esco WHERE credit_code = $2), $3, $16, $4, $5, $6::carrier[], $7, $8, $9, $10, $11,
               $12, $13, $14, 'FLOOR_AREA', 'QUARTER', 'demo: GOA admin', ($15::date::timestamp AT TIME ZONE 'Asia/Shanghai'))
       RETURNING id`,
      [creditCodeOf(c.institution), escoCode(c.esco), c.title, c.type, c.status, c.carriers, JSON.stringify(c.measures), c.termStart, c.termEnd, c.investmentYuan, c.escoShare,
        c.guaranteedSavingsRate, JSON.stringify(c.prices), c.baselineStart, c.steps[0] ?? c.baselineStart, c.titleZh],
    );
    const id = rows[0].id;
    const statuses = ['DRAFT', ...LIFECYCLE.slice(0, c.steps.length)];
    const days = [c.steps[0] ?? c.termStart, ...c.steps];
    await client.query(
      `INSERT INTO epc_transition (contract_id, from_status, to_status, note, actor, at, effective_at)
       SELECT $1, f::epc_status, t::epc_status, n, a, (d::date::timestamp AT TIME ZONE 'Asia/Shanghai'), (d::date::timestamp AT TIME ZONE 'Asia/Shanghai') FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(f, t, n, a, d)`,
      [id, statuses.map((_, i) => (i === 0 ? null : statuses[i - 1])), statuses, statuses.map((s, i) => (i === 0 ? 'drafted' : null)), statuses.map((s) => ACTOR[s] ?? 'demo: GOA admin'), days],
    );
    if (c.assets.length) {
      await client.query(`INSERT INTO epc_asset (contract_id, name, quantity, value_yuan) SELECT $1, * FROM unnest($2::text[], $3::int[], $4::numeric[])`, [
        id, c.assets.map((a) => a.name), c.assets.map((a) => a.quantity), c.assets.map((a) => a.valueYuan),
      ]);
    }
    if (c.payments.length) {
      await client.query(`INSERT INTO epc_payment (contract_id, amount_yuan, paid_on, recorded_by, recorded_at) SELECT $1, a, d, 'demo: FINANCE editor', d::timestamptz FROM unnest($2::numeric[], $3::date[]) AS u(a, d)`, [
        id, c.payments.map((p) => p.amountYuan), c.payments.map((p) => p.paidOn),
      ]);
    }
    const events = c.nonRoutineEvents ?? [];
    if (events.length) {
      await client.query(
        `INSERT INTO epc_non_routine_event (contract_id, from_day, to_day, adjustment_kgce, reason, recorded_by, recorded_at)
         SELECT $1, f, t, a, r, 'demo: GOA admin', (d::timestamp AT TIME ZONE 'Asia/Shanghai') FROM unnest($2::date[], $3::date[], $4::numeric[], $5::text[], $6::date[]) AS u(f, t, a, r, d)`,
        [id, events.map((e) => e.from), events.map((e) => e.to), events.map((e) => e.adjustmentKgce), events.map((e) => e.reason), events.map((e) => e.recordedOn)],
      );
    }
  }
  const A = DEMO_AUDITS;
  await client.query(
    `INSERT INTO energy_audit (institution_id, auditor, audited_on, triggers, findings, measures, suits_epc, created_by)
     SELECT (SELECT id FROM institution WHERE credit_code = c), a, d, t::audit_trigger[], f, m, s, 'demo: GOA admin'
       FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[], $6::jsonb[], $7::bool[]) AS u(c, a, d, t, f, m, s)`,
    [A.map((a) => creditCodeOf(a.institution)), A.map((a) => a.auditor), A.map((a) => a.auditedOn), A.map((a) => `{${a.triggers.join(',')}}`), A.map((a) => a.findings), A.map((a) => JSON.stringify(a.measures)), A.map((a) => a.suitsEpc)],
  );
  return insertPv(client, creditCodeOf, batchId, lastDay);
}

/** PV projects; operating ones get a PV_GENERATION meter with daily readings from commissioning to the demo's last day. */
async function insertPv(client: pg.PoolClient, creditCodeOf: (key: string) => string, batchId: number, lastDay: string): Promise<number> {
  const P = DEMO_PV_PROJECTS;
  const serial = (n: number) => `SY-PV-${String(n + 1).padStart(3, '0')}`;
  const operating = P.map((p, n) => ({ p, n })).filter(({ p }) => p.status === 'OPERATING');
  await client.query(
    `INSERT INTO meter (institution_id, carrier, unit, serial, supplier_id)
     SELECT (SELECT id FROM institution WHERE credit_code = c), 'PV_GENERATION', 'KWH', s, (SELECT id FROM agency WHERE code = 'HOUSING') FROM unnest($1::text[], $2::text[]) AS u(c, s)`,
    [operating.map(({ p }) => creditCodeOf(p.institution)), operating.map(({ n }) => serial(n))],
  );
  await client.query(
    `INSERT INTO pv_project (institution_id, name, name_zh, capacity_kw, investment_yuan, financing, status, started_on, commissioned_on, expected_annual_kwh, reported_annual_co2_t, generation_meter_id)
     SELECT (SELECT id FROM institution WHERE credit_code = c), nm, nz, cap, inv, f::pv_financing, st::pv_status, sd, cd, kwh, co2, (SELECT id FROM meter WHERE serial = s)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::numeric[], $6::text[], $7::text[], $8::date[], $9::date[], $10::float8[], $11::float8[], $12::text[])
            WITH ORDINALITY AS u(c, nm, nz, cap, inv, f, st, sd, cd, kwh, co2, s, n) ORDER BY n`,
    [P.map((p) => creditCodeOf(p.institution)), P.map((p) => p.name), P.map((p) => p.nameZh), P.map((p) => p.capacityKw), P.map((p) => p.investmentYuan), P.map((p) => p.financing),
      P.map((p) => p.status), P.map((p) => p.startedOn), P.map((p) => p.commissionedOn), P.map((p) => p.expectedAnnualKwh), P.map((p) => p.reportedAnnualCo2T), P.map((p, n) => (p.status === 'OPERATING' ? serial(n) : null))],
  );
  // Daily generation: the expected year spread with a summer peak (Hunan) and ±25% weather noise.
  const result = await client.query(
    `INSERT INTO reading (meter_id, period_start, period_end, value, quality, batch_id)
     SELECT m.id, (d::date::timestamp AT TIME ZONE 'Asia/Shanghai'), ((d::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'),
            round((p.expected_annual_kwh / 365 * (1 + 0.35 * cos(2 * pi() * (extract(doy FROM d) - 190) / 365))
                   * (1 + 0.25 * (('x' || substr(md5('pv:' || m.id || ':' || d::date), 1, 8))::bit(32)::int / 2147483648.0)))::numeric, 1)::float8,
            'MEASURED', $2
       FROM pv_project p JOIN meter m ON m.id = p.generation_meter_id
       CROSS JOIN LATERAL generate_series(p.commissioned_on, $1::date, interval '1 day') d`,
    [lastDay, batchId],
  );
  return result.rowCount ?? 0;
}
