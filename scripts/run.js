#!/usr/bin/env node
/**
 * `npm start` and `npm run cli -- …`: builds first only when the sources are newer than dist/
 * (see build.js), then runs the CLI in this same process, so a built tree starts at once.
 */
'use strict';
require('./build').ensureBuilt();
require('../dist/src/main.js');
