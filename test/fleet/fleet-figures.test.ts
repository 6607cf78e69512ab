import {
  AggregateFleetFiguresDocument, CreateChargingPointDocument, CreateInstitutionDocument, CreateMeterDocument, CreateVehicleDocument, FleetFiguresListDocument,
  IngestReadingsDocument, IngestVehicleEnergyDocument, InstitutionFleetFiguresDocument, type CreateVehicleInput, type VehicleEnergyRowInput,
  AggregateTargetsDocument, CityTargetsDocument, InstitutionTargetsDocument, RecalculateYearDocument, SetCityTargetDocument,
} from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { makeCreditCode } from '../../src/modules/registry/credit-code';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

/**
 * Fleet figures on Institution.indicators and aggregateIndicators, hand-worked from the demo's
 * factors (GB/T 2589-2020 coefficients, densities 0.73 and 0.85 kg/L, Central China grid 0.5395 kgCO2/kWh):
 * two schools of their own so the demo's fleets stay out of the sums.
 */
let t: TestHub;
let x1: string;
let x2: string;
let longhui: string;

const row = (vehicleId: string, day: string, energy: string, quantity: number, odometerKm: number, chargingPointId?: string): VehicleEnergyRowInput =>
  ({ vehicleId, day, energy, quantity, odometerKm, ...(chargingPointId ? { chargingPointId } : {}) }) as VehicleEnergyRowInput;

async function vehicle(institutionId: string, plate: string, powertrain: string, inServiceOn: string, outOfServiceOn?: string): Promise<string> {
  const input = { institutionId, plate, type: 'SEDAN', powertrain, inServiceOn, ...(outOfServiceOn ? { outOfServiceOn } : {}) } as CreateVehicleInput;
  const r = await t.gql(CreateVehicleDocument, { input }, t.keys.goa);
  expect(r.errors).toBeUndefined();
  return r.data!.createVehicle.id;
}

async function meter(institutionId: string, serial: string, kwh: number): Promise<string> {
  const m = await t.gql(CreateMeterDocument, { input: { institutionId, carrier: 'ELECTRICITY', unit: 'KWH', serial } }, t.keys.goa);
  expect(m.errors).toBeUndefined();
  const id = m.data!.createMeter.id;
  const r = await t.gql(IngestReadingsDocument, { input: { rows: [{ meterId: id, periodStart: '2024-03-01T00:00:00+08:00', periodEnd: '2024-04-01T00:00:00+08:00', value: kwh }] } }, t.keys.goa);
  expect(r.errors).toBeUndefined();
  return id;
}

