import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Subject } from './policy';
import type { Principal, Role } from './principal';

/* API keys as the access layer sees them: the key format, its hash, and the principal a presented key stands for. */

const AGENCY_SUBJECTS: readonly string[] = ['GOA', 'DRC', 'FINANCE', 'WATER', 'HOUSING', 'PUBLIC'];

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Key format `ewc_<prefix>_<secret>`: the prefix finds the row, the hash proves the secret. */
export function newKeyString(seed?: Buffer): { key: string; prefix: string } {
  const bytes = seed ?? randomBytes(30);
  const prefix = bytes.subarray(0, 6).toString('hex');
  const secret = bytes.subarray(6).toString('base64url');
  return { key: `ewc_${prefix}_${secret}`, prefix };
}

function prefixOf(key: string): string | null {
  const m = /^ewc_([0-9a-f]{12})_[A-Za-z0-9_-]{16,}$/.exec(key);
  return m ? m[1] : null;
}

export function subjectOf(agencyCode: string | null, institutionId: number | null, escoId: number | null): Subject {
  if (institutionId !== null) return 'INSTITUTION';
  if (escoId !== null) return 'ESCO';
  if (agencyCode && AGENCY_SUBJECTS.includes(agencyCode)) return agencyCode as Subject;
  // An agency outside the access table gets nothing beyond what the public sees.
  return 'PUBLIC';
}

interface KeyRow {
  id: number;
  name: string;
  hash: string;
  role: Role;
  agency_code: string | null;
  institution_id: number | null;
  esco_id: number | null;
  site_ids: number[] | null;
  budget: number | null;
}

/** Looks a presented key up (one indexed query); null when unknown, malformed or revoked. */
export async function authenticate(
  query: (sql: string, params: unknown[]) => Promise<{ rows: KeyRow[] }>,
  key: string,
): Promise<Principal | null> {
  const prefix = prefixOf(key);
  if (!prefix) return null;
  const { rows } = await query(
    `SELECT k.id, k.name, k.hash, k.role, k.budget, a.code AS agency_code, k.institution_id, k.esco_id,
            CASE WHEN k.esco_id IS NOT NULL THEN ARRAY(SELECT DISTINCT institution_id FROM epc_contract WHERE esco_id = k.esco_id) END AS site_ids
       FROM api_key k LEFT JOIN agency a ON a.id = k.agency_id
      WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
    [prefix],
  );
  const row = rows[0];
  if (!row) return null;
  const presented = Buffer.from(hashKey(key), 'hex');
  if (!timingSafeEqual(presented, Buffer.from(row.hash, 'hex'))) return null;
  return {
    keyId: row.id,
    keyName: row.name,
    role: row.role,
    subject: subjectOf(row.agency_code, row.institution_id, row.esco_id),
    agencyCode: row.agency_code,
    institutionId: row.institution_id,
    escoId: row.esco_id,
    ...(row.site_ids ? { siteIds: row.site_ids } : {}),
    budget: row.budget,
  };
}
