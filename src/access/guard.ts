import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { ForbiddenError } from '../errors/domain-errors';
import { ADMIN_ONLY, FIELD_RULES, NODE_RULES, POLICY, SUBJECTS, type Action, type FieldRule, type Grant, type Resource, type Scope, type Subject } from './policy';
import type { Principal } from './principal';

/** Which institutions' rows a read or write may touch: every one, or a list (maybe empty). */
export type InstitutionScope = { kind: 'all' } | { kind: 'ids'; ids: number[] };

function grantOf(p: Principal, resource: Resource): Grant {
  return POLICY[resource][p.subject];
}

function describe(p: Principal): string {
  return `${p.subject === 'INSTITUTION' ? 'an institution' : p.subject === 'ESCO' ? 'an ESCO' : p.agencyCode} ${p.role} key`;
}

/** The read scope, or null when the subject may not read rows of the resource at all. */
export function readScope(p: Principal, resource: Resource): Scope | null {
  return grantOf(p, resource).read ?? null;
}

/** Whether rows (not only aggregates) of the resource are readable. */
export function canReadRows(p: Principal, resource: Resource): boolean {
  const scope = readScope(p, resource);
  return scope !== null && scope !== 'aggregate';
}

export function assertCanReadRows(p: Principal, resource: Resource): Scope {
  const scope = readScope(p, resource);
  if (scope === null || scope === 'aggregate') {
    throw new ForbiddenError(`${describe(p)} may not read ${resource}${scope === 'aggregate' ? ' (aggregates only)' : ''}`);
  }
  return scope;
}

function scopeToInstitutions(p: Principal, scope: Scope, contractInstitutionIds: number[]): InstitutionScope {
  if (scope === 'all') return { kind: 'all' };
  if (scope === 'own') return { kind: 'ids', ids: p.institutionId === null ? [] : [p.institutionId] };
  // An ESCO's own rows sit at the sites of its contracts.
  if (scope === 'contract' || scope === 'esco') return { kind: 'ids', ids: p.siteIds ?? contractInstitutionIds };
  return { kind: 'ids', ids: [] };
}

/** The institutions whose rows of `resource` the principal may read; applied in SQL by the services. */
export function readInstitutions(p: Principal, resource: Resource, contractInstitutionIds: number[] = []): InstitutionScope | null {
  const scope = readScope(p, resource);
  if (scope === null || scope === 'aggregate') return null;
  return scopeToInstitutions(p, scope, contractInstitutionIds);
}

export function inScope(scope: InstitutionScope, institutionId: number): boolean {
  return scope.kind === 'all' || scope.ids.includes(institutionId);
}

/** Whether the grant lets this key write at all (a write scope and a strong enough role). */
function writes(p: Pick<Principal, 'subject' | 'role'>, resource: Resource): boolean {
  if (!POLICY[resource][p.subject].write || p.role === 'viewer') return false;
  return !ADMIN_ONLY.has(resource) || p.role === 'admin';
}

function allowsOne(p: Pick<Principal, 'subject' | 'role'>, action: Action, resource: Resource): boolean {
  const read = POLICY[resource][p.subject].read;
  switch (action) {
    case 'read': return read !== undefined;
    case 'rows': return read !== undefined && read !== 'aggregate';
    case 'allRows': return read === 'all';
    case 'write': return writes(p, resource);
  }
}

/** Whether a rule of FIELD_RULES or NODE_RULES lets this subject and role in. */
export function ruleAllows(p: Pick<Principal, 'subject' | 'role'>, rule: FieldRule | undefined): boolean {
  if (!rule) return false;
  if ('open' in rule) return true;
  return rule.anyOf.some((r) => allowsOne(p, rule.action, r));
}

/** FORBIDDEN unless the root field (`Query.x`, `Mutation.y`, …) is allowed to this key; a field with no rule is refused. */
export function assertField(p: Principal, coordinate: string): void {
  const rule = FIELD_RULES[coordinate];
  if (!rule) throw new ForbiddenError(`${coordinate} has no rule in the policy table`);
  if (!ruleAllows(p, rule)) throw new ForbiddenError(`${describe(p)} may not use ${coordinate} (${'open' in rule ? '' : `${rule.action} of ${rule.anyOf.join(' or ')}`})`);
}

