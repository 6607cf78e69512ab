import type pg from 'pg';
import { toGlobalId } from '../../global-id';
import { sqlKeyset, type PageWindow, type WindowRows } from '../../db/window';
import type { Carrier } from '../metering/metering.enums';
import type { ConversionFactorRow, EmissionFactorRow, UnitConversionRow } from './factors.types';

/* SQL of the factors module. Reads give plain rows (factors.types.ts), never entities. */

/** The four small tables turning quantities into kgce and kgCO2, and the region tree, as JSON arrays in one row. */
export interface FactorAndRegionRows {
  conversions: unknown[];
  emissions: unknown[];
  units: unknown[];
  regions: unknown[];
}

/** One statement, so a request pays one round trip for them, not five. */
export async function factorAndRegionRows(pool: pg.Pool): Promise<FactorAndRegionRows> {
  const version = `id, to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"`;
  const rows = (from: string) => `coalesce((SELECT json_agg(t) FROM (${from}) t), '[]')`;
  const { rows: [r] } = await pool.query<FactorAndRegionRows>(
    `SELECT ${rows(`SELECT ${version}, carrier, unit, kgce_per_unit AS "kgcePerUnit" FROM conversion_factor`)} AS conversions,
            ${rows(`SELECT ${version}, carrier, scope, unit, kg_co2_per_unit AS "kgCo2PerUnit", region_id FROM emission_factor`)} AS emissions,
            ${rows(`SELECT ${version}, carrier, from_unit AS "fromUnit", to_unit AS "toUnit", factor FROM unit_conversion`)} AS units,
            ${rows('SELECT id, parent_id FROM region')} AS regions`,
  );
  return r;
}

/** Each factor table's row as reads give it: the version columns, then its own. */
const FACTOR_TABLES = {
  ConversionFactor: { table: 'conversion_factor', columns: 'carrier, unit, kgce_per_unit AS "kgcePerUnit"' },
  EmissionFactor: { table: 'emission_factor', columns: `carrier, scope, unit, kg_co2_per_unit AS "kgCo2PerUnit", CASE WHEN region_id IS NULL THEN NULL ELSE json_build_object('id', region_id) END AS region` },
  UnitConversion: { table: 'unit_conversion', columns: 'carrier, from_unit AS "fromUnit", to_unit AS "toUnit", factor' },
} as const;

interface FactorRows {
  ConversionFactor: ConversionFactorRow;
  EmissionFactor: EmissionFactorRow;
  UnitConversion: UnitConversionRow;
}

export type FactorType = keyof FactorRows;

// Dates as the entities give them (YYYY-MM-DD text): pg would make a local-midnight Date of a `date`.
const VERSION_COLUMNS = `id, to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo", source, created_at AS "createdAt", created_by AS "createdBy"`;

async function factorRows<T extends FactorType>(pool: pg.Pool, type: T, where: string[], tail: string, params: unknown[]): Promise<FactorRows[T][]> {
  const { table, columns } = FACTOR_TABLES[type];
  const { rows } = await pool.query<Omit<FactorRows[T], 'globalId'>>(
    `SELECT ${VERSION_COLUMNS}, ${columns} FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${tail}`,
    params,
  );
  return rows.map((r) => ({ ...r, globalId: toGlobalId(type, r.id) }) as FactorRows[T]);
}

/** Which versions a list reads: of one carrier, valid on one day (YYYY-MM-DD). */
export interface FactorSelection {
  carrier?: Carrier | null;
  validOn?: string | null;
}

/** A window of a factor table's versions in id order; the count only when asked. */
export async function factorWindow<T extends FactorType>(pool: pg.Pool, type: T, s: FactorSelection | undefined, window: PageWindow): Promise<WindowRows<FactorRows[T]>> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (s?.carrier) where.push(`carrier = $${params.push(s.carrier)}`);
  if (s?.validOn) {
    const day = `$${params.push(s.validOn)}::date`;
    where.push(`valid_from <= ${day} AND (valid_to IS NULL OR valid_to > ${day})`);
  }
  const countParams = [...params];
  const ks = sqlKeyset(window, 'id', params);
  const rows = await factorRows(pool, type, [...where, ...ks.where], `ORDER BY ${ks.orderBy} LIMIT ${window.size + 1}`, params);
  return {
    rows,
    count: async () => {
      const { rows: c } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${FACTOR_TABLES[type].table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, countParams);
      return c[0].n;
    },
  };
}

/** Versions of a factor table by id, one statement. */
export function factorsById<T extends FactorType>(pool: pg.Pool, type: T, ids: readonly number[]): Promise<FactorRows[T][]> {
  return factorRows(pool, type, ['id = ANY($1::int[])'], '', [ids]);
}
