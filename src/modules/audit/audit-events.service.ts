import type pg from 'pg';
import { readScope } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { ForbiddenError } from '../../errors/domain-errors';
import { toGlobalId } from '../../global-id';
import type { PageWindow, WindowRows } from '../../db/window';
import { KeyRole } from '../../access/access.enums';
import type { Subject } from '../../access/policy';
import { countEvents, pageOfEvents, type AuditQuery, type AuditRow, type AuditVisibility } from './audit.repository';
import { AuditAction, AuditEvent } from './audit.types';

/** An audit trail filter, checked: what the caller asks for, before the key's visibility is added. */
export type AuditEventQuery = Omit<AuditQuery, 'visibility' | 'id'>;

/** Whose events the principal may read, from the `auditEvent` row of the policy table. */
export function auditVisibility(p: Principal): AuditVisibility {
  const scope = readScope(p, 'auditEvent');
  if (scope === 'all') return { kind: 'all' };
  if (scope === 'own') {
    if (p.subject === 'INSTITUTION' && p.institutionId !== null) return { kind: 'institution', id: p.institutionId };
    if (p.subject === 'ESCO' && p.escoId !== null) return { kind: 'esco', id: p.escoId };
    if (p.agencyCode && p.subject !== 'INSTITUTION' && p.subject !== 'ESCO') return { kind: 'agency', code: p.subject };
  }
  throw new ForbiddenError('this key may not read the audit trail');
}

/** An audit_event row as the GraphQL type (an instance, so `node(id:)` can tell its type). */
export function toAuditEvent(row: AuditRow): AuditEvent {
  return Object.assign(new AuditEvent(), {
    id: toGlobalId('AuditEvent', row.id),
    at: row.at,
    keyId: row.key_id === null ? null : toGlobalId('ApiKey', row.key_id),
    keyName: row.key_name,
    subject: row.subject as Subject,
    role: row.role as KeyRole,
    requestId: row.request_id,
    operation: row.operation,
    objectIds: row.object_ids,
    changes: row.changes.map((c) => ({
      objectId: c.object,
      type: c.type,
      action: c.action as AuditAction,
      fields: Object.entries(c.fields).map(([field, v]) => ({ field, before: v.before, after: v.after })),
    })),
  });
}

export class AuditEventsService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly principal: Principal,
  ) {}

  /** One event by its id (`node(id:)`), or null when absent or not the key's to see. */
  async event(id: string): Promise<AuditEvent | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const [row] = await pageOfEvents(this.pool, { visibility: auditVisibility(this.principal), id }, { size: 1, backward: false, after: null, before: null });
    return row ? toAuditEvent(row) : null;
  }

  /** The read check of the audit trail, for a caller that must run it before decoding its filter and paging. */
  assertCanRead(): void {
    auditVisibility(this.principal);
  }

  /** Events matching a checked filter, newest first, in a window, as rows (`toAuditEvent` makes each the GraphQL type). */
  async events(filter: AuditEventQuery, window: PageWindow): Promise<WindowRows<AuditRow>> {
    const q: AuditQuery = { ...filter, visibility: auditVisibility(this.principal) };
    const rows = await pageOfEvents(this.pool, q, window);
    return { rows, count: () => countEvents(this.pool, q) };
  }
}
