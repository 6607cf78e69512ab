import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { hashKey, newKeyString } from '../access/key-auth';

/** The keys the demo hands out; `institution` is a DEMO_INSTITUTIONS key, `esco` a DEMO_ESCOS key. */
export const DEMO_KEY_SPECS = [
  { label: 'GOA admin', agency: 'GOA', role: 'admin' },
  { label: 'DRC editor', agency: 'DRC', role: 'editor' },
  { label: 'FINANCE editor', agency: 'FINANCE', role: 'editor' },
  { label: 'WATER editor', agency: 'WATER', role: 'editor' },
  { label: 'HOUSING editor', agency: 'HOUSING', role: 'editor' },
  { label: 'Longhui County People’s Hospital editor', institution: 'hosp-longhui', role: 'editor' },
  { label: 'PUBLIC viewer', agency: 'PUBLIC', role: 'viewer' },
  { label: 'Hunan Green Energy ESCO editor', esco: 'hunan-green', role: 'editor' },
] as const;

export interface DemoKey {
  label: string;
  key: string;
}

/**
 * Demo keys are derived from a secret kept in the data directory, so `npm start`
 * can print them again on every start while the database stores only their hashes.
 */
function demoSecret(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'demo-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

export function deriveDemoKeys(dataDir: string): DemoKey[] {
  const secret = demoSecret(dataDir);
  return DEMO_KEY_SPECS.map((spec) => {
    const seed = createHmac('sha256', secret).update(`demo-key:${spec.label}`).digest().subarray(0, 30);
    return { label: spec.label, key: newKeyString(Buffer.from(seed)).key };
  });
}

/** The derived keys that are still valid in this database (a demo key can be revoked like any other). */
export async function activeDemoKeys(client: pg.Pool | pg.PoolClient, dataDir: string): Promise<DemoKey[]> {
  const keys = deriveDemoKeys(dataDir);
  const { rows } = await client.query<{ hash: string }>('SELECT hash FROM api_key WHERE hash = ANY($1) AND revoked_at IS NULL', [
    keys.map((k) => hashKey(k.key)),
  ]);
  const live = new Set(rows.map((r) => r.hash));
  return keys.filter((k) => live.has(hashKey(k.key)));
}
