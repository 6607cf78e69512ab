import DataLoader from 'dataloader';
import type pg from 'pg';
import { loadFactorTable } from '../factors/reference';
import type { FactorTable } from '../factors/factor-table';
import type { LoaderOptions } from '../registry/registry.loaders';
import { stationsOfRegions } from '../weather/weather.repository';
import { buildSeries, carrierDays, readingSpans, temperaturesOf, type CarrierSeries, type SeriesKey } from './mv-data';
import { storedFigures, storeLiveBaselines, storeMonthFigures, type FigureKey, type LiveBaselineRow, type MonthFigureRow, type StoredFigures } from './mv-figures.repository';
import * as frozen from './mv.repository';
import type { BaselineSet, NonRoutineEvent } from './savings';

export interface ProfileRow {
  year: number;
  headcount: number | null;
  floor_area_m2: number | null;
}

/** The data M&V reads for a contract: through loaders in a request, so a list of contracts costs a fixed number of statements. */
export interface MvSource {
  /** Each carrier's days over [from, to); with `granularity`, also the readings' median span (what a fit needs). */
  series(key: SeriesKey, granularity?: boolean): Promise<CarrierSeries[]>;
  /** The region's station (its own or the nearest up the tree) and its daily means over [from, to); none: null and an empty map. */
  weather(regionId: number, from: string, to: string): Promise<{ stationId: number | null; temps: Map<string, number> }>;
  profiles(institutionId: number): Promise<ProfileRow[]>;
}

const seriesKey = (k: SeriesKey) => `${k.institutionId}|${k.regionId}|${k.carriers.join(',')}|${k.from}|${k.to}`;

/**
 * M&V's reads by contract, institution and region, batched: per request (cached), per
 * subscription operation (batched, not cached), or for one write (a fresh set, so a fit reads the
 * data as it is now).
 */
export function mvLoaders(pool: pg.Pool, opts: LoaderOptions = { cache: true }) {
  return {
    source: dataSource(pool, opts),
    /**
     * Stored figures of whole months and live fits, with the hash of their inputs now (one
     * statement per batch), and a data source of their own whose reads all come after that hash:
     * what is measured with it and stored under the hash is never older than the hash says.
     */
    figures: new DataLoader<FigureKey, StoredFigures & { source: MvSource }, string>(async (keys) => {
      const stored = await storedFigures(pool, keys);
      const after = dataSource(pool, opts);
      return stored.map((s) => ({ ...s, source: after }));
    }, {
      ...opts,
      cacheKeyFn: (k) => `${k.contractId}|${k.from}|${k.to}|${k.carriers.join(',')}|${k.prefix}|${k.live?.prefix ?? ''}`,
    }),
    /** Measured months to keep, written in one statement per batch. */
    storeMonth: new DataLoader<MonthFigureRow, true, string>(async (rows) => {
      await storeMonthFigures(pool, rows);
      return rows.map(() => true as const);
    }, { ...opts, cacheKeyFn: (r) => `${r.contractId}|${r.month}|${r.inputs}` }),
    storeLiveBaseline: new DataLoader<LiveBaselineRow, true, string>(async (rows) => {
      await storeLiveBaselines(pool, rows);
      return rows.map(() => true as const);
    }, { ...opts, cacheKeyFn: (r) => `${r.contractId}|${r.inputs}` }),
    contract: contractRecords(pool, opts),
  };
}

/** Meter days, temperatures and profiles, batched (cached with `opts.cache`). */
function dataSource(pool: pg.Pool, opts: LoaderOptions): MvSource {
  // The factor table is itself cached per pool while its version holds (one small statement): once per request.
  let factors: Promise<FactorTable> | null = null;
  const factorTable = () => (opts.cache ? (factors ??= loadFactorTable(pool)) : loadFactorTable(pool));
  const days = new DataLoader<SeriesKey, Awaited<ReturnType<typeof carrierDays>>[number], string>((keys) => carrierDays(pool, keys), { ...opts, cacheKeyFn: seriesKey });
  const spans = new DataLoader<SeriesKey, Awaited<ReturnType<typeof readingSpans>>[number], string>((keys) => readingSpans(pool, keys), { ...opts, cacheKeyFn: seriesKey });
  const stationOfRegion = new DataLoader<number, number | null>(async (regionIds) => {
    const found = await stationsOfRegions(pool, regionIds);
    return regionIds.map((r) => found.get(r)?.id ?? null);
  }, opts);
  const temperatures = new DataLoader<{ stationId: number; from: string; to: string }, Map<string, number>, string>((keys) => temperaturesOf(pool, keys), {
    ...opts,
    cacheKeyFn: (k) => `${k.stationId}|${k.from}|${k.to}`,
  });
  const profiles = new DataLoader<number, ProfileRow[]>(async (ids) => {
    const { rows } = await pool.query<ProfileRow & { institution_id: number }>(
      'SELECT institution_id, year, headcount, floor_area_m2 FROM institution_profile WHERE institution_id = ANY($1::int[])',
      [ids],
    );
    return ids.map((id) => rows.filter((r) => r.institution_id === id));
  }, opts);

  return {
    series: async (key, granularity = false) => {
      const [table, d, s] = await Promise.all([factorTable(), days.load(key), granularity ? spans.load(key) : Promise.resolve([])]);
      return buildSeries(key, d, s, table);
    },
    weather: async (regionId, from, to) => {
      const stationId = await stationOfRegion.load(regionId);
      return { stationId, temps: stationId === null ? new Map<string, number>() : await temperatures.load({ stationId, from, to }) };
    },
    profiles: (id) => profiles.load(id),
  };
}

/**
 * Everything M&V reads by contract, in one batch: every field of every contract in a list
 * waits on the same statements, so the reads that follow (series, temperatures) fall in the
 * same batches whatever the timing of the database: a fixed, repeatable number of statements.
 */
function contractRecords(pool: pg.Pool, opts: LoaderOptions) {
  return new DataLoader<number, ContractMv>(async (ids) => {
    const [versions, events, settled, operating, payments, regions] = await Promise.all([
      frozen.baselineVersions(pool, ids),
      frozen.nonRoutineEvents(pool, ids),
      frozen.frozenSettlementsOf(pool, ids),
      frozen.operatingSince(pool, ids),
      frozen.paymentAmounts(pool, ids),
      frozen.regionsOfContracts(pool, ids),
    ]);
    return ids.map((id) =>
      regions.has(id)
        ? {
            baselineVersions: versions.get(id) ?? [],
            nonRoutineEvents: events.get(id) ?? [],
            frozenSettlements: settled.get(id) ?? new Map(),
            operatingSince: operating.get(id) ?? null,
            paymentAmounts: payments.get(id) ?? [],
            regionId: regions.get(id)!,
          }
        : new Error(`no EPC contract ${id}`),
    );
  }, opts);
}

/** A contract's M&V records: frozen baselines, events, settlements frozen by payments, when it began operating, payments, its site's region. */
export interface ContractMv {
  baselineVersions: BaselineSet[];
  nonRoutineEvents: NonRoutineEvent[];
  frozenSettlements: Map<string, frozen.FrozenSettlement>;
  /** Its last OPERATING step's effective time, or null. */
  operatingSince: Date | null;
  /** Payment amounts in yuan, exact decimal text. */
  paymentAmounts: string[];
  regionId: number;
}

export type MvLoaders = ReturnType<typeof mvLoaders>;
