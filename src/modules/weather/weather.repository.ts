import type pg from 'pg';
import { sqlKeyset, type PageWindow } from '../../db/window';

/** SQL of the weather module: stations and daily mean temperatures (°C). */
export interface StationRow {
  id: number;
  code: string;
  name: string;
  region_id: number | null;
  source: string;
  created_at: Date;
}

const STATION = 'SELECT id, code, name, region_id, source, created_at FROM weather_station';

export async function listStations(pool: pg.Pool, window: PageWindow): Promise<StationRow[]> {
  const params: unknown[] = [];
  const ks = sqlKeyset(window, 'id', params);
  const where = ks.where.length ? `WHERE ${ks.where.join(' AND ')}` : '';
  return (await pool.query<StationRow>(`${STATION} ${where} ORDER BY ${ks.orderBy} LIMIT $${params.push(window.size + 1)}`, params)).rows;
}

export async function countStations(pool: pg.Pool): Promise<number> {
  return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM weather_station')).rows[0].n;
}

export async function stationsById(pool: pg.Pool, ids: readonly number[]): Promise<StationRow[]> {
  return (await pool.query<StationRow>(`${STATION} WHERE id = ANY($1::int[])`, [ids])).rows;
}

/** The station of each region: its own, else the nearest region up the tree that has one. */
export async function stationsOfRegions(pool: pg.Pool, regionIds: readonly number[]): Promise<Map<number, StationRow>> {
  const { rows } = await pool.query<StationRow & { for_region: number }>(
    `WITH RECURSIVE up AS (SELECT r.id AS for_region, r.id, r.parent_id, 0 AS depth FROM region r WHERE r.id = ANY($1::int[])
                           UNION ALL SELECT up.for_region, r.id, r.parent_id, up.depth + 1 FROM region r JOIN up ON r.id = up.parent_id)
     SELECT DISTINCT ON (up.for_region) up.for_region, s.id, s.code, s.name, s.region_id, s.source, s.created_at
       FROM up JOIN weather_station s ON s.region_id = up.id ORDER BY up.for_region, up.depth, s.id`,
    [regionIds],
  );
  return new Map(rows.map((r) => [r.for_region, r]));
}

export interface DayRow {
  day: string;
  mean_temp_c: number;
  source: string;
}

export async function stationDays(pool: pg.Pool, stationId: number, from: string, to: string): Promise<DayRow[]> {
  const { rows } = await pool.query<DayRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, mean_temp_c, source FROM weather_day WHERE station_id = $1 AND day >= $2::date AND day < $3::date ORDER BY day`,
    [stationId, from, to],
  );
  return rows;
}

/** Daily means of a station over [from, to), by day. */
export async function temperatures(pool: pg.Pool, stationId: number, from: string, to: string): Promise<Map<string, number>> {
  return new Map((await stationDays(pool, stationId, from, to)).map((r) => [r.day, r.mean_temp_c]));
}

export async function stationIdsByCode(client: pg.PoolClient, codes: string[]): Promise<Map<string, number>> {
  const { rows } = await client.query<{ id: number; code: string }>('SELECT id, code FROM weather_station WHERE code = ANY($1::text[])', [codes]);
  return new Map(rows.map((r) => [r.code, r.id]));
}

export async function regionExists(client: pg.PoolClient, regionId: number): Promise<boolean> {
  return Boolean((await client.query('SELECT 1 FROM region WHERE id = $1', [regionId])).rowCount);
}

/** Stations that already hold the code or the region (a new station may take neither). */
export async function stationsWithCodeOrRegion(client: pg.PoolClient, code: string, regionId: number | null): Promise<{ code: string; region_id: number | null }[]> {
  return (await client.query<{ code: string; region_id: number | null }>('SELECT code, region_id FROM weather_station WHERE code = $1 OR region_id = $2', [code, regionId])).rows;
}

export async function insertStation(client: pg.PoolClient, s: { code: string; name: string; regionId: number | null; source: string }): Promise<number> {
  const { rows } = await client.query<{ id: number }>('INSERT INTO weather_station (code, name, region_id, source) VALUES ($1, $2, $3, $4) RETURNING id', [s.code, s.name, s.regionId, s.source]);
  return rows[0].id;
}

/** Upserts days (a corrected day replaces the old value); returns how many rows changed. */
export async function upsertDays(client: pg.PoolClient, rows: { stationId: number; day: string; meanTempC: number; source: string }[], by: string): Promise<number> {
  const r = await client.query(
    `INSERT INTO weather_day (station_id, day, mean_temp_c, source, imported_by)
     SELECT s, d, t, src, $5 FROM unnest($1::int[], $2::date[], $3::float8[], $4::text[]) AS u(s, d, t, src)
     ON CONFLICT (station_id, day) DO UPDATE SET mean_temp_c = EXCLUDED.mean_temp_c, source = EXCLUDED.source, imported_by = EXCLUDED.imported_by, imported_at = now()
       WHERE weather_day.mean_temp_c IS DISTINCT FROM EXCLUDED.mean_temp_c OR weather_day.source IS DISTINCT FROM EXCLUDED.source`,
    [rows.map((r) => r.stationId), rows.map((r) => r.day), rows.map((r) => r.meanTempC), rows.map((r) => r.source), by],
  );
  return r.rowCount ?? 0;
}
