import type pg from 'pg';
import { toGlobalId } from '../../global-id';
import { sqlKeyset, sqlRowsById, sqlWindow, type PageWindow, type WindowRows } from '../../db/window';
import type { Principal } from '../../access/principal';
import type { Carrier, MeterUnit } from '../metering/metering.enums';
import { meterReadSql } from '../metering/meter-scope';
import { meterReadRow } from '../metering/metering.repository';
import type { MeterReadRow } from '../metering/metering.types';
import type { InstitutionCategory, RegionLevel } from './registry.enums';
import type { AgencyRow, InstitutionProfileRow, InstitutionRow, RegionRow } from './registry.types';

/* SQL of the registry module beyond plain entity reads. Reads give plain rows (registry.types.ts), never entities. */

/** The ids of a region and of every region below it, as SQL; `param` is the region id's placeholder. */
function regionSubtreeSql(param: string): string {
  return `WITH RECURSIVE sub AS (SELECT id FROM region WHERE id = ${param} UNION ALL SELECT r.id FROM region r JOIN sub ON r.parent_id = sub.id)
     SELECT id FROM sub`;
}

interface RegionRecord {
  id: number;
  code: string;
  name: string;
  name_zh: string;
  level: RegionLevel;
  parent_id: number | null;
}

const regionRow = (r: RegionRecord): RegionRow => ({
  id: r.id,
  globalId: toGlobalId('Region', r.id),
  code: r.code,
  name: r.name,
  nameZh: r.name_zh,
  level: r.level,
  parent: r.parent_id === null ? null : { id: r.parent_id },
});

/** Which regions a list reads: of one level, right below one region (null: every one). */
export interface RegionSelection {
  level: RegionLevel | null;
  parentId: number | null;
}

const REGION_COLUMNS = 'id, code, name, name_zh, level, parent_id';

/** A window of regions in id order, one statement; the count only when asked. */
export function regionWindow(pool: pg.Pool, s: RegionSelection, window: PageWindow): Promise<WindowRows<RegionRow>> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (s.level) where.push(`level = $${params.push(s.level)}`);
  if (s.parentId) where.push(`parent_id = $${params.push(s.parentId)}`);
  return sqlWindow(pool, { select: REGION_COLUMNS, from: 'region', where, params, column: 'id' }, window, regionRow);
}

/** Regions by id (reference data: every key reads them). */
export function regionsById(pool: pg.Pool, ids: readonly number[]): Promise<RegionRow[]> {
  return sqlRowsById(pool, { select: REGION_COLUMNS, from: 'region', column: 'id' }, ids, regionRow);
}

/** The regions right below some regions, in id order, one statement. */
export async function regionsBelow(pool: pg.Pool, parentIds: readonly number[]): Promise<RegionRow[]> {
  const { rows } = await pool.query<RegionRecord>(`SELECT ${REGION_COLUMNS} FROM region WHERE parent_id = ANY($1::int[]) ORDER BY id`, [parentIds]);
  return rows.map(regionRow);
}

const INSTITUTION_COLUMNS = 'i.id, i.name, i.name_zh, i.credit_code, i.category, i.in_municipal_appraisal, i.region_id';

interface InstitutionRecord {
  id: number;
  name: string;
  name_zh: string;
  credit_code: string;
  category: InstitutionCategory;
  in_municipal_appraisal: boolean;
  region_id: number;
}

function institutionRow(r: InstitutionRecord): InstitutionRow {
  return {
    id: r.id,
    globalId: toGlobalId('Institution', r.id),
    name: r.name,
    nameZh: r.name_zh,
    creditCode: r.credit_code,
    category: r.category,
    inMunicipalAppraisal: r.in_municipal_appraisal,
    region: { id: r.region_id },
  };
}

/**
 * Which institutions a list reads, already decided by the service (access included): `ids` is the
 * key's row scope (null: all), `search` a LIKE pattern matched on the names and, when the key may
 * read it, the credit code.
 */
export interface InstitutionSelection {
  ids: number[] | null;
  regionId: number | null;
  category: InstitutionCategory | null;
  inMunicipalAppraisal: boolean | null;
  search: { like: string; creditCode: boolean } | null;
}

