import type pg from 'pg';
import { DEMO_INSTITUTIONS, type DemoInstitution } from './shaoyang.data';

/**
 * The demo's official fleets, made so every figure can be worked out by hand:
 *
 * - Each department with a car pool (hasFleet) and each hospital, the n-th of them in DEMO order
 *   (n from 0), keeps 4 petrol sedans in service since 2019-01-01. On 1 March of each year Y from
 *   2021 to 2024, sedan k = Y - 2021 leaves service and a sedan replaces it: battery electric when
 *   n % 4 < Y - 2020, petrol otherwise. Among the vehicles added, the new-energy share is thus a
 *   quarter of the fleets in 2021, half in 2022, three quarters in 2023 and all in 2024 (to within
 *   the rounding of the count of fleets by 4), and the pools stay at 4 cars.
 * - Each hospital also runs 2 diesel ambulances (special purpose) since 2019-01-01.
 * - The first three departments with a car pool have a charging point (2 connectors, 14 kW) since
 *   2021-01-01, behind the building meter and measured by a submeter of its own. Each battery
 *   electric car there charges 20 kWh on every Monday from its first day, and its odometer gains
 *   100 km per charge (a car's first charge has no km before it). The submeter reads, for each
 *   day, the kWh charged that day.
 *
 * The fleets' fuel is already in the institutions' fuel meters (SY-*-F1): the demo records no
 * refuelling, so no litre is counted twice; and the charging is behind the building meter, so the
 * institutions' energy figures are those of the meters alone.
 */
export function demoFleetInstitutions(): DemoInstitution[] {
  return DEMO_INSTITUTIONS.filter((i) => (i.category === 'GOVERNMENT_OFFICE' && i.hasFleet) || i.category === 'HOSPITAL');
}

interface DemoVehicle {
  creditCode: string;
  plate: string;
  type: 'SEDAN' | 'SPECIAL_PURPOSE';
  powertrain: 'PETROL' | 'DIESEL' | 'BATTERY_ELECTRIC';
  inServiceOn: string;
  outOfServiceOn: string | null;
}

const pad = (n: number) => String(n).padStart(3, '0');

export function demoVehicles(): DemoVehicle[] {
  return demoFleetInstitutions().flatMap((inst, n) => {
    const list: DemoVehicle[] = [];
    for (let k = 0; k < 4; k++) {
      const year = 2021 + k;
      const day = `${year}-03-01`;
      list.push({ creditCode: inst.creditCode, plate: `湘EK${pad(n)}${k}`, type: 'SEDAN', powertrain: 'PETROL', inServiceOn: '2019-01-01', outOfServiceOn: day });
      const nev = n % 4 < year - 2020;
      list.push({ creditCode: inst.creditCode, plate: nev ? `湘EDK${pad(n)}${k}` : `湘EL${pad(n)}${k}`, type: 'SEDAN', powertrain: nev ? 'BATTERY_ELECTRIC' : 'PETROL', inServiceOn: day, outOfServiceOn: null });
    }
    if (inst.category === 'HOSPITAL') {
      for (let k = 0; k < 2; k++) list.push({ creditCode: inst.creditCode, plate: `湘EJ${pad(n)}${k}`, type: 'SPECIAL_PURPOSE', powertrain: 'DIESEL', inServiceOn: '2019-01-01', outOfServiceOn: null });
    }
    return list;
  });
}

/** Vehicles, charging points with their submeters, the chargings and the submeters' daily readings; returns the readings written. */
export async function insertFleet(client: pg.PoolClient, batchId: number, firstDay: string, lastDay: string): Promise<number> {
  const v = demoVehicles();
  await client.query(
    `INSERT INTO vehicle (institution_id, plate, type, powertrain, new_energy, in_service_on, out_of_service_on)
     SELECT i.id, u.plate, u.type::vehicle_type, u.powertrain::vehicle_powertrain, u.powertrain = 'BATTERY_ELECTRIC', u.d_in, u.d_out
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::date[]) AS u(credit, plate, type, powertrain, d_in, d_out)
       JOIN institution i ON i.credit_code = u.credit`,
    [v.map((x) => x.creditCode), v.map((x) => x.plate), v.map((x) => x.type), v.map((x) => x.powertrain), v.map((x) => x.inServiceOn), v.map((x) => x.outOfServiceOn)],
  );
  const sites = demoFleetInstitutions().filter((i) => i.category === 'GOVERNMENT_OFFICE').slice(0, 3);
  const serials = sites.map((s) => `SY-${s.key}-CP1`);
  await client.query(
    `INSERT INTO meter (institution_id, carrier, unit, serial, supplier_id)
     SELECT i.id, 'ELECTRICITY', 'KWH', u.serial, (SELECT id FROM agency WHERE code = 'GOA')
       FROM unnest($1::text[], $2::text[]) AS u(credit, serial) JOIN institution i ON i.credit_code = u.credit`,
    [sites.map((s) => s.creditCode), serials],
  );
  await client.query(
    `INSERT INTO charging_point (institution_id, code, location, power_kw, connectors, meter_id, behind_building_meter)
     SELECT m.institution_id, m.serial, 'staff car park', 14, 2, m.id, true FROM meter m WHERE m.serial = ANY($1::text[])`,
    [serials],
  );
  await client.query(
    `INSERT INTO vehicle_energy_record (vehicle_id, energy, day, odometer_km, quantity, charging_point_id, created_by)
     SELECT v.id, 'ELECTRICITY', d::date, 100 * row_number() OVER (PARTITION BY v.id ORDER BY d), 20, cp.id, 'demo seeder'
       FROM vehicle v JOIN charging_point cp ON cp.institution_id = v.institution_id
       CROSS JOIN generate_series(greatest(v.in_service_on, $1::date), $2::date, interval '1 day') d
      WHERE v.powertrain = 'BATTERY_ELECTRIC' AND extract(isodow FROM d) = 1`,
    [firstDay, lastDay],
  );
  const readings = await client.query(
    `INSERT INTO reading (meter_id, period_start, period_end, value, quality, batch_id)
     SELECT cp.meter_id, d::timestamp AT TIME ZONE 'Asia/Shanghai', (d + interval '1 day')::timestamp AT TIME ZONE 'Asia/Shanghai',
            coalesce((SELECT sum(e.quantity) FROM vehicle_energy_record e WHERE e.charging_point_id = cp.id AND e.day = d::date), 0)::float8, 'MEASURED', $3
       FROM charging_point cp CROSS JOIN generate_series($1::date, $2::date, interval '1 day') d
      WHERE cp.meter_id IS NOT NULL`,
    [firstDay, lastDay, batchId],
  );
  return readings.rowCount ?? 0;
}
