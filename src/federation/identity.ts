import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../access/principal';
import { toGlobalId } from '../graphql/relay';

/**
 * The caller's identity as the gateway forwards it to agency subgraphs, instead of the caller's
 * API key (which an agency must never see: it could replay it against the hub).
 *
 *   X-EWC-Identity: v1.<payload>.<signature>
 *   payload   = base64url(JSON of ForwardedIdentity)
 *   signature = base64url(HMAC-SHA256(EWC_SUBGRAPH_SECRET, "v1." + payload))
 *
 * `aud` names the subgraph the header was made for and `exp` ends it a minute later, so a
 * header one agency receives is of no use against another or later (README, "Federation").
 */
export const IDENTITY_HEADER = 'x-ewc-identity';
const VERSION = 'v1';
/** How long a signed header is good for, in seconds; subgraphs allow this much clock skew too. */
export const IDENTITY_TTL_S = 60;

export interface ForwardedIdentity {
  /** Column of the access table: GOA, DRC, FINANCE, WATER, HOUSING, PUBLIC, INSTITUTION, ESCO. */
  sub: string;
  role: string;
  /** Agency code of an agency key, else null. */
  agency: string | null;
  /** Global id (the hub's) of the key holder's institution or ESCO, else null. */
  institution: string | null;
  esco: string | null;
  /** The hub's id of the key (not the key): for the agency's own logs. */
  key: string;
  /** The request id (X-Request-Id) of the call at the gateway, for tracing across services. */
  rid: string;
  /** The subgraph this header is for. */
  aud: string;
  /** Issued and expiry times, seconds since the epoch. */
  iat: number;
  exp: number;
}

function hmac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest();
}

export function identityOf(p: Principal, requestId: string, audience: string, nowMs = Date.now()): ForwardedIdentity {
  const iat = Math.floor(nowMs / 1000);
  return {
    sub: p.subject,
    role: p.role,
    agency: p.agencyCode,
    institution: p.institutionId === null ? null : toGlobalId('Institution', p.institutionId),
    esco: p.escoId === null ? null : toGlobalId('Esco', p.escoId),
    key: toGlobalId('ApiKey', p.keyId),
    rid: requestId,
    aud: audience,
    iat,
    exp: iat + IDENTITY_TTL_S,
  };
}

export function signIdentity(identity: ForwardedIdentity, secret: string): string {
  const payload = Buffer.from(JSON.stringify(identity)).toString('base64url');
  return `${VERSION}.${payload}.${hmac(secret, payload).toString('base64url')}`;
}

export class IdentityError extends Error {}

/** The identity in a header, or IdentityError (bad shape, bad signature, other audience, expired). */
export function verifyIdentity(header: unknown, secret: string, audience: string, nowMs = Date.now()): ForwardedIdentity {
  if (typeof header !== 'string' || header.length > 4096) throw new IdentityError(`missing ${IDENTITY_HEADER} header`);
  const [version, payload, signature, ...rest] = header.split('.');
  if (version !== VERSION || !payload || !signature || rest.length) throw new IdentityError(`malformed ${IDENTITY_HEADER} header`);
  const expected = hmac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new IdentityError(`${IDENTITY_HEADER} signature does not verify`);
  const identity = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ForwardedIdentity;
  const now = Math.floor(nowMs / 1000);
  if (identity.aud !== audience) throw new IdentityError(`${IDENTITY_HEADER} is for "${identity.aud}", not "${audience}"`);
  if (!(identity.exp >= now - IDENTITY_TTL_S && identity.iat <= now + IDENTITY_TTL_S)) throw new IdentityError(`${IDENTITY_HEADER} has expired`);
  return identity;
}
