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

/** What announcing a committed batch needs: the database, the pub/sub, and a running hub's monitor if any. */
export type AfterIngestScope = Pick<Context, 'db' | 'pubsub'> & { monitor?: ComplianceMonitor };

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
  const generation: TopicEvent[] = [];
  const pv = events.filter((e) => e.carrier === Carrier.PV_GENERATION);
  if (pv.length) {
    const { rows } = await ctx.db.pool.query<{ id: number; generation_meter_id: number }>('SELECT id, generation_meter_id FROM pv_project WHERE generation_meter_id = ANY($1::int[])', [pv.map((e) => e.meterId)]);
    const projectOf = new Map(rows.map((r) => [r.generation_meter_id, r.id]));
    for (const e of pv) {
      const projectId = projectOf.get(e.meterId);
      if (projectId) generation.push({ topic: TOPICS.PV_GENERATION, payload: { projectId, institutionId: e.institutionId, kwh: e.unit === 'MWH' ? e.total * 1000 : e.total, periodStart: e.periodStart, periodEnd: e.periodEnd } });
    }
  }
  await announceIndicators(ctx, out, institutions.map((institutionId) => ({ institutionId, months })), generation);
}

/** Institutions whose indicator figures changed in these local months (YYYY-MM-01). */
export interface IndicatorChange {
  institutionId: number;
  months: readonly string[];
}

/** One INDICATOR_UPDATED event per institution and year, carrying that year's months. */
export function indicatorEvents(changes: readonly IndicatorChange[]): TopicEvent[] {
  const byKey = new Map<string, IndicatorUpdatedPayload>();
  for (const c of changes) {
    for (const m of c.months) {
      const year = Number(m.slice(0, 4));
      const key = `${c.institutionId}|${year}`;
      const p = byKey.get(key) ?? { institutionId: c.institutionId, year, months: [] };
      if (!p.months.includes(m)) p.months.push(m);
      byKey.set(key, p);
    }
  }
  return [...byKey.values()].map((payload) => ({ topic: TOPICS.INDICATOR_UPDATED, payload: { ...payload, months: [...payload.months].sort() } }));
}

/**
 * The one path that tells subscribers an institution's indicators changed, after a commit: the
 * module's own events first (`before`, `after` around them), then one `indicatorUpdated` per
 * institution and year, all as one message to other instances; then the compliance projections
 * of those years (after the answer with a running hub's monitor, awaited without one). Readings
 * and vehicle energy (part of energyKgce) both come through here, so neither announces twice.
 */
export async function announceIndicators(
  ctx: AfterIngestScope,
  before: readonly TopicEvent[],
  changes: readonly IndicatorChange[],
  after: readonly TopicEvent[] = [],
  opts: { compliance: boolean } = { compliance: true },
): Promise<void> {
  const indicators = indicatorEvents(changes);
  const out = [...before, ...indicators, ...after];
  if (out.length) ctx.pubsub.publishAll(out);
  if (!opts.compliance || !indicators.length) return;
  const institutions = [...new Set(changes.map((c) => c.institutionId))];
  const years = [...new Set(changes.flatMap((c) => c.months.map((m) => Number(m.slice(0, 4)))))];
  if (ctx.monitor) ctx.monitor.schedule(institutions, years);
  else await checkComplianceAlerts(ctx.db, ctx.pubsub, institutions, years);
}
