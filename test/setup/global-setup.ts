/**
 * Starts one PostgreSQL for the run (embedded, or the server in DATABASE_URL) and
 * builds a template database with the migrations and the demo data; each test file
 * copies it. Nothing here imports entities or the schema (entities loaded here would register their metadata in another realm than the tests').
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '../../src/db/embedded';
import type { LogLevel } from '../../src/config';
import { logger } from '../../src/logger';

const ROOT = path.resolve(__dirname, '../..');

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export default async function globalSetup(): Promise<void> {
  // Quiet unless asked (LOG_LEVEL=info npm test): a green run prints Jest's summary only.
  logger.setLevel((process.env.LOG_LEVEL as LogLevel) || 'warn');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ewc-test-'));
  let server: EmbeddedServer | null = null;
  let baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    server = await startEmbedded(dataDir, 'ewc', { throwaway: true });
    baseUrl = server.url;
  }
  const adminUrl = withDatabase(baseUrl, 'postgres');
  const template = `ewc_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  // The real CLI builds the template: the same migrate and seed a user runs.
  const env = { ...process.env, DATABASE_URL: withDatabase(baseUrl, template), EWC_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  for (const args of [['migrate'], ['seed', 'demo']]) {
    execFileSync(process.execPath, [path.join(ROOT, 'dist/src/main.js'), ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }

  process.env.EWC_TEST_ADMIN_URL = adminUrl;
  process.env.EWC_TEST_TEMPLATE = template;
  process.env.EWC_TEST_DATA_DIR = dataDir;
  (globalThis as { __ewcTestServer?: EmbeddedServer | null }).__ewcTestServer = server;
}
