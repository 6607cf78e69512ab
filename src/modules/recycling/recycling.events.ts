import { announceIndicators, type AfterIngestScope } from '../accounting/after-ingest';
import { TOPICS, type TopicEvent } from '../realtime/pubsub';
import type { RecyclingIngestOutcome } from './recycling-ingest.service';
import type { RecyclingChangedPayload } from './recycling.service';

/**
 * Publishes the changes of a committed batch, import or correction, after the commit, never before:
 * `recyclingChanged` per institution, then `indicatorUpdated` for its months (the RECYCLING_RATE
 * target's progress is part of Indicators). Recycling moves no energy, so no compliance check follows.
 */
export function publishRecycling(ctx: AfterIngestScope, result: Pick<RecyclingIngestOutcome, 'changes'>): Promise<void> {
  const events: TopicEvent[] = result.changes.map((c) => ({ topic: TOPICS.RECYCLING_CHANGED, payload: { institutionId: c.institutionId, months: c.months } satisfies RecyclingChangedPayload }));
  return announceIndicators(ctx, events, result.changes, [], { compliance: false });
}
