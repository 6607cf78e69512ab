import type { AuthCheckerFn } from 'type-graphql';
import type { Context } from '../graphql/context';
import { assertCanReadRows } from './guard';
import type { Resource } from './policy';

/**
 * `@Authorized('<resource>')` on a field or query: the principal must be able to
 * read rows of that resource. A denial is FORBIDDEN on that field, never a silent null.
 */
export const authChecker: AuthCheckerFn<Context> = ({ context }, resources) => {
  for (const resource of resources as Resource[]) assertCanReadRows(context.principal, resource);
  return true;
};
