import type { EntityManager } from '@mikro-orm/postgresql';
import type { PageWindow, WindowRows } from '../../db/window';
import { assertCanWrite, readInstitutions } from '../../access/guard';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { ForbiddenError, Problems } from '../../errors/domain-errors';
import { IndicatorsService } from '../accounting/indicators.service';
import { yearPeriod } from '../accounting/period';
import { Institution } from '../registry/institution.entity';
import { EnergyAudit, type AuditTrigger } from './energy-audit.entity';
import { flushAudited } from '../audit/audit.service';
import { allInstitutionIds, energyAuditById, energyAuditWindow, lastAuditDays } from './audits.repository';
import type { AuditInput, EnergyAuditRow } from './audits.types';

export interface CandidateThresholds {
  minEnergyKgce: number;
  minFloorAreaM2: number;
  minHeadcount: number;
  /** Institutions audited in the last N years are not candidates. */
  yearsWithoutAudit: number;
}

/** The smallest threshold other than 0: the precision of kgce and m² (src/figures/precision.ts). */
const MIN_THRESHOLD = 0.001;

/** The thresholds when a query names none (the GraphQL input's defaults too). */
export const DEFAULT_THRESHOLDS: Readonly<CandidateThresholds> = { minEnergyKgce: 200_000, minFloorAreaM2: 20_000, minHeadcount: 500, yearsWithoutAudit: 3 };

export interface AuditCandidate {
  institutionId: number;
  energyKgce: number;
  floorAreaM2: number | null;
  headcount: number | null;
  lastAuditedOn: string | null;
  reasons: AuditTrigger[];
  /** Energy, floor area and headcount each over its threshold, summed: the larger the more urgent. */
  score: number;
}

export class AuditsService {
  constructor(
    private readonly db: Database,
    private readonly em: EntityManager,
    private readonly principal: Principal,
  ) {}

  /** The key's institution scope of audits (null: all); FORBIDDEN for a key that reads none. */
  private scopeIds(): number[] | null {
    const scope = readInstitutions(this.principal, 'energyAudit');
    if (!scope) throw new ForbiddenError('this key may not read energy audits');
    return scope.kind === 'ids' ? scope.ids : null;
  }

  audit(id: number): Promise<EnergyAuditRow | null> {
    return energyAuditById(this.db.pool, id, this.scopeIds());
  }

  /** The audits this key may read (of one institution, when given) in a window ordered by id. */
  audits(institutionId: number | null, window: PageWindow): Promise<WindowRows<EnergyAuditRow>> {
    return energyAuditWindow(this.db.pool, { ids: this.scopeIds(), institutionId }, window);
  }

  async record(input: AuditInput): Promise<EnergyAudit> {
    const { institutionId } = input;
    assertCanWrite(this.principal, 'energyAudit', institutionId);
    const problems = new Problems();
    if (!input.auditor.trim()) problems.add('auditor', 'must not be empty');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.auditedOn)) problems.add('auditedOn', 'a day, YYYY-MM-DD');
    if (!input.triggers.length) problems.add('triggers', 'name at least one trigger');
    if (!input.findings.trim()) problems.add('findings', 'must not be empty');
    input.measures.forEach((m, i) => {
      if (!m.name.trim()) problems.add('measures', 'a measure needs a name', i);
      if (!Number.isFinite(m.estimatedSavingsKgce) || m.estimatedSavingsKgce < 0) problems.add('measures', 'estimatedSavingsKgce must be >= 0', i);
      if (!/^\d{1,12}(\.\d{1,2})?$/.test(m.costYuan)) problems.add('measures', 'costYuan must be an amount of yuan such as "120000.00"', i);
    });
    const institution = await this.em.findOne(Institution, institutionId);
    if (!institution) problems.add('institutionId', 'no such institution');
    problems.throwIfAny();
    const audit = this.em.create(EnergyAudit, { ...input, institution: institution!, auditor: input.auditor.trim(), findings: input.findings.trim(), createdBy: this.principal.keyName });
    await flushAudited(this.em, this.principal);
    return audit;
  }

  /**
   * Institutions that meet at least one threshold in the year and had no audit in the last N
   * years, most urgent first. Uses the year's indicators (rollups), one computation for all.
   */
  async candidates(year: number, t: CandidateThresholds): Promise<AuditCandidate[]> {
    const scope = readInstitutions(this.principal, 'energyAudit');
    if (!scope || scope.kind !== 'all') throw new ForbiddenError('audit candidates rank every institution: for agencies only');
    const problems = new Problems();
    for (const [k, v] of Object.entries(t)) {
      if (!Number.isFinite(v) || v < 0) problems.add(`thresholds.${k}`, 'must be >= 0');
      // The score divides by each threshold: one below the figures' precision would make it infinite.
      else if (v > 0 && v < MIN_THRESHOLD) problems.add(`thresholds.${k}`, `must be 0 (no threshold) or at least ${MIN_THRESHOLD}`);
    }
    problems.throwIfAny();
    const ids = await allInstitutionIds(this.db.pool);
    const indicators = await new IndicatorsService(this.db, this.principal, this.db.timezone).forInstitutionIds(yearPeriod(year), ids);
    const lastBy = await lastAuditDays(this.db.pool);
    const cutoff = `${year - t.yearsWithoutAudit}-12-31`;
    const out: AuditCandidate[] = [];
    for (const [id, v] of indicators) {
      const lastAuditedOn = lastBy.get(id) ?? null;
      if (lastAuditedOn && lastAuditedOn > cutoff) continue;
      const reasons: AuditTrigger[] = [];
      if ((v.energyKgce ?? 0) >= t.minEnergyKgce) reasons.push('HIGH_CONSUMPTION' as AuditTrigger);
      if ((v.floorAreaM2 ?? 0) >= t.minFloorAreaM2) reasons.push('LARGE_FLOOR_AREA' as AuditTrigger);
      if ((v.headcount ?? 0) >= t.minHeadcount) reasons.push('MANY_OCCUPANTS' as AuditTrigger);
      if (!reasons.length) continue;
      const ratio = (x: number | null, min: number) => (min > 0 ? (x ?? 0) / min : 0);
      out.push({
        institutionId: id,
        energyKgce: v.energyKgce ?? 0,
        floorAreaM2: v.floorAreaM2,
        headcount: v.headcount,
        lastAuditedOn,
        reasons,
        score: ratio(v.energyKgce, t.minEnergyKgce) + ratio(v.floorAreaM2, t.minFloorAreaM2) + ratio(v.headcount, t.minHeadcount),
      });
    }
    return out.sort((a, b) => b.score - a.score || a.institutionId - b.institutionId);
  }
}
