import type { EntityManager } from '@mikro-orm/postgresql';
import { assertCanWrite, readInstitutions } from '../../access/guard';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { ConflictError, ForbiddenError, NotFoundError, Problems } from '../../errors/domain-errors';
import type { PageWindow, WindowRows } from '../../db/window';
import { inTransaction } from '../../db/transaction';
import { closedYearsOfService, markClosedYearsInEm } from '../accounting/closed-years';
import { flushAudited } from '../audit/audit.service';
import { loadReference } from '../factors/reference';
import { Meter } from '../metering/meter.entity';
import { Carrier } from '../metering/metering.enums';
import { Institution } from '../registry/institution.entity';
import { ChargingPoint } from './charging-point.entity';
import { NEV_POWERTRAINS } from './fleet.enums';
import { chargingPointsById, chargingPointWindow, energyRecordWindow, vehicleRecordSpan, vehiclesById, vehicleWindow } from './fleet.repository';
import type { ChargingPointRow, VehicleEnergyRecordRow, VehicleRow } from './fleet.types';
import type { CreateChargingPointInput, CreateVehicleInput, UpdateVehicleInput, VehicleEnergyFilter, VehicleFilter } from './fleet.inputs';

/** The vehicles filter, its institution id decoded. */
export type VehicleQuery = Omit<VehicleFilter, 'institutionId'> & { institutionId?: number | null };
/** The energy records filter, its ids decoded. */
export type VehicleEnergyQuery = Omit<VehicleEnergyFilter, 'institutionId' | 'vehicleId'> & { institutionId?: number | null; vehicleId?: number | null };
/** A vehicle to register, its institution id decoded. */
export type NewVehicle = Omit<CreateVehicleInput, 'institutionId'> & { institutionId: number };
/** A charging point to register, its institution and meter ids decoded. */
export type NewChargingPoint = Omit<CreateChargingPointInput, 'institutionId' | 'meterId'> & { institutionId: number; meterId?: number | null };
import { isDay } from './vehicle-energy.service';
import { Vehicle } from './vehicle.entity';

/** A Chinese plate: province, letter, then 5 (fuel) or 6 (new-energy) letters and digits, or a special last character. */
const PLATE = /^[\u4e00-\u9fff][A-Z][A-Z0-9]{4,5}[A-Z0-9\u4e00-\u9fff]$/;

export function normalisePlate(plate: string): string {
  return plate.replace(/[·•.\s-]/g, '').toUpperCase();
}

/** What a subscriber of `fleetChanged` hears after a commit. */
export interface FleetChangedPayload {
  institutionId: number;
  /** VEHICLE, CHARGING_POINT or ENERGY_RECORDS. */
  kind: string;
  ids: number[];
  months: string[];
}

/** The local months (YYYY-MM-01) of these service dates: where vehicles added and retired change. */
export function serviceMonths(...days: ReadonlyArray<string | null | undefined>): string[] {
  return [...new Set(days.flatMap((d) => (d ? [`${d.slice(0, 7)}-01`] : [])))].sort();
}

export class FleetService {
  constructor(
    private readonly db: Database,
    private readonly em: EntityManager,
    private readonly principal: Principal,
  ) {}

  /** The key's institution scope of fleet rows (null: all); FORBIDDEN for a key that reads none. */
  private rowScope(): number[] | null {
    const scope = readInstitutions(this.principal, 'fleet');
    if (!scope) throw new ForbiddenError('this key may not read vehicles one by one (aggregates only, or nothing)');
    return scope.kind === 'all' ? null : scope.ids;
  }

  async vehicle(id: number): Promise<VehicleRow | null> {
    return (await vehiclesById(this.db.pool, [id], this.rowScope()))[0] ?? null;
  }

  async chargingPoint(id: number): Promise<ChargingPointRow | null> {
    return (await chargingPointsById(this.db.pool, [id], this.rowScope()))[0] ?? null;
  }

