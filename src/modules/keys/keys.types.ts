import { Field, ID, ObjectType } from 'type-graphql';
import { AccessSubject, KeyRole } from '../../access/access.enums';
import type { Subject } from '../../access/policy';
import { Connection } from '../../graphql/relay';
import { Agency } from '../registry/agency.entity';
import { Institution } from '../registry/institution.entity';
import type { AgencyRow, InstitutionRow } from '../registry/registry.types';
import { ApiKey } from './api-key.entity';

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
  agency!: AgencyRow | null;

  @Field(() => Institution, { nullable: true })
  institution!: InstitutionRow | null;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field({ description: 'The key itself. It is shown this once; only its hash is stored.' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

export const ApiKeyConnection = Connection(ApiKey, 'ApiKey');

/** An API key as reads give it: a plain row with what the GraphQL type reads, never the hash (see InstitutionRow). */
export interface ApiKeyRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  name: string;
  prefix: string;
  role: KeyRole;
  agency?: { id: number } | null;
  institution?: { id: number } | null;
  esco?: { id: number } | null;
  budget?: number | null;
  createdAt: Date;
  revokedAt?: Date | null;
}
