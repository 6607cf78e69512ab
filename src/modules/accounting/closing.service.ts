import type { EntityManager } from '@mikro-orm/postgresql';
import { assertCanWrite } from '../../access/guard';
import { add, decimalToNumber } from '../../figures/decimal';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { inTransaction, LONG_STATEMENT_TIMEOUT_MS } from '../../db/transaction';
import { ConflictError, ValidationError } from '../../errors/domain-errors';
import { ComplianceStatus } from '../compliance/compliance.enums';
import { openRectifications, type Breach } from '../compliance/compliance.repository';
import type { YearClosureRow, YearRecalculationRow } from './accounting.types';
import { insertRecalculation, insertYearClosure, lockYearClosure, updateYearClosure, yearClosures, yearRecalculations } from './closing.repository';
import { storeClosedFigures, type MonthFigure } from './figures';
import { IndicatorsService } from './indicators.service';
import { resolvePeriod } from './period';
import { sumFigures } from './totals';
import { YearClosure, YearRecalculation } from './year-closure.entity';
import { toGlobalId } from '../../global-id';
import { RectificationStatus } from '../compliance/compliance.enums';
import { record, type ObjectChange } from '../audit/audit.service';
import { loadReference } from '../factors/reference';
import { freezeFleetYear } from '../fleet/fleet.repository';
import { freezeRecyclingYear } from '../recycling/recycling.repository';

/**
 * Closing a year freezes its figures: a later factor version or correction does not move them
 * until GOA recalculates, which is recorded with the totals before and after.
 */
export class ClosingService {
  private readonly indicators: IndicatorsService;

  constructor(
    private readonly db: Database,
    private readonly em: EntityManager,
    private readonly principal: Principal,
  ) {
    this.indicators = new IndicatorsService(db, principal, db.timezone);
  }

  private checkYear(year: number): void {
    const current = Number(new Intl.DateTimeFormat('en-CA', { timeZone: this.db.timezone, year: 'numeric' }).format(new Date()));
    if (!Number.isInteger(year) || year < 2000) throw ValidationError.single('year', 'a year from 2000');
    if (year >= current) throw new ConflictError(`${year} has not ended in ${this.db.timezone}; only a past year can be closed`);
  }

  /** Live figures of every institution for the year, the breaches of the constraint values, and the totals. */
  private async liveYear(year: number) {
    const service = this.indicators;
    const period = resolvePeriod({ year });
    const { institutions, figures, profiles } = await service.allFigures(period);
    const quotas = await service.quotaBook();
    const views = service.viewsFor(period, institutions, figures, profiles, quotas, { energy: false, water: false, fleet: false }, false);
    const breaches: Breach[] = [];
    for (const view of views)
      for (const c of view.compliance)
        if (c.status === ComplianceStatus.OVER_CONSTRAINT) breaches.push({ institutionId: view.institutionId!, indicator: c.indicator, value: c.value!, constraintValue: c.constraintValue });
    return { figures, profiles, breaches, totals: totalsOf(figures) };
  }

  /** Closed years, oldest first. */
  closedYears(): Promise<YearClosureRow[]> {
    return yearClosures(this.db.pool);
  }

  /** Every recalculation (of one year, or of all), newest first. */
  recalculations(year: number | null): Promise<YearRecalculationRow[]> {
    // A year of 0 reads every year, as the entity read did.
    return yearRecalculations(this.db.pool, year || null);
  }

  async closeYear(year: number): Promise<YearClosure> {
    assertCanWrite(this.principal, 'yearClosure', null);
    this.checkYear(year);
    if (await this.em.findOne(YearClosure, { year })) throw new ConflictError(`${year} is already closed; use recalculateYear to refresh its figures`);
    const live = await this.liveYear(year);
    // The factor tables the fleet's records are frozen with; read before the transaction takes its connection.
    const ref = await loadReference(this.db.pool);
    await inTransaction(this.db.pool, async (client) => {
      await insertYearClosure(client, year, this.principal.keyName, live.totals);
      await storeClosedFigures(client, year, live.figures, live.profiles);
      await freezeRecyclingYear(client, year);
      await freezeFleetYear(client, year, ref.factors, (id) => ref.byId.get(id)?.regionId ?? 0);
      // Once a year and all or nothing: its writes may run past a request's statement timeout.
      const opened = await openRectifications(client, year, live.breaches, this.principal.keyName);
      await record(client, {
        actor: this.principal,
        changes: [
          { object: toGlobalId('YearClosure', year), type: 'YearClosure', action: 'create', fields: {
            energyKgce: { before: null, after: live.totals.energyKgce },
            emissionsKgCo2: { before: null, after: live.totals.emissionsKgCo2 },
          } },
          ...opened.map((c) => openedCase(c.id)),
        ],
        institutionIds: opened.map((c) => c.institution_id),
      });
    }, { statementTimeoutMs: LONG_STATEMENT_TIMEOUT_MS });
    return (await this.em.fork().findOne(YearClosure, { year }))!;
  }

  async recalculateYear(year: number, reason: string | null): Promise<YearRecalculation> {
    assertCanWrite(this.principal, 'yearClosure', null);
    const closure = await this.em.findOne(YearClosure, { year });
    if (!closure) throw new ConflictError(`${year} is not closed: its figures are live already`);
    const live = await this.liveYear(year);
    // The factor tables the fleet's records are frozen with; read before the transaction takes its connection.
    const ref = await loadReference(this.db.pool);
    let id = 0;
    await inTransaction(this.db.pool, async (client) => {
      const was = await lockYearClosure(client, year);
      await updateYearClosure(client, year, live.totals);
      await storeClosedFigures(client, year, live.figures, live.profiles);
      await freezeRecyclingYear(client, year);
      await freezeFleetYear(client, year, ref.factors, (id) => ref.byId.get(id)?.regionId ?? 0);
      const opened = await openRectifications(client, year, live.breaches, this.principal.keyName);
      id = await insertRecalculation(client, { year, by: this.principal.keyName, reason, old: was, totals: live.totals });
      await record(client, {
        actor: this.principal,
        changes: [
          { object: toGlobalId('YearClosure', year), type: 'YearClosure', action: 'update', fields: {
            energyKgce: { before: was.energy_kgce, after: live.totals.energyKgce },
            emissionsKgCo2: { before: was.emissions_kg_co2, after: live.totals.emissionsKgCo2 },
          } },
          { object: toGlobalId('YearRecalculation', id), type: 'YearRecalculation', action: 'create', fields: { reason: { before: null, after: reason } } },
          ...opened.map((c) => openedCase(c.id)),
        ],
        institutionIds: opened.map((c) => c.institution_id),
      });
    }, { statementTimeoutMs: LONG_STATEMENT_TIMEOUT_MS });
    return (await this.em.fork().findOne(YearRecalculation, id))!;
  }
}

/** A rectification case opened by closing (or recalculating) a year. */
function openedCase(id: number): ObjectChange {
  return { object: toGlobalId('RectificationCase', id), type: 'RectificationCase', action: 'create', fields: { status: { before: null, after: RectificationStatus.OPEN } } };
}

/** The year's totals from the exact sums, as the floats the year_closure columns keep. */
function totalsOf(figures: MonthFigure[]) {
  const t = sumFigures(figures);
  return { energyKgce: decimalToNumber(t.energyKgce), emissionsKgCo2: decimalToNumber(add(t.scope1KgCo2, t.scope2KgCo2)) };
}
