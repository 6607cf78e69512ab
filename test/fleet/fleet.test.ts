import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import {
  ChargingPointsDocument, CreateChargingPointDocument, CreateVehicleDocument, FleetChangedDocument, IngestVehicleEnergyDocument, UpdateVehicleDocument,
  VehicleEnergyRecordsDocument, VehiclesDocument, type CreateVehicleInput, type VehicleEnergyRowInput,
} from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { cli } from '../helpers/cli';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';
import { listen, waitFor } from '../helpers/live';
import { print } from 'graphql';

let t: TestHub;
let dir: string;
let env: Record<string, string | undefined>;
let longhui: string;
let xinning: string;
let longhuiId: number;
let meterE: string;

const counts = async () =>
  (await t.sql<{ v: number; r: number; p: number }>('SELECT (SELECT count(*)::int FROM vehicle) AS v, (SELECT count(*)::int FROM vehicle_energy_record) AS r, (SELECT count(*)::int FROM charging_point) AS p'))[0];
const vehicleInput = (plate: string, over: Record<string, unknown> = {}) => ({
  institutionId: longhui, plate, type: 'SEDAN', powertrain: 'PETROL', inServiceOn: '2023-01-01', ...over,
}) as CreateVehicleInput;

beforeAll(async () => {
  t = await startTestHub();
  env = { DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR };
  dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-fleet-'));
  const [l] = await t.sql<{ id: number }>(`SELECT id FROM institution WHERE name_zh = '隆回县人民医院'`);
  const [x] = await t.sql<{ id: number }>(`SELECT id FROM institution WHERE name_zh = '新宁县人民医院'`);
  const [m] = await t.sql<{ id: number }>(`SELECT id FROM meter WHERE serial = 'SY-hosp-longhui-E1'`);
  longhuiId = l.id;
  longhui = toGlobalId('Institution', l.id);
  xinning = toGlobalId('Institution', x.id);
  meterE = toGlobalId('Meter', m.id);
}, 120_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

describe('vehicles', () => {
  it('GOA and the institution register vehicles; NEV defaults to the powertrain; every change is on the audit trail', async () => {
    const ev = await t.gql(CreateVehicleDocument, { input: vehicleInput('湘E·A1001', { powertrain: 'BATTERY_ELECTRIC', type: 'VAN' }) }, t.keys.goa);
    expect(ev.errors).toBeUndefined();
    expect(ev.data!.createVehicle).toMatchObject({ plate: '湘EA1001', powertrain: 'BATTERY_ELECTRIC', newEnergy: true, outOfServiceOn: null, institution: { id: longhui } });
    const own = await t.gql(CreateVehicleDocument, { input: vehicleInput('湘E A1002', { powertrain: 'HYBRID' }) }, t.keys.hospital);
    expect(own.errors).toBeUndefined();
    expect(own.data!.createVehicle.newEnergy).toBe(false);
    const events = await t.sql<{ operation: string; object_ids: string[]; changes: { fields: Record<string, { after: unknown }> }[] }>(
      `SELECT operation, object_ids, changes FROM audit_event WHERE $1 = ANY(object_ids) ORDER BY id`, [own.data!.createVehicle.id],
    );
    expect(events).toHaveLength(1);
    expect(events[0].operation).toBe('createVehicle');
    expect(events[0].changes[0].fields.plate.after).toBe('湘EA1002');

    const left = await t.gql(UpdateVehicleDocument, { id: own.data!.createVehicle.id, input: { outOfServiceOn: '2024-07-01' } }, t.keys.hospital);
    expect(left.data!.updateVehicle.outOfServiceOn).toBe('2024-07-01');
    const [upd] = await t.sql<{ changes: { fields: Record<string, { before: unknown; after: unknown }> }[] }>(
      `SELECT changes FROM audit_event WHERE operation = 'updateVehicle' AND $1 = ANY(object_ids)`, [own.data!.createVehicle.id],
    );
    expect(upd.changes[0].fields.outOfServiceOn).toEqual({ before: null, after: '2024-07-01' });
  });

  it('refuses bad input with the field named and the database unchanged', async () => {
    const before = await counts();
    const plate = await t.gql(CreateVehicleDocument, { input: vehicleInput('ABC') }, t.keys.goa);
    expect(codeOf(plate)).toBe('BAD_USER_INPUT');
    expect(plate.errors![0].message).toMatch(/plate/);
    const dates = await t.gql(CreateVehicleDocument, { input: vehicleInput('湘E99991', { inServiceOn: '2024-05-01', outOfServiceOn: '2024-04-01' }) }, t.keys.goa);
    expect(codeOf(dates)).toBe('BAD_USER_INPUT');
    expect(dates.errors![0].message).toMatch(/outOfServiceOn: must be after inServiceOn/);
    const twice = await t.gql(CreateVehicleDocument, { input: vehicleInput('湘EA1001') }, t.keys.goa);
    expect(codeOf(twice)).toBe('CONFLICT');
    const meter = await t.gql(CreateChargingPointDocument, { input: { institutionId: longhui, code: 'BAD-1', location: 'car park', powerKw: 7, connectors: 1, meterId: toGlobalId('Meter', (await t.sql<{ id: number }>(`SELECT id FROM meter WHERE serial = 'SY-hosp-longhui-W1'`))[0].id) } }, t.keys.goa);
    expect(codeOf(meter)).toBe('BAD_USER_INPUT');
    expect(meter.errors![0].message).toMatch(/meterId: a charging point is measured by an ELECTRICITY meter, not WATER/);
    expect(await counts()).toEqual(before);
  });

  it('follows the policy: the institution writes its own fleet only, DRC and FINANCE read, HOUSING, WATER and PUBLIC do not read rows', async () => {
    const before = await counts();
    expect(codeOf(await t.gql(CreateVehicleDocument, { input: vehicleInput('湘E77771', { institutionId: xinning }) }, t.keys.hospital))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CreateVehicleDocument, { input: vehicleInput('湘E77772') }, t.keys.drc))).toBe('FORBIDDEN');
    await t.gql(CreateVehicleDocument, { input: vehicleInput('湘E77773', { institutionId: xinning }) }, t.keys.goa);
    const all = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM vehicle');
    const own = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM vehicle WHERE institution_id = $1', [longhuiId]);
    for (const key of [t.keys.drc, t.keys.finance, t.keys.goa]) {
      const r = await t.gql(VehiclesDocument, { first: 100 }, key);
      expect(r.errors).toBeUndefined();
      expect(r.data!.vehicles.totalCount).toBe(all[0].n);
    }
    const mine = await t.gql(VehiclesDocument, { first: 100 }, t.keys.hospital);
    expect(mine.data!.vehicles.totalCount).toBe(own[0].n);
    expect(mine.data!.vehicles.nodes.every((v) => v.institution.id === longhui)).toBe(true);
    for (const key of [t.keys.housing, t.keys.water, t.keys.public, t.keys.esco]) expect(codeOf(await t.gql(VehiclesDocument, { first: 5 }, key))).toBe('FORBIDDEN');
    expect((await counts()).v).toBe(before.v + 1);
  });
});

