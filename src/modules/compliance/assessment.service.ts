import type { EntityManager } from '@mikro-orm/postgresql';
import { assertCanWrite, readInstitutions, writers } from '../../access/guard';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { decimalOfNumber, decimalToNumber, div, mul, roundHalfUp, sub, sum, ZERO } from '../../figures/decimal';
import { QUOTIENT_DIGITS, UNITS } from '../../figures/precision';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors/domain-errors';
import type { PageWindow, WindowRows } from '../../db/window';
import { IndicatorsService } from '../accounting/indicators.service';
import { yearPeriod } from '../accounting/period';
import { AssessmentEntry, AssessmentRound, AssessmentSignature, ScoringRule, type EntryIndicator } from './assessment.entity';
import { AssessmentStatus, ComplianceStatus, IndicatorKind } from './compliance.enums';
import { appraisalMembers, assessmentEntryWindow, assessmentRoundOfYear, isYearClosed, openRectificationCounts } from './compliance.repository';
import type { AssessmentEntryRow, AssessmentRoundRow } from './compliance.types';
import { auditedTransaction, flushAudited } from '../audit/audit.service';
import type { Institution } from '../registry/institution.entity';

/** The agencies whose signatures make a round final: those the policy table lets sign. */
export const SIGNATORIES: readonly string[] = writers('assessmentSignature');

/**
 * Score of one entry: the mean of the points of its indicators' statuses, less deductions, worked
 * exactly and kept to the points rule (0.01, half up): the stored score ranks the entries.
 */
export function scoreOf(statuses: (ComplianceStatus | null)[], openRectifications: number, rule: Pick<ScoringRule, 'pointsByStatus' | 'deductionPerOpenRectification'>): number {
  const dec = (n: number) => decimalOfNumber(n, 'points');
  const points = statuses.filter((s): s is ComplianceStatus => s !== null).map((s) => dec(rule.pointsByStatus[s] ?? 0));
  const mean = points.length ? div(sum(points), dec(points.length), QUOTIENT_DIGITS) : ZERO;
  const score = roundHalfUp(sub(mean, mul(dec(openRectifications), dec(rule.deductionPerOpenRectification))), UNITS.points.rounding.decimals);
  return Math.max(0, decimalToNumber(score));
}

/** Copies the institution's current names onto the entry (the institution must be loaded). */
function freezeNames(entry: AssessmentEntry): void {
  const institution = entry.institution.unwrap() as Institution;
  entry.institutionName = institution.name;
  entry.institutionNameZh = institution.nameZh;
  entry.creditCode = institution.creditCode;
}

export class AssessmentService {
  constructor(
    private readonly db: Database,
    private readonly em: EntityManager,
    private readonly principal: Principal,
  ) {}

  private readScope() {
    const scope = readInstitutions(this.principal, 'assessment');
    if (!scope) throw new ForbiddenError('this key may not read assessments');
    return scope;
  }

  /** The round of a year, if opened: a plain row. */
  async round(year: number): Promise<AssessmentRoundRow | null> {
    this.readScope();
    return assessmentRoundOfYear(this.db.pool, year);
  }

  /** A round's entries by rank, then id, in a window (the caller has decoded it after `assertCanRead`), the key's scope in the statement. */
  async entries(round: { id: number }, window: PageWindow): Promise<WindowRows<AssessmentEntryRow>> {
    const scope = this.readScope();
    return assessmentEntryWindow(this.db.pool, round.id, scope.kind === 'ids' ? scope.ids : null, window);
  }

  /** The read check of assessments, for a caller that must run it before decoding its paging. */
  assertCanRead(): void {
    this.readScope();
  }

