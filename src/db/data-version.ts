import pg from 'pg';
import type { CacheFreshness } from '../config';
import { logger } from '../logger';
import { APPLICATION_NAME } from './database';
import type { StatementSink } from './read-scope';
import { sqlStats } from './sql-stats';

/** Versions of the tables, as `data_version` holds them now (a table never written: absent, read as 0). */
export type Versions = Map<string, string>;

/** What one statement tells the cache: the tables it names, and whether it makes an answer unfit to keep. */
interface Analysis {
  tables: string[];
  /** It writes, locks, or reads the clock or randomness: an answer that ran it is not kept. */
  unfit: boolean;
}

/**
 * Writes, row locks, sequences, notifications and functions of the current time: an answer that ran
 * one is not kept. (Dates the hub computes itself, such as "today", are in the cache key.)
 */
const UNFIT = /\b(insert|update|delete|merge|truncate|create|drop|alter|copy|lock|grant|nextval|setval|set_config|pg_notify|now|current_date|current_time|current_timestamp|localtime|localtimestamp|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|random|gen_random_uuid|for\s+share)\b/i;
const IDENTIFIER = /[a-z_][a-z0-9_$]*/g;
const MEMO_MAX = 4_000;

/** Prepared once per connection: the server neither parses nor plans it again (half its cost there). */
export const READ_VERSIONS = { name: 'ewc_data_versions', text: `SELECT string_agg(tbl || ' ' || v, ' ' ORDER BY tbl) AS s FROM data_version` };

/** The channel the version bump notifies on, once per write transaction (migration 20261206000000). */
export const DATA_VERSION_CHANNEL = 'ewc_data_version';

/**
 * A connection of its own for the version reads, which every cached answer waits for: they never
 * queue behind requests for the pool, nor pay for taking a connection from it. Opened on first use;
 * after an error the next read opens a new one. With `listener`, it listens on the version channel
 * before its first read, and `listener.lost` is called when a connection that listened is given up
 * (notifications may have been missed since).
 */
class VersionConnection {
  private client: Promise<pg.Client> | null = null;
  private closed = false;

  constructor(
    private readonly options: pg.ClientConfig,
    private readonly listener?: { notified: () => void; listening: () => void; lost: () => void },
  ) {}

  async read(): Promise<string> {
    if (this.closed) throw new Error('the data versions connection is closed');
    const client = (this.client ??= this.open());
    const c = await client;
    try {
      const { rows } = await c.query<{ s: string | null }>(READ_VERSIONS);
      return rows[0]?.s ?? '';
    } catch (err) {
      this.drop(client);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) await client.then((c) => c.end(), () => undefined);
  }

  private open(): Promise<pg.Client> {
    const c = new pg.Client(this.options);
    const listener = this.listener;
    if (listener) c.on('notification', (n) => n.channel === DATA_VERSION_CHANNEL && listener.notified());
    const opened = c.connect().then(async () => {
      if (listener) {
        await c.query(`LISTEN ${DATA_VERSION_CHANNEL}`);
        listener.listening();
      }
      return c;
    });
    // A failed or broken connection is given up: the reader that waits on it gets the error.
    opened.catch(() => this.drop(opened));
    c.on('error', (err) => {
      logger.warn('data versions connection failed', { error: err });
      this.drop(opened);
    });
    // Ended by the server (a terminated backend, a restart) without an error event.
    c.on('end', () => this.drop(opened));
    return opened;
  }

  private drop(client: Promise<pg.Client> | null): void {
    if (!client || this.client !== client) return;
    this.client = null;
    this.listener?.lost();
    client.then(
      (c) => c.end().catch((err: unknown) => logger.warn('closing the data versions connection failed', { error: err })),
      () => undefined,
    );
  }
}

/**
 * The tables behind the response cache's versions (migration 20261202050000): which tables exist,
 * which of them move a version when written, and the versions now.
 */
export class DataVersions {
  private readonly memo = new Map<string, Analysis>();
  private readonly connection: VersionConnection;
  /** Notifications heard, and connections lost, since the start: a read sent before either may be older than them. */
  private heard = 0;
  /** `notified` freshness: the versions last read, while no write is known to have committed since (else null). */
  private kept: Versions | null = null;
  /** Told of each notification heard (the metrics count them). */
  onNotified: () => void = () => undefined;
  /** Told when the listening connection is up (true) and when it is lost (false): the metrics show it. */
  onListening: (up: boolean) => void = () => undefined;

