import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { assertCanWrite, readInstitutions } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { ConflictError, ForbiddenError, NotFoundError, Problems, ValidationError } from '../../errors/domain-errors';
import type { PageWindow, WindowRows } from '../../db/window';
import { Agency } from '../registry/agency.entity';
import { Region } from '../registry/region.entity';
import { isWaterIndicator, RectificationStatus } from './compliance.enums';
import type { QuotaFilter, QuotaStandardInput, RectificationFilter } from './compliance.inputs';

/** A quota standard to add, its region id decoded. */
export type NewQuotaStandard = Omit<QuotaStandardInput, 'regionId'> & { regionId: number };
/** The rectification filter, its institution id decoded. */
export type RectificationQuery = Omit<RectificationFilter, 'institutionId'> & { institutionId?: number | null };
import { QuotaStandard } from './quota-standard.entity';
import { RectificationCase, RectificationEvent } from './rectification.entity';
import { flushAudited } from '../audit/audit.service';
import { quotaStandardWindow, rectificationCaseWindow } from './compliance.repository';
import type { QuotaStandardRow, RectificationCaseRow } from './compliance.types';

const MAX_TEXT = 4000;

/** Quota standards and the rectification workflow. */
export class ComplianceService {
  constructor(
    private readonly em: EntityManager,
    private readonly principal: Principal,
    /** Where lists read plain rows (writes go through the EntityManager). */
    private readonly pool?: pg.Pool,
  ) {}

  private readPool(): pg.Pool {
    if (!this.pool) throw new Error('ComplianceService: reading lists needs the pool');
    return this.pool;
  }

  quotaStandards(filter: QuotaFilter | undefined, window: PageWindow): Promise<WindowRows<QuotaStandardRow>> {
    return quotaStandardWindow(this.readPool(), filter, window);
  }

  /** DRC sets energy quotas, WATER water quotas. Two standards may not cover the same key and year. */
  async createQuotaStandard(input: NewQuotaStandard): Promise<QuotaStandard> {
    assertCanWrite(this.principal, isWaterIndicator(input.indicator) ? 'waterQuota' : 'energyQuota', null);
    const problems = new Problems();
    const positive = (field: string, v: number | null | undefined) => {
      if (v !== null && v !== undefined && (!Number.isFinite(v) || v <= 0)) problems.add(field, 'must be a positive number');
    };
    positive('constraintValue', input.constraintValue);
    positive('baselineValue', input.baselineValue);
    positive('guideValue', input.guideValue);
    if (input.baselineValue != null && input.baselineValue > input.constraintValue) problems.add('baselineValue', 'must not exceed the constraint value');
    if (input.guideValue != null && input.guideValue > (input.baselineValue ?? input.constraintValue)) problems.add('guideValue', 'must not exceed the baseline (or constraint) value');
    if (!Number.isInteger(input.yearFrom) || input.yearFrom < 2000 || input.yearFrom > 2100) problems.add('yearFrom', 'a year between 2000 and 2100');
    if (input.yearTo != null && input.yearTo < input.yearFrom) problems.add('yearTo', 'must not be before yearFrom');
    if (!input.source.trim()) problems.add('source', 'name the standard the values come from');
    const { regionId } = input;
    const region = await this.em.findOne(Region, regionId);
    if (!region) problems.add('regionId', 'no such region');
    problems.throwIfAny();
    const overlapping = await this.em.findOne(QuotaStandard, {
      region: regionId,
      category: input.category,
      indicator: input.indicator,
      yearFrom: { $lte: input.yearTo ?? 9999 },
      $or: [{ yearTo: null }, { yearTo: { $gte: input.yearFrom } }],
    });
    if (overlapping) {
      throw new ConflictError(`a ${input.indicator} quota for ${input.category} in this region already covers ${overlapping.yearFrom}${overlapping.yearTo ? `–${overlapping.yearTo}` : ' onwards'}`);
    }
    const issuer = await this.em.findOne(Agency, { code: this.principal.agencyCode! });
    const quota = this.em.create(QuotaStandard, {
      issuer: issuer!,
      region: region!,
      category: input.category,
      indicator: input.indicator,
      yearFrom: input.yearFrom,
      yearTo: input.yearTo ?? null,
      constraintValue: input.constraintValue,
      baselineValue: input.baselineValue ?? null,
      guideValue: input.guideValue ?? null,
      source: input.source.trim(),
      createdBy: this.principal.keyName,
    });
    await flushAudited(this.em, this.principal);
    return quota;
  }

  async rectificationCases(filter: RectificationQuery | undefined, window: PageWindow): Promise<WindowRows<RectificationCaseRow>> {
    const scope = readInstitutions(this.principal, 'rectification');
    if (!scope) throw new ForbiddenError('this key may not read rectification cases');
    return rectificationCaseWindow(this.readPool(), {
      ids: scope.kind === 'ids' ? scope.ids : null,
      institutionId: filter?.institutionId ?? null,
      year: filter?.year ?? null,
      status: filter?.status ?? null,
    }, window);
  }

  private async caseFor(id: number): Promise<RectificationCase> {
    const found = await this.em.findOne(RectificationCase, id);
    const scope = readInstitutions(this.principal, 'rectification');
    if (!found || !scope || (scope.kind === 'ids' && !scope.ids.includes(found.institution.id))) throw new NotFoundError('no rectification case with this id that this key can see');
    return found;
  }

  /** The institution answers with the cause and its measures: OPEN or RETURNED to RESPONDED. */
  async respond(id: number, cause: string, measures: string): Promise<RectificationCase> {
    const c = await this.caseFor(id);
    assertCanWrite(this.principal, 'rectificationResponse', c.institution.id);
    const problems = new Problems();
    if (!cause.trim()) problems.add('cause', 'say what caused the excess');
    else if (cause.length > MAX_TEXT) problems.add('cause', `at most ${MAX_TEXT} characters`);
    if (!measures.trim()) problems.add('measures', 'say what will be done');
    else if (measures.length > MAX_TEXT) problems.add('measures', `at most ${MAX_TEXT} characters`);
    problems.throwIfAny();
    if (c.status !== RectificationStatus.OPEN && c.status !== RectificationStatus.RETURNED) {
      throw new ConflictError(`a ${c.status} case cannot be responded to; only OPEN or RETURNED cases can`);
    }
    return this.move(c, RectificationStatus.RESPONDED, null, { cause: cause.trim(), measures: measures.trim() });
  }

  /** GOA accepts the response (ACCEPTED, final) or returns it for more work (RETURNED). */
  async review(id: number, accept: boolean, note: string | null): Promise<RectificationCase> {
    const c = await this.caseFor(id);
    assertCanWrite(this.principal, 'rectification', c.institution.id);
    if (c.status !== RectificationStatus.RESPONDED) throw new ConflictError(`a ${c.status} case cannot be reviewed; wait for the institution's response`);
    if (!accept && !note?.trim()) throw ValidationError.single('note', 'say why the response is returned');
    return this.move(c, accept ? RectificationStatus.ACCEPTED : RectificationStatus.RETURNED, note?.trim() || null);
  }

  private async move(c: RectificationCase, to: RectificationStatus, note: string | null, patch: Partial<RectificationCase> = {}): Promise<RectificationCase> {
    const from = c.status;
    Object.assign(c, patch, { status: to });
    this.em.create(RectificationEvent, { rectificationCase: c, fromStatus: from, toStatus: to, note, actor: this.principal.keyName });
    await flushAudited(this.em, this.principal);
    return c;
  }
}
