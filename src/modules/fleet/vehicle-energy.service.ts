import type pg from 'pg';
import { assertCanWrite, inScope, readInstitutions } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { ConflictError, ForbiddenError, ValidationError, type FieldProblem } from '../../errors/domain-errors';
import { toGlobalId } from '../../global-id';
import { record, type ObjectChange } from '../audit/audit.service';
import { cliOperator } from '../audit/audit.scope';
import { ENERGY_BY_POWERTRAIN, Powertrain, VehicleEnergy } from './fleet.enums';
import { inTransaction } from '../../db/transaction';
import { markClosedYearDays, NO_CLOSED_YEAR_ROWS, type ClosedYearRows } from '../accounting/closed-years';
import { loadReference } from '../factors/reference';
import { insertEnergyRecords, lockVehicles, storedEnergyKeys, storedOdometerBounds } from './fleet.repository';

export const MAX_ENERGY_ROWS = 10_000;
/** More than any tank or battery takes at once: a larger figure is a typo (a meter index, a total). */
const MAX_QUANTITY = { L: 1_000, KWH: 1_000 } as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A refuelling or charging checked on its own; ids are row ids, quantities as typed. */
export interface EnergyRow {
  vehicleId: number;
  day: string;
  energy: VehicleEnergy;
  quantity: number;
  odometerKm: number;
  chargingPointId: number | null;
}

/** What a batch did, and what subscribers hear once it is committed. */
export interface EnergyIngestResult {
  accepted: number;
  duplicates: number;
  /** Per institution whose vehicles got records: the vehicles and the local months (YYYY-MM-01). */
  changes: { institutionId: number; vehicleIds: number[]; months: string[] }[];
  /** Records written in closed years, and which: pending recalculation there, as readings are. */
  closedYearRows: ClosedYearRows;
}

/** Problems of one row, or of the batch; `kind` says which error (or report line) each becomes. */
export interface EnergyProblem extends FieldProblem {
  index: number;
  kind: 'invalid' | 'conflict' | 'forbidden';
}

const decimals = (x: number, max: number) => {
  const text = String(x);
  return !/e/i.test(text) && (text.split('.')[1]?.length ?? 0) <= max;
};

export function isDay(text: string): boolean {
  if (!DAY.test(text)) return false;
  const [y, m, d] = text.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 2000 && y < 2100 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Checks one row on its own: the GraphQL batch and the file import share it. */
export function energyRowProblems(r: Omit<EnergyRow, 'vehicleId' | 'chargingPointId'> & { chargingPointId?: number | null }): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (!isDay(r.day)) out.push({ field: 'day', message: 'a day between 2000-01-01 and 2099-12-31, YYYY-MM-DD' });
  const unit = r.energy === VehicleEnergy.ELECTRICITY ? 'KWH' : 'L';
  if (!Number.isFinite(r.quantity) || r.quantity <= 0) out.push({ field: 'quantity', message: 'must be a number above 0' });
  else if (r.quantity > MAX_QUANTITY[unit]) out.push({ field: 'quantity', message: `at most ${MAX_QUANTITY[unit]} ${unit === 'L' ? 'litres' : 'kWh'} at once` });
  else if (!decimals(r.quantity, 3)) out.push({ field: 'quantity', message: 'at most 3 decimals' });
  if (!Number.isFinite(r.odometerKm) || r.odometerKm < 0 || r.odometerKm >= 1e8) out.push({ field: 'odometerKm', message: 'must be a number of km, 0 or more' });
  else if (!decimals(r.odometerKm, 1)) out.push({ field: 'odometerKm', message: 'at most 1 decimal' });
  if (r.chargingPointId != null && r.energy !== VehicleEnergy.ELECTRICITY) out.push({ field: 'chargingPointId', message: 'only a charging (ELECTRICITY) happens at a charging point' });
  return out;
}

const keyOf = (r: Pick<EnergyRow, 'vehicleId' | 'energy' | 'day' | 'odometerKm'>) => `${r.vehicleId}|${r.energy}|${r.day}|${r.odometerKm}`;

/**
 * Writes a batch of refuellings and chargings all or nothing, in the caller's transaction: rows
 * checked against their vehicles (visible, writable, in service that day, a powertrain that takes
 * this energy), each other and the stored records. A row equal to a stored one is a duplicate; one
 * with the same vehicle, energy, day and odometer but another quantity is a conflict. Odometers may
 * not run backwards in time. Returns the problems instead of writing when there are any.
 */
