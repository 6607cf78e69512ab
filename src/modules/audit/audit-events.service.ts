import type pg from 'pg';
import { readScope } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { ForbiddenError, Problems, ValidationError } from '../../errors/domain-errors';
import { forward, fromGlobalId, mapPage, pageWindow, toGlobalId, toPage, type Page, type PageArgs } from '../../graphql/relay';
import { KeyRole } from '../../access/access.enums';
import type { Subject } from '../../access/policy';
import type { AuditEventFilter } from './audit.inputs';
import { countEvents, pageOfEvents, type AuditQuery, type AuditRow, type AuditVisibility } from './audit.repository';
import { AuditAction, AuditEvent } from './audit.types';

const MAX_OPERATION = 100;

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
    const [row] = await pageOfEvents(this.pool, { visibility: auditVisibility(this.principal), id }, forward(1));
    return row ? toAuditEvent(row) : null;
  }

  async events(filter: AuditEventFilter | undefined, page: PageArgs): Promise<Page<AuditEvent>> {
    const visibility = auditVisibility(this.principal);
    const problems = new Problems();
    if (filter?.objectId) {
      try {
        fromGlobalId(filter.objectId, undefined, 'filter.objectId');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        problems.add('filter.objectId', 'not a global id');
      }
    }
    if (filter?.operation != null && (filter.operation.length > MAX_OPERATION || filter.operation.includes('\0'))) {
      problems.add('filter.operation', `at most ${MAX_OPERATION} characters, no NUL`);
    }
    if (filter?.from && filter?.to && filter.from >= filter.to) problems.add('filter.to', 'must be after from');
    problems.throwIfAny();
    const w = pageWindow(page, 1);
    const q: AuditQuery = { visibility, subject: filter?.subject, objectId: filter?.objectId, operation: filter?.operation, from: filter?.from, to: filter?.to };
    const rows = await pageOfEvents(this.pool, q, w);
    return mapPage(toPage(rows, w, () => countEvents(this.pool, q), (r) => [r.id]), toAuditEvent);
  }
}
