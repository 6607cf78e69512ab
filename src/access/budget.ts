import { GraphQLError } from 'graphql';
import type { Principal } from './principal';
import type { BudgetConfig } from '../config';
import { RateLimitedError } from '../errors/domain-errors';
import { logger } from '../logger';
import type { BudgetStore } from './budget.store';

/** Budgets are per minute, in fixed windows every instance computes alike from its clock. */
export const WINDOW_MS = 60_000;

/** The answer to a charge, and what the RateLimit headers say. */
export interface Verdict {
  allowed: boolean;
  cost: number;
  limit: number;
  /** Points left in this window, as far as this instance knows (exact with one instance). */
  remaining: number;
  /** Seconds until the window ends and the whole budget is back. */
  resetSeconds: number;
}

/** One bucket's state on this instance, for the current window. */
interface Bucket {
  window: number;
  limit: number;
  /** Points this instance took from the shared counter in this window, and how many of them it spent. */
  reserved: number;
  spent: number;
  /** The shared counter's points at this instance's last take. */
  shared: number;
  /** The shared counter had no more points to give in this window. */
  full: boolean;
  refill: Promise<void> | null;
}

const MAX_BUCKETS = 10_000;

/**
 * Points per fixed window, shared by every instance through `BudgetStore`. An instance takes a
 * slice of a bucket's budget at once (`reserveFraction` of it, or what one charge needs) and
 * spends it locally, so most requests cost no SQL. Points are taken before they are spent, so the
 * instances together never spend more than the budget; the price is that a slice another
 * instance holds unspent cannot be spent here (at most one slice per other instance).
 */
export class Budgets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly store: BudgetStore,
    private readonly opts: { reserveFraction: number; clock: () => number },
  ) {}

  /** Spends `cost` points if the bucket has them; otherwise spends nothing and refuses. */
  async charge(name: string, limit: number, cost: number): Promise<Verdict> {
    for (;;) {
      const held = this.chargeHeld(name, limit, cost);
      if (held) return held;
      const now = this.opts.clock();
      const b = this.bucket(name, limit, now);
      if (b.refill) {
        await b.refill;
        continue;
      }
      if (b.full || cost > limit) return this.verdict(b, now, false, cost);
      const want = Math.max(cost - (b.reserved - b.spent), Math.ceil(limit * this.opts.reserveFraction));
      b.refill = this.take(b, name, want, limit).finally(() => (b.refill = null));
      await b.refill;
    }
  }

  /** Spends `cost` points from the slice this instance holds, at once; undefined when charge() must take more first. */
  chargeHeld(name: string, limit: number, cost: number): Verdict | undefined {
    const now = this.opts.clock();
    const b = this.bucket(name, limit, now);
    if (b.reserved - b.spent < cost) return undefined;
    b.spent += cost;
    return this.verdict(b, now, true, cost);
  }

  /** Spends `cost` points whatever is left (work already done, such as an import's rows). */
  async chargeAnyway(name: string, limit: number, cost: number): Promise<Verdict> {
    const now = this.opts.clock();
    const b = this.bucket(name, limit, now);
    const local = Math.min(cost, b.reserved - b.spent);
    b.spent += local;
    if (cost > local) {
      const before = b.reserved;
      await this.take(b, name, cost - local, 'unlimited');
      b.spent += b.reserved - before;
    }
    return this.verdict(b, now, true, cost);
  }

  /** What is left, read from the shared counter now (one statement): before a large piece of work. */
  async fresh(name: string, limit: number): Promise<Verdict> {
    const now = this.opts.clock();
    const b = this.bucket(name, limit, now);
    await this.take(b, name, 0, limit);
    const v = this.verdict(b, now, true, 0);
    return { ...v, allowed: v.remaining > 0 };
  }

  /** The refusal this instance already knows of for the window (no SQL), or null. */
  spentOut(name: string, limit: number): Verdict | null {
    const now = this.opts.clock();
    const b = this.buckets.get(name);
    if (!b || b.window !== Math.floor(now / WINDOW_MS) || !b.full || b.reserved > b.spent) return null;
    b.limit = limit;
    return this.verdict(b, now, false, 1);
  }

  private async take(b: Bucket, name: string, want: number, limit: number | 'unlimited'): Promise<void> {
    const taken = await this.store.take(name, new Date(b.window * WINDOW_MS), want, limit);
    b.reserved += taken.granted;
    b.shared = taken.points;
    if (taken.points >= b.limit) b.full = true;
  }

  private bucket(name: string, limit: number, now: number): Bucket {
    const window = Math.floor(now / WINDOW_MS);
    let b = this.buckets.get(name);
    if (!b || b.window !== window) {
      if (this.buckets.size >= MAX_BUCKETS) this.prune(window);
      b = { window, limit, reserved: 0, spent: 0, shared: 0, full: false, refill: null };
      this.buckets.set(name, b);
    } else if (b.limit !== limit) {
      // The key's budget changed: the shared counter decides afresh.
      b.limit = limit;
      b.full = false;
    }
    return b;
  }

  private prune(window: number): void {
    for (const [name, b] of this.buckets) if (b.window !== window) this.buckets.delete(name);
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }

  private verdict(b: Bucket, now: number, allowed: boolean, cost: number): Verdict {
    return {
      allowed,
      cost,
      limit: b.limit,
      remaining: Math.max(0, b.limit - b.shared + (b.reserved - b.spent)),
      resetSeconds: Math.max(1, Math.ceil(((b.window + 1) * WINDOW_MS - now) / 1000)),
    };
  }
}

