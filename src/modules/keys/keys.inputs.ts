import { Field, ID, InputType, Int } from 'type-graphql';
import { KeyRole } from '../../access/access.enums';

@InputType()
export class CreateApiKeyInput {
  @Field({ nullable: true, description: 'Agency code (GOA, DRC, FINANCE, WATER, HOUSING, PUBLIC).' })
  agency?: string;

  @Field(() => ID, { nullable: true })
  institutionId?: string;

  @Field(() => ID, { nullable: true, description: 'An ESCO: the key sees its contracts and their sites.' })
  escoId?: string;

  @Field(() => KeyRole)
  role!: KeyRole;

  @Field({ nullable: true })
  name?: string;

  @Field(() => Int, { nullable: true, description: "Cost points per minute (1 to 1,000,000,000); unset: the role's default." })
  budget?: number;
}
