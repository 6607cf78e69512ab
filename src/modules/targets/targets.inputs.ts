import { Field, Float, InputType, Int } from 'type-graphql';
import { TargetKind } from './targets.enums';

@InputType({ description: 'A yearly city target; setting it again for the same year and kind replaces the value.' })
export class SetCityTargetInput {
  @Field(() => Int, { description: '2000 to 2099.' })
  year!: number;

  @Field(() => TargetKind)
  kind!: TargetKind;

  @Field(() => Float, { description: 'The share to reach, from 0 to 1, at most 4 decimals (0.3 is 30 %).' })
  value!: number;
}