/** The budgets of API keys: each key's own, or its role's default. Null verdicts when budgets are off. */
export class KeyBudgets {
  constructor(
    private readonly budgets: Budgets,
    private readonly config: BudgetConfig,
  ) {}

  get enabled(): boolean {
    return this.config.enabled;
  }

  limitOf(p: Principal): number {
    return p.budget ?? this.config.perMinute[p.role];
  }

  /** Charges one request: refused, and nothing spent, when the key has not `cost` points left. */
  charge(p: Principal, cost: number): Promise<Verdict | null> {
    return this.guarded(() => this.budgets.charge(`key:${p.keyId}`, this.limitOf(p), cost));
  }

  /** charge() when it needs no SQL: the verdict at once, or undefined (charge() then). */
  chargeHeld(p: Principal, cost: number): Verdict | null | undefined {
    if (!this.config.enabled) return null;
    return this.budgets.chargeHeld(`key:${p.keyId}`, this.limitOf(p), cost);
  }

  /** Charges work already done (an import's rows), past the budget if need be. */
  chargeAnyway(p: Principal, cost: number): Promise<Verdict | null> {
    return this.guarded(() => this.budgets.chargeAnyway(`key:${p.keyId}`, this.limitOf(p), cost));
  }

  /** What the key has left, from the shared counter now. */
  fresh(p: Principal): Promise<Verdict | null> {
    return this.guarded(() => this.budgets.fresh(`key:${p.keyId}`, this.limitOf(p)));
  }

  /**
   * If the shared counter cannot be reached the request goes on unbudgeted (logged): the database
   * being down is the request's own answer to give, and work already done must not fail after.
   */
  private async guarded(charge: () => Promise<Verdict>): Promise<Verdict | null> {
    if (!this.config.enabled) return null;
    try {
      return await charge();
    } catch (err) {
      logger.warn('budget counter unavailable; request not budgeted', { error: err instanceof Error ? err.message : String(err) });
      return null;
    }
  }
}

/** RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), and Retry-After on a refusal. */
export function rateLimitHeaders(v: Verdict): [string, string][] {
  const headers: [string, string][] = [
    ['ratelimit-limit', String(v.limit)],
    ['ratelimit-remaining', String(v.remaining)],
    ['ratelimit-reset', String(v.resetSeconds)],
    ['ratelimit-policy', `${v.limit};w=${WINDOW_MS / 1000}`],
  ];
  if (!v.allowed) headers.push(['retry-after', String(v.resetSeconds)]);
  return headers;
}

/** The domain error of a refusal: RATE_LIMITED with `retryAfter` in seconds. */
export function rateLimited(v: Verdict, what = 'this API key'): RateLimitedError {
  const message =
    v.cost > v.limit
      ? `this request costs ${v.cost} points, more than the ${v.limit} points per minute of ${what}`
      : `${what} has spent its budget of ${v.limit} cost points per minute (this request costs ${v.cost}); retry after ${v.resetSeconds} s`;
  return new RateLimitedError(message, { retryAfter: v.resetSeconds, cost: v.cost, limit: v.limit });
}

/** The refusal as Apollo throws it: HTTP 429 with the headers, RATE_LIMITED once formatted. */
export function rateLimitedGraphQLError(v: Verdict, what?: string): GraphQLError {
  const error = rateLimited(v, what);
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new Map(rateLimitHeaders(v)) } },
  });
}
