import type { EntityManager } from '@mikro-orm/postgresql';
import { assertCanWrite } from '../../access/guard';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { ConflictError, NotFoundError, Problems, ValidationError } from '../../errors/domain-errors';
import { fenOf, formatFen } from '../../figures/money';
import { localDay } from '../../graphql/datetime';
import { toGlobalId } from '../../global-id';
import { addDays, monthStart, nextMonth, resolvePeriod, type PeriodInput } from '../accounting/period';
import { record, type ObjectChange } from '../audit/audit.service';
import { EpcStatus, EpcType, SettlementPeriod } from './epc.enums';
import { settle, type Settlement } from './mv';
import { hashObservations } from './mv-data';
import { mvLoaders, type ContractMv, type MvLoaders, type MvSource } from './mv.loaders';
import * as frozen from './mv.repository';
import type { EpcContractRow } from './epc.types';
import { baselineFigures, baselineSpan, fitBaselineSet, measureSavings, summarise, type BaselineFigures, type BaselineSet, type MonthSavings, type NonRoutineEvent, type SavingsResult } from './savings';

/** Statuses after which a contract's baseline is closed. */
export const FINAL: ReadonlySet<EpcStatus> = new Set([EpcStatus.HANDED_OVER, EpcStatus.TERMINATED]);

export interface SettlementRow {
  periodStart: string;
  periodEnd: string;
  savings: SavingsResult;
  /** Null when the period lacks data: flagged, not computed. */
  money: Settlement | null;
  /** Frozen by a payment: these are the figures as paid. */
  frozenAt: Date | null;
  /** Live figures minus the frozen ones (late readings or temperatures), for FINANCE to accept; null when none. */
  pendingDifferenceKgce: number | null;
}

const SETTLEMENTS = new WeakMap<EntityManager, Map<string, Promise<SettlementRow[]>>>();
const BASELINES = new WeakMap<EntityManager, Map<number, Promise<BaselineSet>>>();
const LIVE_FITS = new WeakMap<EntityManager, Map<string, Promise<BaselineSet>>>();
/**
 * The version of the M&V maths in every stored figure's inputs: change it when measuring or
 * fitting changes, and stored figures are measured again on their next read.
 */
const FIGURES_VERSION = 'mv-figures 1';
/** A difference below the kgce precision (0.001) is float noise, not a late reading. */
const DIFFERENCE_EPSILON_KGCE = 0.0005;

/**
 * Measurement and verification of a contract: its baseline versions and non-routine events, the
 * savings measured against them, the settlements and the balance due to the ESCO. The contract
 * comes in loaded and in the key's scope: a read's row (EpcService.contract) or the entity a
 * write changes; writes check their own rights.
 */
export class MvService {
  constructor(
    private readonly db: Database,
    private readonly em: EntityManager,
    private readonly principal: Principal,
    /** The request's M&V loaders: a list of contracts is measured with a fixed number of statements. */
    private readonly mv: MvLoaders = mvLoaders(db.pool),
  ) {}

  /** The frozen version in force, read before a write transaction takes its connection (a pool read inside it could wait on the pool). */
  async currentBaseline(contract: EpcContractRow): Promise<BaselineSet | null> {
    return ((await frozen.baselineVersions(this.db.pool, [contract.id])).get(contract.id) ?? []).at(-1) ?? null;
  }

  /** Stores a baseline version in the open transaction; returns its audit change (old and new models, the reason). */
  async storeBaseline(contract: EpcContractRow, fitted: BaselineSet, old: BaselineSet | null, reason: string): Promise<ObjectChange> {
    await frozen.storeBaseline(this.em, contract.id, fitted, reason, this.principal.keyName);
    const summary = (b: BaselineSet | null) => b && { version: b.version, dataHash: b.dataHash, models: b.carriers.map((c) => ({ carrier: c.carrier, method: c.method, type: c.model?.type ?? null, coefficients: c.model?.coefficients.map((k) => [k.name, k.estimate]) ?? [] })) };
    return change('EpcBaseline', contract, { baseline: { before: summary(old), after: { ...summary(fitted), version: (old?.version ?? 0) + 1 } }, reason: { before: null, after: reason } });
  }

