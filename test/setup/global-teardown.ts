import { rmSync } from 'node:fs';
import pg from 'pg';
import type { EmbeddedServer } from '../../src/db/embedded';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __ewcTestServer?: EmbeddedServer | null }).__ewcTestServer;
  const admin = new pg.Client({ connectionString: process.env.EWC_TEST_ADMIN_URL });
  await admin.connect();
  // Test databases go with the run, on an external server too.
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
    [process.env.EWC_TEST_TEMPLATE, `${process.env.EWC_TEST_TEMPLATE}_t%`],
  );
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await admin.end();
  await server?.stop();
  if (process.env.EWC_TEST_DATA_DIR) rmSync(process.env.EWC_TEST_DATA_DIR, { recursive: true, force: true });
}
