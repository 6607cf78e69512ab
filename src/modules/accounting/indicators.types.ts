import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { Extensions, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ForbiddenError } from '../../errors/domain-errors';
import { ComplianceStatus, IndicatorKind } from '../compliance/compliance.enums';
import type { QuotaStandardRow } from '../compliance/compliance.types';
import { QuotaStandard } from '../compliance/quota-standard.entity';
import { EmissionScope } from '../factors/factors.enums';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import { FleetFigures } from '../fleet/fleet-figures.types';
import { InstitutionCategory } from '../registry/registry.enums';
import { Period } from './period';

export enum IndicatorGroupBy {
  REGION = 'REGION',
  CATEGORY = 'CATEGORY',
  CITY = 'CITY',
}
registerEnumType(IndicatorGroupBy, { name: 'IndicatorGroupBy' });

/** Which halves of the figures the key may not see: WATER sees water only. */
export interface Denied {
  energy: boolean;
  water: boolean;
  /** The fleet figures follow the `fleet` row of the policy, not the indicators' (HOUSING reads energy, not vehicles). */
  fleet: boolean;
}

/** Where a field's facet is kept (type-graphql extensions), for `guardFacets`. */
const FACET = 'facet';
const facet = (kind: keyof Denied) => Extensions({ [FACET]: kind });
/** The field is part of the energy (or water) figures; a key without them gets FORBIDDEN on it. */
const Energy = () => facet('energy');
const Water = () => facet('water');
const Fleet = () => facet('fleet');
/** For fields of Indicators resolved in other modules (targets): the fleet facet. */
export const FleetFacet = Fleet;

/**
 * Makes every field with a facet FORBIDDEN to a key denied that facet (its view's `denied`), with
 * a plain check before the field's own resolver: no promise per field, as type-graphql's
 * middlewares make (about 5 figures a row, on lists of a hundred). Changes the schema in place.
 */
export function guardFacets(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const kind = field.extensions[FACET] as keyof Denied | undefined;
      if (!kind) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx, info) => {
        if ((source as { denied: Denied }).denied[kind]) throw new ForbiddenError(`this key may not read ${kind} figures`);
        return resolve(source, args, ctx, info);
      };
    }
  }
  return schema;
}

@ObjectType({ description: 'One carrier over the period.' })
export class CarrierFigures {
  @Field(() => Carrier)
  carrier!: Carrier;

  @Field(() => Float, { description: 'Physical quantity, in `unit`.' })
  quantity!: number;

  @Field(() => MeterUnit)
  unit!: MeterUnit;

  @Field(() => Float, { nullable: true, description: 'Null for water and PV generation, which are not energy use.' })
  kgce!: number | null;

  @Field(() => Float, { nullable: true })
  kgCo2!: number | null;

  @Field(() => EmissionScope, { nullable: true })
  scope!: EmissionScope | null;

  @Field(() => Float, { description: 'Share of the period covered by readings, over the carrier\'s meters (0 to 1).' })
  coverage!: number;
}

@ObjectType()
export class Emissions {
  @Field(() => Float, { description: 'Fuels burnt on site and in vehicles.' })
  scope1KgCo2!: number;

  @Field(() => Float, { description: 'Purchased electricity and heat (location-based).' })
  scope2KgCo2!: number;

  @Field(() => Float)
  totalKgCo2!: number;

  @Field(() => Float, { description: 'CO2 avoided by on-site PV generation, reported beside scope 2, never subtracted from it.' })
  avoidedKgCo2!: number;
}

@ObjectType({ description: "Where one indicator of a year stands against the institution's quota." })
export class ComplianceResult {
  @Field(() => IndicatorKind)
  indicator!: IndicatorKind;

  @Field(() => ComplianceStatus)
  status!: ComplianceStatus;

  @Field(() => Float, { nullable: true })
  value!: number | null;

  @Field(() => Float)
  constraintValue!: number;

  @Field(() => Float, { nullable: true })
  baselineValue!: number | null;

  @Field(() => Float, { nullable: true })
  guideValue!: number | null;

  @Field(() => Float, { description: 'Share of the year covered by readings for this indicator; for a year in progress, of the days elapsed.' })
  coverage!: number;

