import type { PubSub } from '../realtime/pubsub';
import { TOPICS } from '../realtime/pubsub';
import type { RecyclingIngestOutcome } from './recycling-ingest.service';
import type { RecyclingChangedPayload } from './recycling.service';

/** Publishes the changes of a committed batch or import, one event per institution; after the commit, never before. */
export function publishRecycling(ctx: { pubsub: PubSub }, result: Pick<RecyclingIngestOutcome, 'changes'>): void {
  for (const c of result.changes) ctx.pubsub.publish(TOPICS.RECYCLING_CHANGED, { institutionId: c.institutionId, months: c.months } satisfies RecyclingChangedPayload);
}