export async function applyEnergyRows(
  client: pg.ClientBase,
  actor: Principal | null,
  rows: EnergyRow[],
  submittedBy: string,
  closedYears: ReadonlySet<number>,
): Promise<{ problems: EnergyProblem[]; result: EnergyIngestResult }> {
  const problems: EnergyProblem[] = [];
  const bad = (index: number, field: string, message: string, kind: EnergyProblem['kind'] = 'invalid') => problems.push({ index, field, message, kind });
  const empty = { problems, result: { accepted: 0, duplicates: 0, changes: [], closedYearRows: NO_CLOSED_YEAR_ROWS } };
  const { vehicles, points } = await lockVehicles(client, [...new Set(rows.map((r) => r.vehicleId))], [...new Set(rows.flatMap((r) => (r.chargingPointId ? [r.chargingPointId] : [])))]);
  const scope = actor ? readInstitutions(actor, 'fleet') : { kind: 'all' as const };
  rows.forEach((r, index) => {
    const v = vehicles.get(r.vehicleId);
    if (!v || !scope || !inScope(scope, v.institution_id)) return bad(index, 'vehicleId', 'no vehicle with this id that this key can see');
    if (actor) {
      try {
        assertCanWrite(actor, 'fleet', v.institution_id);
      } catch (err) {
        if (!(err instanceof ForbiddenError)) throw err;
        return bad(index, 'vehicleId', 'this key may not write records of this vehicle', 'forbidden');
      }
    }
    if (!ENERGY_BY_POWERTRAIN[v.powertrain as Powertrain].includes(r.energy)) bad(index, 'energy', `a ${v.powertrain} vehicle does not take ${r.energy}`);
    if (r.day < v.in_service_on) bad(index, 'day', `before the vehicle entered service (${v.in_service_on})`);
    if (v.out_of_service_on && r.day >= v.out_of_service_on) bad(index, 'day', `after the vehicle left service (${v.out_of_service_on})`);
    if (r.chargingPointId !== null) {
      const p = points.get(r.chargingPointId);
      if (!p || p.institution_id !== v.institution_id) bad(index, 'chargingPointId', 'no charging point with this id at the vehicle’s institution');
    }
  });
  // Within the batch: the same refuelling twice, or odometers that run backwards in time.
  const seen = new Map<string, number>();
  rows.forEach((r, index) => {
    const k = keyOf(r);
    if (seen.has(k)) bad(index, 'odometerKm', `repeats row ${seen.get(k)} (same vehicle, energy, day and odometer)`);
    else seen.set(k, index);
  });
  const byVehicle = new Map<number, number[]>();
  rows.forEach((r, i) => byVehicle.set(r.vehicleId, [...(byVehicle.get(r.vehicleId) ?? []), i]));
  for (const list of byVehicle.values()) {
    const sorted = [...list].sort((a, b) => (rows[a].day < rows[b].day ? -1 : rows[a].day > rows[b].day ? 1 : rows[a].odometerKm - rows[b].odometerKm));
    let maxIndex = sorted[0];
    for (const i of sorted.slice(1)) {
      if (rows[i].day > rows[maxIndex].day && rows[i].odometerKm < rows[maxIndex].odometerKm) bad(i, 'odometerKm', `${rows[i].odometerKm} km is below the ${rows[maxIndex].odometerKm} km of row ${maxIndex} on an earlier day`);
      if (rows[i].odometerKm >= rows[maxIndex].odometerKm) maxIndex = i;
    }
  }
  if (problems.length) return empty;

  const stored = await storedEnergyKeys(client, rows);
  const fresh: EnergyRow[] = [];
  let duplicates = 0;
  rows.forEach((r, index) => {
    const s = stored.get(keyOf(r));
    if (!s) fresh.push(r);
    else if (Number(s.quantity) === r.quantity && (s.charging_point_id ?? null) === r.chargingPointId) duplicates++;
    else bad(index, 'quantity', `${r.quantity} differs from the stored ${Number(s.quantity)}${(s.charging_point_id ?? null) !== r.chargingPointId ? ' or its charging point' : ''} (a record already stored with other values)`, 'conflict');
  });
  // Against stored records: the odometer of a new record lies between those of the days around it.
  for (const b of await storedOdometerBounds(client, fresh)) {
    const index = rows.indexOf(fresh[b.i]);
    if (b.before_max !== null && Number(b.before_max) > fresh[b.i].odometerKm) bad(index, 'odometerKm', `${fresh[b.i].odometerKm} km is below the stored ${Number(b.before_max)} km of an earlier day`);
    if (b.after_min !== null && Number(b.after_min) < fresh[b.i].odometerKm) bad(index, 'odometerKm', `${fresh[b.i].odometerKm} km is above the stored ${Number(b.after_min)} km of a later day`);
  }
  if (problems.length) return empty;
  if (!fresh.length) return { problems, result: { accepted: 0, duplicates, changes: [], closedYearRows: NO_CLOSED_YEAR_ROWS } };

  await insertEnergyRecords(client, fresh, submittedBy);
  // As readings into a closed year: stored, and the year marked pending until GOA recalculates it.
  const closedYearRows = await markClosedYearDays(closedYears, client, fresh.map((r) => r.day));
  const changes = new Map<number, { institutionId: number; vehicleIds: Set<number>; months: Set<string> }>();
  for (const r of fresh) {
    const institutionId = vehicles.get(r.vehicleId)!.institution_id;
    const c = changes.get(institutionId) ?? { institutionId, vehicleIds: new Set<number>(), months: new Set<string>() };
    c.vehicleIds.add(r.vehicleId);
    c.months.add(`${r.day.slice(0, 7)}-01`);
    changes.set(institutionId, c);
  }
  await record(client, {
    actor: actor ?? cliOperator(),
    changes: energyChanges(fresh, duplicates),
    institutionIds: [...changes.keys()],
  });
  return {
    problems,
    result: {
      accepted: fresh.length,
      duplicates,
      changes: [...changes.values()].map((c) => ({ institutionId: c.institutionId, vehicleIds: [...c.vehicleIds].sort((a, b) => a - b), months: [...c.months].sort() })),
      closedYearRows,
    },
  };
}