  private record(c: ObjectChange, contract: EpcContractRow): Promise<void> {
    return record(this.em, { actor: this.principal, changes: [c], institutionIds: [contract.institution.id], escoIds: [contract.esco.id] });
  }

  async regionOf(contract: EpcContractRow): Promise<number> {
    return (await this.mv.contract.load(contract.id)).regionId;
  }

  /** The baseline in force: the frozen version, or before signing (or for contracts signed before baselines froze) a live fit. */
  baselineSet(contract: EpcContractRow): Promise<BaselineSet> {
    const memo = BASELINES.get(this.em) ?? new Map<number, Promise<BaselineSet>>();
    BASELINES.set(this.em, memo);
    if (!memo.has(contract.id)) {
      memo.set(contract.id, (async () => {
        const { baselineVersions: versions } = await this.mv.contract.load(contract.id);
        return versions.length ? versions[versions.length - 1] : (await this.figuresOf(contract, contract.baselineStart, contract.baselineStart)).baseline;
      })());
    }
    return memo.get(contract.id)!;
  }

  async baselineVersions(contract: EpcContractRow): Promise<BaselineSet[]> {
    return (await this.mv.contract.load(contract.id)).baselineVersions;
  }

  async nonRoutineEvents(contract: EpcContractRow): Promise<NonRoutineEvent[]> {
    return (await this.mv.contract.load(contract.id)).nonRoutineEvents;
  }

  /** A fit that is frozen reads the data as it is now, not what this request read before. */
  freshData() {
    return mvLoaders(this.db.pool).source;
  }

  /** After a write: this request reads the contract's M&V records again. */
  forget(contractId: number): void {
    BASELINES.get(this.em)?.delete(contractId);
    this.mv.figures.clearAll();
    SETTLEMENTS.get(this.em)?.clear();
    this.mv.contract.clear(contractId);
  }

  /** Refits the baseline on today's data and freezes it as a new version; the old one stays listed. */
  async rebaseline(contract: EpcContractRow, reason: string): Promise<void> {
    assertCanWrite(this.principal, 'epcBaseline', contract.institution.id);
    if (!reason.trim() || reason.length > 500) throw ValidationError.single('reason', 'say why, in 1 to 500 characters');
    if (FINAL.has(contract.status)) throw new ConflictError(`the contract is ${contract.status}: its baseline is closed`);
    const fitted = await fitBaselineSet(this.freshData(), contract, await this.regionOf(contract));
    const old = await this.currentBaseline(contract);
    await inTransaction(this.em, async () => this.record(await this.storeBaseline(contract, fitted, old, reason.trim()), contract));
    this.forget(contract.id);
  }

  /** A non-routine event (a new wing, a closure) adjusts the baseline by an explicit kgce over [from, to). */
  async addNonRoutineEvent(contract: EpcContractRow, from: string, to: string, adjustmentKgce: string, reason: string): Promise<NonRoutineEvent> {
    assertCanWrite(this.principal, 'epcBaseline', contract.institution.id);
    const problems = new Problems();
    if (!(from < to)) problems.add('to', 'must be after from');
    if (!/^-?\d{1,12}(\.\d{1,3})?$/.test(adjustmentKgce)) problems.add('adjustmentKgce', 'kgce with at most 3 decimals, e.g. "-1250.5" (negative lowers the baseline)');
    if (!reason.trim() || reason.length > 500) problems.add('reason', 'say why, in 1 to 500 characters');
    problems.throwIfAny();
    let eventId = 0;
    await inTransaction(this.em, async () => {
      eventId = await frozen.insertNonRoutineEvent(this.em, contract.id, from, to, adjustmentKgce, reason.trim(), this.principal.keyName);
      await this.record(change('EpcNonRoutineEvent', contract, { nonRoutineEvent: { before: null, after: { id: eventId, from, to, adjustmentKgce, reason: reason.trim() } } }), contract);
    });
    this.forget(contract.id);
    return (await this.nonRoutineEvents(contract)).find((e) => e.id === eventId)!;
  }

