import type { NodeFetchers } from '../../graphql/node-fetcher';
import { AuditEventsService } from './audit-events.service';

/** The audit trail as `node(id)` fetches it: its own visibility (own keys' actions and own objects) is in the query. */
export const auditNodes: NodeFetchers = {
  AuditEvent: { fetch: (id, ctx) => new AuditEventsService(ctx.db.pool, ctx.principal).event(id) },
};
