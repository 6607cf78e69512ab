import { fitCaltrack, fahrenheitToCelsius, type UsagePeriod } from '../../src/modules/epc/caltrack';
import { tQuantile, tTwoSidedP } from '../../src/modules/epc/stats';
import { toGlobalId } from '../../src/graphql/relay';
import { makeCreditCode } from '../../src/modules/registry/credit-code';
import { startTestHub, type TestHub } from '../helpers/hub';
import { daysBetween, seasonalTemperature } from '../helpers/weather';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

/** Seasonal (5 °C in January, 29 °C in July) with deterministic wiggles. */
const temperature = (day: string, i: number) => seasonalTemperature(day, i, 12);
/** Deterministic noise in [-1, 1]. */
const noise = (i: number) => Math.sin(i * 12.9898) * 0.7 + Math.sin(i * 4.1414) * 0.3;
const H = fahrenheitToCelsius(62);
const C = fahrenheitToCelsius(75);
const hdd = (t: number) => Math.max(0, H - t);
const cdd = (t: number) => Math.max(0, t - C);

describe('CalTRACK daily fit (pure)', () => {
  const days = daysBetween('2022-01-01', '2023-01-01');
  const temps = days.map(temperature);

  it('recovers known coefficients within 1% from a noisy year', () => {
    const periods: UsagePeriod[] = days.map((d, i) => ({ start: d, days: 1, usage: 120 + 8 * hdd(temps[i]) + 5 * cdd(temps[i]) + 2 * noise(i), temps: [temps[i]] }));
    const m = fitCaltrack(periods, 'DAILY', true)!;
    expect(m.type).toBe('HDD_CDD');
    expect(m.heatingBalanceF).toBe(62);
    expect(m.coolingBalanceF).toBe(75);
    expect(Math.abs(m.intercept / 120 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.betaHdd / 8 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.betaCdd / 5 - 1)).toBeLessThan(0.01);
    expect(m.n).toBe(365);
    expect(m.coefficients.every((k) => k.pValue < 0.1)).toBe(true);
  });

  it('fits gas without a cooling term', () => {
    const periods: UsagePeriod[] = days.map((d, i) => ({ start: d, days: 1, usage: 40 + 6 * hdd(temps[i]) + 5 * cdd(temps[i]) + noise(i), temps: [temps[i]] }));
    const m = fitCaltrack(periods, 'DAILY', false)!;
    expect(m.type).toBe('HDD_ONLY');
    expect(m.betaCdd).toBe(0);
    expect(m.coolingBalanceC).toBeNull();
  });

  it('gives the statistics a plain least squares gives on a small hand-checked case', () => {
    // 14 days, heating only: usage = 10 + 2·HDD plus known wiggles; the fit picks a balance point, which we then refit by hand.
    const t = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9, 0.5, 2.5, 4.5, 6.5];
    const periods: UsagePeriod[] = t.map((v, i) => ({ start: `2023-01-${String(i + 1).padStart(2, '0')}`, days: 1, usage: 10 + 2 * Math.max(0, fahrenheitToCelsius(60) - v) + [0.4, -0.3, 0.2, -0.5, 0.1, 0.3, -0.2, 0.4, -0.1, -0.3, 0.2, 0.1, -0.4, 0.3][i], temps: [v] }));
    const m = fitCaltrack(periods, 'DAILY', true)!;
    expect(m.type).toBe('HDD_ONLY');
    // Plain OLS of y on x = HDD at the chosen balance point.
    const x = t.map((v) => Math.max(0, m.heatingBalanceC! - v));
    const y = periods.map((p) => p.usage);
    const n = x.length;
    const mx = x.reduce((s, v) => s + v, 0) / n;
    const my = y.reduce((s, v) => s + v, 0) / n;
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0);
    const b = sxy / sxx;
    const a = my - b * mx;
    const res = y.map((v, i) => v - (a + b * x[i]));
    const sse = res.reduce((s, r) => s + r * r, 0);
    const sst = y.reduce((s, v) => s + (v - my) ** 2, 0);
    const s2 = sse / (n - 2);
    expect(m.intercept).toBeCloseTo(a, 9);
    expect(m.betaHdd).toBeCloseTo(b, 9);
    expect(m.coefficients[1].standardError).toBeCloseTo(Math.sqrt(s2 / sxx), 9);
    expect(m.coefficients[0].standardError).toBeCloseTo(Math.sqrt(s2 * (1 / n + (mx * mx) / sxx)), 9);
    expect(m.r2).toBeCloseTo(1 - sse / sst, 12);
    expect(m.adjR2).toBeCloseTo(1 - ((sse / sst) * (n - 1)) / (n - 2), 12);
    expect(m.cvRmse!).toBeCloseTo(Math.sqrt(sse / (n - 2)) / my, 12);
    expect(m.nmbe!).toBeCloseTo(res.reduce((s, r) => s + r, 0) / ((n - 2) * my), 12);
    expect(m.coefficients[1].pValue).toBeCloseTo(tTwoSidedP(b / Math.sqrt(s2 / sxx), n - 2), 12);
  });

  it("computes Student's t as tables give it", () => {
    expect(tTwoSidedP(2.228138852, 10)).toBeCloseTo(0.05, 8);
    expect(tQuantile(0.95, 10)).toBeCloseTo(1.812461123, 6);
    expect(tQuantile(0.95, 363)).toBeCloseTo(1.649, 3);
  });
});

