import DataLoader from 'dataloader';
import type pg from 'pg';
import { loadFactorTable } from '../factors/reference';
import type { FactorTable } from '../factors/factor-table';
import type { LoaderOptions } from '../registry/registry.loaders';
import { stationsOfRegions } from '../weather/weather.repository';
import { buildSeries, carrierDays, temperaturesOf, type CarrierSeries, type SeriesKey } from './mv-data';
import * as frozen from './mv.repository';
import type { BaselineSet, NonRoutineEvent } from './savings';

export interface ProfileRow {
  year: number;
  headcount: number | null;
  floor_area_m2: number | null;
}

/** The data M&V reads for a contract: through loaders in a request, so a list of contracts costs a fixed number of statements. */
export interface MvSource {
  factors(): Promise<FactorTable>;
  series(key: SeriesKey): Promise<CarrierSeries[]>;
  /** Daily means of the region's station over [from, to); empty when the region has none. */
  temperatures(regionId: number, from: string, to: string): Promise<Map<string, number>>;
  profiles(institutionId: number): Promise<ProfileRow[]>;
}

const seriesKey = (k: SeriesKey) => `${k.institutionId}|${k.regionId}|${k.carriers.join(',')}|${k.from}|${k.to}`;
const spanKey = (regionId: number, from: string, to: string) => `${regionId}|${from}|${to}`;

/** Per request (or per operation outside one): M&V's reads by contract and by institution, batched. */
export function mvLoaders(pool: pg.Pool, opts: LoaderOptions = { cache: true }) {
  let factors: Promise<FactorTable> | null = null;
  const series = new DataLoader<SeriesKey, CarrierSeries[], string>(async (keys) => {
    const [table, days] = await Promise.all([source.factors(), carrierDays(pool, keys)]);
    return keys.map((k, i) => buildSeries(k, days[i], [], table));
  }, { ...opts, cacheKeyFn: seriesKey });
  const stationOfRegion = new DataLoader<number, number | null>(async (regionIds) => {
    const found = await stationsOfRegions(pool, regionIds);
    return regionIds.map((r) => found.get(r)?.id ?? null);
  }, opts);
  const temperatures = new DataLoader<{ stationId: number; from: string; to: string }, Map<string, number>, string>(
    (keys) => temperaturesOf(pool, keys),
    { ...opts, cacheKeyFn: (k) => spanKey(k.stationId, k.from, k.to) },
  );
  const profiles = new DataLoader<number, ProfileRow[]>(async (ids) => {
    const { rows } = await pool.query<ProfileRow & { institution_id: number }>(
      'SELECT institution_id, year, headcount, floor_area_m2 FROM institution_profile WHERE institution_id = ANY($1::int[])', [ids],
    );
    return ids.map((id) => rows.filter((r) => r.institution_id === id));
  }, opts);
  const source: MvSource = {
    // One look at the reference version per request, not one per contract.
    factors: () => (factors ??= loadFactorTable(pool)),
    series: (key) => series.load(key),
    temperatures: async (regionId, from, to) => {
      const stationId = await stationOfRegion.load(regionId);
      return stationId === null ? new Map() : temperatures.load({ stationId, from, to });
    },
    profiles: (id) => profiles.load(id),
  };
  return {
    source,
    baselineVersions: new DataLoader<number, BaselineSet[]>(async (ids) => {
      const found = await frozen.baselineVersions(pool, ids);
      return ids.map((id) => found.get(id) ?? []);
    }, opts),
    nonRoutineEvents: new DataLoader<number, NonRoutineEvent[]>(async (ids) => {
      const found = await frozen.nonRoutineEvents(pool, ids);
      return ids.map((id) => found.get(id) ?? []);
    }, opts),
    frozenSettlements: new DataLoader<number, Map<string, frozen.FrozenSettlement>>(async (ids) => {
      const found = await frozen.frozenSettlementsOf(pool, ids);
      return ids.map((id) => found.get(id) ?? new Map());
    }, opts),
    /** When each contract began operating (its last OPERATING step's effective time), or null. */
    operatingSince: new DataLoader<number, Date | null>(async (ids) => {
      const { rows } = await pool.query<{ contract_id: number; effective_at: Date }>(
        `SELECT DISTINCT ON (contract_id) contract_id, effective_at FROM epc_transition WHERE contract_id = ANY($1::int[]) AND to_status = 'OPERATING' ORDER BY contract_id, id DESC`, [ids],
      );
      return ids.map((id) => rows.find((r) => r.contract_id === id)?.effective_at ?? null);
    }, opts),
    regionOfInstitution: new DataLoader<number, number>(async (ids) => {
      const { rows } = await pool.query<{ id: number; region_id: number }>('SELECT id, region_id FROM institution WHERE id = ANY($1::int[])', [ids]);
      return ids.map((id) => rows.find((r) => r.id === id)?.region_id ?? new Error(`no institution ${id}`));
    }, opts),
  };
}

export type MvLoaders = ReturnType<typeof mvLoaders>;
