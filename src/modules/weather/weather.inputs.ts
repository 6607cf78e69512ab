import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateWeatherStationInput {
  @Field({ description: 'Up to 32 characters, unique.' })
  code!: string;

  @Field({ description: 'Up to 200 characters.' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'The region whose station this is (one per region).' })
  regionId?: string | null;

  @Field({ description: 'Where its temperatures come from; up to 200 characters.' })
  source!: string;
}
