import { CreateVehicleDocument, IngestVehicleEnergyDocument, InstitutionFleetFiguresDocument, RecalculateYearDocument, UpdateVehicleDocument, type CreateVehicleInput } from '../../src/generated/graphql';
import { decodeIntId, toGlobalId } from '../../src/graphql/relay';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

/**
 * A closed year's fleet is frozen like its energy: the demo closed 2022, so Longhui hospital's 2022
 * fleet figures stay those of the closing while vehicles and refuellings are written into 2022; a
 * refuelling there is stored and marks the year pending (as a reading would), and recalculateYear
 * brings both in.
 */
let t: TestHub;
let longhui: string;
let petrolCar: string;

const YEAR_2022 = { year: 2022 };
const fleet2022 = async () => {
  const r = await t.gql(InstitutionFleetFiguresDocument, { id: longhui, period: YEAR_2022 }, t.keys.goa);
  expect(r.errors).toBeUndefined();
  return r.data!.institution!.indicators!;
};
const pending = async () => (await t.sql<{ pending_rows: number }>('SELECT pending_rows FROM year_closure WHERE year = 2022'))[0].pending_rows;

beforeAll(async () => {
  t = await startTestHub();
  const [l] = await t.sql<{ id: number }>(`SELECT id FROM institution WHERE name_zh = '隆回县人民医院'`);
  longhui = toGlobalId('Institution', l.id);
  // A petrol sedan of the demo's in service all through June 2022, with no refuelling recorded.
  const [v] = await t.sql<{ id: number }>(
    `SELECT id FROM vehicle WHERE institution_id = $1 AND powertrain = 'PETROL' AND in_service_on <= '2022-06-01' AND (out_of_service_on IS NULL OR out_of_service_on > '2022-07-01') ORDER BY id LIMIT 1`,
    [l.id],
  );
  petrolCar = toGlobalId('Vehicle', v.id);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('a closed year’s fleet', () => {
  it('keeps its figures as closed; a refuelling into it is stored and marks the year pending; recalculateYear brings it in', async () => {
    const before = await fleet2022();
    expect(before).toMatchObject({ closed: true, pendingRecalculation: false });
    expect(before.fleet!.petrolLitres).toBe(0);

    // A vehicle registered now with a 2022 service date is not in the frozen 2022 fleet: the year is marked pending.
    const created = await t.gql(CreateVehicleDocument, { input: { institutionId: longhui, plate: '湘E C2022', type: 'SEDAN', powertrain: 'BATTERY_ELECTRIC', inServiceOn: '2022-05-01' } as CreateVehicleInput }, t.keys.goa);
    expect(created.errors).toBeUndefined();
    // In service from 2022: 2023 (closed too) counts it as well; 2024 is open.
    expect(await t.sql('SELECT year, pending_rows FROM year_closure WHERE year IN (2021, 2022, 2023) ORDER BY year')).toEqual([
      { year: 2021, pending_rows: 0 }, { year: 2022, pending_rows: 1 }, { year: 2023, pending_rows: 1 },
    ]);
    // 40 L of petrol on 2022-06-01: into the closed year.
    const fuel = await t.gql(IngestVehicleEnergyDocument, { input: { rows: [{ vehicleId: petrolCar, day: '2022-06-01', energy: 'GASOLINE', quantity: 40, odometerKm: 10_000 }] } }, t.keys.hospital);
    expect(fuel.errors).toBeUndefined();
    expect(fuel.data!.ingestVehicleEnergy).toEqual({ accepted: 1, duplicates: 0, closedYearRows: 1, closedYears: [2022] });
    expect(await pending()).toBe(2);
    // A repeat changes nothing and marks nothing.
    expect((await t.gql(IngestVehicleEnergyDocument, { input: { rows: [{ vehicleId: petrolCar, day: '2022-06-01', energy: 'GASOLINE', quantity: 40, odometerKm: 10_000 }] } }, t.keys.hospital)).data!.ingestVehicleEnergy)
      .toEqual({ accepted: 0, duplicates: 1, closedYearRows: 0, closedYears: [] });
    expect(await pending()).toBe(2);

    const frozen = await fleet2022();
    expect(frozen).toEqual({ ...before, pendingRecalculation: true });

    const recalc = await t.gql(RecalculateYearDocument, { year: 2022, reason: 'fleet ledger completed' }, t.keys.goa);
    expect(recalc.errors).toBeUndefined();
    const after = await fleet2022();
    expect(after).toMatchObject({ closed: true, pendingRecalculation: false });
    expect(after.fleet).toMatchObject({
      petrolLitres: 40,
      vehiclesInService: before.fleet!.vehiclesInService + 1,
      vehiclesAdded: before.fleet!.vehiclesAdded + 1,
      newEnergyVehiclesAdded: before.fleet!.newEnergyVehiclesAdded + 1,
    });
    // 40 L x 0.73 kg/L x 1.4714 kgce/kg = 42.96488 kgce; x 2.925 kgCO2/kg = 85.41 kgCO2.
    expect(after.fleet!.byEnergy.find((e) => e.energy === 'GASOLINE')).toEqual({ energy: 'GASOLINE', quantity: 40, unit: 'L', kgce: 42.965, kgCo2: 85.41 });
    expect(await pending()).toBe(0);
  });

  it('marks the closed years a vehicle change reaches, and none for a change no figure counts', async () => {
    const before = await pending();
    // The type is in no fleet figure: nothing pending.
    expect((await t.gql(UpdateVehicleDocument, { id: petrolCar, input: { type: 'VAN' } }, t.keys.goa)).errors).toBeUndefined();
    expect(await pending()).toBe(before);
    // Retired at the end of 2022 instead of in service: 2022 and 2023 counted it, so both are pending.
    const [y2023] = await t.sql<{ pending_rows: number }>('SELECT pending_rows FROM year_closure WHERE year = 2023');
    expect((await t.gql(UpdateVehicleDocument, { id: petrolCar, input: { outOfServiceOn: '2022-12-31' } }, t.keys.goa)).errors).toBeUndefined();
    expect(await pending()).toBe(before + 1);
    expect(await t.sql('SELECT pending_rows FROM year_closure WHERE year = 2023')).toEqual([{ pending_rows: y2023.pending_rows + 1 }]);
  });

  it('refuses a bad refuelling into the closed year as any other, and marks nothing', async () => {
    const before = await pending();
    const bad = await t.gql(IngestVehicleEnergyDocument, { input: { rows: [{ vehicleId: petrolCar, day: '2022-07-01', energy: 'GASOLINE', quantity: -1, odometerKm: 10_500 }] } }, t.keys.hospital);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    const forbidden = await t.gql(IngestVehicleEnergyDocument, { input: { rows: [{ vehicleId: petrolCar, day: '2022-07-01', energy: 'GASOLINE', quantity: 10, odometerKm: 10_500 }] } }, t.keys.drc);
    expect(codeOf(forbidden)).toBe('FORBIDDEN');
    expect(await pending()).toBe(before);
    expect(await t.sql(`SELECT count(*)::int AS n FROM vehicle_energy_record WHERE day = '2022-07-01' AND vehicle_id = $1`, [decodeIntId(petrolCar, 'Vehicle')])).toEqual([{ n: 0 }]);
  });

  it('keeps the kgce the factor versions gave at closing: a later version moves the closed year only with recalculateYear', async () => {
    const petrolKgce = async () => (await fleet2022()).fleet!.byEnergy.find((e) => e.energy === 'GASOLINE')!.kgce;
    expect(await petrolKgce()).toBe(42.965);
    const added = await t.raw({ query: 'mutation { addConversionFactor(input: { carrier: GASOLINE, unit: KG, kgcePerUnit: 1.5, validFrom: "2022-01-01", source: "fleet closed-year test" }) { id } }' }, t.keys.drc);
    expect(added.errors).toBeUndefined();
    expect(await petrolKgce()).toBe(42.965);
    expect((await t.gql(RecalculateYearDocument, { year: 2022, reason: 'new gasoline coefficient' }, t.keys.goa)).errors).toBeUndefined();
    // 40 L x 0.73 kg/L x 1.5 kgce/kg.
    expect(await petrolKgce()).toBe(43.8);
  });
});
