import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { inScope, readInstitutions } from '../../access/guard';
import { Connection, decodeIntId, decodeOptionalIntId, PageArgs, pageOfRows, pageWindow, toGlobalId, toPage, type Page } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { TOPICS } from '../realtime/pubsub';
import { filterIterable } from '../realtime/filter-iterable';
import { Meter } from '../metering/meter.entity';
import { Institution } from '../registry/institution.entity';
import { ChargingPoint } from './charging-point.entity';
import { CreateChargingPointInput, CreateVehicleInput, energyRows, UpdateVehicleInput, VehicleEnergyBatchInput, VehicleEnergyFilter, VehicleFilter } from './fleet.inputs';
import { publishEnergy, publishFleet } from './fleet.events';
import { FleetService, serviceMonths, type FleetChangedPayload } from './fleet.service';
import { FleetChangedEvent, VehicleEnergyIngestResult, type ChargingPointRow, type VehicleEnergyRecordRow, type VehicleRow } from './fleet.types';
import { VehicleEnergyRecord } from './vehicle-energy.entity';
import { ingestEnergyBatch, MAX_ENERGY_ROWS } from './vehicle-energy.service';
import { Vehicle } from './vehicle.entity';
import type { MeterReadRow } from '../metering/metering.types';
import type { InstitutionRow } from '../registry/registry.types';

const VehicleConnection = Connection(Vehicle, 'Vehicle');
const ChargingPointConnection = Connection(ChargingPoint, 'ChargingPoint');
const VehicleEnergyRecordConnection = Connection(VehicleEnergyRecord, 'VehicleEnergyRecord');
const svc = (ctx: Context) => new FleetService(ctx.db, ctx.em, ctx.principal);

@Resolver(() => Vehicle)
export class FleetResolver {
  @Query(() => VehicleConnection, { description: 'Vehicles of the fleets this key may see.' })
  async vehicles(@Args() page: PageArgs, @Arg('filter', () => VehicleFilter, { nullable: true }) filter: VehicleFilter | undefined, @Ctx() ctx: Context): Promise<Page<VehicleRow>> {
    const query = filter && { ...filter, institutionId: decodeOptionalIntId(filter.institutionId, 'Institution', 'filter.institutionId') };
    const window = pageWindow(page, 1);
    return pageOfRows(await svc(ctx).vehicles(query, window), window);
  }

  @Query(() => VehicleEnergyRecordConnection, { description: 'Refuellings and chargings, oldest recorded first.' })
  async vehicleEnergyRecords(@Args() page: PageArgs, @Arg('filter', () => VehicleEnergyFilter, { nullable: true }) filter: VehicleEnergyFilter | undefined, @Ctx() ctx: Context): Promise<Page<VehicleEnergyRecordRow>> {
    const query = filter && {
      ...filter,
      vehicleId: decodeOptionalIntId(filter.vehicleId, 'Vehicle', 'filter.vehicleId'),
      institutionId: decodeOptionalIntId(filter.institutionId, 'Institution', 'filter.institutionId'),
    };
    const window = pageWindow(page, 1);
    const found = await svc(ctx).energyRecords(query, window);
    return toPage(found.rows, window, found.count, (r) => [r.id]);
  }

  @Query(() => ChargingPointConnection)
  async chargingPoints(@Args() page: PageArgs, @Arg('institutionId', () => ID, { nullable: true }) institutionId: string | undefined, @Ctx() ctx: Context): Promise<Page<ChargingPointRow>> {
    const institution = decodeOptionalIntId(institutionId, 'Institution', 'institutionId');
    const window = pageWindow(page, 1);
    return pageOfRows(await svc(ctx).chargingPoints(institution, window), window);
  }

  @Mutation(() => Vehicle, { description: 'GOA or the institution registers a vehicle of its fleet.' })
  async createVehicle(@Arg('input', () => CreateVehicleInput) input: CreateVehicleInput, @Ctx() ctx: Context): Promise<Vehicle> {
    const v = await svc(ctx).createVehicle({ ...input, institutionId: decodeIntId(input.institutionId, 'Institution', 'institutionId') });
    await publishFleet(ctx, { institutionId: v.institution.id, kind: 'VEHICLE', ids: [v.id], months: serviceMonths(v.inServiceOn, v.outOfServiceOn) });
    return v;
  }

