#!/usr/bin/env node
/**
 * Builds the hub into dist/ (tsc, then the dashboard and explorer bundles) and leaves a stamp,
 * dist/.build-stamp, dated when the build started. Plain JavaScript: it runs before anything
 * is compiled.
 *
 *   node scripts/build.js              build now (npm run build)
 *   node scripts/build.js --if-stale   build only when an input is newer than the stamp
 *                                      (npm install's prepare, npm start, npm run cli, npm test)
 *
 * The check compares modification times only (a few hundred stat calls, milliseconds), so a
 * start on a built tree goes straight to the hub.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
/** What the build reads: sources, the committed operations, compiler settings, dependencies. */
const INPUT_DIRS = ['src', 'migrations', 'bench', 'examples', 'schema/operations', 'scripts'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.web.json', 'node_modules/.package-lock.json'];

function newestIn(dir, newest) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = newestIn(p, newest);
    else if (e.isFile()) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Why a build is needed, or null when dist/ is newer than every input. */
function staleReason() {
  let stamp;
  try {
    stamp = fs.statSync(STAMP).mtimeMs;
  } catch {
    return 'no build yet';
  }
  let newest = 0;
  for (const d of INPUT_DIRS) newest = newestIn(path.join(ROOT, d), newest);
  for (const f of INPUT_FILES) {
    try {
      newest = Math.max(newest, fs.statSync(path.join(ROOT, f)).mtimeMs);
    } catch {
      // An optional input (node_modules/.package-lock.json before the first install).
    }
  }
  return newest > stamp ? 'sources changed since the last build' : null;
}

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function build() {
  // Dated before the first step: a file saved while the build runs makes the next check build again.
  const started = new Date();
  fs.rmSync(STAMP, { force: true });
  run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  run(['dist/src/dashboard/build.js']);
  run(['dist/src/explorer/build.js']);
  fs.writeFileSync(STAMP, `${started.toISOString()}\n`);
  fs.utimesSync(STAMP, started, started);
}

/** Builds when stale; returns whether it did. */
function ensureBuilt() {
  const reason = staleReason();
  if (!reason) return false;
  process.stderr.write(`ewc-hub: ${reason}: building into dist/ (a minute or two; later runs skip this)\n`);
  build();
  return true;
}

module.exports = { ensureBuilt, staleReason };

if (require.main === module) {
  if (process.argv.includes('--if-stale')) ensureBuilt();
  else build();
}
