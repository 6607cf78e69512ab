import type pg from 'pg';
import type { InstitutionInfo } from '../accounting/figures';
import type { FactorTable } from './factor-table';
import { loadFactorsAndRegions, type RegionRow } from './factors.service';

/** What every figure needs besides the figures: rarely written, read on every indicator request. */
export interface Reference {
  version: string;
  factors: FactorTable;
  regions: RegionRow[];
  /** Region id to the ids of its child regions. */
  children: Map<number, number[]>;
  institutions: InstitutionInfo[];
  byId: Map<number, InstitutionInfo>;
  closedYears: Set<number>;
  /** Closed years with readings written since closing (or the last recalculation). */
  pendingYears: Set<number>;
}

interface Cached {
  current: Reference | null;
  loading: Map<string, Promise<Reference>>;
}

// Per pool, so two hubs (or a test's hubs) on different databases never share.
const cache = new WeakMap<pg.Pool, Cached>();

/** Read on every request that needs the reference: named, so each connection plans it once. */
const READ_VERSION = { name: 'ewc_reference_version', text: 'SELECT version::text FROM reference_version' };

/**
 * The reference data, from memory while `reference_version` has not moved (one tiny statement),
 * loaded again when it has. Triggers move the version on every write to these tables, from the hub
 * or not, in the writer's transaction: data read after seeing a version is at least that new.
 */
export async function loadReference(pool: pg.Pool): Promise<Reference> {
  let entry = cache.get(pool);
  if (!entry) cache.set(pool, (entry = { current: null, loading: new Map() }));
  const { rows: [{ version }] } = await pool.query<{ version: string }>(READ_VERSION);
  if (entry.current?.version === version) return entry.current;
  const { loading } = entry;
  let pending = loading.get(version);
  if (!pending) {
    // Requests arriving while it loads share the one load.
    pending = fetchReference(pool, version).finally(() => loading.delete(version));
    loading.set(version, pending);
  }
  const ref = await pending;
  // Keep the newest: a slow load of an older version must not replace a newer one.
  if (!entry.current || BigInt(ref.version) > BigInt(entry.current.version)) entry.current = ref;
  return ref;
}

async function fetchReference(pool: pg.Pool, version: string): Promise<Reference> {
  const [{ factors, regions }, institutions, closed] = await Promise.all([
    loadFactorsAndRegions(pool),
    pool.query<{ id: number; region_id: number; category: string; in_municipal_appraisal: boolean }>(
      'SELECT id, region_id, category, in_municipal_appraisal FROM institution ORDER BY id',
    ),
    pool.query<{ year: number; pending: boolean }>('SELECT year, pending_rows > 0 AS pending FROM year_closure'),
  ]);
  const list = institutions.rows.map((r) => ({ id: r.id, regionId: r.region_id, category: r.category, inMunicipalAppraisal: r.in_municipal_appraisal }));
  const children = new Map<number, number[]>();
  for (const r of regions) if (r.parent_id !== null) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r.id]);
  return { version, factors, regions, children, institutions: list, byId: new Map(list.map((i) => [i.id, i])), closedYears: new Set(closed.rows.map((r) => r.year)), pendingYears: new Set(closed.rows.filter((r) => r.pending).map((r) => r.year)) };
}

/** The factor tables alone (see `loadReference`). */
export async function loadFactorTable(pool: pg.Pool): Promise<FactorTable> {
  return (await loadReference(pool)).factors;
}
