import type pg from 'pg';
import type { BaselineSet, MonthSavings } from './savings';

/**
 * SQL of the stored M&V figures (migration 20261204060000): each contract's measured months and,
 * before signing, its live baseline fit, each kept with a hash of its inputs.
 *
 * The hash of a month's inputs is taken in SQL from row versions (`xmin`, which every insert,
 * update or upsert of a row renews, whoever writes it: the hub, an import or psql): the meters of
 * the measured carriers and their monthly totals (the rollup rewrites a month's total whenever a day
 * of it changes), the station's temperatures of the month, the institution's profiles and the
 * conversion factors (not the whole reference version: an institution added anywhere, or a reading
 * sent into a closed year, moves that). What the hub read before asking (the contract's terms, its
 * baseline, its events, the maths' version) comes in as `prefix`. Everything a measurement then
 * reads is read after the hash, so figures stored under a hash are at least as new as it: a change
 * after it moves the hash, and the month is measured again on the next read.
 */

/** A contract's whole months [from, to), with what the hub read first. */
export interface FigureKey {
  contractId: number;
  institutionId: number;
  regionId: number;
  carriers: readonly string[];
  from: string;
  to: string;
  /** The baseline's inputs as the hub read them (terms, frozen version, events, maths version). */
  prefix: string;
  /** A baseline fitted live (no frozen version yet): its span and the terms it is fitted on. */
  live: { from: string; to: string; prefix: string } | null;
}

export interface StoredMonth {
  month: string;
  /** The hash of its inputs now. */
  inputs: string;
  /** Stored figures computed from these inputs, or null: to measure (and store). */
  figures: MonthSavings | null;
}

export interface StoredFigures {
  months: StoredMonth[];
  /** With `live`: the inputs of the live fit now and the stored fit for them, if any. */
  live: { inputs: string; baseline: BaselineSet | null } | null;
}

/** Stored figures for many keys in one statement, each with the hash of its inputs now. */
export async function storedFigures(pool: pg.Pool, keys: readonly FigureKey[]): Promise<StoredFigures[]> {
  const { rows } = await pool.query<{ n: number; month: string | null; inputs: string; figures: MonthSavings | BaselineSet | null }>(
    `WITH RECURSIVE
     k AS (SELECT u.n::int AS n, u.contract_id, u.institution_id, u.region_id, string_to_array(u.carriers, ',') AS carriers, u.f, u.t, u.lf, u.lt, u.prefix, u.live_prefix
             FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::date[], $6::date[], $7::date[], $8::date[], $9::text[], $10::text[])
                  WITH ORDINALITY AS u(contract_id, institution_id, region_id, carriers, f, t, lf, lt, prefix, live_prefix, n)),
     -- The region's station, or the nearest up the tree (as weather.repository's stationsOfRegions).
     up AS (SELECT k.n, r.id, r.parent_id, 0 AS depth FROM k JOIN region r ON r.id = k.region_id
            UNION ALL SELECT up.n, r.id, r.parent_id, up.depth + 1 FROM region r JOIN up ON r.id = up.parent_id),
     st AS (SELECT DISTINCT ON (up.n) up.n, s.id AS station_id FROM up JOIN weather_station s ON s.region_id = up.id ORDER BY up.n, up.depth, s.id),
     ks AS (SELECT k.*, st.station_id,
                   concat_ws('|', (SELECT string_agg(f.id::text || ':' || f.xmin::text, ',' ORDER BY f.id) FROM conversion_factor f),
                     (SELECT string_agg(u.id::text || ':' || u.xmin::text, ',' ORDER BY u.id) FROM unit_conversion u), st.station_id::text,
                     (SELECT string_agg(m.id::text || ':' || m.xmin::text, ',' ORDER BY m.id) FROM meter m WHERE m.institution_id = k.institution_id AND m.carrier::text = ANY(k.carriers)),
                     (SELECT string_agg(p.year::text || ':' || p.xmin::text, ',' ORDER BY p.year) FROM institution_profile p WHERE p.institution_id = k.institution_id)) AS fixed
              FROM k LEFT JOIN st ON st.n = k.n),
     km AS (SELECT ks.n, m::date AS month, false AS live FROM ks CROSS JOIN generate_series(ks.f::timestamp, ks.t::timestamp - interval '1 day', interval '1 month') m
            UNION ALL
            SELECT ks.n, m::date, true FROM ks CROSS JOIN generate_series(ks.lf::timestamp, ks.lt::timestamp - interval '1 day', interval '1 month') m WHERE ks.lf IS NOT NULL),
     ms AS (SELECT km.n, km.month, km.live, concat_ws('|',
                     (SELECT string_agg(mm.meter_id::text || ':' || mm.xmin::text, ',' ORDER BY mm.meter_id)
                        FROM meter m JOIN meter_month mm ON mm.meter_id = m.id AND mm.month = km.month
                       WHERE m.institution_id = ks.institution_id AND m.carrier::text = ANY(ks.carriers)),
                     (SELECT string_agg(w.day::text || ':' || w.xmin::text, ',' ORDER BY w.day) FROM weather_day w
                       WHERE w.station_id = ks.station_id AND w.day >= km.month AND w.day < km.month + interval '1 month')) AS data
              FROM km JOIN ks ON ks.n = km.n),
     ls AS (SELECT ks.n, ks.contract_id, md5(ks.live_prefix || '#' || ks.fixed || '#' || string_agg(ms.data, '#' ORDER BY ms.month)) AS inputs
              FROM ks JOIN ms ON ms.n = ks.n AND ms.live GROUP BY ks.n, ks.contract_id, ks.live_prefix, ks.fixed),
     mi AS (SELECT ks.n, ks.contract_id, ms.month, md5(ks.prefix || '#' || coalesce(ls.inputs, '') || '#' || ks.fixed || '#' || ms.data) AS inputs
              FROM ks JOIN ms ON ms.n = ks.n AND NOT ms.live LEFT JOIN ls ON ls.n = ks.n)
     SELECT ls.n, NULL AS month, ls.inputs, CASE WHEN b.inputs = ls.inputs THEN b.models END AS figures
       FROM ls LEFT JOIN epc_live_baseline b ON b.contract_id = ls.contract_id
     UNION ALL
     SELECT mi.n, to_char(mi.month, 'YYYY-MM-DD'), mi.inputs, CASE WHEN f.inputs = mi.inputs THEN f.figures END
       FROM mi LEFT JOIN epc_month_figure f ON f.contract_id = mi.contract_id AND f.month = mi.month`,
    [
      keys.map((k) => k.contractId), keys.map((k) => k.institutionId), keys.map((k) => k.regionId), keys.map((k) => k.carriers.join(',')),
      keys.map((k) => k.from), keys.map((k) => k.to), keys.map((k) => k.live?.from ?? null), keys.map((k) => k.live?.to ?? null),
      keys.map((k) => k.prefix), keys.map((k) => k.live?.prefix ?? ''),
    ],
  );
  const out: StoredFigures[] = keys.map(() => ({ months: [], live: null }));
  for (const r of rows) {
    const into = out[r.n - 1];
    if (r.month === null) into.live = { inputs: r.inputs, baseline: r.figures as BaselineSet | null };
    else into.months.push({ month: r.month, inputs: r.inputs, figures: r.figures as MonthSavings | null });
  }
  for (const o of out) o.months.sort((a, b) => (a.month < b.month ? -1 : 1));
  return out;
}