beforeAll(async () => {
  t = await startTestHub();
  const [l] = await t.sql<{ id: number; region_id: number }>(`SELECT id, region_id FROM institution WHERE name_zh = '隆回县人民医院'`);
  longhui = toGlobalId('Institution', l.id);
  const school = async (n: number) => {
    const r = await t.gql(CreateInstitutionDocument, {
      input: { category: 'SCHOOL', creditCode: makeCreditCode('12', '430524', 90_000 + n), name: `Fleet test school ${n}`, nameZh: `车队测试学校${n}`, regionId: toGlobalId('Region', l.region_id) },
    }, t.keys.goa);
    expect(r.errors).toBeUndefined();
    return r.data!.createInstitution.id;
  };
  x1 = await school(1);
  x2 = await school(2);

  // x1: a month of petrol, diesel and charging (March 2024), one February record each for the odometer.
  const building = await meter(x1, 'FT-X1-E1', 1000);
  const sub = await meter(x1, 'FT-X1-CP', 25);
  const p = await t.gql(CreateChargingPointDocument, { input: { institutionId: x1, code: 'FT-X1-CP1', location: 'yard', powerKw: 7, connectors: 1, meterId: sub, behindBuildingMeter: true } }, t.keys.goa);
  expect(p.errors).toBeUndefined();
  expect(building).toBeTruthy();
  const point = p.data!.createChargingPoint.id;
  const petrol = await vehicle(x1, '湘E F0001', 'PETROL', '2023-01-01');
  const diesel = await vehicle(x1, '湘E F0002', 'DIESEL', '2023-01-01');
  const bev = await vehicle(x1, '湘E DF0003', 'BATTERY_ELECTRIC', '2023-01-01');
  const ingest = await t.gql(IngestVehicleEnergyDocument, {
    input: {
      rows: [
        row(petrol, '2024-02-20', 'GASOLINE', 40, 10000), row(petrol, '2024-03-10', 'GASOLINE', 36, 10400), row(petrol, '2024-03-25', 'GASOLINE', 32, 10800),
        row(diesel, '2024-02-25', 'DIESEL', 50, 50000), row(diesel, '2024-03-15', 'DIESEL', 60, 50600),
        row(bev, '2024-02-28', 'ELECTRICITY', 20, 2000), row(bev, '2024-03-05', 'ELECTRICITY', 30, 2150), row(bev, '2024-03-20', 'ELECTRICITY', 25, 2300, point),
      ],
    },
  }, t.keys.goa);
  expect(ingest.errors).toBeUndefined();

  // x2: vehicles entering and leaving during 2024 (a leap year: 366 days).
  await vehicle(x2, '湘E F1001', 'PETROL', '2023-01-01', '2024-07-01'); // 182 days in 2024
  await vehicle(x2, '湘E DF1002', 'BATTERY_ELECTRIC', '2024-04-01'); // 275
  await vehicle(x2, '湘E F1003', 'DIESEL', '2022-01-01'); // 366
  await vehicle(x2, '湘E DF1004', 'PLUG_IN_HYBRID', '2024-10-01', '2024-12-01'); // 61
  await vehicle(x2, '湘E F1005', 'PETROL', '2024-02-01'); // 335
}, 120_000);
afterAll(() => t?.close());

const fleetOf = async (id: string, period: { year: number; month?: number }, key = t.keys.goa) => {
  const r = await t.gql(InstitutionFleetFiguresDocument, { id, period }, key);
  expect(r.errors).toBeUndefined();
  return r.data!.institution!.indicators!;
};

