import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import type http from 'node:http';
import { rateLimitHeaders, type KeyBudgets, type Verdict } from '../access/budget';
import type { Principal } from '../access/principal';
import type { DataVersions, ReadSet, Versions } from '../db/data-version';
import { currentStatementSink, outsideStatementSink, withStatementSink, type StatementSink } from '../db/read-scope';
import { countRows, type KeyUsage } from '../modules/audit/key-usage';
import type { PrincipalCache } from './auth';
import type { Context } from '../graphql/context';
import { localToday } from '../graphql/datetime';
import { operationLabel, type Metrics } from './metrics';
import { operationCost } from './operation-cost';

/**
 * Answers to repeated questions, kept per (operation, variables, access profile, day) and served
 * only while every table the answer read has the version it had before the answer was computed.
 *
 * Never stale: each write transaction moves the versions of the tables it wrote, in the same
 * transaction (triggers, migration 20261202050000). With `checked` freshness (the default) every
 * request reads the versions afresh (one statement) before it answers, from the cache or not. A
 * write committed before a request arrives, on any hub or outside the hubs, is therefore seen by
 * that request's version check: an answer is never older than the writes committed before it was
 * asked for. With `notified` freshness the versions are kept in memory between writes: dropped when
 * a statement of this process completes a write (its own writes are seen before anything it answers
 * after them) and when PostgreSQL delivers the notification each write transaction sends at COMMIT
 * (another process's writes are seen once it arrives, normally within a millisecond), and while the
 * listening connection is down every request reads them. An answer is kept with the versions read
 * before it was computed, so a write that commits while it is computed makes it unfit at once.
 * There is no time to live.
 *
 * Never another subject's answer: the key holds the access profile (role, subject, agency,
 * institution, ESCO and its sites), and an operation naming `viewer` (who the key is) is kept for
 * its key alone. Kept only: queries over HTTP that answered without errors, whose statements only
 * read tables whose writes move a version, and did not read the clock (the day is in the key).
 * Budgets and usage apply to cached answers as to computed ones: the operation's cost is charged
 * before an answer is served (past the budget, the request goes on to the usual 429), and its rows
 * are counted.
 */
export interface ResponseCacheOptions {
  enabled: boolean;
  /** Bytes of answers kept, in all; the least recently used go first. */
  maxBytes: number;
}

interface Entry {
  body: string;
  tables: string[];
  versions: string[];
  /** The key it belongs to alone (it names `viewer`), or null: every key of the profile. */
  keyId: number | null;
  cost: number;
  rows: number;
  label: string;
  /** The versions it was last found fresh against (the same map while nothing is written): no need to compare again. */
  freshAt?: Versions;
}

/** The request the cache did not answer, for the plugin that keeps its answer. */
class PendingAnswer implements StatementSink {
  constructor(
    readonly key: string,
    readonly keyId: number | null,
    readonly versions: Versions,
    readonly reads: ReadSet,
  ) {}

  note(sql: string): void {
    this.reads.note(sql);
  }
}

/** What the cache needs besides the data: the key's principal, its budget, its usage, the metrics. */
export interface CacheDeps {
  keys: PrincipalCache;
  budgets: KeyBudgets;
  usage: KeyUsage;
  metrics: Metrics;
}

const principals = new WeakMap<http.IncomingMessage, Promise<Principal>>();

/** The principal the cache already looked up for this request, so the key is checked once. */
export function principalOf(req: http.IncomingMessage): Promise<Principal> | undefined {
  return principals.get(req);
}

