import { registerEnumType } from 'type-graphql';

/* The roles and subjects of the access table (policy.ts), as GraphQL enums. */

export enum KeyRole {
  admin = 'admin',
  editor = 'editor',
  viewer = 'viewer',
}
registerEnumType(KeyRole, { name: 'KeyRole' });

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
