import DataLoader from 'dataloader';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { byKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { factorsById } from '../factors/factors.repository';
import type { ConversionFactorRow, EmissionFactorRow, UnitConversionRow } from '../factors/factors.types';
import type { YearClosureRow, YearRecalculationRow } from './accounting.types';
import { yearClosuresByYear, yearRecalculationsById } from './closing.repository';
import { IndicatorsService } from './indicators.service';
import type { Indicators } from './indicators.types';
import { resolvePeriod, type PeriodInput } from './period';

export function accountingLoaders(db: Database, principal: Principal, opts: LoaderOptions) {
  return {
    /** Key: `${JSON of the period input}|${institutionId}`; one computation per period for the whole list. */
    indicatorsByInstitution: new DataLoader<string, Indicators | null>(async (keys) => {
      const byPeriod = new Map<string, number[]>();
      for (const k of keys) {
        const [period, id] = k.split('|');
        byPeriod.set(period, [...(byPeriod.get(period) ?? []), Number(id)]);
      }
      const service = new IndicatorsService(db, principal, db.timezone);
      const results = new Map<string, Indicators>();
      for (const [period, ids] of byPeriod) {
        const computed = await service.forInstitutionIds(resolvePeriod(JSON.parse(period) as PeriodInput), ids);
        for (const [id, view] of computed) results.set(`${period}|${id}`, view);
      }
      return keys.map((k) => results.get(k) ?? null);
    }, opts),
    conversionFactorById: new DataLoader<number, ConversionFactorRow | null>(
      async (ids) => byKey(ids, await factorsById(db.pool, 'ConversionFactor', ids), (f) => f.id),
      opts,
    ),
    emissionFactorById: new DataLoader<number, EmissionFactorRow | null>(
      async (ids) => byKey(ids, await factorsById(db.pool, 'EmissionFactor', ids), (f) => f.id),
      opts,
    ),
    unitConversionById: new DataLoader<number, UnitConversionRow | null>(
      async (ids) => byKey(ids, await factorsById(db.pool, 'UnitConversion', ids), (f) => f.id),
      opts,
    ),
    yearClosureByYear: new DataLoader<number, YearClosureRow | null>(async (years) => byKey(years, await yearClosuresByYear(db.pool, years), (c) => c.year), opts),
    yearRecalculationById: new DataLoader<number, YearRecalculationRow | null>(
      async (ids) => byKey(ids, await yearRecalculationsById(db.pool, ids), (r) => r.id),
      opts,
    ),
  };
}
