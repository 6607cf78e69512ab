import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { assertCanWrite } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { decimalOfNumber, formatDecimal, mul, parseDecimal, roundHalfUp, sub, type Dec } from '../../figures/decimal';
import { divideExact, RATE_DECIMALS } from '../../figures/precision';
import { Problems } from '../../errors/domain-errors';
import { flushAudited } from '../audit/audit.service';
import type { FleetFigures } from '../fleet/fleet-figures.types';
import type { RecyclingTotals } from '../recycling/recycling.service';
import { CityTarget } from './city-target.entity';
import { TargetKind, TargetStatus } from './targets.enums';
import type { SetCityTargetInput } from './targets.inputs';
import { cityTargetsOf } from './targets.repository';
import type { CityTargetRow, TargetProgress } from './targets.types';

/** Yearly city targets (GOA's) and where institutions stand against them. */
export class TargetsService {
  constructor(
    private readonly em: EntityManager,
    private readonly principal: Principal,
    /** Where reads take plain rows (writes go through the EntityManager). */
    private readonly pool?: pg.Pool,
  ) {}

  list(year: number | null): Promise<CityTargetRow[]> {
    if (!this.pool) throw new Error('TargetsService: reads need the pool');
    return cityTargetsOf(this.pool, year === null ? null : [year]);
  }

  async set(input: SetCityTargetInput): Promise<CityTarget> {
    assertCanWrite(this.principal, 'cityTarget', null);
    const problems = new Problems();
    if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2099) problems.add('year', 'a year from 2000 to 2099');
    if (!Number.isFinite(input.value) || input.value < 0 || input.value > 1) problems.add('value', 'a share from 0 to 1 (0.3 is 30 %)');
    else {
      const exact = decimalOfNumber(input.value, 'value');
      if (formatDecimal(roundHalfUp(exact, RATE_DECIMALS)) !== formatDecimal(exact)) problems.add('value', `at most ${RATE_DECIMALS} decimals`);
    }
    problems.throwIfAny();
    const share = formatDecimal(roundHalfUp(decimalOfNumber(input.value, 'value'), RATE_DECIMALS), RATE_DECIMALS);
    const target = (await this.em.findOne(CityTarget, { year: input.year, kind: input.kind })) ?? this.em.create(CityTarget, { year: input.year, kind: input.kind, share });
    target.share = share;
    await flushAudited(this.em, this.principal);
    return target;
  }
}

/**
 * The progress against each target, compared exactly: the new-energy share of the vehicles added
 * in the period (added NEV >= target x added), and the recycling rate of the period's records
 * (recycled kg >= target x total kg, both exact sums over the institution or the group).
 */
export function progressOf(targets: CityTargetRow[], fleet: FleetFigures | null, recycling: RecyclingTotals | null): TargetProgress[] {
  if (!fleet) return [];
  return targets.map((target) => {
    const base = { kind: target.kind, target, targetValue: target.value };
    const needed = (of: Dec) => mul(parseDecimal(target.share, 'target'), of);
    if (target.kind === TargetKind.RECYCLING_RATE) {
      if (!recycling) return { ...base, value: null, status: TargetStatus.NOT_MEASURED };
      if (recycling.totalKg.coef === 0n) return { ...base, value: null, status: TargetStatus.NO_DATA };
      const reached = sub(recycling.recycledKg, needed(recycling.totalKg)).coef >= 0n;
      return { ...base, value: divideExact(recycling.recycledKg, recycling.totalKg), status: reached ? TargetStatus.MET : TargetStatus.BELOW };
    }
    if (fleet.vehiclesAdded === 0) return { ...base, value: null, status: TargetStatus.NO_DATA };
    const reached = sub({ coef: BigInt(fleet.newEnergyVehiclesAdded), scale: 0 }, needed({ coef: BigInt(fleet.vehiclesAdded), scale: 0 })).coef >= 0n;
    return { ...base, value: fleet.newEnergyShareOfAdded, status: reached ? TargetStatus.MET : TargetStatus.BELOW };
  });
}