  vehicles(filter: VehicleQuery | undefined, window: PageWindow): Promise<WindowRows<VehicleRow>> {
    return vehicleWindow(this.db.pool, { ids: this.rowScope(), institutionId: filter?.institutionId ?? null, inServiceOn: filter?.inServiceOn ?? null }, window);
  }

  chargingPoints(institutionId: number | null, window: PageWindow): Promise<WindowRows<ChargingPointRow>> {
    return chargingPointWindow(this.db.pool, this.rowScope(), institutionId, window);
  }

  energyRecords(filter: VehicleEnergyQuery | undefined, window: PageWindow): Promise<WindowRows<VehicleEnergyRecordRow>> {
    const ids = this.rowScope();
    const problems = new Problems();
    for (const f of ['from', 'to'] as const) if (filter?.[f] && !isDay(filter[f]!)) problems.add(`filter.${f}`, 'a day, YYYY-MM-DD');
    problems.throwIfAny();
    return energyRecordWindow(this.db.pool, { ids, vehicleId: filter?.vehicleId ?? null, institutionId: filter?.institutionId ?? null, from: filter?.from ?? null, to: filter?.to ?? null }, window);
  }

  private checkDates(problems: Problems, inServiceOn: string, outOfServiceOn: string | null | undefined): void {
    if (!isDay(inServiceOn)) problems.add('inServiceOn', 'a day between 2000-01-01 and 2099-12-31');
    if (outOfServiceOn != null && !isDay(outOfServiceOn)) problems.add('outOfServiceOn', 'a day between 2000-01-01 and 2099-12-31');
    else if (outOfServiceOn != null && outOfServiceOn <= inServiceOn) problems.add('outOfServiceOn', 'must be after inServiceOn');
  }

  async createVehicle(input: NewVehicle): Promise<Vehicle> {
    const { institutionId } = input;
    assertCanWrite(this.principal, 'fleet', institutionId);
    const problems = new Problems();
    const plate = normalisePlate(input.plate);
    if (!PLATE.test(plate)) problems.add('plate', 'a Chinese licence plate such as 湘E12345 or 湘ED12345');
    this.checkDates(problems, input.inServiceOn, input.outOfServiceOn);
    const institution = await this.em.findOne(Institution, institutionId);
    if (!institution) problems.add('institutionId', 'no such institution');
    problems.throwIfAny();
    if (await this.em.count(Vehicle, { plate })) throw new ConflictError(`a vehicle with plate ${plate} is already registered`, { field: 'plate' });
    const vehicle = this.em.create(Vehicle, {
      institution: institution!,
      plate,
      type: input.type,
      powertrain: input.powertrain,
      newEnergy: input.newEnergy ?? NEV_POWERTRAINS.has(input.powertrain),
      inServiceOn: input.inServiceOn,
      outOfServiceOn: input.outOfServiceOn ?? null,
    });
    await this.flushMarkingClosedYears(closedYearsOfService(await this.closedYears(), input.inServiceOn, input.outOfServiceOn ?? null));
    return vehicle;
  }

  private async closedYears(): Promise<ReadonlySet<number>> {
    return (await loadReference(this.db.pool)).closedYears;
  }

  /**
   * Flushes with the audit event and, when the change reaches closed years' frozen fleets, marks
   * those years pending recalculation in the same transaction, as a reading into a closed year does.
   */
  private async flushMarkingClosedYears(years: number[]): Promise<void> {
    if (!years.length) return flushAudited(this.em, this.principal);
    await inTransaction(this.em, async (em) => {
      await flushAudited(em, this.principal);
      await markClosedYearsInEm(em, years);
    });
  }

