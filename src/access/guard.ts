import { ForbiddenError } from '../graphql/errors';
import { ADMIN_ONLY, POLICY, type Grant, type Resource, type Scope } from './policy';
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
  if (scope === 'contract') return { kind: 'ids', ids: p.siteIds ?? contractInstitutionIds };
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

/**
 * Throws FORBIDDEN unless the principal may write `resource` at `institutionId`,
 * touching only `fields` (input fields that are set).
 */
export function assertCanWrite(p: Principal, resource: Resource, institutionId: number | null, fields: string[] = []): void {
  const grant = grantOf(p, resource);
  const needed = ADMIN_ONLY.has(resource) ? 'admin' : 'editor';
  if (!grant.write) throw new ForbiddenError(`${describe(p)} may not write ${resource}`);
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
