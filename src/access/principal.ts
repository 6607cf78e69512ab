import type { Subject } from './policy';

export type Role = 'admin' | 'editor' | 'viewer';
export const ROLES: Role[] = ['admin', 'editor', 'viewer'];

/** Who is calling: the holder of one API key. */
export interface Principal {
  keyId: number;
  keyName: string;
  role: Role;
  subject: Subject;
  /** Agency code for agency keys (GOA, DRC, …, PUBLIC). */
  agencyCode: string | null;
  institutionId: number | null;
  escoId: number | null;
  /** For an ESCO key: the institutions of its contracts (its sites), loaded with the key. */
  siteIds?: number[];
  /** Cost points per minute set on the key; null: the role's default. */
  budget?: number | null;
}

/** Turns an Authorization header into a principal (the server's key cache is one); `address` is the client's. */
export interface Authenticator {
  principalFor(header: unknown, address?: string): Promise<Principal>;
}