export interface MonthFigureRow {
  contractId: number;
  month: string;
  inputs: string;
  figures: MonthSavings;
}

/**
 * Stores measured months (a newer measurement replaces an older one). Rows in a fixed order, so
 * two requests storing the same months lock them in the same order.
 */
export async function storeMonthFigures(pool: pg.Pool, rows: readonly MonthFigureRow[]): Promise<void> {
  const byKey = new Map(rows.map((r) => [`${r.contractId}|${r.month}`, r]));
  const list = [...byKey.values()].sort((a, b) => a.contractId - b.contractId || (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  await pool.query(
    `INSERT INTO epc_month_figure (contract_id, month, inputs, figures)
     SELECT * FROM unnest($1::int[], $2::date[], $3::text[], $4::jsonb[])
     ON CONFLICT (contract_id, month) DO UPDATE SET inputs = excluded.inputs, figures = excluded.figures, computed_at = excluded.computed_at`,
    [list.map((r) => r.contractId), list.map((r) => r.month), list.map((r) => r.inputs), list.map((r) => JSON.stringify(r.figures))],
  );
}

export interface LiveBaselineRow {
  contractId: number;
  inputs: string;
  baseline: BaselineSet;
}

/** Stores live baseline fits (before signing), replacing older ones. */
export async function storeLiveBaselines(pool: pg.Pool, rows: readonly LiveBaselineRow[]): Promise<void> {
  const list = [...new Map(rows.map((r) => [r.contractId, r])).values()].sort((a, b) => a.contractId - b.contractId);
  await pool.query(
    `INSERT INTO epc_live_baseline (contract_id, inputs, models)
     SELECT * FROM unnest($1::int[], $2::text[], $3::jsonb[])
     ON CONFLICT (contract_id) DO UPDATE SET inputs = excluded.inputs, models = excluded.models, computed_at = excluded.computed_at`,
    [list.map((r) => r.contractId), list.map((r) => r.inputs), list.map((r) => JSON.stringify(r.baseline))],
  );
}
