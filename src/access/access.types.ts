import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../graphql/relay';
import { Agency } from '../modules/registry/agency.entity';
import { Institution } from '../modules/registry/institution.entity';
import { ApiKey, KeyRole } from './api-key.entity';
import type { Subject } from './policy';

export enum AccessSubject {
  GOA = 'GOA',
  DRC = 'DRC',
  FINANCE = 'FINANCE',
  WATER = 'WATER',
  HOUSING = 'HOUSING',
  PUBLIC = 'PUBLIC',
  INSTITUTION = 'INSTITUTION',
  ESCO = 'ESCO',
}
registerEnumType(AccessSubject, { name: 'AccessSubject', description: 'The column of the access table a key falls in.' });

@ObjectType({ description: 'The holder of the API key making the request.' })
export class Viewer {
  @Field(() => ID)
  keyId!: string;

  @Field()
  keyName!: string;

  @Field(() => KeyRole)
  role!: KeyRole;

  @Field(() => AccessSubject)
  subject!: Subject;

  @Field(() => Agency, { nullable: true })
  agency!: Agency | null;

  @Field(() => Institution, { nullable: true })
  institution!: Institution | null;
}

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

@ObjectType()
export class CreateApiKeyPayload {
  @Field({ description: 'The key itself. It is shown this once; only its hash is stored.' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

export const ApiKeyConnection = Connection(ApiKey, 'ApiKey');
