import { tearDownTestDatabase, type TestDatabase } from '../../scripts/test-database';

/** Tears down what this run's global setup made; what `npm test` made for both runs is its own to remove. */
export default async function globalTeardown(): Promise<void> {
  const db = (globalThis as { __ewcTestDatabase?: TestDatabase }).__ewcTestDatabase;
  if (db) await tearDownTestDatabase(db);
}