  /** GOA opens the round of a closed year: one entry per department in the municipal appraisal. */
  async open(year: number): Promise<AssessmentRound> {
    assertCanWrite(this.principal, 'assessment', null);
    if (!(await isYearClosed(this.db.pool, year))) {
      throw new ConflictError(`${year} is not closed: close it first so the round scores frozen figures`);
    }
    if (await this.em.findOne(AssessmentRound, { year })) throw new ConflictError(`the ${year} round is already open`);
    const rule = await this.em.findOne(ScoringRule, { id: { $gt: 0 } }, { orderBy: { id: 'desc' } });
    if (!rule) throw new ConflictError('no scoring rule is defined');
    const members = await appraisalMembers(this.db.pool);
    const indicators = new IndicatorsService(this.db, this.principal, this.db.timezone);
    const views = await indicators.forInstitutionIds(yearPeriod(year), members.map((r) => r.id));
    const openBy = await openRectificationCounts(this.db.pool, year);
    const em = this.em;
    // The entries keep the institutions' names as they are now (see freezeNames).
    const round = em.create(AssessmentRound, { year, scoringRule: rule, openedBy: this.principal.keyName });
    const scored = members.map(({ id, name, name_zh: nameZh, credit_code: creditCode }) => {
      const view = views.get(id)!;
      const byKind = new Map(view.compliance.map((c) => [c.indicator, c]));
      const list: EntryIndicator[] = Object.values(IndicatorKind).map((k) => ({
        indicator: k,
        value: byKind.get(k)?.value ?? null,
        status: byKind.get(k)?.status ?? null,
        constraintValue: byKind.get(k)?.constraintValue ?? null,
      }));
      const openRectifications = openBy.get(id) ?? 0;
      return { id, name, nameZh, creditCode, view, list, openRectifications, score: scoreOf(list.map((i) => i.status), openRectifications, rule) };
    });
    scored.sort((a, b) => b.score - a.score || a.id - b.id);
    scored.forEach((s, n) =>
      em.create(AssessmentEntry, {
        round,
        institution: s.id,
        institutionName: s.name,
        institutionNameZh: s.nameZh,
        creditCode: s.creditCode,
        indicators: s.list,
        energyKgce: s.view.energyKgce,
        waterM3: s.view.waterM3,
        openRectifications: s.openRectifications,
        score: s.score,
        rank: n + 1,
      }),
    );
    await flushAudited(em, this.principal);
    return round;
  }

  async comment(entryId: number, comment: string): Promise<AssessmentEntry> {
    assertCanWrite(this.principal, 'assessment', null);
    if (comment.length > 4000) throw ValidationError.single('comment', 'at most 4000 characters');
    const entry = await this.em.findOne(AssessmentEntry, entryId, { populate: ['round'] });
    if (!entry) throw new NotFoundError('no assessment entry with this id');
    if (await this.em.count(AssessmentSignature, { round: entry.round.id })) {
      throw new ConflictError('the round has been signed: its entries can no longer change');
    }
    entry.comment = comment.trim() || null;
    await flushAudited(this.em, this.principal);
    return entry;
  }

  /** GOA, DRC and FINANCE each sign once; with all three the round is FINAL and frozen. */
  async sign(year: number): Promise<AssessmentRound> {
    assertCanWrite(this.principal, 'assessmentSignature', null);
    // A key signs as its own subject: the agency the table lets sign, never one named in the request.
    const agency = this.principal.subject;
    const em = this.em;
    return auditedTransaction(em, this.principal, async () => {
      const round = await em.findOne(AssessmentRound, { year }, { lockMode: 4 });
      if (!round) throw new NotFoundError(`no assessment round for ${year}`);
      if (round.status === AssessmentStatus.FINAL) throw new ConflictError(`the ${year} round is final`);
      if (await em.findOne(AssessmentSignature, { round: round.id, agencyCode: agency })) throw new ConflictError(`${agency} has already signed the ${year} round`);
      const before = await em.count(AssessmentSignature, { round: round.id });
      em.create(AssessmentSignature, { round, agencyCode: agency, signedBy: this.principal.keyName });
      if (before + 1 >= SIGNATORIES.length) {
        round.status = AssessmentStatus.FINAL;
        round.finalisedAt = new Date();
        // The signed round keeps the names it was signed under, whatever later renames.
        for (const entry of await em.find(AssessmentEntry, { round: round.id }, { populate: ['institution'] })) freezeNames(entry);
      }
      return round;
    });
  }
}
