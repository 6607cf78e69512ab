/**
 * Vehicle energy is part of an institution's indicators (energyKgce, the fleet figures): a vehicle
 * registered or retired and refuellings ingested announce `indicatorUpdated` through the readings'
 * path, once per institution and year, after the commit, to the keys that may read the indicators.
 */
import { print } from 'graphql';
import { CreateVehicleDocument, FleetChangedDocument, IngestReadingsDocument, IngestVehicleEnergyDocument, UpdateVehicleDocument } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { dailyRows, meterId } from '../helpers/fixtures';
import { startTestHub, type TestHub } from '../helpers/hub';
import { listen, waitFor } from '../helpers/live';

let t: TestHub;
let longhui: string;

const ON_INDICATOR = (institutionId: string) =>
  `subscription { indicatorUpdated(filter: {institutionId: "${institutionId}"}) { year months institution { id } indicators(period: {year: 2024}) { energyKgce fleet { vehiclesAtEnd petrolLitres kgce } } } }`;
const ON_INDICATOR_ENERGY = (institutionId: string) =>
  `subscription { indicatorUpdated(filter: {institutionId: "${institutionId}"}) { year months indicators(period: {year: 2024}) { energyKgce } } }`;
const FIGURES = 'query($id: ID!) { institution(id: $id) { indicators(period: {year: 2024}) { energyKgce fleet { vehiclesAtEnd petrolLitres kgce } } } }';

beforeAll(async () => {
  t = await startTestHub();
  const [l] = await t.sql<{ id: number }>(`SELECT id FROM institution WHERE name_zh = '隆回县人民医院'`);
  longhui = toGlobalId('Institution', l.id);
}, 120_000);
afterAll(() => t?.close());

const figures = async () => {
  const r = await t.raw({ query: FIGURES, variables: { id: longhui } }, t.keys.goa);
  expect(r.errors).toBeUndefined();
  return (r.data as { institution: { indicators: { energyKgce: number; fleet: { vehiclesAtEnd: number; petrolLitres: number; kgce: number } } } }).institution.indicators;
};

it('announces indicatorUpdated once per institution and year after a vehicle energy ingest, with the fresh figures', async () => {
  const own = await listen(t, t.ws(t.keys.hospital), ON_INDICATOR(longhui));
  // HOUSING reads energy indicators but not vehicles: it hears of the change, with energyKgce only.
  const housing = await listen(t, t.ws(t.keys.housing), ON_INDICATOR_ENERGY(longhui));
  const fleet = await listen(t, t.ws(t.keys.goa), print(FleetChangedDocument));

  const created = await t.gql(CreateVehicleDocument, { input: { institutionId: longhui, plate: '湘E71001', type: 'SEDAN', powertrain: 'PETROL', inServiceOn: '2024-02-15' } }, t.keys.goa);
  expect(created.errors).toBeUndefined();
  const vehicle = created.data!.createVehicle.id;
  expect(await waitFor(() => own.length === 1)).toBe(true);
  expect(own[0].data.indicatorUpdated).toMatchObject({ year: 2024, months: ['2024-02-01'], institution: { id: longhui } });
  expect(own[0].data.indicatorUpdated.indicators.fleet.vehiclesAtEnd).toBe((await figures()).fleet.vehiclesAtEnd);

  const before = await figures();
  const ingest = await t.gql(
    IngestVehicleEnergyDocument,
    { input: { rows: [
      { vehicleId: vehicle, day: '2024-06-10', energy: 'GASOLINE', quantity: 40, odometerKm: 1000 },
      { vehicleId: vehicle, day: '2024-07-02', energy: 'GASOLINE', quantity: 30, odometerKm: 1400 },
      { vehicleId: vehicle, day: '2024-07-20', energy: 'GASOLINE', quantity: 20, odometerKm: 1700 },
    ] } },
    t.keys.hospital,
  );
  expect(ingest.errors).toBeUndefined();
  expect(ingest.data!.ingestVehicleEnergy).toEqual({ accepted: 3, duplicates: 0, closedYearRows: 0, closedYears: [] });
  // A reading of the same institution afterwards: its event closes the window in which a second fleet event could come.
  const meter = await meterId(t, 'SY-hosp-longhui-E1');
  expect((await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(meter, '2024-10-01', 1, () => 1) } }, t.keys.goa)).errors).toBeUndefined();
  expect(await waitFor(() => own.length === 3 && housing.length === 3)).toBe(true);

  const after = await figures();
  const energyEvent = own[1].data.indicatorUpdated;
  // Exactly one event for the batch, naming both months, before the reading's.
  expect(energyEvent.year).toBe(2024);
  expect(energyEvent.months).toEqual(['2024-06-01', '2024-07-01']);
  expect(own[2].data.indicatorUpdated.months).toEqual(['2024-10-01']);
  expect(Math.round((after.fleet.petrolLitres - before.fleet.petrolLitres) * 1000)).toBe(90_000);
  expect(after.energyKgce).toBeGreaterThan(before.energyKgce);
  // The event's figures are those the hub answers once the batch is in (the reading of October came later).
  expect(energyEvent.indicators.fleet).toEqual({ ...before.fleet, petrolLitres: after.fleet.petrolLitres, kgce: after.fleet.kgce });
  expect(housing.map((e) => e.data.indicatorUpdated.months)).toEqual([['2024-02-01'], ['2024-06-01', '2024-07-01'], ['2024-10-01']]);
  expect(Object.keys(housing[1].data.indicatorUpdated.indicators)).toEqual(['energyKgce']);
  // fleetChanged still comes, once per change.
  expect(await waitFor(() => fleet.length === 2)).toBe(true);
  expect(fleet.map((e) => [e.data.fleetChanged.kind, e.data.fleetChanged.months])).toEqual([
    ['VEHICLE', ['2024-02-01']],
    ['ENERGY_RECORDS', ['2024-06-01', '2024-07-01']],
  ]);

  // A repeated batch changes nothing and announces nothing; retiring the vehicle names both of its service months.
  expect((await t.gql(IngestVehicleEnergyDocument, { input: { rows: [{ vehicleId: vehicle, day: '2024-06-10', energy: 'GASOLINE', quantity: 40, odometerKm: 1000 }] } }, t.keys.hospital)).data!.ingestVehicleEnergy).toEqual({ accepted: 0, duplicates: 1, closedYearRows: 0, closedYears: [] });
  const retired = await t.gql(UpdateVehicleDocument, { id: vehicle, input: { outOfServiceOn: '2024-11-01' } }, t.keys.hospital);
  expect(retired.errors).toBeUndefined();
  expect(await waitFor(() => own.length === 4)).toBe(true);
  expect(own[3].data.indicatorUpdated.months).toEqual(['2024-02-01', '2024-11-01']);
  expect(own[3].data.indicatorUpdated.indicators.fleet.vehiclesAtEnd).toBe(after.fleet.vehiclesAtEnd - 1);
  expect(fleet.map((e) => e.data.fleetChanged.kind)).toEqual(['VEHICLE', 'ENERGY_RECORDS', 'VEHICLE']);
});
