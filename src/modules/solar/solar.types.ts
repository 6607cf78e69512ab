import { Authorized, Field, Float, Int, ObjectType } from 'type-graphql';
import { DecimalScalar, LocalDateScalar } from '../../graphql/scalars';
import type { PvFinancing, PvStatus } from './pv-project.entity';

/** A PV project as reads give it: a plain row, no entity (see InstitutionRow). */
export interface PvProjectRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  institution: { id: number };
  name: string;
  nameZh: string;
  capacityKw: number;
  /** Exact decimal text (numeric(14,2)), as the entity maps it. */
  investmentYuan: string;
  financing: PvFinancing;
  status: PvStatus;
  startedOn: string;
  commissionedOn: string | null;
  decommissionedOn: string | null;
  expectedAnnualKwh: number;
  reportedAnnualCo2T: number;
  generationMeter: { id: number } | null;
  exportMeter: { id: number } | null;
}

@ObjectType({ description: 'Generation of a project over a period, from its meter.' })
export class PvGenerationFigures {
  @Field(() => Float)
  generationKwh!: number;

  @Field(() => Float, { nullable: true, description: 'kWh per kWp over the period.' })
  specificYieldKwhPerKwp!: number | null;

  @Field(() => Float, { nullable: true, description: 'Actual over expected, the expected year prorated to the period.' })
  performanceRatio!: number | null;

  @Field(() => Float, { description: 'CO2 the generation avoided at the grid factor valid in each month.' })
  avoidedKgCo2!: number;

  @Field(() => Float)
  coverage!: number;

  emissionFactorIds!: number[];
}

@ObjectType({ description: "The city's rooftop PV programme on a day." })
export class PvProgramme {
  @Field(() => LocalDateScalar)
  asOf!: string;

  @Field(() => Int, { description: 'Projects built or under construction on the day.' })
  projectCount!: number;

  @Field(() => Int)
  operatingCount!: number;

  @Field(() => Int)
  underConstructionCount!: number;

  @Field({ description: 'True when the figures are withheld from an aggregate-only key: the group, or the rest of the programme beside it, spans fewer than three institutions.' })
  suppressed!: boolean;

  @Field(() => Float, { nullable: true })
  capacityKw!: number | null;

  @Authorized('pvMoney')
  @Field(() => DecimalScalar, { nullable: true, description: 'Money: only for keys that may read PV investment.' })
  investmentYuan!: string | null;

  @Field(() => Float, { nullable: true })
  expectedAnnualKwh!: number | null;

  @Field(() => Float, { nullable: true, description: 'CO2 reduction a year as the projects report it, t.' })
  reportedAnnualCo2T!: number | null;

  @Field(() => Float, { nullable: true, description: 'Expected kWh a year at the grid emission factor valid on the day, t.' })
  computedAnnualCo2T!: number | null;

  @Field(() => Float, { nullable: true, description: 'Generation metered over the twelve months before the day, kWh.' })
  actualKwhLast12Months!: number | null;

  emissionFactorIds!: number[];
}

@ObjectType({ description: 'PV generation readings arrived for a project.' })
export class PvGenerationEvent {
  projectId!: number;
  institutionId!: number;

  @Field(() => Float)
  kwh!: number;

  @Field()
  periodStart!: Date;

  @Field()
  periodEnd!: Date;
}
