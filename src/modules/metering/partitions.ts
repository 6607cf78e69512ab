import type pg from 'pg';
import { logger } from '../../logger';

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** Months made ahead of today, so a day's readings never wait for a partition to be created. */
export const MONTHS_AHEAD = 3;

/**
 * Makes the monthly `reading` partitions covering [from, to] that are missing (the SQL function
 * of migration "partitions"). Call it outside the transaction that writes the readings: creating
 * a partition locks the parent table, and a long import must not hold that lock.
 */
export async function ensureReadingPartitions(q: Queryable, from: Date, to: Date): Promise<number> {
  // Partitions are never dropped by the hub, so months seen once need no statement again.
  const months = monthsOf(from, to);
  const known = knownMonths.get(q) ?? new Set<number>();
  knownMonths.set(q, known);
  if (months.length && months.every((m) => known.has(m))) return 0;
  // `to` is a period start: the month holding it must exist too.
  const made = await makePartitions(q, from, to);
  for (const m of months) known.add(m);
  if (made) logger.info('reading partitions created', { made, from: from.toISOString(), to: to.toISOString() });
  return made;
}

const knownMonths = new WeakMap<object, Set<number>>();

/**
 * Two batches into a new month at once both see it missing and both create it: the loser gets
 * duplicate_table (or a unique violation on the catalog). The month exists then: check again.
 */
async function makePartitions(q: Queryable, from: Date, to: Date): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { rows } = await q.query<{ made: number }>('SELECT ewc_ensure_reading_partitions($1, $2::timestamptz + interval \'1 microsecond\') AS made', [from, to]);
      return rows[0].made;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 3 || (code !== '42P07' && code !== '23505')) throw err;
    }
  }
}

/** UTC months (as their first millisecond) from the one holding `from` to the one holding `to`; empty past 100 years. */
function monthsOf(from: Date, to: Date): number[] {
  const out: number[] = [];
  let y = from.getUTCFullYear();
  let m = from.getUTCMonth();
  for (let t = Date.UTC(y, m, 1); t <= to.getTime() && out.length <= 1200; t = Date.UTC(y, ++m, 1)) out.push(t);
  return out.length > 1200 ? [] : out;
}

/** Partitions from last month to MONTHS_AHEAD months ahead: run at start and then daily. */
export function ensurePartitionsAhead(q: Queryable, now = new Date()): Promise<number> {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + MONTHS_AHEAD + 1, 1) - 1);
  return ensureReadingPartitions(q, from, to);
}
