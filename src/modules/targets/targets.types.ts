import { Field, Float, ObjectType } from 'type-graphql';
import { CityTarget } from './city-target.entity';
import { TargetKind, TargetStatus } from './targets.enums';

@ObjectType({ description: 'Where an institution (or a group) stands against a city target of the period\'s year.' })
export class TargetProgress {
  @Field(() => TargetKind)
  kind!: TargetKind;

  @Field(() => CityTarget)
  target!: CityTarget;

  @Field(() => Float)
  targetValue!: number;

  @Field(() => Float, { nullable: true, description: 'The share reached over the period; null when there is nothing to measure.' })
  value!: number | null;

  @Field(() => TargetStatus)
  status!: TargetStatus;
}