describe('fleet figures', () => {
  it('works out kgce and kgCO2 of a month of petrol, diesel and charging by the factor versions, per 100 km from the odometers', async () => {
    const { fleet } = await fleetOf(x1, { year: 2024, month: 3 });
    // Petrol 68 L x 0.73 kg/L = 49.64 kg: x 1.4714 = 73.040296 kgce, x 2.925 = 145.197 kgCO2.
    // Diesel 60 L x 0.85 kg/L = 51 kg: x 1.4571 = 74.3121 kgce, x 3.0959 = 157.8909 kgCO2.
    // Charging 55 kWh: x 0.1229 = 6.7595 kgce, x 0.5395 (Central China grid, 2024) = 29.6725 kgCO2.
    expect(fleet).toMatchObject({
      petrolLitres: 68, dieselLitres: 60, chargedKwh: 55, meteredChargingKwh: 25,
      kgce: 154.112, kgCo2: 332.76,
      // 800 + 600 + 300 km since each vehicle's previous record.
      distanceKm: 1700, kgcePer100Km: 9.06541, kgCo2Per100Km: 19.5741,
      vehiclesInService: 3, vehiclesAtEnd: 3, newEnergyVehiclesAtEnd: 1,
    });
    expect(fleet!.byEnergy).toEqual([
      { energy: 'GASOLINE', quantity: 68, unit: 'L', kgce: 73.04, kgCo2: 145.197 },
      { energy: 'DIESEL', quantity: 60, unit: 'L', kgce: 74.312, kgCo2: 157.891 },
      { energy: 'ELECTRICITY', quantity: 55, unit: 'KWH', kgce: 6.76, kgCo2: 29.673 },
    ]);
  });

  it('adds vehicle energy to the institution once: charging behind a building meter (and its submeter) is not counted twice', async () => {
    const v = await fleetOf(x1, { year: 2024, month: 3 });
    // Building meter 1000 kWh = 122.9 kgce; the charging point's submeter (25 kWh) and the 25 kWh charged
    // there are inside it. Added: petrol 73.040296 + diesel 74.3121 + 30 kWh charged elsewhere 3.687.
    expect(v.energyKgce).toBe(273.939);
    const byCarrier = Object.fromEntries(v.byCarrier.map((c) => [c.carrier, c]));
    expect(byCarrier.ELECTRICITY).toMatchObject({ quantity: 1030, unit: 'KWH', kgce: 126.587, kgCo2: 555.685 });
    expect(byCarrier.GASOLINE).toMatchObject({ quantity: 49.64, unit: 'KG', kgce: 73.04, kgCo2: 145.197 });
    expect(byCarrier.DIESEL).toMatchObject({ quantity: 51, unit: 'KG', kgce: 74.312, kgCo2: 157.891 });
    expect(v.emissions).toEqual({ scope1KgCo2: 303.088, scope2KgCo2: 555.685 });
  });

  it('shares new-energy vehicles in the fleet and among those added, with vehicles entering and leaving mid-year', async () => {
    const { fleet } = await fleetOf(x2, { year: 2024 });
    expect(fleet).toMatchObject({
      vehiclesInService: 5, vehiclesAtEnd: 3, newEnergyVehiclesAtEnd: 1, newEnergyShareAtEnd: 0.333333,
      // 182 + 275 + 366 + 61 + 335 vehicle-days, of which new-energy 275 + 61.
      vehicleDays: 1219, newEnergyVehicleDays: 336, newEnergyShare: 0.275636,
      vehiclesAdded: 3, newEnergyVehiclesAdded: 2, newEnergyShareOfAdded: 0.666667, vehiclesRetired: 2,
      kgce: 0, distanceKm: 0, kgcePer100Km: null,
    });
    expect((await fleetOf(x2, { year: 2024, month: 7 })).fleet).toMatchObject({ vehiclesInService: 3, vehicleDays: 93, newEnergyVehicleDays: 31, vehiclesAdded: 0, newEnergyShareOfAdded: null });
    // 2023 is closed (the demo's): its fleet stays as frozen at closing, before these vehicles were registered,
    // until GOA recalculates the year.
    expect((await fleetOf(x2, { year: 2023 })).fleet).toMatchObject({ vehiclesInService: 0, vehiclesAdded: 0, newEnergyShareOfAdded: null, newEnergyShare: null });
    expect((await t.gql(RecalculateYearDocument, { year: 2023, reason: 'fleets registered' }, t.keys.goa)).errors).toBeUndefined();
    expect((await fleetOf(x2, { year: 2023 })).fleet).toMatchObject({ vehiclesInService: 2, vehiclesAdded: 1, newEnergyVehiclesAdded: 0, newEnergyShareOfAdded: 0, newEnergyShare: 0 });
  });

  it('aggregates by category as ratios of sums, not averages of ratios', async () => {
    const r = await t.gql(AggregateFleetFiguresDocument, { period: { year: 2024 }, groupBy: 'CATEGORY' }, t.keys.goa);
    expect(r.errors).toBeUndefined();
    const schools = r.data!.aggregateIndicators.find((g) => g.category === 'SCHOOL')!;
    // x1: three vehicles all year (1098 days, 366 new-energy); x2: 1219 days, 336 new-energy.
    expect(schools.fleet).toMatchObject({ vehicleDays: 2317, newEnergyVehicleDays: 702, newEnergyShare: 0.302978, vehiclesAdded: 3, newEnergyShareOfAdded: 0.666667 });
    // The year's records: March as above plus February's 40 L, 50 L and 20 kWh (no earlier record: no km).
    expect(schools.fleet).toMatchObject({ petrolLitres: 108, dieselLitres: 110, chargedKwh: 75, distanceKm: 1700 });
  });

  it('follows the fleet row of the policy: GOA, DRC and FINANCE read, HOUSING not, an institution its own, PUBLIC aggregates only', async () => {
    const goa = await fleetOf(x1, { year: 2024, month: 3 });
    for (const key of [t.keys.drc, t.keys.finance]) expect((await fleetOf(x1, { year: 2024, month: 3 }, key)).fleet).toEqual(goa.fleet);
    const housing = await t.gql(InstitutionFleetFiguresDocument, { id: x1, period: { year: 2024, month: 3 } }, t.keys.housing);
    expect(codeOf(housing)).toBe('FORBIDDEN');
    expect(housing.errors![0].path).toEqual(['institution', 'indicators', 'fleet']);
    // HOUSING reads energy: the vehicle energy is in it, the vehicles are not shown.
    expect(housing.data!.institution!.indicators!.energyKgce).toBe(273.939);
    const own = await t.gql(InstitutionFleetFiguresDocument, { id: longhui, period: { year: 2024 } }, t.keys.hospital);
    expect(own.errors).toBeUndefined();
    expect(own.data!.institution!.indicators!.fleet).not.toBeNull();
    const other = await t.gql(InstitutionFleetFiguresDocument, { id: x1, period: { year: 2024 } }, t.keys.hospital);
    expect(other.data?.institution?.indicators?.fleet ?? null).toBeNull();
    expect(codeOf(await t.gql(FleetFiguresListDocument, { period: { year: 2024 }, first: 5 }, t.keys.public))).toBe('FORBIDDEN');
    const pub = await t.gql(AggregateFleetFiguresDocument, { period: { year: 2024 }, groupBy: 'REGION' }, t.keys.public);
    expect(pub.errors).toBeUndefined();
    for (const g of pub.data!.aggregateIndicators) {
      if (g.suppressed) expect(g.fleet).toBeNull();
      else expect(g.institutionCount).toBeGreaterThanOrEqual(3);
    }
    const pubCity = await t.gql(AggregateFleetFiguresDocument, { period: { year: 2024 }, groupBy: 'CITY' }, t.keys.public);
    const goaCity = await t.gql(AggregateFleetFiguresDocument, { period: { year: 2024 }, groupBy: 'CITY' }, t.keys.goa);
    expect(pubCity.data!.aggregateIndicators[0].fleet).toEqual(goaCity.data!.aggregateIndicators[0].fleet);
    expect(codeOf(await t.gql(AggregateFleetFiguresDocument, { period: { year: 2024 }, groupBy: 'CITY' }, t.keys.housing))).toBe('FORBIDDEN');
  });

  it('costs the same statements for 5 institutions as for 50 (one batched load per request)', async () => {
    // Each count on a period not asked before, so the response cache has no answer to give.
    const run = (first: number, year: number) => t.countStatements(async () => {
      const r = await t.gql(FleetFiguresListDocument, { period: { year }, first }, t.keys.goa);
      expect(r.errors).toBeUndefined();
      expect(r.data!.indicators.nodes).toHaveLength(first);
    });
    await run(5, 2021);
    const [n5, n50] = [await run(5, 2022), await run(50, 2023)];
    expect(n50).toBe(n5);
    expect(n5).toBeGreaterThan(1);
  });
});

