import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { localTime } from '../imports/reading-row';
import { loadReference } from '../factors/reference';

/** Rows of a batch or file that fell in closed years: the frozen figures leave them out until `recalculateYear`. */
export interface ClosedYearRows {
  rows: number;
  years: number[];
}

export const NO_CLOSED_YEAR_ROWS: ClosedYearRows = { rows: 0, years: [] };

/** [start, end) of each closed year, as instants of its local midnights. */
export type ClosedSpan = { year: number; from: Date; to: Date };

/**
 * The closed years as local-time spans. Read it before taking the connection of a write
 * transaction: a second pool connection asked for inside one waits on a pool its peers hold.
 */
export async function closedSpans(pool: pg.Pool, tz: string): Promise<ClosedSpan[]> {
  const { closedYears } = await loadReference(pool);
  return [...closedYears].sort((a, b) => a - b).map((year) => ({ year, from: localTime(year, 1, 1, 0, 0, 0, tz), to: localTime(year + 1, 1, 1, 0, 0, 0, tz) }));
}

/**
 * Marks the closed years the rows [start, end) fall in as pending recalculation, in the caller's
 * transaction, and says how many rows did and which years. No closed year touched, no write (an
 * update of `year_closure` moves the reference version every hub reloads).
 */
export async function markClosedYearRows(spans: ClosedSpan[], client: pg.ClientBase, rows: { start: Date; end: Date }[]): Promise<ClosedYearRows> {
  if (!spans.length) return NO_CLOSED_YEAR_ROWS;
  const perYear = new Map<number, number>();
  let hit = 0;
  for (const r of rows) {
    let inClosedYear = false;
    for (const s of spans) {
      if (r.start < s.to && r.end > s.from) {
        perYear.set(s.year, (perYear.get(s.year) ?? 0) + 1);
        inClosedYear = true;
      }
    }
    if (inClosedYear) hit++;
  }
  return hit ? mark(client, hit, perYear) : NO_CLOSED_YEAR_ROWS;
}

/** The same for a file's rows staged in `table` (columns period_start, period_end), counted in SQL. */
export async function markClosedYearStaged(spans: ClosedSpan[], client: pg.ClientBase, table: string): Promise<ClosedYearRows> {
  if (!spans.length) return NO_CLOSED_YEAR_ROWS;
  // One pass over the staged rows: a count per closed year and of rows in any (a row over a New Year is one row).
  const within = spans.map((_, i) => `(s.period_start < $${2 * i + 2}::timestamptz AND s.period_end > $${2 * i + 1}::timestamptz)`);
  const { rows: [counts] } = await client.query<Record<string, number>>(
    `SELECT ${within.map((w, i) => `count(*) FILTER (WHERE ${w})::int AS y${i}`).join(', ')}, count(*) FILTER (WHERE ${within.join(' OR ')})::int AS total FROM ${table} s`,
    spans.flatMap((x) => [x.from, x.to]),
  );
  if (!counts.total) return NO_CLOSED_YEAR_ROWS;
  const perYear = new Map(spans.map((x, i) => [x.year, counts[`y${i}`]] as const).filter(([, n]) => n > 0));
  return mark(client, counts.total, perYear);
}

/**
 * The same for rows dated by local day or month (YYYY-MM-DD: fleet records, recycling months),
 * given the closed years read before the transaction: a row counts in the year of its date.
 */
export async function markClosedYearDays(closedYears: ReadonlySet<number>, client: pg.ClientBase, days: string[]): Promise<ClosedYearRows> {
  if (!closedYears.size) return NO_CLOSED_YEAR_ROWS;
  const perYear = new Map<number, number>();
  for (const d of days) {
    const year = Number(d.slice(0, 4));
    if (closedYears.has(year)) perYear.set(year, (perYear.get(year) ?? 0) + 1);
  }
  const hit = [...perYear.values()].reduce((a, n) => a + n, 0);
  return hit ? mark(client, hit, perYear) : NO_CLOSED_YEAR_ROWS;
}

/**
 * The closed years whose frozen fleet a vehicle in service over [inServiceOn, outOfServiceOn) is in
 * (as freezeFleetYear picks them): in service before the year ends, not out before it begins.
 */
export function closedYearsOfService(closedYears: ReadonlySet<number>, inServiceOn: string, outOfServiceOn: string | null): number[] {
  const first = Number(inServiceOn.slice(0, 4));
  return [...closedYears].filter((y) => y >= first && (outOfServiceOn === null || outOfServiceOn >= `${y}-01-01`)).sort((a, b) => a - b);
}

/** Marks closed years pending, one row each, in the EntityManager's transaction (a change made with entities). */
export async function markClosedYearsInEm(em: EntityManager, years: number[]): Promise<ClosedYearRows> {
  if (!years.length) return NO_CLOSED_YEAR_ROWS;
  for (const year of years) {
    await em.getConnection('write').execute(
      'UPDATE year_closure SET pending_rows = pending_rows + 1, pending_since = coalesce(pending_since, now()) WHERE year = ?',
      [year],
      'run',
      em.getTransactionContext(),
    );
  }
  return { rows: years.length, years };
}

async function mark(client: pg.ClientBase, rows: number, perYear: Map<number, number>): Promise<ClosedYearRows> {
  const years = [...perYear.keys()].sort((a, b) => a - b);
  await client.query(
    `UPDATE year_closure c SET pending_rows = c.pending_rows + u.n, pending_since = coalesce(c.pending_since, now())
       FROM unnest($1::int[], $2::int[]) AS u(year, n) WHERE c.year = u.year`,
    [years, years.map((y) => perYear.get(y)!)],
  );
  return { rows, years };
}
