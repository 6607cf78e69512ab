/**
 * The run's PostgreSQL and template database (scripts/test-database.js), unless `npm test` made
 * them for both of its Jest runs and passed them in EWC_TEST_TEMPLATE and its neighbours. Nothing
 * here imports entities or the schema (entities loaded here would register their metadata in
 * another realm than the tests').
 */
import { setUpTestDatabase, type TestDatabase } from '../../scripts/test-database';
import type { LogLevel } from '../../src/config';
import { logger } from '../../src/logger';

export default async function globalSetup(): Promise<void> {
  // Quiet unless asked (LOG_LEVEL=info npm test): a green run prints Jest's summary only.
  logger.setLevel((process.env.LOG_LEVEL as LogLevel) || 'warn');
  if (process.env.EWC_TEST_TEMPLATE) return;
  const db = await setUpTestDatabase();
  Object.assign(process.env, db.env);
  (globalThis as { __ewcTestDatabase?: TestDatabase }).__ewcTestDatabase = db;
}
