import type { EntityManager } from '@mikro-orm/postgresql';
import { assertCanWrite, assertCanWriteContract, readScope, writers } from '../../access/guard';
import type { EpcStep } from '../../access/policy';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { ConflictError, ForbiddenError, NotFoundError, Problems, ValidationError } from '../../errors/domain-errors';
import type { PageWindow, WindowRows } from '../../db/window';
import { EnergyAudit } from '../audits/energy-audit.entity';
import { creditCodeProblem } from '../registry/credit-code';
import { Institution } from '../registry/institution.entity';
import { EpcAsset, EpcContract, EpcPayment, EpcTransition } from './epc-contract.entity';
import { EpcStatus, EpcType } from './epc.enums';
import { contractScope } from './contract-scope';
import { contractsById, contractWindow, escoWindow, transitionsOf } from './epc.repository';
import type { EpcContractRow, EscoRow } from './epc.types';
import type { CreateEpcContractInput, EpcAssetInput, EpcContractFilter } from './epc.inputs';

/** The contracts filter, its ids decoded. */
export type EpcContractQuery = Omit<EpcContractFilter, 'institutionId' | 'escoId'> & { institutionId?: number | null; escoId?: number | null };
/** A contract to draft, its institution and ESCO ids decoded. */
export type NewEpcContract = Omit<CreateEpcContractInput, 'institutionId' | 'escoId'> & { institutionId: number; escoId: number };
import { Esco } from './esco.entity';
import { moneyInputProblem, roundYuan } from '../../figures/money';
import { MONEY, RATE_DECIMALS } from '../../figures/precision';
import { formatZoned, localDay } from '../../graphql/datetime';
import * as frozen from './mv.repository';
import { mvLoaders, type MvLoaders } from './mv.loaders';
import { change, FINAL, MvService, nextMonthN, type SettlementRow } from './mv.service';
import { fitBaselineSet, type NonRoutineEvent } from './savings';
import { flushAudited } from '../audit/audit.service';

/**
 * The order of the lifecycle: the status that follows each one. TERMINATED is reachable from any
 * open status. Who may make each step is the policy table's (`epcStep:<status>`).
 */
export const NEXT_STATUS: Partial<Record<EpcStatus, EpcStatus>> = {
  [EpcStatus.DRAFT]: EpcStatus.AUDITED,
  [EpcStatus.AUDITED]: EpcStatus.APPROVED,
  [EpcStatus.APPROVED]: EpcStatus.SIGNED,
  [EpcStatus.SIGNED]: EpcStatus.IMPLEMENTING,
  [EpcStatus.IMPLEMENTING]: EpcStatus.OPERATING,
  [EpcStatus.OPERATING]: EpcStatus.HANDED_OVER,
};
/** An audit older than this does not qualify a site for a contract. */
export const AUDIT_MAX_AGE_YEARS = 2;

/** A unit price in yuan: up to 12 digits before the point and RATE_DECIMALS after, as the scalar takes it. */
const PRICE = new RegExp(`^\\d{1,${MONEY.integerDigits}}(\\.\\d{1,${RATE_DECIMALS}})?$`);
const FRACTION = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;

export class EpcService {
  constructor(
    private readonly db: Database,
    private readonly em: EntityManager,
    private readonly principal: Principal,
    /** The request's M&V loaders: a list of contracts is measured with a fixed number of statements. */
    mv: MvLoaders = mvLoaders(db.pool),
  ) {
    this.measurement = new MvService(db, em, principal, mv);
  }

  /** Baselines, savings and settlements (mv.service.ts): the lifecycle fits and freezes them, payments settle them. */
  readonly measurement: MvService;

  escos(window: PageWindow): Promise<WindowRows<EscoRow>> {
    const scope = readScope(this.principal, 'esco');
    if (scope === null || scope === 'aggregate') throw new ForbiddenError('this key may not read ESCOs');
    return escoWindow(this.db.pool, scope === 'esco' ? (this.principal.escoId ?? 0) : null, window);
  }

  async createEsco(name: string, nameZh: string, creditCode: string): Promise<Esco> {
    assertCanWrite(this.principal, 'esco', null);
    const problems = new Problems();
    if (!name.trim()) problems.add('name', 'must not be empty');
    if (!nameZh.trim()) problems.add('nameZh', 'must not be empty');
    const codeProblem = creditCodeProblem(creditCode);
    if (codeProblem) problems.add('creditCode', codeProblem);
    problems.throwIfAny();
    if (await this.em.findOne(Esco, { creditCode })) throw new ConflictError(`an ESCO with credit code ${creditCode} is registered already`);
    const esco = this.em.create(Esco, { name: name.trim(), nameZh: nameZh.trim(), creditCode });
    await flushAudited(this.em, this.principal);
    return esco;
  }

