import { Field, ID, InputType } from 'type-graphql';
import { AccessSubject } from '../../access/access.enums';

@InputType()
export class AuditEventFilter {
  @Field(() => AccessSubject, { nullable: true, description: 'Changes made by keys of this column of the access table.' })
  subject?: AccessSubject;

  @Field(() => ID, { nullable: true, description: 'Changes to this object (a global id).' })
  objectId?: string;

  @Field({ nullable: true, description: 'Changes made by this operation (a mutation name, `POST /import/readings`, `cli:import readings`); at most 100 characters.' })
  operation?: string;

  @Field({ nullable: true, description: 'From this instant (inclusive).' })
  from?: Date;

  @Field({ nullable: true, description: 'Until this instant (exclusive).' })
  to?: Date;
}