  async savings(contract: EpcContractRow, input: PeriodInput): Promise<SavingsResult> {
    const period = resolvePeriod(input);
    if (period.from.endsWith('-01') && period.to.endsWith('-01')) {
      const { baseline, months } = await this.figuresOf(contract, period.from, period.to);
      return summarise(months, period.from, period.to, baseline);
    }
    const [baseline, events, regionId] = await Promise.all([this.baselineSet(contract), this.nonRoutineEvents(contract), this.regionOf(contract)]);
    return measureSavings(this.mv.source, contract, regionId, period, baseline, events);
  }

  async baseline(contract: EpcContractRow): Promise<BaselineFigures> {
    return baselineFigures(await this.baselineSet(contract));
  }

  /** FINANCE accepts a frozen settlement's pending difference: the live figures replace the paid ones, which stay in its history. */
  async acceptSettlementDifference(contract: EpcContractRow, periodStart: string): Promise<SettlementRow> {
    assertCanWrite(this.principal, 'money', contract.institution.id);
    const rows = await this.computeSettlements(contract, this.today());
    const row = rows.find((r) => r.periodStart === periodStart);
    if (!row || row.frozenAt === null) throw new NotFoundError('no settlement frozen by a payment starts on this day');
    if (row.pendingDifferenceKgce === null) throw new ConflictError('the settlement has no pending difference');
    const live = await this.liveSettlement(contract, row.periodStart, row.periodEnd);
    await inTransaction(this.em, async () => {
      await frozen.acceptDifference(this.em, contract.id, periodStart, live.savings, this.principal.keyName);
      await this.record(change('EpcSettlement', contract, { savingsKgce: { before: row.savings.savingsKgce, after: live.savings.savingsKgce }, periodStart: { before: periodStart, after: periodStart } }), contract);
    });
    this.forget(contract.id);
    return (await this.computeSettlements(contract, this.today())).find((r) => r.periodStart === periodStart)!;
  }

  private async liveSettlement(contract: EpcContractRow, from: string, to: string): Promise<SettlementRow> {
    const [baseline, events, regionId] = await Promise.all([this.baselineSet(contract), this.nonRoutineEvents(contract), this.regionOf(contract)]);
    const savings = await measureSavings(this.mv.source, contract, regionId, { from, to }, baseline, events);
    return { periodStart: from, periodEnd: to, savings, money: savings.complete ? this.settleMoney(contract, savings) : null, frozenAt: null, pendingDifferenceKgce: null };
  }

  /** When the contract started operating (the OPERATING transition), or null. */
  async operatingSince(contract: EpcContractRow): Promise<string | null> {
    const at = (await this.mv.contract.load(contract.id)).operatingSince;
    return at ? this.dayOf(at) : null;
  }

  /**
   * One settlement per whole period (month or quarter) from the first month of operation to the
   * last period ended by `asOf` (and by the end of the term).
   */
  settlements(contract: EpcContractRow, asOf: string): Promise<SettlementRow[]> {
    // `settlements` and `balanceYuan` of one request share one computation (the EntityManager is per request).
    const memo = SETTLEMENTS.get(this.em) ?? new Map<string, Promise<SettlementRow[]>>();
    SETTLEMENTS.set(this.em, memo);
    const key = `${contract.id}|${asOf}`;
    if (!memo.has(key)) memo.set(key, this.computeSettlements(contract, asOf));
    return memo.get(key)!;
  }