describe('city targets', () => {
  const targetRows = () => t.sql<{ year: number; kind: string; share: string }>('SELECT year, kind, share::text FROM city_target ORDER BY year, kind');
  const progress = async (id: string, key = t.keys.goa) => {
    const r = await t.gql(InstitutionTargetsDocument, { id, period: { year: 2024 } }, key);
    expect(r.errors).toBeUndefined();
    return r.data!.institution!.indicators!.targets.map((p) => [p.kind, p.targetValue, p.value, p.status]);
  };

  it('GOA sets a yearly target; each institution and group shows its progress and status, compared exactly', async () => {
    const set = await t.gql(SetCityTargetDocument, { input: { year: 2024, kind: 'NEV_SHARE_OF_ADDED', value: 0.6 } }, t.keys.goa);
    expect(set.errors).toBeUndefined();
    expect(set.data!.setCityTarget).toMatchObject({ year: 2024, kind: 'NEV_SHARE_OF_ADDED', value: 0.6 });
    await t.gql(SetCityTargetDocument, { input: { year: 2024, kind: 'RECYCLING_RATE', value: 0.35 } }, t.keys.goa);
    // x2 added 3 vehicles in 2024, 2 of them new-energy: 2/3 against 0.6.
    // x2 recorded no waste in 2024: nothing to measure the recycling rate against.
    expect(await progress(x2)).toEqual([['NEV_SHARE_OF_ADDED', 0.6, 0.666667, 'MET'], ['RECYCLING_RATE', 0.35, null, 'NO_DATA']]);
    // x1 added none in 2024.
    expect((await progress(x1))[0]).toEqual(['NEV_SHARE_OF_ADDED', 0.6, null, 'NO_DATA']);
    // 0.6667 asks 2.0001 of 3 vehicles: 2 is below, though 2/3 shows as 0.666667.
    const again = await t.gql(SetCityTargetDocument, { input: { year: 2024, kind: 'NEV_SHARE_OF_ADDED', value: 0.6667 } }, t.keys.goa);
    expect(again.data!.setCityTarget.id).toBe(set.data!.setCityTarget.id);
    expect((await progress(x2))[0]).toEqual(['NEV_SHARE_OF_ADDED', 0.6667, 0.666667, 'BELOW']);
    const groups = await t.gql(AggregateTargetsDocument, { period: { year: 2024 }, groupBy: 'CATEGORY' }, t.keys.public);
    expect(groups.errors).toBeUndefined();
    const schools = groups.data!.aggregateIndicators.find((g) => g.category === 'SCHOOL')!;
    // The schools' recycling rate is the sum of their recycled kg over the sum of their kg (the demo's records of 2024).
    const [rate] = await t.sql<{ value: string; met: boolean }>(
      `SELECT round(sum(quantity_kg) FILTER (WHERE disposition = 'RECYCLED') / sum(quantity_kg), 6)::text AS value,
              sum(quantity_kg) FILTER (WHERE disposition = 'RECYCLED') >= 0.35 * sum(quantity_kg) AS met
         FROM recycling_record r JOIN institution i ON i.id = r.institution_id WHERE i.category = 'SCHOOL' AND r.month >= '2024-01-01' AND r.month < '2025-01-01'`,
    );
    expect(schools.targets.map((p) => [p.kind, p.value, p.status])).toEqual([['NEV_SHARE_OF_ADDED', 0.666667, 'BELOW'], ['RECYCLING_RATE', Number(rate.value), rate.met ? 'MET' : 'BELOW']]);
    expect((await t.gql(CityTargetsDocument, { year: 2024 }, t.keys.public)).data!.cityTargets.map((c) => [c.kind, c.value])).toEqual([['NEV_SHARE_OF_ADDED', 0.6667], ['RECYCLING_RATE', 0.35]]);
    expect(await targetRows()).toEqual([{ year: 2024, kind: 'NEV_SHARE_OF_ADDED', share: '0.6667' }, { year: 2024, kind: 'RECYCLING_RATE', share: '0.3500' }]);
    expect(codeOf(await t.gql(InstitutionTargetsDocument, { id: x2, period: { year: 2024 } }, t.keys.housing))).toBe('FORBIDDEN');
  });

  it('refuses bad targets with the field named and the targets unchanged', async () => {
    const before = await targetRows();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ year: 2024, kind: 'NEV_SHARE_OF_ADDED', value: 1.5 }, 'BAD_USER_INPUT', /value: a share from 0 to 1/],
      [{ year: 2024, kind: 'NEV_SHARE_OF_ADDED', value: -0.1 }, 'BAD_USER_INPUT', /value: a share from 0 to 1/],
      [{ year: 2024, kind: 'NEV_SHARE_OF_ADDED', value: 0.12345 }, 'BAD_USER_INPUT', /value: at most 4 decimals/],
      [{ year: 1999, kind: 'NEV_SHARE_OF_ADDED', value: 0.5 }, 'BAD_USER_INPUT', /year: a year from 2000 to 2099/],
    ];
    for (const [input, code, message] of cases) {
      const r = await t.gql(SetCityTargetDocument, { input: input as never }, t.keys.goa);
      expect(codeOf(r)).toBe(code);
      expect(r.errors![0].message).toMatch(message);
    }
    for (const key of [t.keys.drc, t.keys.hospital, t.keys.public]) {
      expect(codeOf(await t.gql(SetCityTargetDocument, { input: { year: 2025, kind: 'NEV_SHARE_OF_ADDED', value: 0.5 } }, key))).toBe('FORBIDDEN');
    }
    expect(await targetRows()).toEqual(before);
  });
});
