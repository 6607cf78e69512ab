import { GraphQLError } from 'graphql';
import { authenticate, hashKey } from '../access/api-key.service';
import type { Principal } from '../access/principal';
import type { Database } from '../db/database';
import { TOPICS, type PubSub } from '../modules/realtime/pubsub';

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

/** How long a key's principal is reused without asking the database again. */
const KEY_CACHE_MS = 30_000;
const KEY_CACHE_MAX = 10_000;

/**
 * Principals of keys seen recently, so an HTTP request does not look its key up again. Revoking
 * a key (GraphQL or CLI, on any instance: KEY_REVOKED travels over LISTEN/NOTIFY) or changing a
 * contract (an ESCO key's sites) clears it; an entry lives at most 30 s, which bounds how long a
 * key revoked by hand in SQL keeps working.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();
  /** Bumped on every clear: a lookup that began before a revocation must not store its answer. */
  private generation = 0;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly db: Database,
    pubsub: PubSub,
  ) {
    const clear = () => {
      this.generation++;
      this.entries.clear();
    };
    this.unsubscribe = [pubsub.on(TOPICS.KEY_REVOKED, clear), pubsub.on(TOPICS.EPC_CHANGED, clear)];
  }

  async principalFor(header: unknown): Promise<Principal> {
    const key = bearerKey(header);
    const id = key ? hashKey(key) : null;
    const hit = id ? this.entries.get(id) : undefined;
    if (hit && hit.until > Date.now()) return hit.principal;
    const generation = this.generation;
    const principal = await principalFor(this.db, header);
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
