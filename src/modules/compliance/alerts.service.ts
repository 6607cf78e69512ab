import { inScope, readInstitutions } from '../../access/guard';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { indicatorCoverage, indicatorValue, projectToYear } from '../accounting/indicators.build';
import { IndicatorsService } from '../accounting/indicators.service';
import { addDays, isoDay, resolvePeriod } from '../accounting/period';
import { TOPICS, type PubSub } from '../realtime/pubsub';
import { AlertDirection, IndicatorKind, isWaterIndicator } from './compliance.enums';
import { insertAlert, lastReadingDays, latestAlertDirections } from './compliance.repository';
import type { AlertRow } from './compliance.types';
import { MIN_COVERAGE } from './quota-book';
import { logger } from '../../logger';

const log = logger.child({ component: 'compliance-monitor' });

/** What `complianceAlerts` subscribers receive: the alert as recorded, its id, and the last day with readings it is based on. */
export interface ComplianceAlertPayload extends AlertRow {
  alertId: number;
  through: string;
}

/**
 * Whether the key may read an alert: the indicator it is about (energy and water are governed
 * apart: the water bureau reads no energy figure), of its institution. The scopes are read once, so
 * a subscription judges each event without the policy table. node(id) and the subscription both ask it.
 */
export function alertReader(principal: Principal): (alert: { indicator: IndicatorKind; institutionId: number }) => boolean {
  const energy = readInstitutions(principal, 'energyIndicator');
  const water = readInstitutions(principal, 'waterIndicator');
  return (alert) => {
    const scope = isWaterIndicator(alert.indicator) ? water : energy;
    return scope !== null && inScope(scope, alert.institutionId);
  };
}

/**
 * Which published alerts a subscriber hears: those its key may read (alertReader), of the
 * institution and indicator it asked for (null: every one).
 */
export function alertsHeardBy(principal: Principal, institutionId: number | null, indicator: IndicatorKind | null): (ev: ComplianceAlertPayload) => boolean {
  const mayRead = alertReader(principal);
  return (ev) => mayRead(ev) && (institutionId === null || ev.institutionId === institutionId) && (!indicator || indicator === ev.indicator);
}

/** The system acts here, not a caller: it reads every figure it needs to judge the projection. */
const SYSTEM: Principal = { keyId: 0, keyName: 'compliance monitor', role: 'viewer', subject: 'GOA', agencyCode: 'GOA', institutionId: null, escoId: null };

/**
 * After an ingest: for each institution and open year it touched, year-to-date use (through the
 * last day with readings) scaled to the whole year, against the constraint value. An alert is
 * recorded and published when the projection crosses the value, either way.
 */
export async function checkComplianceAlerts(db: Database, pubsub: PubSub, institutionIds: number[], years: number[]): Promise<ComplianceAlertPayload[]> {
  const out: ComplianceAlertPayload[] = [];
  if (!institutionIds.length) return out;
  const service = new IndicatorsService(db, SYSTEM, db.timezone);
  for (const year of years) {
    if (await service.isClosed(year)) continue;
    const last = await lastReadingDays(db.pool, institutionIds, isoDay(year, 1), isoDay(year + 1, 1));
    const quotas = await service.quotaBook();
    const previous = await latestAlertDirections(db.pool, year, institutionIds);
    const wasOver = new Map(previous.map((r) => [`${r.institution_id}|${r.indicator}`, r.direction === AlertDirection.CROSSED_ABOVE]));
    // Institutions whose data ends on the same day share one computation.
    const byThrough = new Map<string, number[]>();
    for (const r of last) byThrough.set(r.through, [...(byThrough.get(r.through) ?? []), r.institution_id]);
    const infos = await service.institutionInfos(last.map((r) => r.institution_id));
    for (const [through, ids] of byThrough) {
      const views = await service.forInstitutionIds(resolvePeriod({ year, through }), ids);
      const elapsed = (Date.parse(addDays(through, 1)) - Date.parse(isoDay(year, 1))) / 86_400_000;
      const days = { year: (Date.parse(isoDay(year + 1, 1)) - Date.parse(isoDay(year, 1))) / 86_400_000, elapsed };
      for (const id of ids) {
        const view = views.get(id);
        const info = infos.get(id);
        if (!view || !info) continue;
        for (const kind of Object.values(IndicatorKind)) {
          const quota = quotas.find(info, kind, year);
          const ytd = indicatorValue(view, kind);
          if (!quota || ytd === null || indicatorCoverage(view, kind) < MIN_COVERAGE) continue;
          const projected = projectToYear(view, kind, days) ?? ytd;
          const over = projected > quota.constraintValue;
          if (over === (wasOver.get(`${id}|${kind}`) ?? false)) continue;
          const direction = over ? AlertDirection.CROSSED_ABOVE : AlertDirection.BACK_UNDER;
          const alertId = await insertAlert(db.pool, { institutionId: id, year, indicator: kind, direction, projectedValue: projected, yearToDateValue: ytd, constraintValue: quota.constraintValue });
          const payload = { alertId, institutionId: id, year, indicator: kind, direction, projectedValue: projected, yearToDateValue: ytd, constraintValue: quota.constraintValue, through };
          out.push(payload);
          pubsub.publish(TOPICS.COMPLIANCE_ALERT, payload);
        }
      }
    }
  }
  return out;
}

/**
 * Runs the compliance checks of ingests in the background, one at a time: a batch answers as soon
 * as its readings are committed (the checks took about 55 ms a batch), and checks asked for while
 * one runs or in the spacing after it are merged into the next, so a stream of batches costs one
 * check per interval, not one per batch, and two checks never race to record the same crossing.
 */
export class ComplianceMonitor {
  private pending = new Map<number, Set<number>>();
  private running: Promise<void> | null = null;
  private lastStart = -Infinity;

  /**
   * `spacingMs`: a check starts at most this often. A stream of batches then costs one check (about
   * 50 ms of the hub and as much of PostgreSQL, whatever the batch size) per interval, not one per
   * batch; an alert comes at most this much later.
   */
  constructor(private readonly db: Database, private readonly pubsub: PubSub, private readonly spacingMs = 1000) {}

  schedule(institutionIds: number[], years: number[]): void {
    if (!institutionIds.length) return;
    for (const year of years) {
      const set = this.pending.get(year) ?? new Set<number>();
      for (const id of institutionIds) set.add(id);
      this.pending.set(year, set);
    }
    this.running ??= this.run();
  }

  /** Resolves when every scheduled check has run (on shutdown, and in tests). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      while (this.pending.size) {
        const wait = this.lastStart + this.spacingMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastStart = performance.now();
        const work = [...this.pending];
        this.pending = new Map();
        for (const [year, ids] of work) {
          await checkComplianceAlerts(this.db, this.pubsub, [...ids], [year]).catch((err: unknown) =>
            log.error('compliance check after ingest failed', { year, error: err instanceof Error ? err.message : String(err) }),
          );
        }
      }
    } finally {
      this.running = null;
    }
  }
}
