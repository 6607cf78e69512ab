import type pg from 'pg';
import { toGlobalId } from '../../global-id';
import type { TargetKind } from './targets.enums';
import type { CityTargetRow } from './targets.types';

/* SQL of the targets module's reads: plain rows (targets.types.ts), never entities; writes use the entity. */

interface CityTargetRecord {
  id: number;
  year: number;
  kind: TargetKind;
  /** numeric(5,4) as text, exact (as the entity's decimal gives it). */
  share: string;
}

const cityTargetRow = (r: CityTargetRecord): CityTargetRow => ({
  id: r.id,
  globalId: toGlobalId('CityTarget', r.id),
  year: r.year,
  kind: r.kind,
  share: r.share,
  value: Number(r.share),
});

/** The targets of some years (every year when null), oldest year first, then by kind. */
export async function cityTargetsOf(pool: pg.Pool, years: readonly number[] | null): Promise<CityTargetRow[]> {
  const { rows } = await pool.query<CityTargetRecord>(
    `SELECT id, year, kind, share FROM city_target ${years ? 'WHERE year = ANY($1::int[])' : ''} ORDER BY year, kind`,
    years ? [years] : [],
  );
  return rows.map(cityTargetRow);
}

/** One target by id. */
export async function cityTargetById(pool: pg.Pool, id: number): Promise<CityTargetRow | null> {
  const { rows } = await pool.query<CityTargetRecord>('SELECT id, year, kind, share FROM city_target WHERE id = $1', [id]);
  return rows.length ? cityTargetRow(rows[0]) : null;
}