  contracts(filter: EpcContractQuery | undefined, window: PageWindow): Promise<WindowRows<EpcContractRow>> {
    return contractWindow(this.db.pool, {
      scope: contractScope(this.principal),
      institutionId: filter?.institutionId ?? null,
      escoId: filter?.escoId ?? null,
      status: filter?.status ?? null,
      type: filter?.type ?? null,
    }, window);
  }

  /** One contract in the key's row scope: a plain row, the scope in its statement. */
  async contract(id: number): Promise<EpcContractRow> {
    const [found] = await contractsById(this.db.pool, [id], contractScope(this.principal));
    if (!found) throw new NotFoundError('no EPC contract with this id that this key can see');
    return found;
  }

  /** The contract of a change event: the subscription has already kept only events of contracts in scope. */
  async eventContract(id: number): Promise<EpcContractRow> {
    const [found] = await contractsById(this.db.pool, [id], null);
    if (!found) throw new NotFoundError('no EPC contract with this id');
    return found;
  }

  /** The entity of a contract in the key's row scope, for a write (the unit of work changes it). */
  private async contractToChange(id: number): Promise<EpcContract> {
    const scope = contractScope(this.principal);
    const where = scope === null ? {} : 'escoId' in scope ? { esco: scope.escoId } : { institution: { $in: scope.institutionIds } };
    const found = await this.em.findOne(EpcContract, { id, ...where });
    if (!found) throw new NotFoundError('no EPC contract with this id that this key can see');
    return found;
  }

  async createContract(input: NewEpcContract): Promise<EpcContract> {
    const { institutionId } = input;
    assertCanWrite(this.principal, 'epcContract', institutionId);
    const problems = new Problems();
    if (!input.title.trim()) problems.add('title', 'must not be empty');
    if (!input.carriers.length) problems.add('carriers', 'name at least one carrier');
    if (!input.measures.length) problems.add('measures', 'name at least one measure');
    input.measures.forEach((m, i) => !m.name.trim() && problems.add('measures', 'a measure needs a name', i));
    if (!(input.termStart < input.termEnd)) problems.add('termEnd', 'must be after termStart');
    const investmentProblem = moneyInputProblem(input.investmentYuan);
    if (investmentProblem) problems.add('investmentYuan', `${investmentProblem} (a non-negative amount of yuan, e.g. "1250000.00")`);
    if (!input.baselineStart.endsWith('-01')) problems.add('baselineStart', 'the first day of a month');
    else if (nextMonthN(input.baselineStart, 12) > input.termStart) problems.add('baselineStart', 'the twelve baseline months must end before the term starts');
    const sharing = input.type === EpcType.BENEFIT_SHARING || input.type === EpcType.HYBRID;
    const guaranteed = input.type === EpcType.GUARANTEED_SAVINGS || input.type === EpcType.HYBRID;
    if (sharing && !(input.escoShare && FRACTION.test(input.escoShare))) problems.add('escoShare', `a fraction from 0 to 1 is required for ${input.type}`);
    if (guaranteed && !(input.guaranteedSavingsRate && FRACTION.test(input.guaranteedSavingsRate))) problems.add('guaranteedSavingsRate', `a fraction from 0 to 1 is required for ${input.type}`);
    const prices = Object.fromEntries(input.prices.map((p) => [p.carrier, p.priceYuan]));
    input.carriers.forEach((c) => !(prices[c] && PRICE.test(prices[c])) && problems.add('prices', `give a price in yuan per unit for ${c}`));
    const [institution, esco] = await Promise.all([
      this.em.findOne(Institution, institutionId),
      this.em.findOne(Esco, input.escoId),
    ]);
    if (!institution) problems.add('institutionId', 'no such institution');
    if (!esco) problems.add('escoId', 'no such ESCO');
    problems.throwIfAny();
    const drafted = this.effectiveTime(input.effectiveAt, null);
    const contract = this.em.create(EpcContract, {
      institution: institution!,
      esco: esco!,
      title: input.title.trim(),
      titleZh: input.titleZh?.trim() || null,
      type: input.type,
      carriers: input.carriers,
      measures: input.measures.map((m) => ({ name: m.name.trim(), pillar: m.pillar })),
      termStart: input.termStart,
      termEnd: input.termEnd,
      investmentYuan: roundYuan(input.investmentYuan),
      escoShare: sharing ? input.escoShare! : null,
      guaranteedSavingsRate: guaranteed ? input.guaranteedSavingsRate! : null,
      prices,
      baselineStart: input.baselineStart,
      baselineDriver: input.baselineDriver,
      settlementPeriod: input.settlementPeriod,
      createdBy: this.principal.keyName,
    });
    this.em.create(EpcTransition, { contract, fromStatus: null, toStatus: EpcStatus.DRAFT, note: 'drafted', actor: this.principal.keyName, effectiveAt: drafted });
    await flushAudited(this.em, this.principal);
    return contract;
  }

