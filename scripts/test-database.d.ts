/** Types of scripts/test-database.js (the test suite's PostgreSQL), for the TypeScript that calls it. */
export interface TestDatabase {
  env: { EWC_TEST_ADMIN_URL: string; EWC_TEST_TEMPLATE: string; EWC_TEST_DATA_DIR: string };
  server: { stop(): Promise<void> } | null;
}
export function setUpTestDatabase(): Promise<TestDatabase>;
export function tearDownTestDatabase(db: TestDatabase): Promise<void>;