  /** The settlements as of a day, computed afresh (a write reads them so). */
  async computeSettlements(contract: EpcContractRow, asOf: string): Promise<SettlementRow[]> {
    const since = await this.operatingSince(contract);
    if (!since) return [];
    const step = contract.settlementPeriod === SettlementPeriod.MONTH ? 1 : 3;
    let start = since.endsWith('-01') ? since : nextMonth(monthStart(since));
    if (step === 3) while ((Number(start.slice(5, 7)) - 1) % 3 !== 0) start = nextMonth(start);
    const limit = [addDays(asOf, 1), contract.termEnd].sort()[0];
    const periods: [string, string][] = [];
    for (let s = start; nextMonthN(s, step) <= limit; s = nextMonthN(s, step)) periods.push([s, nextMonthN(s, step)]);
    if (!periods.length) return [];
    // One measurement over the whole span, cut into settlement periods; a period paid for keeps its frozen figures.
    const [{ baseline, months }, paid] = await Promise.all([this.figuresOf(contract, periods[0][0], periods[periods.length - 1][1]), this.mv.contract.load(contract.id).then((m) => m.frozenSettlements)]);
    return periods.map(([from, to]) => {
      const live = summarise(months, from, to, baseline);
      const held = paid.get(from);
      const measured = held ? held.figures : live;
      const difference = held ? live.savingsKgce - held.figures.savingsKgce : 0;
      return {
        periodStart: from,
        periodEnd: to,
        savings: measured,
        money: measured.complete ? this.settleMoney(contract, measured) : null,
        frozenAt: held?.frozenAt ?? null,
        pendingDifferenceKgce: held && Math.abs(difference) >= DIFFERENCE_EPSILON_KGCE ? difference : null,
      };
    });
  }

  /**
   * The contract's whole months [from, to) and the baseline they are measured against: months
   * stored under the hash of their inputs now are read as stored; the others (first read, or a
   * reading, temperature, profile, factor, event or baseline changed since) are measured now and
   * stored. A read thus does no model work once a month is measured, and never reads a stale one.
   */
  private async figuresOf(contract: EpcContractRow, from: string, to: string): Promise<{ baseline: BaselineSet; months: MonthSavings[] }> {
    const mv = await this.mv.contract.load(contract.id);
    const frozenSet = mv.baselineVersions.at(-1) ?? null;
    const live = frozenSet ? null : { ...baselineSpan(contract), prefix: hashObservations([FIGURES_VERSION, 'live fit', contract.baselineStart, contract.carriers]) };
    const stored = await this.mv.figures.load({
      contractId: contract.id, institutionId: contract.institution.id, regionId: mv.regionId, from, to, live,
      carriers: frozenSet ? frozenSet.carriers.map((c) => c.carrier) : contract.carriers,
      prefix: inputsOf(contract, frozenSet, mv),
    });
    const baseline = frozenSet ?? stored.live!.baseline ?? (await this.fitLive(contract, mv.regionId, stored.live!.inputs, stored.source));
    const stale = stored.months.filter((m) => m.figures === null);
    if (!stale.length) return { baseline, months: stored.months.map((m) => m.figures!) };
    const span = { from: stale[0].month, to: nextMonth(stale[stale.length - 1].month) };
    const measured = await measureSavings(stored.source, contract, mv.regionId, span, baseline, mv.nonRoutineEvents);
    // As stored (JSON), so a month reads the same measured now and read back later.
    const fresh = new Map(measured.months.map((m) => [m.month, asStored(m)]));
    await Promise.all(stale.map((m) => this.mv.storeMonth.load({ contractId: contract.id, month: m.month, inputs: m.inputs, figures: fresh.get(m.month)! })));
    return { baseline, months: stored.months.map((m) => m.figures ?? fresh.get(m.month)!) };
  }

