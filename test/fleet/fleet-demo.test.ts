import { AggregateFleetFiguresDocument, InstitutionFleetFiguresDocument } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { demoFleetInstitutions } from '../../src/demo/fleet.seeder';
import { startTestHub, type TestHub } from '../helpers/hub';

/** The demo's fleets (src/demo/fleet.seeder.ts), worked out by hand. */
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
}, 120_000);
afterAll(() => t?.close());

describe('demo fleets', () => {
  it('party office, 2022: two electric cars charging 20 kWh each Monday behind the building meter, counted once', async () => {
    const [inst] = await t.sql<{ id: number }>(`SELECT id FROM institution WHERE credit_code = $1`, [demoFleetInstitutions()[0].creditCode]);
    const r = await t.gql(InstitutionFleetFiguresDocument, { id: toGlobalId('Institution', inst.id), period: { year: 2022 } }, t.keys.goa);
    expect(r.errors).toBeUndefined();
    expect(r.data!.institution!.indicators!.fleet).toMatchObject({
      // In service in 2022: K0001 (to 1 March, 59 days), K0002, K0003, DK0000 (365 each), DK0001 (from 1 March, 306 days).
      vehiclesInService: 5, vehiclesAtEnd: 4, newEnergyVehiclesAtEnd: 2, newEnergyShareAtEnd: 0.5,
      vehicleDays: 1460, newEnergyVehicleDays: 671, newEnergyShare: 0.459589,
      vehiclesAdded: 1, newEnergyVehiclesAdded: 1, newEnergyShareOfAdded: 1, vehiclesRetired: 1,
      // 52 Mondays for DK0000, 43 for DK0001 (from 7 March): 95 x 20 kWh, all behind the building meter.
      chargedKwh: 1900, meteredChargingKwh: 1900, petrolLitres: 0,
      kgce: 233.51, kgCo2: 1025.05,
      // DK0001's first charge has no km before it: 94 x 100 km.
      distanceKm: 9400, kgcePer100Km: 2.48415, kgCo2Per100Km: 10.9048,
    });
    const [sub] = await t.sql<{ kwh: string }>(
      `SELECT sum(r.value)::numeric::text AS kwh FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = $1 AND r.period_start >= '2022-01-01T00:00+08:00' AND r.period_start < '2023-01-01T00:00+08:00'`,
      [`SY-${demoFleetInstitutions()[0].key}-CP1`],
    );
    expect(sub.kwh).toBe('1900');
  });

  it('the city: one car replaced per fleet each year, the new-energy share of those added rising year by year', async () => {
    const fleets = demoFleetInstitutions().length;
    const shares: number[] = [];
    for (const year of [2021, 2022, 2023]) {
      const r = await t.gql(AggregateFleetFiguresDocument, { period: { year }, groupBy: 'CITY' }, t.keys.public);
      expect(r.errors).toBeUndefined();
      const f = r.data!.aggregateIndicators[0].fleet!;
      const nev = Array.from({ length: fleets }, (_, n) => n).filter((n) => n % 4 < year - 2020).length;
      expect([f.vehiclesAdded, f.newEnergyVehiclesAdded, f.vehiclesRetired]).toEqual([fleets, nev, fleets]);
      shares.push(f.newEnergyShareOfAdded!);
    }
    expect(shares[0]).toBeLessThan(shares[1]);
    expect(shares[1]).toBeLessThan(shares[2]);
  });
});
