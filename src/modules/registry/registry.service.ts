import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { assertCanReadRows, assertCanWrite, canReadRows, inScope, readInstitutions } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { ConflictError, ForbiddenError, NotFoundError, Problems, ValidationError } from '../../errors/domain-errors';
import type { PageWindow, WindowRows } from '../../db/window';
import { creditCodeProblem } from './credit-code';
import { Institution } from './institution.entity';
import { InstitutionProfile } from './institution-profile.entity';
import { Region } from './region.entity';
import {
  institutionsById,
  institutionsWithCreditCodes,
  institutionWindow,
  regionWindow,
  type InstitutionSelection,
  type InstitutionWindow,
} from './registry.repository';
import type { InstitutionRow, RegionRow } from './registry.types';
import type {
  CreateInstitutionInput,
  InstitutionFilter,
  InstitutionProfileInput,
  RegionFilter,
  UpdateInstitutionInput,
} from './registry.inputs';

/** The regions filter, its parent id decoded. */
export type RegionQuery = Omit<RegionFilter, 'parentId'> & { parentId?: number | null };
/** The institutions filter, its region id decoded. */
export type InstitutionQuery = Omit<InstitutionFilter, 'regionId'> & { regionId?: number | null };
/** An institution to create, its region id decoded: null when the client's was not a region's. */
export type NewInstitution = Omit<CreateInstitutionInput, 'regionId'> & { regionId: number | null };
/** Changes to an institution, its region id decoded as for a new one (undefined: the region stays). */
export type InstitutionChanges = Omit<UpdateInstitutionInput, 'regionId'> & { regionId?: number | null };
/** A yearly profile to set, its institution id decoded. */
export type ProfileUpsert = Omit<InstitutionProfileInput, 'institutionId'> & { institutionId: number };
import { flushAudited } from '../audit/audit.service';

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

function checkText(problems: Problems, field: string, value: string | undefined, max = 200): void {
  if (value === undefined) return;
  if (!value.trim()) problems.add(field, 'must not be empty');
  else if (value.length > max) problems.add(field, `at most ${max} characters`);
}

function checkArea(problems: Problems, field: string, value: number | null | undefined): void {
  if (value === undefined || value === null) return;
  if (!Number.isFinite(value) || value <= 0) problems.add(field, 'must be a positive number of m²');
  else if (value > 5_000_000) problems.add(field, 'larger than any single institution (5,000,000 m²)');
}

export class RegistryService {
  constructor(
    private readonly em: EntityManager,
    private readonly principal: Principal,
    /** Where reads get plain rows (writes go through the EntityManager). */
    private readonly pool?: pg.Pool,
  ) {}

  private get reads(): pg.Pool {
    if (!this.pool) throw new Error('RegistryService: reads need the pool');
    return this.pool;
  }

  /** A window of regions as plain rows, in one statement; the count when asked. */
  regions(filter: RegionQuery | undefined, window: PageWindow): Promise<WindowRows<RegionRow>> {
    return regionWindow(this.reads, { level: filter?.level ?? null, parentId: filter?.parentId || null }, window);
  }

  /** What a list of institutions reads: the key's row scope and the filter, checked against the policy. */
  private institutionSelection(filter: InstitutionQuery | undefined): InstitutionSelection | null {
    const scope = readInstitutions(this.principal, 'institution');
    if (!scope) return null;
    let inMunicipalAppraisal: boolean | null = null;
    if (filter?.inMunicipalAppraisal !== undefined && filter.inMunicipalAppraisal !== null) {
      assertCanReadRows(this.principal, 'institutionDetail');
      inMunicipalAppraisal = filter.inMunicipalAppraisal;
    }
    const search = filter?.search?.trim();
    return {
      ids: scope.kind === 'ids' ? scope.ids : null,
      regionId: filter?.regionId || null,
      category: filter?.category ?? null,
      inMunicipalAppraisal,
      // Search matches only what the key may read: the credit code is an institution detail.
      search: search ? { like: `%${search.replace(/[\\%_]/g, (c) => '\\' + c)}%`, creditCode: canReadRows(this.principal, 'institutionDetail') } : null,
    };
  }

  /**
   * A window of the institutions the key may read, as plain rows, in one statement with what is
   * asked of the levels below (their meters, their profiles of some years) as far as the key may
   * read them; the count when asked.
   */
  async institutions(filter: InstitutionQuery | undefined, window: PageWindow, below: { meters: boolean; profileYears: number[] } = { meters: false, profileYears: [] }): Promise<InstitutionWindow> {
    const selection = this.institutionSelection(filter);
    if (!selection) throw new ForbiddenError('this key may not list institutions');
    return institutionWindow(this.reads, selection, window, {
      metersFor: below.meters ? this.principal : null,
      profileYears: canReadRows(this.principal, 'profile') ? below.profileYears : [],
    });
  }

  /** One institution the principal may read: NOT_FOUND when absent, FORBIDDEN when out of scope. */
  async institution(id: number): Promise<InstitutionRow> {
    const scope = readInstitutions(this.principal, 'institution');
    const [institution] = await institutionsById(this.reads, [id]);
    if (!institution) throw new NotFoundError(`no institution with this id`);
    if (!scope || !inScope(scope, id)) throw new ForbiddenError('this key may not read that institution');
    return institution;
  }