  private constructor(
    pool: pg.Pool,
    /** Every table and view of the schema (partitions included): a name the SQL may read. */
    private readonly relations: Set<string>,
    /** The tables whose writes move a version. */
    private readonly tracked: Set<string>,
    readonly freshness: CacheFreshness,
  ) {
    // The pool's connection settings (address, statement timeout, time to connect), named apart.
    this.connection = new VersionConnection(
      { ...pool.options, application_name: `${APPLICATION_NAME} versions` },
      freshness === 'notified'
        ? {
            notified: () => {
              this.forget();
              this.onNotified();
            },
            listening: () => this.onListening(true),
            lost: () => {
              this.forget();
              this.onListening(false);
            },
          }
        : undefined,
    );
  }

  static async load(pool: pg.Pool, freshness: CacheFreshness = 'checked'): Promise<DataVersions> {
    const { rows } = await pool.query<{ name: string; tracked: boolean }>(
      `SELECT c.relname AS name, EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'data_version_' || c.relname) AS tracked
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
    );
    return new DataVersions(pool, new Set(rows.map((r) => r.name)), new Set(rows.filter((r) => r.tracked).map((r) => r.name)), freshness);
  }

  /** The last versions read, as sent and as parsed: while nothing is written, every read gives this same map. */
  private last: { text: string; versions: Versions } | null = null;

  /**
   * `notified` freshness: the versions as of now without a statement, or null when they must be read.
   * They hold while no notification came (each write transaction, anywhere, sends one at COMMIT), the
   * listening connection stayed up, and no statement of this process completed a write since they
   * were read (its own writes are thus seen at once; another process's when their notification arrives).
   */
  known(): Versions | null {
    if (this.kept && this.writes !== sqlStats.writesSeen) this.kept = null;
    return this.kept;
  }

  /** `sqlStats.writesSeen` when `kept` was read. */
  private writes = 0;

  private forget(): void {
    this.heard++;
    this.kept = null;
  }

  /**
   * The versions now: one statement, in its own snapshot (read before the answer is computed). They
   * come as one line of text; while it is the same as last time, the same map is returned, so the
   * cache can tell at a glance that an entry checked against it still holds. Under `notified`, they
   * are kept if nothing was heard or written while the read was out (else they may predate it).
   */
  async read(): Promise<Versions> {
    const heard = this.heard;
    const writes = sqlStats.writesSeen;
    const text = await this.connection.read();
    let versions: Versions;
    if (this.last?.text === text) versions = this.last.versions;
    else {
      versions = new Map();
      const parts = text ? text.split(' ') : [];
      for (let i = 0; i + 1 < parts.length; i += 2) versions.set(parts[i], parts[i + 1]);
      this.last = { text, versions };
    }
    if (this.freshness === 'notified' && heard === this.heard && writes === sqlStats.writesSeen) {
      this.kept = versions;
      this.writes = writes;
    }
    return versions;
  }

  /** Closes the connection of the version reads (the hub stops). */
  close(): Promise<void> {
    return this.connection.close();
  }

  /** A sink that gathers what a request's statements read. */
  reads(): ReadSet {
    return new ReadSet(this);
  }

  analyse(sql: string): Analysis {
    let a = this.memo.get(sql);
    if (a) return a;
    const tables = new Set<string>();
    let unfit = UNFIT.test(sql);
    for (const word of sql.toLowerCase().match(IDENTIFIER) ?? []) {
      if (!this.relations.has(word)) continue;
      tables.add(word);
      // A view, a partition read alone or a table made after the migration: its writes move no version.
      if (!this.tracked.has(word)) unfit = true;
    }
    a = { tables: [...tables], unfit };
    if (this.memo.size >= MEMO_MAX) this.memo.clear();
    this.memo.set(sql, a);
    return a;
  }
}

/** The tables a request's statements named, and whether any made its answer unfit to keep. */
export class ReadSet implements StatementSink {
  readonly tables = new Set<string>();
  unfit = false;

  constructor(private readonly versions: DataVersions) {}

  note(sql: string): void {
    const a = this.versions.analyse(sql);
    if (a.unfit) this.unfit = true;
    for (const t of a.tables) this.tables.add(t);
  }
}
