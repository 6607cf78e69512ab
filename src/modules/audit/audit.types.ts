import { GraphQLJSON } from 'graphql-scalars';
import { LocalDateScalar } from '../../graphql/scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AccessSubject, KeyRole } from '../../access/access.enums';
import type { Subject } from '../../access/policy';
import { Connection, Node } from '../../graphql/relay';

export enum AuditAction {
  CREATE = 'create',
  UPDATE = 'update',
  DELETE = 'delete',
}
registerEnumType(AuditAction, { name: 'AuditAction' });

@ObjectType({ description: 'One field of a changed object: its value before (null for a new object) and after.' })
export class AuditFieldChange {
  @Field()
  field!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  before!: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  after!: unknown;
}

@ObjectType({ description: 'What one change did to one object.' })
export class AuditObjectChange {
  @Field(() => ID, { description: 'Global id of the object.' })
  objectId!: string;

  @Field({ description: 'Its type (Institution, EpcContract, ReadingBatch, …).' })
  type!: string;

  @Field(() => AuditAction)
  action!: AuditAction;

  @Field(() => [AuditFieldChange])
  fields!: AuditFieldChange[];
}

@ObjectType({ implements: Node, description: 'One change on the audit trail: who, when, from which request, and each field before and after. Append-only.' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field()
  at!: Date;

  @Field(() => ID, { nullable: true, description: 'The API key that made the change; null for the operator at the command line.' })
  keyId!: string | null;

  @Field()
  keyName!: string;

  @Field(() => AccessSubject)
  subject!: Subject;

  @Field(() => KeyRole)
  role!: KeyRole;

  @Field({ description: 'The request id (X-Request-Id of the HTTP answer; cli-… for the command line).' })
  requestId!: string;

  @Field({ description: 'The mutation, `POST /import/readings`, or `cli:<command>`.' })
  operation!: string;

  @Field(() => [ID])
  objectIds!: string[];

  @Field(() => [AuditObjectChange])
  changes!: AuditObjectChange[];
}

export const AuditEventConnection = Connection(AuditEvent, 'AuditEvent');

@ObjectType({ description: "A key's reads on one day (in EWC_TIMEZONE): requests and the rows (list items) they returned." })
export class KeyUsageDay {
  @Field(() => LocalDateScalar)
  day!: string;

  @Field(() => Int)
  requests!: number;

  @Field(() => Int)
  rows!: number;
}