describe('refuelling and charging records', () => {
  let petrol: string;
  let diesel: string;
  let phev: string;
  let other: string;
  let point: string;
  const row = (vehicleId: string, day: string, energy: string, quantity: number, odometerKm: number, chargingPointId?: string): VehicleEnergyRowInput =>
    ({ vehicleId, day, energy, quantity, odometerKm, ...(chargingPointId ? { chargingPointId } : {}) }) as VehicleEnergyRowInput;
  beforeAll(async () => {
    const make = async (plate: string, powertrain: string, institutionId = longhui) =>
      (await t.gql(CreateVehicleDocument, { input: vehicleInput(plate, { powertrain, institutionId, type: powertrain === 'DIESEL' ? 'SPECIAL_PURPOSE' : 'SEDAN' }) }, t.keys.goa)).data!.createVehicle.id;
    petrol = await make('湘EB2001', 'PETROL');
    diesel = await make('湘EB2002', 'DIESEL');
    phev = await make('湘EDB2003', 'PLUG_IN_HYBRID');
    other = await make('湘EB2004', 'PETROL', xinning);
    const p = await t.gql(CreateChargingPointDocument, { input: { institutionId: longhui, code: 'LH-CP-01', location: 'staff car park', powerKw: 60, connectors: 2, meterId: meterE, behindBuildingMeter: true } }, t.keys.hospital);
    expect(p.errors).toBeUndefined();
    point = p.data!.createChargingPoint.id;
  });

  it('writes a batch all at once, and a repeated batch changes nothing', async () => {
    const before = await counts();
    const rows = [row(petrol, '2024-03-02', 'GASOLINE', 45.5, 12000), row(diesel, '2024-03-03', 'DIESEL', 60, 80100.5), row(phev, '2024-03-04', 'ELECTRICITY', 18.25, 500, point), row(phev, '2024-03-09', 'GASOLINE', 30, 820)];
    const first = await t.gql(IngestVehicleEnergyDocument, { input: { rows } }, t.keys.hospital);
    expect(first.errors).toBeUndefined();
    expect(first.data!.ingestVehicleEnergy).toEqual({ accepted: 4, duplicates: 0, closedYearRows: 0, closedYears: [] });
    const again = await t.gql(IngestVehicleEnergyDocument, { input: { rows } }, t.keys.hospital);
    expect(again.data!.ingestVehicleEnergy).toEqual({ accepted: 0, duplicates: 4, closedYearRows: 0, closedYears: [] });
    expect((await counts()).r).toBe(before.r + 4);
    const stored = await t.gql(VehicleEnergyRecordsDocument, { first: 10, filter: { vehicleId: phev } }, t.keys.drc);
    expect(stored.data!.vehicleEnergyRecords.nodes.map((n) => [n.day, n.energy, n.quantity, n.odometerKm, n.chargingPoint?.code ?? null])).toEqual([
      ['2024-03-04', 'ELECTRICITY', '18.250', '500.0', 'LH-CP-01'],
      ['2024-03-09', 'GASOLINE', '30.000', '820.0', null],
    ]);
    const [audit] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE operation = 'ingestVehicleEnergy' AND $1 = ANY(institution_ids)`, [longhuiId]);
    expect(audit.n).toBe(1);
  });

  it('refuses a whole batch with bad rows, naming each row, and writes nothing', async () => {
    const before = await counts();
    const problemsOf = async (rows: VehicleEnergyRowInput[]) => {
      const r = await t.gql(IngestVehicleEnergyDocument, { input: { rows } }, t.keys.hospital);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      return (r.errors![0].extensions!.problems as { index: number; field: string }[]).map((p) => `${p.index}:${p.field}`).sort();
    };
    // Rows wrong on their own.
    expect(await problemsOf([
      row(petrol, '2024-04-01', 'GASOLINE', 40, 12500),
      row(petrol, '2024-04-03', 'GASOLINE', -3, 12700),
      row(diesel, '2024-04-05', 'DIESEL', 20, 80200, point), // only chargings at a charging point
      row(petrol, '1999-12-31', 'GASOLINE', 20.0001, 12800.25),
    ])).toEqual(['1:quantity', '2:chargingPointId', '3:day', '3:odometerKm', '3:quantity']);
    // Rows wrong for their vehicle or against each other.
    expect(await problemsOf([
      row(petrol, '2024-04-01', 'GASOLINE', 40, 12500),
      row(petrol, '2024-04-02', 'DIESEL', 40, 12600), // a petrol car takes no diesel
      row(diesel, '2022-12-31', 'DIESEL', 40, 70000), // before it entered service
      row(petrol, '2024-04-04', 'GASOLINE', 20, 12400), // odometer below row 0's of an earlier day
      row(petrol, '2024-04-01', 'GASOLINE', 40, 12500), // row 0 again
    ])).toEqual(['1:energy', '2:day', '3:odometerKm', '4:odometerKm']);
    // Against stored records: an odometer below one of an earlier day.
    const back = await t.gql(IngestVehicleEnergyDocument, { input: { rows: [row(petrol, '2024-05-01', 'GASOLINE', 40, 11000)] } }, t.keys.hospital);
    expect(codeOf(back)).toBe('BAD_USER_INPUT');
    expect(back.errors![0].message).toMatch(/row 0: odometerKm: 11000 km is below the stored 12000(\.0)? km of an earlier day/);
    // The same refuelling with another quantity: a conflict with the stored record.
    const changed = await t.gql(IngestVehicleEnergyDocument, { input: { rows: [row(petrol, '2024-05-01', 'GASOLINE', 40, 12900), row(petrol, '2024-03-02', 'GASOLINE', 45, 12000)] } }, t.keys.hospital);
    expect(codeOf(changed)).toBe('CONFLICT');
    expect(changed.errors![0].message).toMatch(/row 1: quantity: 45 differs from the stored 45.5/);
    expect(await counts()).toEqual(before);
  });

  it('lets a key write only the vehicles of its own scope', async () => {
    const before = await counts();
    const foreign = await t.gql(IngestVehicleEnergyDocument, { input: { rows: [row(other, '2024-03-02', 'GASOLINE', 40, 100)] } }, t.keys.hospital);
    expect(codeOf(foreign)).toBe('BAD_USER_INPUT');
    expect(foreign.errors![0].message).toMatch(/no vehicle with this id that this key can see/);
    expect(codeOf(await t.gql(IngestVehicleEnergyDocument, { input: { rows: [row(petrol, '2024-06-02', 'GASOLINE', 40, 13000)] } }, t.keys.finance))).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  });

  it('tells subscribers of the institution, and no one else, after the commit', async () => {
    const a = t.ws(t.keys.hospital);
    const b = t.ws(t.keys.goa);
    const own = await listen(t, a, print(FleetChangedDocument));
    const goa = await listen(t, b, print(FleetChangedDocument));
    await t.gql(CreateVehicleDocument, { input: vehicleInput('湘E80001', { institutionId: xinning }) }, t.keys.goa);
    await t.gql(IngestVehicleEnergyDocument, { input: { rows: [row(petrol, '2024-06-10', 'GASOLINE', 35.2, 13300)] } }, t.keys.hospital);
    await waitFor(() => goa.length >= 2 && own.length >= 1);
    expect(goa.map((e) => e.data.fleetChanged.kind)).toEqual(['VEHICLE', 'ENERGY_RECORDS']);
    expect(own.map((e) => e.data.fleetChanged)).toEqual([{ kind: 'ENERGY_RECORDS', months: ['2024-06-01'], objectIds: [petrol], institution: { id: longhui } }]);
    await a.dispose();
    await b.dispose();
  });

  it('imports a CSV ledger with Chinese headers, all rows or none', async () => {
    const file = path.join(dir, '车辆加油充电.csv');
    writeFileSync(file, '\uFEFF车牌号,日期,能源类型,数量,里程表读数,充电桩\n湘E·B2001,2024/7/1,汽油,42.8,14000,\n湘EB2002,2024-07-02,柴油,55,81000,\n湘EDB2003,2024-07-03,电,20.5,1500,LH-CP-01\n');
    const before = await counts();
    const r = await cli(['import', 'vehicle-energy', file], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^imported 3 refuellings and chargings \(0 duplicates\) of 3 rows/);
    expect((await counts()).r).toBe(before.r + 3);
    const again = await cli(['import', 'vehicle-energy', file], env);
    expect(again.stdout).toMatch(/^imported 0 refuellings and chargings \(3 duplicates\)/);

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, '车牌号,日期,能源类型,数量,里程表读数\n湘EB2001,2024-08-01,汽油,40,15000\n湘EB9999,2024-08-02,汽油,40,15100\n湘EB2001,2024-08-03,柴油,abc,15200\n');
    const refused = await cli(['import', 'vehicle-energy', bad], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/2 problem\(s\) in the file, nothing imported/);
    expect(readFileSync(`${bad}.rejected.csv`, 'utf8')).toBe(
      'row,column,reason\n3,车牌号,"no vehicle with plate ""湘EB9999"""\n4,数量,"""abc"": must be a number above 0"\n' ,
    );
    // Rows fine on their own but wrong for their vehicle: refused in the same report, nothing written.
    const wrong = path.join(dir, 'wrong.csv');
    writeFileSync(wrong, 'plate,date,fuel,quantity,odometer_km\n湘EB2001,2024-08-01,GASOLINE,40,15000\n湘EB2001,2024-08-03,DIESEL,40,15200\n');
    const r2 = await cli(['import', 'vehicle-energy', wrong], env);
    expect(r2.status).toBe(1);
    expect(readFileSync(`${wrong}.rejected.csv`, 'utf8')).toBe('row,column,reason\n3,fuel,a PETROL vehicle does not take DIESEL\n');
    expect((await counts()).r).toBe(before.r + 3);
    const missing = path.join(dir, 'missing.csv');
    writeFileSync(missing, '车牌号,日期,数量\n湘EB2001,2024-08-01,40\n');
    const r3 = await cli(['import', 'vehicle-energy', missing], env);
    expect(r3.status).toBe(2);
    expect(r3.stderr).toMatch(/missing required column\(s\): 能源类型/);
  });

  it('imports an XLSX ledger with Chinese headers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('加油记录');
    ws.addRow(['车牌号', '日期', '燃料类型', '加油量（升）', '里程（km）']);
    ws.addRow(['湘EB2002', new Date(Date.UTC(2024, 8, 5)), '0#', 48.6, 82000]);
    const file = path.join(dir, 'ledger.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await cli(['import', 'vehicle-energy', file], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^imported 1 refuellings and chargings/);
    const [rec] = await t.sql<{ day: string; quantity: string; energy: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, quantity::text, energy FROM vehicle_energy_record WHERE odometer_km = 82000`,
    );
    expect(rec).toEqual({ day: '2024-09-05', quantity: '48.600', energy: 'DIESEL' });
    expect(existsSync(`${file}.rejected.csv`)).toBe(false);
  });

  it('lists charging points with their meter', async () => {
    const r = await t.gql(ChargingPointsDocument, { first: 10, institutionId: longhui }, t.keys.hospital);
    expect(r.data!.chargingPoints.nodes).toEqual([{ id: point, code: 'LH-CP-01', powerKw: 60, connectors: 2, behindBuildingMeter: true, meter: { id: meterE } }]);
    expect(codeOf(await t.gql(ChargingPointsDocument, { first: 10 }, t.keys.housing))).toBe('FORBIDDEN');
  });
});