  /**
   * Measures and stores every month of the contracts from `from` (or their baseline's first month,
   * the earlier) through the month of `through`, and fits live baselines: after a bulk load, such
   * as the demo's, reads find their months measured. One batch for all the contracts.
   */
  async measureMonths(contracts: readonly EpcContractRow[], from: string, through: string): Promise<void> {
    const to = nextMonth(monthStart(through));
    await Promise.all(contracts.map((c) => {
      const first = [monthStart(from), monthStart(c.baselineStart), to].sort()[0];
      return this.figuresOf(c, first, to);
    }));
  }

  /** A baseline fitted live (not signed yet) on the data as it is now, stored under the hash of its inputs; once per request. */
  private fitLive(contract: EpcContractRow, regionId: number, inputs: string, data: MvSource): Promise<BaselineSet> {
    const memo = LIVE_FITS.get(this.em) ?? new Map<string, Promise<BaselineSet>>();
    LIVE_FITS.set(this.em, memo);
    const key = `${contract.id}|${inputs}`;
    if (!memo.has(key)) {
      memo.set(key, (async () => {
        const fitted = asStored(await fitBaselineSet(data, contract, regionId));
        await this.mv.storeLiveBaseline.load({ contractId: contract.id, inputs, baseline: fitted });
        return fitted;
      })());
    }
    return memo.get(key)!;
  }

  private settleMoney(contract: EpcContractRow, m: SavingsResult): Settlement | null {
    const carriers = m.byCarrier.map((c) => ({ carrier: c.carrier, savings: c.savings, adjustedBaseline: c.adjustedBaseline }));
    if (contract.type === EpcType.GUARANTEED_SAVINGS) return settle(carriers, { type: 'GUARANTEED_SAVINGS', guaranteedRate: contract.guaranteedSavingsRate!, prices: contract.prices });
    if (contract.escoShare !== null) return settle(carriers, { type: 'BENEFIT_SHARING', escoShare: contract.escoShare, prices: contract.prices });
    return null;
  }

  /** Due to the ESCO (its shares, less any guarantee shortfall) minus what FINANCE has paid, in yuan. */
  async balance(contract: EpcContractRow, asOf: string): Promise<string> {
    const [rows, payments] = await Promise.all([this.settlements(contract, asOf), this.mv.contract.load(contract.id).then((m) => m.paymentAmounts)]);
    let fen = 0n;
    for (const r of rows) {
      if (r.money?.escoShareValue) fen += fenOf(r.money.escoShareValue);
      if (r.money?.shortfallValue) fen -= fenOf(r.money.shortfallValue);
    }
    for (const p of payments) fen -= fenOf(p);
    return formatFen(fen);
  }

  private dayOf(time: Date): string {
    return localDay(time, this.db.timezone);
  }

  today(): string {
    return localDay(new Date(), this.db.timezone);
  }
}

/** An audit change on a contract for what M&V writes by SQL (baseline versions, events, settlements). */
export function change(type: string, contract: EpcContractRow, fields: Record<string, { before: unknown; after: unknown }>): ObjectChange {
  return { object: toGlobalId('EpcContract', contract.id), type, action: type === 'EpcSettlement' && !('frozen' in fields) ? 'update' : 'create', fields };
}

/** What a stored month was measured with, as the hub read it before asking for the stored figures: the terms, the baseline, the events. */
function inputsOf(contract: EpcContractRow, baseline: BaselineSet | null, mv: ContractMv): string {
  return hashObservations([
    FIGURES_VERSION, contract.institution.id, mv.regionId, contract.baselineDriver,
    baseline ? [baseline.version, baseline.dataHash, baseline.fittedAt] : 'live',
    mv.nonRoutineEvents.map((e) => [e.id, e.from, e.to, e.adjustmentKgce]),
  ]);
}

/** A value as JSON gives it back (non-finite numbers become null): what a stored figure reads as. */
function asStored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function nextMonthN(month: string, n: number): string {
  let m = month;
  for (let i = 0; i < n; i++) m = nextMonth(m);
  return m;
}