/** FORBIDDEN unless this key may fetch a node of the type by id. */
export function assertNodeType(p: Principal, type: string): void {
  if (!ruleAllows(p, NODE_RULES[type])) throw new ForbiddenError(`${describe(p)} may not read ${type} objects`);
}

/**
 * Wraps every root field's resolver (and subscribe) so it decides through FIELD_RULES before it
 * runs: resolvers cannot forget the check, and a new field without a rule is refused.
 */
export function guardRootFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!type) continue;
    for (const [name, field] of Object.entries(type.getFields())) {
      const coordinate = `${type.name}.${name}`;
      const check = (ctx: unknown) => assertField((ctx as { principal: Principal }).principal, coordinate);
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      if (field.subscribe) {
        const subscribe = field.subscribe;
        field.subscribe = (source, args, ctx, info) => {
          check(ctx);
          return subscribe(source, args, ctx, info);
        };
      } else {
        field.resolve = (source, args, ctx, info) => {
          check(ctx);
          return resolve(source, args, ctx, info);
        };
      }
    }
  }
  return schema;
}

/** Subjects whose grant on `resource` includes a write (e.g. the agencies that sign a round). */
export function writers(resource: Resource): Subject[] {
  return SUBJECTS.filter((s) => POLICY[resource][s].write);
}

/**
 * Throws FORBIDDEN unless the principal may write `resource` at `institutionId`,
 * touching only `fields` (input fields that are set).
 */
export function assertCanWrite(p: Principal, resource: Resource, institutionId: number | null, fields: string[] = []): void {
  const grant = grantOf(p, resource);
  const needed = ADMIN_ONLY.has(resource) ? 'admin' : 'editor';
  if (!grant.write) throw new ForbiddenError(`${describe(p)} may not write ${resource}`);
  if (grant.write === 'esco') throw new ForbiddenError(`${resource} of an ESCO is checked against its contract (assertCanWriteContract)`);
  if (p.role === 'viewer' || (needed === 'admin' && p.role !== 'admin')) {
    throw new ForbiddenError(`writing ${resource} needs an ${needed} key; this is ${describe(p)}`);
  }
  if (grant.write !== 'all') {
    const scope = scopeToInstitutions(p, grant.write, p.siteIds ?? []);
    if (institutionId === null || !inScope(scope, institutionId)) {
      throw new ForbiddenError(`${describe(p)} may write ${resource} of its own institution only`);
    }
  }
  if (grant.writableFields) {
    const denied = fields.filter((f) => !grant.writableFields!.includes(f));
    if (denied.length) {
      throw new ForbiddenError(`${describe(p)} may only set ${grant.writableFields.join(', ')} of ${resource}, not ${denied.join(', ')}`);
    }
  }
}

/** Write check for rows that belong to an ESCO's contract: scope `esco` means the key's own ESCO. */
export function assertCanWriteContract(p: Principal, resource: Resource, contract: { institutionId: number; escoId: number }): void {
  const grant = grantOf(p, resource);
  if (grant.write === 'esco') {
    if (!writes(p, resource)) throw new ForbiddenError(`writing ${resource} needs an editor key; this is ${describe(p)}`);
    if (p.escoId === null || p.escoId !== contract.escoId) throw new ForbiddenError(`${describe(p)} may write ${resource} of its own contracts only`);
    return;
  }
  assertCanWrite(p, resource, contract.institutionId);
}

/** Whether the key may read a row tied to an EPC contract (its institution and its ESCO). */
export function canReadContractRow(p: Principal, resource: Resource, row: { institutionId: number; escoId: number }): boolean {
  const scope = readScope(p, resource);
  if (scope === null || scope === 'aggregate') return false;
  if (scope === 'esco') return p.escoId !== null && p.escoId === row.escoId;
  return inScope(scopeToInstitutions(p, scope, []), row.institutionId);
}
