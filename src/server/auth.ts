import { GraphQLError } from 'graphql';
import { authenticate, hashKey } from '../access/key-auth';
import type { Authenticator, Principal } from '../access/principal';
import type { Database } from '../db/database';
import { TOPICS, type PubSub } from '../modules/realtime/pubsub';
import { rateLimitedGraphQLError, type Budgets } from '../access/budget';

/** The `Bearer <key>` of an Authorization header (or graphql-ws connectionParams). */
export function bearerKey(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Resolves a presented key to a principal, or throws UNAUTHENTICATED (HTTP 401). */
export async function principalFor(db: Database, header: unknown): Promise<Principal> {
  const key = bearerKey(header);
  if (!key) throw unauthenticated('send an API key as "Authorization: Bearer <key>"');
  const principal = await authenticate((sql, params) => db.pool.query(sql, params), key);
  if (!principal) throw unauthenticated('the API key is unknown or revoked');
  return principal;
}

/**
 * Presented keys that fail, counted per remote address in the shared budget counters: past the
 * limit, every request from that address is refused (429) until the minute is over, a good key's
 * too, so guessing cannot go on by telling 401 from 200. A request without a key is not a guess.
 */
export class AuthFailureLimit {
  constructor(
    private readonly budgets: Budgets,
    private readonly perMinute: number,
  ) {}

  /** Whether this instance already knows the address is over its limit (check throws then). */
  refuses(address: string): boolean {
    return this.budgets.spentOut(`addr:${address}`, this.perMinute) !== null;
  }

  /** Throws RATE_LIMITED when this instance already knows the address is over its limit. */
  check(address: string): void {
    const refused = this.budgets.spentOut(`addr:${address}`, this.perMinute);
    if (refused) throw rateLimitedGraphQLError(refused, 'failed authentications from this address');
  }

  /** Counts one failure; throws RATE_LIMITED once the address is over its limit. */
  async failed(address: string): Promise<void> {
    const v = await this.budgets.charge(`addr:${address}`, this.perMinute, 1);
    if (!v.allowed) throw rateLimitedGraphQLError(v, 'failed authentications from this address');
  }
}

/** How long a key's principal is reused without asking the database again. */
const KEY_CACHE_MS = 30_000;
const KEY_CACHE_MAX = 10_000;

/**
 * Principals of keys seen recently, so an HTTP request does not look its key up again. Revoking
 * a key (GraphQL or CLI, on any instance: KEY_REVOKED travels over LISTEN/NOTIFY) or changing a
 * contract (an ESCO key's sites) clears it; an entry lives at most 30 s, which bounds how long a
 * key revoked by hand in SQL keeps working.
 */
export class PrincipalCache implements Authenticator {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();
  /** Bumped on every clear: a lookup that began before a revocation must not store its answer. */
  private generation = 0;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly db: Database,
    pubsub: PubSub,
    private readonly failures: AuthFailureLimit | null = null,
  ) {
    const clear = () => {
      this.generation++;
      this.entries.clear();
    };
    this.unsubscribe = [pubsub.on(TOPICS.KEY_REVOKED, clear), pubsub.on(TOPICS.KEY_CHANGED, clear), pubsub.on(TOPICS.EPC_CHANGED, clear)];
  }

  /**
   * The principal of a key seen recently, at once; undefined when principalFor must answer (a key not
   * cached, or an address over its limit of failed authentications).
   */
  cached(header: unknown, address?: string): Principal | undefined {
    if (address && this.failures?.refuses(address)) return undefined;
    const key = bearerKey(header);
    const hit = key ? this.entries.get(hashKey(key)) : undefined;
    return hit && hit.until > Date.now() ? hit.principal : undefined;
  }

  /** `address`: the client's, for the limit on failed authentications. */
  async principalFor(header: unknown, address?: string): Promise<Principal> {
    if (address && this.failures) this.failures.check(address);
    const key = bearerKey(header);
    const id = key ? hashKey(key) : null;
    const hit = id ? this.entries.get(id) : undefined;
    if (hit && hit.until > Date.now()) return hit.principal;
    const generation = this.generation;
    let principal: Principal;
    try {
      principal = await principalFor(this.db, header);
    } catch (err) {
      const wrongKey = err instanceof GraphQLError && err.extensions.code === 'UNAUTHENTICATED';
      if (wrongKey && address && this.failures && header) await this.failures.failed(address);
      throw err;
    }
    if (id && generation === this.generation) {
      if (this.entries.size >= KEY_CACHE_MAX) this.entries.clear();
      this.entries.set(id, { principal, until: Date.now() + KEY_CACHE_MS });
    }
    return principal;
  }

  close(): void {
    for (const stop of this.unsubscribe) stop();
  }
}