  /** The vehicle changed, and the months of its service dates before and after (what subscribers hear of). */
  async updateVehicle(id: number, input: UpdateVehicleInput): Promise<{ vehicle: Vehicle; months: string[] }> {
    // The entity, for the unit of work: the key's scope as the read's.
    const scope = this.rowScope();
    const vehicle = await this.em.findOne(Vehicle, scope ? { id, institution: { $in: scope } } : { id });
    if (!vehicle) throw new NotFoundError('no vehicle with this id that this key can see');
    assertCanWrite(this.principal, 'fleet', vehicle.institution.id);
    const problems = new Problems();
    const inServiceOn = input.inServiceOn ?? vehicle.inServiceOn;
    const outOfServiceOn = input.outOfServiceOn === undefined ? vehicle.outOfServiceOn : input.outOfServiceOn;
    this.checkDates(problems, inServiceOn, outOfServiceOn);
    problems.throwIfAny();
    // Records outside the new service period would no longer belong to it.
    const span = await vehicleRecordSpan(this.db.pool, id);
    if (span.first && span.first < inServiceOn) throw new ConflictError(`the vehicle has records from ${span.first}, before ${inServiceOn}`, { field: 'inServiceOn' });
    if (span.last && outOfServiceOn && span.last >= outOfServiceOn) throw new ConflictError(`the vehicle has records until ${span.last}, on or after ${outOfServiceOn}`, { field: 'outOfServiceOn' });
    const months = serviceMonths(vehicle.inServiceOn, vehicle.outOfServiceOn, inServiceOn, outOfServiceOn);
    // The closed years the vehicle counted in before or counts in now, when what they count changes.
    const counted = vehicle.newEnergy !== (input.newEnergy ?? vehicle.newEnergy) || vehicle.inServiceOn !== inServiceOn || (vehicle.outOfServiceOn ?? null) !== (outOfServiceOn ?? null);
    const closed = counted ? await this.closedYears() : new Set<number>();
    const years = [...new Set([...closedYearsOfService(closed, vehicle.inServiceOn, vehicle.outOfServiceOn ?? null), ...closedYearsOfService(closed, inServiceOn, outOfServiceOn ?? null)])].sort((a, b) => a - b);
    if (input.type) vehicle.type = input.type;
    if (input.newEnergy != null) vehicle.newEnergy = input.newEnergy;
    vehicle.inServiceOn = inServiceOn;
    vehicle.outOfServiceOn = outOfServiceOn ?? null;
    await this.flushMarkingClosedYears(years);
    return { vehicle, months };
  }

  async createChargingPoint(input: NewChargingPoint): Promise<ChargingPoint> {
    const { institutionId } = input;
    assertCanWrite(this.principal, 'fleet', institutionId);
    const problems = new Problems();
    const code = input.code.trim();
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(code)) problems.add('code', '1 to 32 letters, digits, - or _');
    if (!input.location.trim() || input.location.length > 200) problems.add('location', '1 to 200 characters');
    if (!Number.isFinite(input.powerKw) || input.powerKw <= 0 || input.powerKw > 1000) problems.add('powerKw', 'above 0 and at most 1000 kW');
    if (!Number.isInteger(input.connectors) || input.connectors < 1 || input.connectors > 64) problems.add('connectors', '1 to 64');
    const institution = await this.em.findOne(Institution, institutionId);
    if (!institution) problems.add('institutionId', 'no such institution');
    let meter: Meter | null = null;
    if (input.meterId) {
      meter = await this.em.findOne(Meter, input.meterId);
      if (!meter || meter.institution.id !== institutionId) problems.add('meterId', 'no meter with this id at the institution');
      else if (meter.carrier !== Carrier.ELECTRICITY) problems.add('meterId', `a charging point is measured by an ELECTRICITY meter, not ${meter.carrier}`);
    }
    problems.throwIfAny();
    if (await this.em.count(ChargingPoint, { code })) throw new ConflictError(`a charging point with code ${code} is already registered`, { field: 'code' });
    const point = this.em.create(ChargingPoint, {
      institution: institution!,
      code,
      location: input.location.trim(),
      powerKw: input.powerKw,
      connectors: input.connectors,
      meter,
      behindBuildingMeter: input.behindBuildingMeter ?? false,
    });
    await flushAudited(this.em, this.principal);
    return point;
  }
}
