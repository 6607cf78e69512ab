import type { Context } from '../../server/context';
import { checkComplianceAlerts } from '../compliance/alerts.service';
import type { ReadingsIngestedPayload } from '../metering/ingest.service';
import { TOPICS } from '../realtime/pubsub';
import type { IndicatorUpdatedPayload } from './accounting.resolver';

/** After a committed batch: tell indicator subscribers which institutions changed, then check the projections. */
export async function afterIngest(ctx: Pick<Context, 'db' | 'em' | 'pubsub'>, events: ReadingsIngestedPayload[], months: string[]): Promise<void> {
  if (!events.length) return;
  const institutions = [...new Set(events.map((e) => e.institutionId))];
  const years = [...new Set(months.map((m) => Number(m.slice(0, 4))))];
  for (const institutionId of institutions) {
    for (const year of years) {
      const payload: IndicatorUpdatedPayload = { institutionId, year, months: months.filter((m) => m.startsWith(`${year}-`)) };
      ctx.pubsub.publish(TOPICS.INDICATOR_UPDATED, payload);
    }
  }
  await checkComplianceAlerts(ctx.db, ctx.em.fork(), ctx.pubsub, institutions, years);
}