  @Mutation(() => Vehicle, { description: 'Changes a vehicle: its type, NEV flag or service dates (a vehicle leaving service gets outOfServiceOn).' })
  async updateVehicle(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateVehicleInput) input: UpdateVehicleInput, @Ctx() ctx: Context): Promise<Vehicle> {
    const { vehicle, months } = await svc(ctx).updateVehicle(decodeIntId(id, 'Vehicle'), input);
    await publishFleet(ctx, { institutionId: vehicle.institution.id, kind: 'VEHICLE', ids: [vehicle.id], months });
    return vehicle;
  }

  @Mutation(() => ChargingPoint, { description: 'GOA or the institution registers a charging point.' })
  async createChargingPoint(@Arg('input', () => CreateChargingPointInput) input: CreateChargingPointInput, @Ctx() ctx: Context): Promise<ChargingPoint> {
    const p = await svc(ctx).createChargingPoint({
      ...input,
      institutionId: decodeIntId(input.institutionId, 'Institution', 'institutionId'),
      meterId: decodeOptionalIntId(input.meterId, 'Meter', 'meterId'),
    });
    await publishFleet(ctx, { institutionId: p.institution.id, kind: 'CHARGING_POINT', ids: [p.id], months: [] });
    return p;
  }

  @Mutation(() => VehicleEnergyIngestResult, {
    description: `Records refuellings and chargings, all rows or none (at most ${MAX_ENERGY_ROWS}); errors name the row index. A row equal to a stored record is a duplicate.`,
  })
  async ingestVehicleEnergy(@Arg('input', () => VehicleEnergyBatchInput) input: VehicleEnergyBatchInput, @Ctx() ctx: Context): Promise<VehicleEnergyIngestResult> {
    const result = await ingestEnergyBatch(ctx.db.pool, ctx.principal, energyRows(input.rows));
    await publishEnergy(ctx, result);
    return { accepted: result.accepted, duplicates: result.duplicates, closedYearRows: result.closedYearRows.rows, closedYears: result.closedYearRows.years };
  }

  @Subscription(() => FleetChangedEvent, {
    description: 'Changes to the fleets this key may see, after each commit.',
    subscribe: ({ context }: SubscribeResolverData<unknown, object, Context>) => {
      const scope = readInstitutions(context.principal, 'fleet');
      return filterIterable<FleetChangedPayload>(context.pubsub.subscribe(TOPICS.FLEET_CHANGED), (ev) => scope !== null && inScope(scope, ev.institutionId));
    },
  })
  fleetChanged(@Root() ev: FleetChangedPayload): FleetChangedPayload {
    return ev;
  }

  @FieldResolver(() => Institution)
  async institution(@Root() v: VehicleRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(v.institution.id))!;
  }
}

@Resolver(() => ChargingPoint)
export class ChargingPointResolver {
  @FieldResolver(() => Institution)
  async institution(@Root() p: ChargingPointRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(p.institution.id))!;
  }

  @FieldResolver(() => Meter, { nullable: true, description: 'The ELECTRICITY meter that measures the point.' })
  async meter(@Root() p: ChargingPointRow, @Ctx() ctx: Context): Promise<MeterReadRow | null> {
    return p.meter ? ctx.loaders.meterById.load(p.meter.id) : null;
  }
}

@Resolver(() => VehicleEnergyRecord)
export class VehicleEnergyRecordResolver {
  @FieldResolver(() => Vehicle)
  async vehicle(@Root() r: VehicleEnergyRecordRow, @Ctx() ctx: Context): Promise<VehicleRow> {
    return (await ctx.loaders.vehicleById.load(r.vehicle.id))!;
  }

  @FieldResolver(() => ChargingPoint, { nullable: true })
  async chargingPoint(@Root() r: VehicleEnergyRecordRow, @Ctx() ctx: Context): Promise<ChargingPointRow | null> {
    return r.chargingPoint ? ctx.loaders.chargingPointById.load(r.chargingPoint.id) : null;
  }
}

@Resolver(() => FleetChangedEvent)
export class FleetChangedEventResolver {
  @FieldResolver(() => Institution)
  async institution(@Root() ev: FleetChangedPayload, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(ev.institutionId))!;
  }

  @FieldResolver(() => [ID], { description: 'Global ids of the vehicles or charging point concerned.' })
  objectIds(@Root() ev: FleetChangedPayload): string[] {
    const type = ev.kind === 'CHARGING_POINT' ? 'ChargingPoint' : 'Vehicle';
    return ev.ids.map((id) => toGlobalId(type, id));
  }
}

export const FleetResolvers = [FleetResolver, ChargingPointResolver, VehicleEnergyRecordResolver, FleetChangedEventResolver] as const;
