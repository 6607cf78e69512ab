import { backgroundQuery } from '../../db/sql-stats';
import type { ApolloServerPlugin } from '@apollo/server';
import type pg from 'pg';
import { logger } from '../../logger';
import { localDay, localToday } from '../../graphql/datetime';
import type { Context } from '../../graphql/context';

/** How often counts reach the database; a crash loses at most this much of them. */
export const USAGE_FLUSH_MS = 5_000;

interface Counts {
  requests: number;
  rows: number;
}

/**
 * Requests and rows returned per key and local day. Counted in memory and added to `key_usage`
 * every few seconds (and on stop) by one upsert for all keys, so a request costs a map update,
 * not a statement; several hubs on one database each add their own counts.
 */
export class KeyUsage {
  private pending = new Map<string, Counts>();
  private readonly timer: NodeJS.Timeout;
  /** Writes run one after another; each takes what was counted before it began. */
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly timezone: string,
  ) {
    this.timer = setInterval(() => void this.flush(), USAGE_FLUSH_MS);
    this.timer.unref();
  }

  count(keyId: number, rows: number, at?: Date): void {
    if (!keyId) return;
    const key = `${keyId}|${at ? localDay(at, this.timezone) : localToday(this.timezone)}`;
    const c = this.pending.get(key);
    if (c) {
      c.requests++;
      c.rows += rows;
    } else this.pending.set(key, { requests: 1, rows });
  }

  /**
   * Adds what was counted until now to the table; on failure keeps it for the next one. A flush
   * while the timer's write is under way queues a write of its own after it: joining that write
   * would miss what was counted since it began.
   */
  flush(): Promise<void> {
    this.writes = this.writes.then(() => this.write());
    return this.writes;
  }

  private async write(): Promise<void> {
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    const entries = [...batch.entries()].map(([k, c]) => ({ keyId: Number(k.split('|')[0]), day: k.split('|')[1], ...c }));
    try {
      await this.pool.query(backgroundQuery(
        `INSERT INTO key_usage (key_id, day, requests, rows)
         SELECT * FROM unnest($1::int[], $2::date[], $3::bigint[], $4::bigint[])
         ON CONFLICT (key_id, day) DO UPDATE SET requests = key_usage.requests + excluded.requests, rows = key_usage.rows + excluded.rows`,
        [entries.map((e) => e.keyId), entries.map((e) => e.day), entries.map((e) => e.requests), entries.map((e) => e.rows)],
      ));
    } catch (err) {
      for (const [k, c] of batch) {
        const now = this.pending.get(k);
        this.pending.set(k, now ? { requests: now.requests + c.requests, rows: now.rows + c.rows } : c);
      }
      logger.warn('key usage not saved; kept for the next flush', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/**
 * Rows an answer returned: each object in a list (an edge and its node count once), and each
 * object asked for alone at the root (`institution(id:)`), connections aside.
 */
export function countRows(data: unknown): number {
  if (!data || typeof data !== 'object') return 0;
  let rows = 0;
  const walk = (value: unknown, inList: boolean): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, true);
      return;
    }
    if (!value || typeof value !== 'object') return;
    if (inList) rows++;
    // Children are not in this list: the node of a counted edge is the same row.
    for (const v of Object.values(value)) walk(v, false);
  };
  for (const root of Object.values(data)) {
    if (root && typeof root === 'object' && !Array.isArray(root) && !('edges' in root || 'nodes' in root || 'pageInfo' in root)) rows++;
    walk(root, false);
  }
  return rows;
}

/** Counts each answered GraphQL request of a key, with its rows. */
export function keyUsagePlugin(usage: KeyUsage): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const keyId = (contextValue as Partial<Context> | undefined)?.principal?.keyId;
          if (!keyId) return;
          const data = response.body.kind === 'single' ? response.body.singleResult.data : null;
          usage.count(keyId, countRows(data));
        },
      };
    },
  };
}