  /**
   * Moves a contract one step along its lifecycle, or to TERMINATED. A step the lifecycle does
   * not allow is a CONFLICT saying why; a step that is another agency's decision is FORBIDDEN.
   */
  async transition(id: number, to: EpcStatus, note: string | null, effectiveAt: Date | null = null): Promise<EpcContract> {
    const contract = await this.contractToChange(id);
    const from = contract.status;
    if (FINAL.has(from)) throw new ConflictError(`the contract is ${from}: its lifecycle has ended`);
    const next = NEXT_STATUS[from];
    if (to !== EpcStatus.TERMINATED && next !== to) throw new ConflictError(`a ${from} contract can move to ${next ?? 'nothing'} or TERMINATED, not ${to}`);
    const step = `epcStep:${to}` as EpcStep;
    try {
      assertCanWriteContract(this.principal, step, { institutionId: contract.institution.id, escoId: contract.esco.id });
    } catch (err) {
      if (err instanceof ForbiddenError) throw new ForbiddenError(`moving a contract to ${to} is for ${writers(step).join(' or ')}: ${err.message}`);
      throw err;
    }
    if (to === EpcStatus.TERMINATED && !note?.trim()) throw new ConflictError('say why the contract is terminated (note)');
    const previous = (await transitionsOf(this.db.pool, [contract.id])).at(-1);
    const at = this.effectiveTime(effectiveAt, previous ? { time: previous.effectiveAt, what: `the ${previous.toStatus} step` } : null);
    if (to === EpcStatus.AUDITED) await this.requireRecentAudit(contract, at);
    // The baseline is fitted and frozen when the contract is signed: later data never moves it silently.
    const fitted = to === EpcStatus.SIGNED ? await fitBaselineSet(this.measurement.freshData(), contract, await this.measurement.regionOf(contract)) : null;
    contract.status = to;
    const entered = new Date();
    this.em.create(EpcTransition, { contract, fromStatus: from, toStatus: to, note: note?.trim() || null, actor: this.principal.keyName, at: entered, effectiveAt: at });
    if (to === EpcStatus.HANDED_OVER) {
      // At the end of the term the installed equipment passes to the institution (资产处置): when it did, and when and by whom that was entered.
      for (const asset of await this.em.find(EpcAsset, { contract: contract.id, handedOverAt: null })) {
        asset.handedOverAt = at;
        asset.handoverRecordedAt = entered;
        asset.handoverRecordedBy = this.principal.keyName;
      }
    }
    const old = fitted ? await this.measurement.currentBaseline(contract) : null;
    await inTransaction(this.em, async () => {
      const baseline = fitted ? await this.measurement.storeBaseline(contract, fitted, old, 'signed') : null;
      await flushAudited(this.em, this.principal, { changes: baseline ? [baseline] : [] });
    });
    this.measurement.forget(contract.id);
    return contract;
  }

  /**
   * When a step took effect: as given for one that happened before it was entered (not in the
   * future, not before the step before it), else now.
   */
  private effectiveTime(given: Date | null | undefined, previous: { time: Date; what: string } | null, field = 'effectiveAt'): Date {
    const now = new Date();
    if (!given) return now;
    if (given.getTime() > now.getTime()) throw ValidationError.single(field, `must not be in the future (it is ${formatZoned(now, this.db.timezone)} now)`);
    if (previous && given.getTime() < previous.time.getTime()) {
      throw ValidationError.single(field, `must not be before ${previous.what}, effective ${formatZoned(previous.time, this.db.timezone)}`);
    }
    return given;
  }

  private dayOf(time: Date): string {
    return localDay(time, this.db.timezone);
  }

  /** Refits the baseline on today's data and freezes it as a new version; the old one stays listed. */
  async rebaseline(id: number, reason: string): Promise<EpcContract> {
    const contract = await this.contractToChange(id);
    await this.measurement.rebaseline(contract, reason);
    return contract;
  }

  /** A non-routine event (a new wing, a closure) adjusts the baseline by an explicit kgce over [from, to). */
  async addNonRoutineEvent(contractId: number, from: string, to: string, adjustmentKgce: string, reason: string): Promise<NonRoutineEvent> {
    return this.measurement.addNonRoutineEvent(await this.contractToChange(contractId), from, to, adjustmentKgce, reason);
  }

  /** FINANCE accepts a frozen settlement's pending difference. */
  async acceptSettlementDifference(contractId: number, periodStart: string): Promise<SettlementRow> {
    return this.measurement.acceptSettlementDifference(await this.contractToChange(contractId), periodStart);
  }

