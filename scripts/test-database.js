'use strict';
/**
 * The test suite's PostgreSQL: one server (embedded, or the one in DATABASE_URL) and a template
 * database built by the real CLI (the same migrate and seed a user runs), which each test file
 * copies. `npm test` makes one for both of its Jest runs (scripts/test.js); a Jest run started on
 * its own makes its own (test/setup/global-setup.ts). Needs the build (dist/).
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs a Node script to its end, its stderr shown; rejects when it fails. */
function run(script, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(script)} ${args.join(' ')} exited with ${code}`))));
  });
}

/**
 * Starts the server and builds the template. Resolves with the variables the tests read
 * (EWC_TEST_ADMIN_URL, EWC_TEST_TEMPLATE, EWC_TEST_DATA_DIR) and what tearDownTestDatabase needs.
 */
async function setUpTestDatabase() {
  const pg = require('pg');
  const { startEmbedded } = require(path.join(ROOT, 'dist/src/db/embedded.js'));
  // Quiet unless asked (LOG_LEVEL=info npm test), as the tests' own logger.
  require(path.join(ROOT, 'dist/src/logger.js')).logger.setLevel(process.env.LOG_LEVEL || 'warn');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ewc-test-'));
  let server = null;
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

  const env = { ...process.env, DATABASE_URL: withDatabase(baseUrl, template), EWC_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  // Not execFileSync: this process may run the embedded server, whose output it must keep reading.
  for (const args of [['migrate'], ['seed', 'demo']]) await run(path.join(ROOT, 'dist/src/main.js'), args, env);
  return { env: { EWC_TEST_ADMIN_URL: adminUrl, EWC_TEST_TEMPLATE: template, EWC_TEST_DATA_DIR: dataDir }, server };
}

/** Drops the template and every copy (on an external server too), stops an embedded server, removes its files. */
async function tearDownTestDatabase({ env, server }) {
  const pg = require('pg');
  const admin = new pg.Client({ connectionString: env.EWC_TEST_ADMIN_URL });
  await admin.connect();
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [env.EWC_TEST_TEMPLATE, `${env.EWC_TEST_TEMPLATE}_t%`]);
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await admin.end();
  if (server) await server.stop();
  rmSync(env.EWC_TEST_DATA_DIR, { recursive: true, force: true });
}

module.exports = { setUpTestDatabase, tearDownTestDatabase };