function institutionConditions(s: InstitutionSelection, params: unknown[]): string[] {
  const where: string[] = [];
  if (s.ids) where.push(`i.id = ANY($${params.push(s.ids)}::int[])`);
  if (s.regionId !== null) {
    // The region and every region below it, in the same statement.
    where.push(`i.region_id IN (${regionSubtreeSql(`$${params.push(s.regionId)}`)})`);
  }
  if (s.category !== null) where.push(`i.category = $${params.push(s.category)}`);
  if (s.inMunicipalAppraisal !== null) where.push(`i.in_municipal_appraisal = $${params.push(s.inMunicipalAppraisal)}`);
  if (s.search) {
    const p = `$${params.push(s.search.like)}`;
    where.push(`(i.name ILIKE ${p} OR i.name_zh ILIKE ${p}${s.search.creditCode ? ` OR i.credit_code ILIKE ${p}` : ''})`);
  }
  return where;
}

/**
 * What a list reads besides the institutions, in the same statement: each one's meters that this
 * principal may read (null: no meters), and its profiles of some years (none when empty).
 */
export interface InstitutionInclude {
  metersFor: Principal | null;
  profileYears: number[];
}

/**
 * A window of institutions and, when asked, the rows below them: each institution's meters, and
 * its profile of each year asked by `${id}:${year}` (null where there is none).
 */
export interface InstitutionWindow extends WindowRows<InstitutionRow> {
  meters: Map<number, MeterReadRow[]> | null;
  profiles: Map<string, InstitutionProfileRow | null> | null;
}

type MeterTuple = [number, Carrier, MeterUnit, string];
type ProfileTuple = [number, number, number | null, number | null, number | null, number | null];

/** A window of institutions in id order, one statement (levels below included); the count only when asked. */
export async function institutionWindow(pool: pg.Pool, s: InstitutionSelection, window: PageWindow, include: InstitutionInclude): Promise<InstitutionWindow> {
  const params: unknown[] = [];
  const where = institutionConditions(s, params);
  const countParams = [...params];
  const columns = [INSTITUTION_COLUMNS];
  const scope = include.metersFor && meterReadSql(include.metersFor, params);
  if (scope) {
    columns.push(`(SELECT coalesce(json_agg(json_build_array(m.id, m.carrier, m.unit, m.serial) ORDER BY m.id), '[]')
      FROM meter m WHERE m.institution_id = i.id AND ${scope}) AS meters`);
  }
  if (include.profileYears.length) {
    columns.push(`(SELECT json_agg(json_build_array(p.id, p.year, p.headcount, p.floor_area_m2, p.heated_area_m2, p.cooled_area_m2))
      FROM institution_profile p WHERE p.institution_id = i.id AND p.year = ANY($${params.push(include.profileYears)}::int[])) AS profiles`);
  }
  const ks = sqlKeyset(window, 'i.id', params);
  const all = [...where, ...ks.where];
  const { rows } = await pool.query<InstitutionRecord & { meters?: MeterTuple[]; profiles?: ProfileTuple[] | null }>(
    `SELECT ${columns.join(', ')} FROM institution i ${all.length ? `WHERE ${all.join(' AND ')}` : ''} ORDER BY ${ks.orderBy} LIMIT ${window.size + 1}`,
    params,
  );
  const meters = scope ? new Map<number, MeterReadRow[]>() : null;
  const profiles = include.profileYears.length ? new Map<string, InstitutionProfileRow | null>() : null;
  for (const r of rows) {
    if (profiles) for (const year of include.profileYears) profiles.set(`${r.id}:${year}`, null);
    meters?.set(r.id, (r.meters ?? []).map(([id, carrier, unit, serial]) => meterReadRow({ id, institution_id: r.id, carrier, unit, serial })));
    for (const [id, year, headcount, floor, heated, cooled] of r.profiles ?? []) {
      profiles?.set(`${r.id}:${year}`, profileRow({ id, institution_id: r.id, year, headcount, floor_area_m2: floor, heated_area_m2: heated, cooled_area_m2: cooled }));
    }
  }
  return {
    rows: rows.map(institutionRow),
    meters,
    profiles,
    count: async () => {
      const { rows: c } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM institution i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
        countParams,
      );
      return c[0].n;
    },
  };
}