  @Field({ description: 'True for a year in progress (or a year to date): `value` and `status` are the year to date scaled to the whole year by days, as compliance alerts project.' })
  projected!: boolean;

  @Field(() => Float, { nullable: true, description: 'The year-to-date value behind a projection; null for a whole year.' })
  yearToDateValue!: number | null;

  @Field(() => QuotaStandard)
  quota!: QuotaStandardRow;
}

@ObjectType({
  description:
    'Figures for one institution or a group over a period. Ratios are ratios of sums. Energy fields are FORBIDDEN to keys that may read water only.',
})
export class Indicators {
  denied!: Denied;
  institutionId!: number | null;
  /** A group's institutions (null for one institution's figures): what other modules' figures of the group sum. */
  memberIds: number[] | null = null;
  regionId!: number | null;
  conversionFactorIds!: number[];
  emissionFactorIds!: number[];
  unitConversionIds!: number[];

  @Field(() => Period)
  period!: Period;

  @Field(() => InstitutionCategory, { nullable: true, description: 'Set for a CATEGORY group.' })
  category!: InstitutionCategory | null;

  @Field(() => Int, { description: 'Institutions summed (1 for one institution).' })
  institutionCount!: number;

  @Field({ description: 'True when the figures are hidden: PUBLIC sees no group of fewer than 3 institutions.' })
  suppressed!: boolean;

  @Field({ description: 'True when the year is closed: the figures are those frozen at closing.' })
  closed!: boolean;

  @Field({ description: 'True when readings arrived in this closed year after it was closed: the frozen figures leave them out until GOA runs recalculateYear.' })
  pendingRecalculation!: boolean;

  @Energy()
  @Field(() => Float, { nullable: true, description: 'Comprehensive energy consumption, kgce (PV generation not included).' })
  energyKgce!: number | null;

  @Water()
  @Field(() => Float, { nullable: true })
  waterM3!: number | null;

  @Field(() => Int, { nullable: true, description: 'Headcount of the profile for the year.' })
  headcount!: number | null;

  @Field(() => Float, { nullable: true })
  floorAreaM2!: number | null;

  @Energy()
  @Field(() => Float, { nullable: true, description: '人均综合能耗 over the period, kgce per person.' })
  perCapitaEnergyKgce!: number | null;

  @Energy()
  @Field(() => Float, { nullable: true, description: '单位建筑面积能耗 over the period, kgce per m².' })
  energyPerAreaKgceM2!: number | null;

  @Water()
  @Field(() => Float, { nullable: true, description: '人均水耗 over the period, m³ per person.' })
  perCapitaWaterM3!: number | null;

  @Energy()
  @Field(() => Float, { nullable: true, description: 'On-site PV generation, reported beside the energy figure.' })
  pvGenerationKwh!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of the period covered by readings, over the energy and water meters this key may see (0 to 1).' })
  coverage!: number | null;

  @Energy()
  @Field(() => Float, { nullable: true })
  energyCoverage!: number | null;

  @Water()
  @Field(() => Float, { nullable: true })
  waterCoverage!: number | null;

  @Field(() => [CarrierFigures], { description: 'Per carrier, limited to the carriers this key may see.' })
  byCarrier!: CarrierFigures[];

  @Energy()
  @Field(() => Emissions, { nullable: true })
  emissions!: Emissions | null;

  @Field(() => [ComplianceResult], { description: 'Against the quota standards; for a whole year of one institution only, for the indicators this key may see.' })
  compliance!: ComplianceResult[];

  @Fleet()
  @Field(() => FleetFigures, {
    nullable: true,
    description: "The official fleet over the period (vehicles, refuellings, chargings). Its energy not already metered is part of energyKgce and byCarrier. FORBIDDEN to keys that may not read vehicles; null for a suppressed group.",
  })
  fleet!: FleetFigures | null;
}

@ObjectType({ description: "An institution's rollups changed: its figures for these months are new." })
export class IndicatorUpdatedEvent {
  institutionId!: number;

  @Field(() => Int)
  year!: number;

  @Field(() => [String], { description: 'Local months (YYYY-MM-01) whose totals changed.' })
  months!: string[];
}