const SKIP = /\b(mutation|subscription)\b/;
const NAMES_VIEWER = /\bviewer\b/;

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** A version read sent: its snapshot may be older than a request that arrives now. */
  private sent: Promise<Versions> | null = null;
  /** The read to send once `sent` is back, shared by every request that arrives before then. */
  private waiting: Promise<Versions> | null = null;

  constructor(
    private readonly versions: DataVersions,
    private readonly timezone: string,
    private readonly opts: ResponseCacheOptions,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /** Express middleware before Apollo on POST /graphql: answers from the cache, or notes what the answer reads. */
  middleware(deps: CacheDeps): express.RequestHandler {
    // A request the front (graphql-front.ts) already looked up goes straight on.
    return (req, res, next) => (principals.has(req) ? next() : this.answer(req, res, req.body, deps, next));
  }

  /**
   * Serves a fresh answer to the parsed `body`, or runs `rest` (Apollo's way) with what the plugin
   * needs to keep the answer it computes.
   */
  answer(req: http.IncomingMessage, res: http.ServerResponse, body: unknown, deps: CacheDeps, rest: () => void): void {
    const b = body as { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown } | undefined;
    if (!this.opts.enabled || req.method !== 'POST' || !b || typeof b.query !== 'string' || b.extensions !== undefined) return rest();
    if (SKIP.test(b.query) || !acceptsPlainJson(req.headers.accept)) return rest();
    const started = performance.now();
    const known = this.versions.known();
    // Versions kept in memory and the key's principal cached: a hit is served now, with no promise in between.
    if (known) {
      const principal = deps.keys.cached(req.headers.authorization, req.socket.remoteAddress);
      if (principal) {
        const found = this.find(principal, b as { query: string }, known);
        const verdict = found.entry && deps.budgets.chargeHeld(principal, found.entry.cost);
        if (found.entry && verdict !== undefined && (!verdict || verdict.allowed)) return this.serve(res, principal, found.key, found.entry, verdict, deps, started);
      }
    }
    // The version read goes out first: the key is checked and the cache key made while it runs.
    const versions = known ? Promise.resolve(known) : this.freshVersions();
    // The client's address as express's req.ip gives it (no proxy is trusted).
    const principal = deps.keys.principalFor(req.headers.authorization, req.socket.remoteAddress);
    principals.set(req, principal);
    this.lookup(res, b as { query: string }, principal, versions, deps, started).then(
      (pending) => (pending ? withStatementSink(pending, rest) : undefined),
      // The database or the key failed: Apollo answers as it would have (the same principal promise).
      () => rest(),
    );
  }

  /** Serves a fresh entry (null), or returns what the plugin needs to keep the answer. */
  private async lookup(
    res: http.ServerResponse,
    body: { query: string; variables?: unknown; operationName?: unknown },
    principal$: Promise<Principal>,
    versions$: Promise<Versions>,
    deps: CacheDeps,
    started: number,
  ): Promise<PendingAnswer | null> {
    const [principal, versions] = await Promise.all([principal$, versions$]);
    const { key, entry } = this.find(principal, body, versions);
    if (entry) {
      const verdict = await deps.budgets.charge(principal, entry.cost);
      // Past the budget: Apollo answers the 429 (a refused charge spends nothing).
      if (!verdict || verdict.allowed) {
        this.serve(res, principal, key, entry, verdict, deps, started);
        return null;
      }
    }
    return new PendingAnswer(key, NAMES_VIEWER.test(body.query) ? principal.keyId : null, versions, this.versions.reads());
  }

  /** The cache key of the question, and its entry if that is fresh against `versions` and the key may have it. */
  private find(principal: Principal, body: { query: string; variables?: unknown; operationName?: unknown }, versions: Versions): { key: string; entry?: Entry } {
    const key = this.keyOf(principal, body);
    const entry = this.entries.get(key);
    if (entry && (entry.keyId === null || entry.keyId === principal.keyId) && this.isFresh(entry, versions)) return { key, entry };
    return { key };
  }

  /** Answers with a fresh entry, its cost charged (`verdict`: null when budgets are off). */
  private serve(res: http.ServerResponse, principal: Principal, key: string, entry: Entry, verdict: Verdict | null, deps: CacheDeps, started: number): void {
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    deps.metrics.httpGraphqlRequests.inc();
    deps.metrics.responseCacheHits.inc();
    deps.metrics.operations.inc({ type: 'query', operation: entry.label });
    deps.usage.count(principal.keyId, entry.rows);
    if (verdict) for (const [name, value] of rateLimitHeaders(verdict)) res.setHeader(name, value);
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(entry.body);
    deps.metrics.duration.observe({ operation: entry.label }, (performance.now() - started) / 1000);
  }

  /**
   * The versions as of a moment after the caller arrived: a read sent after it arrived. Requests that
   * arrive while a read is out share the next one, sent when that read is back (a read already sent
   * may have taken its snapshot before they arrived), so under load one statement serves many.
   */
  private freshVersions(): Promise<Versions> {
    if (!this.sent) return this.send();
    return (this.waiting ??= this.sent.then(noop, noop).then(() => {
      this.waiting = null;
      return this.send();
    }));
  }

  private send(): Promise<Versions> {
    // Bookkeeping, not what an answer read: noted in no request's statements.
    const read = outsideStatementSink(() => this.versions.read());
    this.sent = read;
    const done = () => {
      if (this.sent === read) this.sent = null;
    };
    read.then(done, done);
    return read;
  }

  /** Closes the connection of the version reads. */
  close(): Promise<void> {
    return this.versions.close();
  }

  private isFresh(entry: Entry, versions: Versions): boolean {
    if (entry.freshAt === versions) return true;
    if (!entry.tables.every((t, i) => (versions.get(t) ?? '0') === entry.versions[i])) return false;
    entry.freshAt = versions;
    return true;
  }

  /** Apollo plugin: keeps an answer the cache did not have, if it is fit to keep. */
  plugin(): ApolloServerPlugin<Context> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async ({ operation, operationName, response, document, schema }) => {
          const pending = currentStatementSink();
          if (!(pending instanceof PendingAnswer) || operation?.operation !== 'query' || !document) return;
          if (response.body.kind !== 'single' || (response.http.status ?? 200) !== 200) return;
          const result = response.body.singleResult;
          if (result.errors?.length || !result.data || pending.reads.unfit) return;
          const tables = [...pending.reads.tables];
          this.keep(pending.key, {
            body: `${JSON.stringify(result)}\n`,
            tables,
            versions: tables.map((t) => pending.versions.get(t) ?? '0'),
            keyId: pending.keyId,
            cost: operationCost(schema, document, operation),
            rows: countRows(result.data),
            label: operationLabel(operationName ?? operation.name?.value),
          });
        },
      }),
    };
  }

  private keep(key: string, entry: Entry): void {
    const size = entry.body.length + key.length;
    if (size > this.opts.maxBytes / 8) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.body.length + key.length;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.bytes += size;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.opts.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.body.length + k.length;
    }
  }

  /** (access profile, day, operation, variables): what decides an answer besides the data. */
  private keyOf(p: Principal, body: { query: string; variables?: unknown; operationName?: unknown }): string {
    return `${profileOf(p)}\u0000${localToday(this.timezone)}\u0000${String(body.operationName ?? '')}\u0000${JSON.stringify(body.variables ?? {})}\u0000${body.query}`;
  }
}

/** Each principal's access profile as text, made once: the key cache gives the same principal to every request of its key. */
const profiles = new WeakMap<Principal, string>();

function profileOf(p: Principal): string {
  let profile = profiles.get(p);
  if (profile === undefined) {
    profile = `${p.role}|${p.subject}|${p.agencyCode}|${p.institutionId}|${p.escoId}|${p.siteIds ? [...p.siteIds].sort((a, b) => a - b).join(',') : ''}`;
    profiles.set(p, profile);
  }
  return profile;
}

const noop = () => undefined;

/** Cached answers are sent as application/json; a client asking for another type goes through Apollo. */
function acceptsPlainJson(accept: string | undefined): boolean {
  return !accept || accept === '*/*' || accept.startsWith('application/json');
}
