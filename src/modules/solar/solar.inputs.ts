import { Field, ID, InputType } from 'type-graphql';
import { PvStatus } from './pv-project.entity';

@InputType()
export class PvFilter {
  @Field(() => ID, { nullable: true })
  institutionId?: string | null;

  @Field(() => PvStatus, { nullable: true })
  status?: PvStatus | null;
}