/** Institutions by id (no access check: the caller reached them through a row it may read). */
export function institutionsById(pool: pg.Pool, ids: readonly number[]): Promise<InstitutionRow[]> {
  return sqlRowsById(pool, { select: INSTITUTION_COLUMNS, from: 'institution i', column: 'i.id' }, ids, institutionRow);
}

/** Institutions by unified social credit code, one statement (no access check: the caller applies the key's scope). */
export async function institutionsWithCreditCodes(pool: pg.Pool, codes: readonly string[]): Promise<InstitutionRow[]> {
  const { rows } = await pool.query<InstitutionRecord>(`SELECT ${INSTITUTION_COLUMNS} FROM institution i WHERE i.credit_code = ANY($1::text[])`, [codes]);
  return rows.map(institutionRow);
}

interface ProfileRecord {
  id: number;
  institution_id: number;
  year: number;
  headcount: number | null;
  floor_area_m2: number | null;
  heated_area_m2: number | null;
  cooled_area_m2: number | null;
}

const PROFILE_COLUMNS = 'id, institution_id, year, headcount, floor_area_m2, heated_area_m2, cooled_area_m2';

function profileRow(r: ProfileRecord): InstitutionProfileRow {
  return {
    id: r.id,
    globalId: toGlobalId('InstitutionProfile', r.id),
    institution: { id: r.institution_id },
    year: r.year,
    headcount: r.headcount,
    floorAreaM2: r.floor_area_m2,
    heatedAreaM2: r.heated_area_m2,
    cooledAreaM2: r.cooled_area_m2,
  };
}

/** Profiles by id (no access check: the caller checks the institution's scope). */
export function profilesById(pool: pg.Pool, ids: readonly number[]): Promise<InstitutionProfileRow[]> {
  return sqlRowsById(pool, { select: PROFILE_COLUMNS, from: 'institution_profile', column: 'id' }, ids, profileRow);
}

/** The profiles of (institution, year) pairs, one statement for any number of pairs. */
export async function profilesByYear(pool: pg.Pool, pairs: readonly (readonly [number, number])[]): Promise<InstitutionProfileRow[]> {
  const { rows } = await pool.query<ProfileRecord>(
    `SELECT ${PROFILE_COLUMNS} FROM institution_profile
      WHERE (institution_id, year) IN (SELECT * FROM unnest($1::int[], $2::int[]))`,
    [pairs.map(([i]) => i), pairs.map(([, y]) => y)],
  );
  return rows.map(profileRow);
}

/** Every profile of the institutions, oldest first. */
export async function profilesOf(pool: pg.Pool, institutionIds: readonly number[]): Promise<InstitutionProfileRow[]> {
  const { rows } = await pool.query<ProfileRecord>(
    `SELECT ${PROFILE_COLUMNS} FROM institution_profile WHERE institution_id = ANY($1::int[]) ORDER BY year, id`,
    [institutionIds],
  );
  return rows.map(profileRow);
}

interface AgencyRecord {
  id: number;
  code: string;
  name: string;
  name_zh: string;
}

const agencyRow = (r: AgencyRecord): AgencyRow => ({ id: r.id, globalId: toGlobalId('Agency', r.id), code: r.code, name: r.name, nameZh: r.name_zh });

/** Agencies by id (the agencies taking part are public). */
export function agenciesById(pool: pg.Pool, ids: readonly number[]): Promise<AgencyRow[]> {
  return sqlRowsById(pool, { select: 'id, code, name, name_zh', from: 'agency', column: 'id' }, ids, agencyRow);
}

/** The agency of a code, if there is one. */
export async function agencyByCode(pool: pg.Pool, code: string): Promise<AgencyRow | null> {
  const { rows } = await pool.query<AgencyRecord>('SELECT id, code, name, name_zh FROM agency WHERE code = $1', [code]);
  return rows.length ? agencyRow(rows[0]) : null;
}