  private async requireRecentAudit(contract: EpcContract, at: Date): Promise<void> {
    const today = this.dayOf(at);
    const since = `${Number(today.slice(0, 4)) - AUDIT_MAX_AGE_YEARS}${today.slice(4)}`;
    const audit = await this.em.findOne(EnergyAudit, { institution: contract.institution.id, auditedOn: { $gte: since, $lte: today } });
    if (!audit) throw new ConflictError(`no energy audit of the site since ${since}: a contract needs one at most ${AUDIT_MAX_AGE_YEARS} years old to be AUDITED`);
  }

  async addAsset(contractId: number, input: EpcAssetInput): Promise<EpcAsset> {
    const contract = await this.contractToChange(contractId);
    assertCanWriteContract(this.principal, 'epcAsset', { institutionId: contract.institution.id, escoId: contract.esco.id });
    const problems = new Problems();
    if (!input.name.trim()) problems.add('name', 'must not be empty');
    if (!Number.isInteger(input.quantity) || input.quantity <= 0) problems.add('quantity', 'a positive whole number');
    const valueProblem = moneyInputProblem(input.valueYuan);
    if (valueProblem) problems.add('valueYuan', `${valueProblem} (a non-negative amount of yuan)`);
    problems.throwIfAny();
    if (FINAL.has(contract.status)) throw new ConflictError(`the contract is ${contract.status}: no more assets can be added`);
    const asset = this.em.create(EpcAsset, { contract, name: input.name.trim(), quantity: input.quantity, valueYuan: roundYuan(input.valueYuan) });
    await flushAudited(this.em, this.principal);
    return asset;
  }

  /** FINANCE records what it paid; the contract's balance follows. */
  async recordPayment(contractId: number, amountYuan: string, paidOnGiven: string | null, note: string | null, effectiveAt: Date | null = null): Promise<EpcPayment> {
    const contract = await this.contractToChange(contractId);
    assertCanWrite(this.principal, 'money', contract.institution.id);
    const problems = new Problems();
    const amountProblem = moneyInputProblem(amountYuan, { positive: true });
    if (amountProblem) problems.add('amountYuan', `${amountProblem} (a positive amount of yuan, e.g. "125000.00")`);
    if (paidOnGiven !== null && !/^\d{4}-\d{2}-\d{2}$/.test(paidOnGiven)) problems.add('paidOn', 'a day, YYYY-MM-DD');
    problems.throwIfAny();
    // The day paid: as given, else the day of `effectiveAt`, else today; never a day to come.
    const paidOn = paidOnGiven ?? this.dayOf(effectiveAt ?? new Date());
    if (effectiveAt && this.dayOf(effectiveAt) !== paidOn) throw ValidationError.single('paidOn', `must be the day of effectiveAt (${this.dayOf(effectiveAt)}) when both are given`);
    if (paidOn > this.today()) throw ValidationError.single(effectiveAt ? 'effectiveAt' : 'paidOn', `must not be in the future (today is ${this.today()} in ${this.db.timezone})`);
    if (contract.status !== EpcStatus.OPERATING && contract.status !== EpcStatus.HANDED_OVER) {
      throw new ConflictError(`payments follow measured savings: the contract is ${contract.status}, not OPERATING`);
    }
    // A payment follows the step that made the contract OPERATING.
    const operating = (await frozen.operatingSince(this.db.pool, [contract.id])).get(contract.id);
    if (operating) {
      if (effectiveAt) this.effectiveTime(effectiveAt, { time: operating, what: 'the OPERATING step' });
      else if (paidOn < this.dayOf(operating)) throw ValidationError.single('paidOn', `must not be before the OPERATING step, effective ${this.dayOf(operating)}`);
    }
    const payment = this.em.create(EpcPayment, { contract, amountYuan: roundYuan(amountYuan), paidOn, effectiveAt, note: note?.trim() || null, recordedBy: this.principal.keyName });
    // The payment settles the periods ended by its day: their figures are frozen as paid.
    const due = await this.measurement.computeSettlements(contract, paidOn);
    await inTransaction(this.em, async () => {
      const freeze = due.filter((r) => r.frozenAt === null);
      const frozenChange = change('EpcSettlement', contract, { frozen: { before: null, after: freeze.map((r) => ({ periodStart: r.periodStart, savingsKgce: r.savings.savingsKgce })) } });
      // One event: the payment and the settlements it froze; the flush gives the payment the id they name.
      await flushAudited(this.em, this.principal, { changes: freeze.length ? [frozenChange] : [] });
      await frozen.freezeSettlements(this.em, contract.id, freeze.map((r) => ({ periodStart: r.periodStart, periodEnd: r.periodEnd, figures: r.savings })), payment.id, this.principal.keyName);
    });
    this.measurement.forget(contract.id);
    return payment;
  }

  today(): string {
    return localDay(new Date(), this.db.timezone);
  }
}
