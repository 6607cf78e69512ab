import type pg from 'pg';
import { outsideStatementSink } from '../db/read-scope';
import { backgroundQuery } from '../db/sql-stats';

/** What the shared counter says after a take: the points its window holds now, and how many this take got. */
export interface Take {
  points: number;
  granted: number;
}

/** A take that adds its points whatever the limit (the rows of an import already done). */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * The counters every hub instance on the database shares: one row per bucket (`key:<id>`,
 * `addr:<ip>`) with the points taken in its current fixed window. One statement takes up to
 * `want` points without passing `limit`, starting the window afresh when the row's is older
 * (a row from an instance whose clock runs ahead keeps its window: counted there, never lost).
 * In `SET`, every `c.` is the row before the update, so `granted` is what this take added.
 */
export class BudgetStore {
  constructor(private readonly pool: pg.Pool) {}

  async take(bucket: string, windowStart: Date, want: number, limit: number | 'unlimited'): Promise<Take> {
    // Bookkeeping, not what the answer read: the response cache must not see it as the request writing.
    const { rows } = await outsideStatementSink(() => this.pool.query<{ points: string; granted: string }>(backgroundQuery(
      `INSERT INTO rate_counter AS c (bucket, window_start, points, granted)
       VALUES ($1, $2, LEAST($3::bigint, $4::bigint), LEAST($3::bigint, $4::bigint))
       ON CONFLICT (bucket) DO UPDATE SET
         granted = CASE WHEN c.window_start >= $2 THEN LEAST($3::bigint, GREATEST($4::bigint - c.points, 0)) ELSE LEAST($3::bigint, $4::bigint) END,
         points = CASE WHEN c.window_start >= $2 THEN c.points + LEAST($3::bigint, GREATEST($4::bigint - c.points, 0)) ELSE LEAST($3::bigint, $4::bigint) END,
         window_start = GREATEST(c.window_start, $2)
       RETURNING points, granted`,
      [bucket, windowStart, want, limit === 'unlimited' ? UNLIMITED : limit],
    )));
    return { points: Number(rows[0].points), granted: Number(rows[0].granted) };
  }
}
