#!/usr/bin/env node
/**
 * `npm test`: builds if the sources changed (the test setup runs the built CLI), lints (ESLint: the
 * type-aware rules and the layer rule of eslint.config.mjs), type-checks the server, test and
 * browser sources, makes the test database once (scripts/test-database.js), then runs the unit and
 * integration tests and, after them, the browser tests (one at a time: each drives a Chromium) on it. Both runs always run, and either failing
 * fails the whole. `npm test -- <jest arguments>` runs Jest once with those arguments instead.
 */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { ensureBuilt } = require('./build');
const { setUpTestDatabase, tearDownTestDatabase } = require('./test-database');

const ROOT = path.resolve(__dirname, '..');
const JEST = require.resolve('jest/bin/jest');
const TSC = require.resolve('typescript/bin/tsc');
const ESLINT = path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');
const BROWSER = ['test/dashboard/', 'test/explorer/'];

/**
 * Runs a Node script to its end, its output shown. Never spawnSync: this process runs the embedded
 * PostgreSQL of both Jest runs, whose output it must keep reading (a blocked event loop fills the
 * pipe and the server stops).
 */
function step(label, args) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
    const done = (ok) => resolve({ label, ok, seconds: ((Date.now() - started) / 1000).toFixed(0) });
    child.once('error', () => done(false));
    child.once('exit', (code) => done(code === 0));
  });
}

async function main() {
  ensureBuilt();
  const extra = process.argv.slice(2);
  if (extra.length) process.exit((await step('jest', [JEST, ...extra])).ok ? 0 : 1);

  const checks = [
    ['eslint', [ESLINT, '.']],
    ...['tsconfig.json', 'tsconfig.web.json'].map((project) => [`tsc -p ${project}`, [TSC, '-p', project, '--noEmit']]),
  ];
  for (const [label, args] of checks) {
    const r = await step(label, args);
    if (!r.ok) {
      process.stderr.write(`npm test: ${r.label} failed; no tests run\n`);
      process.exit(1);
    }
  }
  await runBoth();
}

/** Both runs copy one template database on one server, made once (the setup is a CLI migrate and demo seed). */
async function runBoth() {
  const db = await setUpTestDatabase();
  Object.assign(process.env, db.env);
  let results;
  try {
    results = [
      await step('unit and integration tests', [JEST, ...BROWSER.flatMap((p) => ['--testPathIgnorePatterns', p])]),
      await step('browser tests', [JEST, '--runInBand', ...BROWSER]),
    ];
  } finally {
    await tearDownTestDatabase(db);
  }
  process.stderr.write(`\nnpm test: ${results.map((r) => `${r.label} ${r.ok ? 'passed' : 'FAILED'} (${r.seconds} s)`).join(', ')}\n`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`npm test: ${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
