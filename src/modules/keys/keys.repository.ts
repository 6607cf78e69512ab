import type pg from 'pg';
import { toGlobalId } from '../../global-id';
import { sqlKeyset, sqlRowsById, type PageWindow, type WindowRows } from '../../db/window';
import type { KeyRole } from '../../access/access.enums';
import type { ApiKeyRow } from './keys.types';

/* SQL of the keys module's reads: plain rows (keys.types.ts), never entities; writes use the entity. */

interface ApiKeyRecord {
  id: number;
  name: string;
  prefix: string;
  role: KeyRole;
  agency_id: number | null;
  institution_id: number | null;
  esco_id: number | null;
  budget: number | null;
  created_at: Date;
  revoked_at: Date | null;
}

// Never the hash: a read has no use for it.
const API_KEY_COLUMNS = 'id, name, prefix, role, agency_id, institution_id, esco_id, budget, created_at, revoked_at';

const ref = (id: number | null) => (id === null ? null : { id });

function apiKeyRow(r: ApiKeyRecord): ApiKeyRow {
  return {
    id: r.id,
    globalId: toGlobalId('ApiKey', r.id),
    name: r.name,
    prefix: r.prefix,
    role: r.role,
    agency: ref(r.agency_id),
    institution: ref(r.institution_id),
    esco: ref(r.esco_id),
    budget: r.budget,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/** Keys newest first in a window, one statement; the count only when asked. */
export async function apiKeyWindow(pool: pg.Pool, window: PageWindow): Promise<WindowRows<ApiKeyRow>> {
  const params: unknown[] = [];
  const ks = sqlKeyset(window, 'id', params, 'desc');
  const { rows } = await pool.query<ApiKeyRecord>(
    `SELECT ${API_KEY_COLUMNS} FROM api_key ${ks.where.length ? `WHERE ${ks.where.join(' AND ')}` : ''} ORDER BY ${ks.orderBy} LIMIT ${window.size + 1}`,
    params,
  );
  return {
    rows: rows.map(apiKeyRow),
    count: async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM api_key')).rows[0].n,
  };
}

/** Keys by id, one statement. */
export function apiKeysById(pool: pg.Pool, ids: readonly number[]): Promise<ApiKeyRow[]> {
  return sqlRowsById(pool, { select: API_KEY_COLUMNS, from: 'api_key', column: 'id' }, ids, apiKeyRow);
}
