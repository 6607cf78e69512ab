import { Field, Float, ObjectType } from 'type-graphql';
import { CityTarget } from './city-target.entity';
import { TargetKind, TargetStatus } from './targets.enums';

@ObjectType({ description: 'Where an institution (or a group) stands against a city target of the period\'s year.' })
export class TargetProgress {
  @Field(() => TargetKind)
  kind!: TargetKind;

  @Field(() => CityTarget)
  target!: CityTargetRow;

  @Field(() => Float)
  targetValue!: number;

  @Field(() => Float, { nullable: true, description: 'The share reached over the period; null when there is nothing to measure.' })
  value!: number | null;

  @Field(() => TargetStatus)
  status!: TargetStatus;
}

/** A city target as reads give it: a plain row with what the GraphQL type reads (see InstitutionRow). */
export interface CityTargetRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  year: number;
  kind: TargetKind;
  /** Exact, 4 decimals. */
  share: string;
  /** The share as the schema gives it. */
  value: number;
}
