import { readInstitutions, readScope } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { ForbiddenError } from '../../errors/domain-errors';
import type { ContractScope } from './epc.repository';

/** The contracts the policy table lets a key read (scope `esco`: its own ESCO's); FORBIDDEN for a key that reads none. */
export function contractScope(principal: Principal): ContractScope {
  if (readScope(principal, 'epcContract') === 'esco') return { escoId: principal.escoId ?? 0 };
  const scope = readInstitutions(principal, 'epcContract');
  if (!scope) throw new ForbiddenError('this key may not read EPC contracts');
  return scope.kind === 'ids' ? { institutionIds: scope.ids } : null;
}
