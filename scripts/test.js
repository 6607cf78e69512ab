#!/usr/bin/env node
/**
 * `npm test`: builds if the sources changed (the test setup runs the built CLI), lints (ESLint: the
 * type-aware rules and the layer rule of eslint.config.mjs), type-checks the server, test and
 * browser sources, then runs the unit and integration tests and, after them, the
 * browser tests (one at a time: each drives a Chromium). Both runs always run, and either failing
 * fails the whole. `npm test -- <jest arguments>` runs Jest once with those arguments instead.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ensureBuilt } = require('./build');

const ROOT = path.resolve(__dirname, '..');
const JEST = require.resolve('jest/bin/jest');
const TSC = require.resolve('typescript/bin/tsc');
const ESLINT = path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');
const BROWSER = ['test/dashboard/', 'test/explorer/'];

function step(label, args) {
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  return { label, ok: r.status === 0, seconds };
}

ensureBuilt();
const extra = process.argv.slice(2);
if (extra.length) process.exit(step('jest', [JEST, ...extra]).ok ? 0 : 1);

const checks = [
  ['eslint', [ESLINT, '.']],
  ...['tsconfig.json', 'tsconfig.web.json'].map((project) => [`tsc -p ${project}`, [TSC, '-p', project, '--noEmit']]),
];
for (const [label, args] of checks) {
  const r = step(label, args);
  if (!r.ok) {
    process.stderr.write(`npm test: ${r.label} failed; no tests run\n`);
    process.exit(1);
  }
}
const results = [
  step('unit and integration tests', [JEST, ...BROWSER.flatMap((p) => ['--testPathIgnorePatterns', p])]),
  step('browser tests', [JEST, '--runInBand', ...BROWSER]),
];
process.stderr.write(`\nnpm test: ${results.map((r) => `${r.label} ${r.ok ? 'passed' : 'FAILED'} (${r.seconds} s)`).join(', ')}\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