  /**
   * Institutions by unified social credit code (the key other agencies' systems share), each the
   * institution, NOT_FOUND or FORBIDDEN. The code itself is an institution detail: a key that may
   * not read it may not look institutions up by it either.
   */
  async institutionsByCreditCode(codes: readonly string[]): Promise<(InstitutionRow | Error)[]> {
    assertCanReadRows(this.principal, 'institutionDetail');
    const scope = readInstitutions(this.principal, 'institution');
    const rows = await institutionsWithCreditCodes(this.reads, [...new Set(codes)]);
    const byCode = new Map(rows.map((r) => [r.creditCode, r]));
    return codes.map((code) => {
      const row = byCode.get(code);
      if (!row) return new NotFoundError('no institution with this credit code');
      if (!scope || !inScope(scope, row.id)) return new ForbiddenError('this key may not read that institution');
      return row;
    });
  }

  private async validateInstitution(
    input: Partial<NewInstitution>,
    problems: Problems,
    selfId?: number,
  ): Promise<{ region?: Region }> {
    checkText(problems, 'name', input.name);
    checkText(problems, 'nameZh', input.nameZh);
    let region: Region | undefined;
    if (input.creditCode !== undefined) {
      const problem = creditCodeProblem(input.creditCode);
      if (problem) problems.add('creditCode', problem);
    }
    if (input.regionId !== undefined) {
      if (input.regionId === null) problems.add('regionId', 'not a region ID');
      else {
        const found = await this.em.findOne(Region, { id: input.regionId });
        if (!found) problems.add('regionId', 'no region with this id');
        else region = found;
      }
    }
    problems.throwIfAny();
    if (input.creditCode !== undefined) {
      const clash = await this.em.findOne(Institution, { creditCode: input.creditCode });
      if (clash && clash.id !== selfId) {
        throw new ConflictError(`creditCode: ${input.creditCode} already belongs to ${clash.name}`, { field: 'creditCode' });
      }
    }
    return { region };
  }

  async createInstitution(input: NewInstitution): Promise<Institution> {
    assertCanWrite(this.principal, 'institution', null);
    const problems = new Problems();
    const { region } = await this.validateInstitution(input, problems);
    const institution = this.em.create(Institution, {
      name: input.name.trim(),
      nameZh: input.nameZh.trim(),
      creditCode: input.creditCode,
      category: input.category,
      region: region!,
      inMunicipalAppraisal: input.inMunicipalAppraisal ?? false,
    });
    await flushAudited(this.em, this.principal);
    return institution;
  }

  async updateInstitution(id: number, input: InstitutionChanges): Promise<Institution> {
    assertCanWrite(this.principal, 'institution', id);
    const institution = await this.em.findOne(Institution, { id });
    if (!institution) throw new NotFoundError('no institution with this id');
    const problems = new Problems();
    const { region } = await this.validateInstitution(input, problems, id);
    if (input.name !== undefined) institution.name = input.name.trim();
    if (input.nameZh !== undefined) institution.nameZh = input.nameZh.trim();
    if (input.creditCode !== undefined) institution.creditCode = input.creditCode;
    if (input.category !== undefined && input.category !== null) institution.category = input.category;
    if (region) institution.region = this.em.getReference(Region, region.id, { wrapped: true });
    if (input.inMunicipalAppraisal !== undefined && input.inMunicipalAppraisal !== null) {
      institution.inMunicipalAppraisal = input.inMunicipalAppraisal;
    }
    await flushAudited(this.em, this.principal);
    return institution;
  }

  async upsertProfile(input: ProfileUpsert): Promise<InstitutionProfile> {
    const { institutionId } = input;
    const fields = (['headcount', 'floorAreaM2', 'heatedAreaM2', 'cooledAreaM2'] as const).filter((f) => input[f] !== undefined);
    assertCanWrite(this.principal, 'profile', institutionId, fields);
    const problems = new Problems();
    if (!Number.isInteger(input.year) || input.year < MIN_YEAR || input.year > MAX_YEAR) {
      problems.add('year', `must be a year from ${MIN_YEAR} to ${MAX_YEAR}`);
    }
    if (input.headcount !== undefined && input.headcount !== null && (input.headcount < 0 || input.headcount > 1_000_000)) {
      problems.add('headcount', 'must be from 0 to 1,000,000');
    }
    checkArea(problems, 'floorAreaM2', input.floorAreaM2);
    checkArea(problems, 'heatedAreaM2', input.heatedAreaM2);
    checkArea(problems, 'cooledAreaM2', input.cooledAreaM2);
    if (!fields.length) problems.add('input', 'set at least one of headcount, floorAreaM2, heatedAreaM2, cooledAreaM2');
    const institution = await this.em.findOne(Institution, { id: institutionId });
    if (!institution) problems.add('institutionId', 'no institution with this id');
    problems.throwIfAny();

    const profile =
      (await this.em.findOne(InstitutionProfile, { institution: institutionId, year: input.year })) ??
      this.em.create(InstitutionProfile, { institution: institution!, year: input.year });
    for (const f of fields) profile[f] = input[f] ?? null;
    const floor = profile.floorAreaM2;
    if (floor && ((profile.heatedAreaM2 ?? 0) > floor || (profile.cooledAreaM2 ?? 0) > floor)) {
      this.em.clear();
      throw ValidationError.single('heatedAreaM2', 'heated or cooled area cannot exceed the floor area');
    }
    await flushAudited(this.em, this.principal);
    return profile;
  }
}