/** One change per vehicle on the audit trail: a summary of the records added, not one entry per row. */
function energyChanges(fresh: EnergyRow[], duplicates: number): ObjectChange[] {
  const byVehicle = new Map<number, EnergyRow[]>();
  for (const r of fresh) byVehicle.set(r.vehicleId, [...(byVehicle.get(r.vehicleId) ?? []), r]);
  return [...byVehicle].map(([vehicleId, list]) => ({
    object: toGlobalId('Vehicle', vehicleId),
    type: 'Vehicle',
    action: 'update',
    fields: {
      energyRecordsAdded: {
        before: null,
        after: {
          count: list.length,
          duplicatesInBatch: duplicates,
          energies: [...new Set(list.map((r) => r.energy))].sort(),
          firstDay: list.reduce((a, r) => (r.day < a ? r.day : a), list[0].day),
          lastDay: list.reduce((a, r) => (r.day > a ? r.day : a), list[0].day),
        },
      },
    },
  }));
}

/** The GraphQL batch: its problems become one error (BAD_USER_INPUT, CONFLICT or FORBIDDEN) naming rows. */
export async function ingestEnergyBatch(pool: pg.Pool, principal: Principal, rows: EnergyRow[]): Promise<EnergyIngestResult> {
  // Read before the transaction takes its connection (see closedSpans).
  const { closedYears } = await loadReference(pool);
  return inTransaction(pool, async (client) => {
    const { problems, result } = await applyEnergyRows(client, principal, rows, principal.keyName, closedYears);
    if (problems.length) throw errorOf(problems);
    return result;
  });
}

function errorOf(problems: EnergyProblem[]): Error {
  const of = (kind: EnergyProblem['kind']) => problems.filter((p) => p.kind === kind).map(({ index, field, message }) => ({ index, field, message }));
  const invalid = of('invalid');
  if (invalid.length) return new ValidationError(invalid);
  const forbidden = of('forbidden').map((p) => p.index);
  if (forbidden.length) return new ForbiddenError(`this key may not write records of the vehicles in rows ${forbidden.slice(0, 10).join(', ')}${forbidden.length > 10 ? ', …' : ''}`, { rows: forbidden });
  const conflicts = of('conflict');
  return new ConflictError(ValidationError.summarise(conflicts).replace('Invalid input', 'Records already stored with other values'), { problems: conflicts });
}