describe('CalTRACK M&V and weather through the hub', () => {
  let t: TestHub;
  const gql = async (query: string, variables: Json = {}, key = t.keys.goa): Promise<Json> => (await t.raw({ query, variables }, key)) as Json;
  const count = async (table: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t?.close();
  });

  const WEATHER_DAYS = daysBetween('2021-01-01', '2024-01-01');
  const TEMP = new Map(WEATHER_DAYS.map((d, i) => [d, Math.round(temperature(d, i) * 10) / 10]));
  let regionId: string;
  let stationId: string;

  it('imports weather all or nothing, readable by every subject that reads factors, writable by DRC and GOA', async () => {
    const [region] = await t.sql<{ id: number; code: string }>(`SELECT id, code FROM region WHERE level = 'COUNTY' ORDER BY id DESC LIMIT 1`);
    regionId = toGlobalId('Region', region.id);
    const denied = await gql(`mutation($i: CreateWeatherStationInput!) { createWeatherStation(input: $i) { id } }`, { i: { code: 'T1', name: 'x', source: 'x', regionId } }, t.keys.housing);
    expect(denied.errors[0].extensions.code).toBe('FORBIDDEN');
    const st = await gql(`mutation($i: CreateWeatherStationInput!) { createWeatherStation(input: $i) { id code unit } }`, { i: { code: 'CT-TEST', name: 'CalTRACK test station', source: 'synthetic', regionId } }, t.keys.drc);
    expect(st.errors).toBeUndefined();
    expect(st.data.createWeatherStation.unit).toBe('°C');
    stationId = st.data.createWeatherStation.id;

    const before = await count('weather_day');
    const bad = `station,day,mean_temp,unit\nCT-TEST,2022-01-01,5.5,C\nCT-TEST,2022-01-02,abc,C\nNOPE,2022-01-03,4,C\nCT-TEST,2022-13-01,4,C\n`;
    const r1 = await gql(`mutation($csv: String!) { importWeather(csv: $csv, source: "test") { rows changed } }`, { csv: bad });
    expect(r1.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r1.errors[0].message).toContain('row 3: mean_temp');
    expect(r1.errors[0].message).toContain('row 5: day');
    expect(await count('weather_day')).toBe(before);
    const unknown = await gql(`mutation($csv: String!) { importWeather(csv: $csv, source: "test") { rows } }`, { csv: 'station,day,mean_temp\nNOPE,2022-01-03,4\n' });
    expect(unknown.errors[0].message).toContain('row 2: station: no station with code NOPE');
    expect(await count('weather_day')).toBe(before);
    const forbidden = await gql(`mutation($csv: String!) { importWeather(csv: $csv, source: "test") { rows } }`, { csv: 'station,day,mean_temp\nCT-TEST,2022-01-03,4\n' }, t.keys.finance);
    expect(forbidden.errors[0].extensions.code).toBe('FORBIDDEN');

    const csv = ['station,day,mean_temp', ...WEATHER_DAYS.map((d) => `CT-TEST,${d},${TEMP.get(d)}`)].join('\n');
    const ok = await gql(`mutation($csv: String!) { importWeather(csv: $csv, source: "synthetic series") { rows changed stations } }`, { csv });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.importWeather).toEqual({ rows: WEATHER_DAYS.length, changed: WEATHER_DAYS.length, stations: ['CT-TEST'] });
    const again = await gql(`mutation($csv: String!) { importWeather(csv: $csv, source: "synthetic series") { changed } }`, { csv });
    expect(again.data.importWeather.changed).toBe(0);

    const days = await gql(`query($s: ID!) { weatherDays(stationId: $s, from: "2022-01-01", to: "2022-01-03") { day meanTempC source } }`, { s: stationId }, t.keys.public);
    expect(days.errors).toBeUndefined();
    expect(days.data.weatherDays).toEqual([{ day: '2022-01-01', meanTempC: TEMP.get('2022-01-01'), source: 'synthetic series' }, { day: '2022-01-02', meanTempC: TEMP.get('2022-01-02'), source: 'synthetic series' }]);
    const reg = await gql(`query($id: ID!) { node(id: $id) { ... on Region { weatherStation { code degreeDays(from: "2022-01-01", to: "2022-02-01", heatingBaseC: 18) { month days hdd missingDays } } } } }`, { id: regionId }, t.keys.esco);
    expect(reg.errors).toBeUndefined();
    const jan = reg.data.node.weatherStation.degreeDays[0];
    const expectedHdd = daysBetween('2022-01-01', '2022-02-01').reduce((s, d) => s + Math.max(0, 18 - TEMP.get(d)!), 0);
    expect(jan.days).toBe(31);
    expect(jan.hdd).toBeCloseTo(expectedHdd, 9);
  });

  describe('a contract measured with CalTRACK daily', () => {
    let contractId: string;
    let meterId: string;
    const KWH = (d: string) => 300 + 20 * hdd(TEMP.get(d)!) + 15 * cdd(TEMP.get(d)!);
    const SAVINGS = `query($id: ID!) { epcContract(id: $id) { baselineModel { version frozen models { carrier method type heatingBalanceC coolingBalanceC observations
        coefficients { name estimate standardError pValue } r2 adjR2 cvRmse nmbe metricsFrequency sufficiency { status validDays failures } } }
      savings(period: { year: 2023 }) { method kgce savingsKgce lowKgce highKgce fsu flagged complete baselineVersion adjustedBaselineKgce nonRoutineAdjustmentKgce
        missingDays { carrier reason days } byCarrier { carrier method points fsu } } } }`;

    beforeAll(async () => {
      const [{ code }] = await t.sql<{ code: string }>('SELECT code FROM region WHERE id = $1', [Number(Buffer.from(regionId, 'base64url').toString().split(':')[1])]);
      const inst = await gql(`mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { id } }`, {
        input: { category: 'GOVERNMENT_OFFICE', creditCode: makeCreditCode('11', code, 8_800_777), name: 'CalTRACK test office', nameZh: 'CalTRACK测试楼', regionId },
      });
      const institutionId = inst.data.createInstitution.id;
      const meter = await gql(`mutation($input: CreateMeterInput!) { createMeter(input: $input) { id } }`, { input: { institutionId, carrier: 'ELECTRICITY', unit: 'KWH', serial: 'SY-caltrack-E1' } });
      meterId = meter.data.createMeter.id;
      const escos = await gql(`{ escos(first: 1) { nodes { id } } }`);
      const c = await gql(`mutation($input: CreateEpcContractInput!) { createEpcContract(input: $input) { id } }`, {
        input: {
          institutionId, escoId: escos.data.escos.nodes[0].id, title: 'CalTRACK test contract', type: 'GUARANTEED_SAVINGS', guaranteedSavingsRate: '0.1000', baselineDriver: 'NONE',
          carriers: ['ELECTRICITY'], measures: [{ name: 'Chiller', pillar: 'TECHNOLOGY' }], prices: [{ carrier: 'ELECTRICITY', priceYuan: '0.6500' }],
          termStart: '2022-01-01', termEnd: '2027-01-01', investmentYuan: '100000.00', baselineStart: '2021-01-01',
        },
      });
      contractId = c.data.createEpcContract.id;
      const row = (d: string, v: number) => ({ meterId, periodStart: `${d}T00:00:00+08:00`, periodEnd: new Date(Date.parse(`${d}T00:00:00+08:00`) + 86_400_000).toISOString(), value: v });
      const rows = [...daysBetween('2021-01-01', '2022-01-01').map((d) => row(d, KWH(d))), ...daysBetween('2023-01-01', '2024-01-01').map((d) => row(d, 0.85 * KWH(d)))];
      const ing = await gql(`mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted } }`, { rows });
      expect(ing.errors).toBeUndefined();
    });

    it('fits each carrier with CalTRACK daily, freezes it on rebaselining, and reports the statistics and uncertainty', async () => {
      const live = await gql(SAVINGS, { id: contractId });
      expect(live.errors).toBeUndefined();
      expect(live.data.epcContract.baselineModel).toMatchObject({ version: null, frozen: false });
      const bad = await gql(`mutation($id: ID!) { rebaselineEpcContract(id: $id, reason: "") { id } }`, { id: contractId });
      expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const esco = await gql(`mutation($id: ID!) { rebaselineEpcContract(id: $id, reason: "x") { id } }`, { id: contractId }, t.keys.water);
      expect(esco.errors[0].extensions.code).toBe('FORBIDDEN');
      const versions = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM epc_baseline WHERE contract_id = $1', [Number(Buffer.from(contractId, 'base64url').toString().split(':')[1])]))[0].n;
      expect(await versions()).toBe(0);
      const rb = await gql(`mutation($id: ID!) { rebaselineEpcContract(id: $id, reason: "freeze the baseline fitted before this change") { id } }`, { id: contractId }, t.keys.finance);
      expect(rb.errors).toBeUndefined();

      const r = await gql(SAVINGS, { id: contractId });
      expect(r.errors).toBeUndefined();
      const model = r.data.epcContract.baselineModel;
      expect(model).toMatchObject({ version: 1, frozen: true });
      const m = model.models[0];
      expect(m).toMatchObject({ carrier: 'ELECTRICITY', method: 'CALTRACK_DAILY', type: 'HDD_CDD', observations: 365, metricsFrequency: 'DAILY', sufficiency: { status: 'PASS', validDays: 365 } });
      // Figures leave rounded: °C and coefficients to 6 significant digits, kgce to 0.001.
      expect(m.heatingBalanceC).toBeCloseTo(H, 3);
      expect(m.coolingBalanceC).toBeCloseTo(C, 3);
      expect(m.coefficients.map((k: Json) => k.name)).toEqual(['intercept', 'betaHdd', 'betaCdd']);
      expect(m.coefficients[1].estimate).toBeCloseTo(20, 3);
      const s = r.data.epcContract.savings;
      expect(s).toMatchObject({ method: 'CALTRACK_DAILY', flagged: false, complete: true, baselineVersion: 1, missingDays: [] });
      const expected = daysBetween('2023-01-01', '2024-01-01').reduce((sum, d) => sum + 0.15 * KWH(d), 0) * 0.1229;
      expect(Math.abs(s.kgce / expected - 1)).toBeLessThan(1e-6);
      expect(s.kgce).toBe(s.savingsKgce);
      // A perfect fit: no uncertainty left but float noise.
      expect(s.highKgce - s.lowKgce).toBeLessThan(1e-3 * s.kgce);
      expect(s.byCarrier[0]).toMatchObject({ carrier: 'ELECTRICITY', method: 'CALTRACK_DAILY', points: 365 });
    });

    it('flags a missing temperature day and names it, never switching the method', async () => {
      const before = (await gql(SAVINGS, { id: contractId })).data.epcContract.savings;
      await t.sql(`DELETE FROM weather_day WHERE day IN ('2023-03-14', '2021-05-02') AND station_id = (SELECT id FROM weather_station WHERE code = 'CT-TEST')`);
      const r = await gql(SAVINGS, { id: contractId });
      expect(r.errors).toBeUndefined();
      const s = r.data.epcContract.savings;
      expect(s.method).toBe('CALTRACK_DAILY');
      expect(s.baselineVersion).toBe(1);
      expect(s.flagged).toBe(true);
      expect(s.missingDays).toEqual([{ carrier: 'ELECTRICITY', reason: 'TEMPERATURE', days: ['2023-03-14'] }]);
      // The day is left out of both sides, not spread: savings drop by that day's savings only.
      expect(before.kgce - s.kgce).toBeCloseTo(0.15 * KWH('2023-03-14') * 0.1229, 2);
    });

    it('records a non-routine event and adjusts the baseline by it, and a rebaselining beside the old model', async () => {
      // The demo holds events of its own (Longhui's 2023 wing): a refused event adds none.
      const events = await count('epc_non_routine_event');
      const bad = await gql(`mutation($id: ID!) { addNonRoutineEvent(contractId: $id, from: "2023-06-01", to: "2023-05-01", adjustmentKgce: "x", reason: "") { from } }`, { id: contractId });
      expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(await count('epc_non_routine_event')).toBe(events);
      const before = (await gql(SAVINGS, { id: contractId })).data.epcContract.savings;
      const ev = await gql(`mutation($id: ID!) { addNonRoutineEvent(contractId: $id, from: "2023-06-01", to: "2023-07-01", adjustmentKgce: "1500.000", reason: "server room added") { from to adjustmentKgce reason recordedBy } }`, { id: contractId });
      expect(ev.errors).toBeUndefined();
      expect(ev.data.addNonRoutineEvent).toMatchObject({ from: '2023-06-01', to: '2023-07-01', adjustmentKgce: 1500, reason: 'server room added' });
      const after = await gql(`query($id: ID!) { epcContract(id: $id) { nonRoutineEvents { reason adjustmentKgce } savings(period: { year: 2023 }) { kgce nonRoutineAdjustmentKgce } } }`, { id: contractId });
      expect(after.data.epcContract.nonRoutineEvents).toEqual([{ reason: 'server room added', adjustmentKgce: 1500 }]);
      expect(after.data.epcContract.savings.nonRoutineAdjustmentKgce).toBeCloseTo(1500, 6);
      expect(after.data.epcContract.savings.kgce - before.kgce).toBeCloseTo(1500, 2);

      const rb = await gql(`mutation($id: ID!) { rebaselineEpcContract(id: $id, reason: "temperatures corrected") { baselineVersions { version reason fittedBy dataHash } } }`, { id: contractId });
      expect(rb.errors).toBeUndefined();
      const versions = rb.data.rebaselineEpcContract.baselineVersions;
      expect(versions.map((v: Json) => [v.version, v.reason])).toEqual([[1, 'freeze the baseline fitted before this change'], [2, 'temperatures corrected']]);
      // The baseline lost a temperature day since version 1: the data it was fitted on differs.
      expect(versions[0].dataHash).not.toBe(versions[1].dataHash);
    });
  });

  it('keeps a paid settlement frozen after a late reading and shows the difference for FINANCE to accept', async () => {
    const [c] = await t.sql<{ id: number; meter_id: number }>(
      `SELECT c.id, m.id AS meter_id FROM epc_contract c JOIN institution i ON i.id = c.institution_id JOIN meter m ON m.institution_id = i.id AND m.carrier = 'ELECTRICITY'
        WHERE c.status = 'OPERATING' AND c.type = 'BENEFIT_SHARING' ORDER BY c.id LIMIT 1`,
    );
    const id = toGlobalId('EpcContract', c.id);
    const Q = `query($id: ID!) { epcContract(id: $id) { settlements(asOf: "2024-12-31") { periodStart periodEnd frozenAt pendingDifferenceKgce escoShareYuan savings { kgce } } } }`;
    const first = (await gql(Q, { id }, t.keys.finance)).data.epcContract.settlements[0];
    expect(first.frozenAt).toBeNull();
    const pay = await gql(`mutation($id: ID!) { recordEpcPayment(contractId: $id, amountYuan: "1000.00", paidOn: "2024-12-31") { paidOn } }`, { id }, t.keys.finance);
    expect(pay.errors).toBeUndefined();
    const paid = (await gql(Q, { id }, t.keys.finance)).data.epcContract.settlements[0];
    expect(paid.frozenAt).not.toBeNull();
    expect(paid.savings.kgce).toBe(first.savings.kgce);

    // A late correction of one reading in the paid period: 1,000 kWh more.
    const [reading] = await t.sql<{ s: Date; e: Date; value: number }>(
      `SELECT period_start AS s, period_end AS e, value FROM reading WHERE meter_id = $1 AND period_start >= $2::date AND period_end <= $3::date ORDER BY period_start LIMIT 1`,
      [c.meter_id, first.periodStart, first.periodEnd],
    );
    const ing = await gql(`mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { corrected } }`, {
      rows: [{ meterId: toGlobalId('Meter', c.meter_id), periodStart: reading.s.toISOString(), periodEnd: reading.e.toISOString(), value: reading.value + 1000, correction: true }],
    });
    expect(ing.errors).toBeUndefined();
    const late = (await gql(Q, { id }, t.keys.finance)).data.epcContract.settlements[0];
    expect(late.savings.kgce).toBe(first.savings.kgce);
    expect(late.escoShareYuan).toBe(first.escoShareYuan);
    expect(late.pendingDifferenceKgce).toBeCloseTo(-1000 * 0.1229, 3);

    const denied = await gql(`mutation($id: ID!, $p: LocalDate!) { acceptSettlementDifference(contractId: $id, periodStart: $p) { periodStart } }`, { id, p: first.periodStart }, t.keys.goa);
    expect(denied.errors[0].extensions.code).toBe('FORBIDDEN');
    const acc = await gql(`mutation($id: ID!, $p: LocalDate!) { acceptSettlementDifference(contractId: $id, periodStart: $p) { pendingDifferenceKgce savings { kgce } } }`, { id, p: first.periodStart }, t.keys.finance);
    expect(acc.errors).toBeUndefined();
    expect(acc.data.acceptSettlementDifference.pendingDifferenceKgce).toBeNull();
    expect(acc.data.acceptSettlementDifference.savings.kgce).toBeCloseTo(first.savings.kgce - 1000 * 0.1229, 3);
  });
});
