import type { Context } from '../../graphql/context';
import { checkComplianceAlerts, type ComplianceMonitor } from '../compliance/alerts.service';
import type { ReadingsIngestedPayload } from '../metering/ingest.service';
import { Carrier } from '../metering/metering.enums';
import { TOPICS, type TopicEvent } from '../realtime/pubsub';

/** An institution's rollups changed in these local months (YYYY-MM-01) of a year. */
export interface IndicatorUpdatedPayload {
  institutionId: number;
  year: number;
  months: string[];
}

/** What announcing a committed batch needs: the database, a fork for the compliance checks, the pub/sub, and a running hub's monitor if any. */
export type AfterIngestScope = Pick<Context, 'db' | 'em' | 'pubsub'> & { monitor?: ComplianceMonitor };

/**
 * After a committed batch (GraphQL, file import): the readings events, then which institutions'
 * indicators changed, then the compliance projections. Never before the commit: a subscriber must
 * be able to read what it is told about. The events of a batch go out as one message to other
 * instances. With a monitor (a running hub) the compliance checks run after the answer; without
 * one (the CLI) they are awaited.
 */
export async function afterIngest(
  ctx: AfterIngestScope,
  events: ReadingsIngestedPayload[],
  months: string[],
): Promise<void> {
  if (!events.length) return;
  const out: TopicEvent[] = events.map((payload) => ({ topic: TOPICS.READINGS_INGESTED, payload }));
  const institutions = [...new Set(events.map((e) => e.institutionId))];
  const years = [...new Set(months.map((m) => Number(m.slice(0, 4))))];
  for (const institutionId of institutions) {
    for (const year of years) {
      const payload: IndicatorUpdatedPayload = { institutionId, year, months: months.filter((m) => m.startsWith(`${year}-`)) };
      out.push({ topic: TOPICS.INDICATOR_UPDATED, payload });
    }
  }
  const pv = events.filter((e) => e.carrier === Carrier.PV_GENERATION);
  if (pv.length) {
    const { rows } = await ctx.db.pool.query<{ id: number; generation_meter_id: number }>('SELECT id, generation_meter_id FROM pv_project WHERE generation_meter_id = ANY($1::int[])', [pv.map((e) => e.meterId)]);
    const projectOf = new Map(rows.map((r) => [r.generation_meter_id, r.id]));
    for (const e of pv) {
      const projectId = projectOf.get(e.meterId);
      if (projectId) out.push({ topic: TOPICS.PV_GENERATION, payload: { projectId, institutionId: e.institutionId, kwh: e.unit === 'MWH' ? e.total * 1000 : e.total, periodStart: e.periodStart, periodEnd: e.periodEnd } });
    }
  }
  ctx.pubsub.publishAll(out);
  if (ctx.monitor) ctx.monitor.schedule(institutions, years);
  else await checkComplianceAlerts(ctx.db, ctx.em.fork(), ctx.pubsub, institutions, years);
}
