import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { assertCanWrite } from '../../access/guard';
import type { Principal } from '../../access/principal';
import { ConflictError, Problems } from '../../errors/domain-errors';
import type { PageWindow, WindowRows } from '../../db/window';
import { UNITS_BY_CARRIER } from '../metering/metering.enums';
import { Agency } from '../registry/agency.entity';
import { Region } from '../registry/region.entity';
import { ConversionFactor } from './conversion-factor.entity';
import { EmissionFactor } from './emission-factor.entity';
import { FactorTable, KGCE_CARRIERS, type FactorRow } from './factor-table';
import type { ConversionFactorInput, EmissionFactorInput, FactorFilter, UnitConversionInput } from './factors.inputs';

/** An emission factor to add, its region id decoded (null: national). */
export type NewEmissionFactor = Omit<EmissionFactorInput, 'regionId'> & { regionId: number | null };
import { UnitConversion } from './unit-conversion.entity';
import type { VersionedFactor } from './versioned.entity';
import { auditedTransaction } from '../audit/audit.service';
import { factorAndRegionRows, factorWindow } from './factors.repository';
import type { ConversionFactorRow, EmissionFactorRow, UnitConversionRow } from './factors.types';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkVersion(problems: Problems, input: { validFrom: string; source: string }, value: number, valueField: string): void {
  if (!ISO_DAY.test(input.validFrom)) problems.add('validFrom', 'a calendar day, YYYY-MM-DD');
  if (!input.source.trim()) problems.add('source', 'name the standard or notice the value comes from');
  if (!Number.isFinite(value) || value <= 0) problems.add(valueField, 'must be a positive number');
}

/** Versioned factor tables: everyone reads, DRC adds versions. Rows are never edited. */
export class FactorsService {
  constructor(
    private readonly em: EntityManager,
    private readonly principal: Principal,
    /** Where lists read plain rows (writes go through the EntityManager). */
    private readonly pool?: pg.Pool,
  ) {}

  private readPool(): pg.Pool {
    if (!this.pool) throw new Error('FactorsService: reading lists needs the pool');
    return this.pool;
  }

  conversionFactors(filter: FactorFilter | undefined, window: PageWindow): Promise<WindowRows<ConversionFactorRow>> {
    return factorWindow(this.readPool(), 'ConversionFactor', filter, window);
  }

  emissionFactors(filter: FactorFilter | undefined, window: PageWindow): Promise<WindowRows<EmissionFactorRow>> {
    return factorWindow(this.readPool(), 'EmissionFactor', filter, window);
  }

  unitConversions(filter: FactorFilter | undefined, window: PageWindow): Promise<WindowRows<UnitConversionRow>> {
    return factorWindow(this.readPool(), 'UnitConversion', filter, window);
  }

  async addConversionFactor(input: ConversionFactorInput): Promise<ConversionFactor> {
    assertCanWrite(this.principal, 'factor', null);
    const problems = new Problems();
    checkVersion(problems, input, input.kgcePerUnit, 'kgcePerUnit');
    if (!KGCE_CARRIERS.has(input.carrier)) problems.add('carrier', `${input.carrier} is not converted to standard coal`);
    else if (!UNITS_BY_CARRIER[input.carrier].includes(input.unit)) problems.add('unit', `${input.carrier} is not measured in ${input.unit}`);
    problems.throwIfAny();
    const { carrier, unit, kgcePerUnit, validFrom, source } = input;
    return this.addVersion(ConversionFactor, { carrier }, { carrier, unit, kgcePerUnit, validFrom, source });
  }

  async addEmissionFactor(input: NewEmissionFactor): Promise<EmissionFactor> {
    assertCanWrite(this.principal, 'factor', null);
    const problems = new Problems();
    checkVersion(problems, input, input.kgCo2PerUnit, 'kgCo2PerUnit');
    if (!KGCE_CARRIERS.has(input.carrier)) problems.add('carrier', `${input.carrier} has no emission factor of its own`);
    else if (!UNITS_BY_CARRIER[input.carrier].includes(input.unit)) problems.add('unit', `${input.carrier} is not measured in ${input.unit}`);
    const { regionId } = input;
    const region = regionId === null ? null : await this.em.findOne(Region, regionId);
    if (regionId !== null && !region) problems.add('regionId', 'no such region');
    problems.throwIfAny();
    const { carrier, scope, unit, kgCo2PerUnit, validFrom, source } = input;
    return this.addVersion(
      EmissionFactor,
      { carrier, region: regionId },
      { carrier, scope, unit, kgCo2PerUnit, validFrom, source, region: region ? this.em.getReference(Region, region.id) : null },
    );
  }

  async addUnitConversion(input: UnitConversionInput): Promise<UnitConversion> {
    assertCanWrite(this.principal, 'factor', null);
    const problems = new Problems();
    checkVersion(problems, input, input.factor, 'factor');
    if (input.fromUnit === input.toUnit) problems.add('toUnit', 'must differ from fromUnit');
    problems.throwIfAny();
    const carrier = input.carrier ?? null;
    const { fromUnit, toUnit, factor, validFrom, source } = input;
    return this.addVersion(UnitConversion, { carrier, fromUnit, toUnit }, { carrier, fromUnit, toUnit, factor, validFrom, source });
  }

  /**
   * Adds a version after the current one of the same key, ending the current one on the new
   * validFrom. A version dated at or before the current one would rewrite history: CONFLICT.
   */
  private async addVersion<T extends VersionedFactor>(entity: new () => T, key: Record<string, unknown>, data: Record<string, unknown>): Promise<T> {
    const em = this.em;
    return auditedTransaction(em, this.principal, async () => {
      const open = await em.find(entity, { ...key, validTo: null } as FilterQuery<T>, { lockMode: 4 /* PESSIMISTIC_WRITE */ });
      const validFrom = data.validFrom as string;
      for (const current of open) {
        if (current.validFrom >= validFrom) {
          throw new ConflictError(`a version valid from ${current.validFrom} exists; a new version must start after it`, { currentId: current.id });
        }
        current.validTo = validFrom;
      }
      const agency = this.principal.agencyCode ? await em.findOne(Agency, { code: this.principal.agencyCode }) : null;
      return em.create(entity, { ...data, publishedBy: agency!, createdBy: this.principal.keyName } as never);
    });
  }
}

export interface RegionRow {
  id: number;
  parent_id: number | null;
}

/**
 * Everything needed to turn quantities into kgce and kgCO2 (four small tables) and the region
 * tree, in one statement: a request pays one round trip for them, not five.
 */
export async function loadFactorsAndRegions(pool: pg.Pool): Promise<{ factors: FactorTable; regions: RegionRow[] }> {
  const r = await factorAndRegionRows(pool);
  const regions = r.regions as RegionRow[];
  const parentOf = new Map(regions.map((x) => [x.id, x.parent_id]));
  const chain = (id: number): number[] => {
    const out: number[] = [];
    for (let cur: number | null = id; cur !== null && out.length < 10; cur = parentOf.get(cur) ?? null) out.push(cur);
    return out;
  };
  const withRegion = (r.emissions as { region_id: number | null }[]).map((e) => ({ ...e, region: e.region_id === null ? null : { id: e.region_id } }));
  const factors = new FactorTable(r.conversions as FactorRow<ConversionFactor>[], withRegion as unknown as FactorRow<EmissionFactor>[], r.units as FactorRow<UnitConversion>[], chain);
  return { factors, regions };
}
