import { GraphQLError } from 'graphql';
import { authenticate } from '../access/api-key.service';
import type { Principal } from '../access/principal';
import type { Database } from '../db/database';

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
