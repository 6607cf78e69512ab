'use strict';
const Sequencer = require('@jest/test-sequencer').default;

/**
 * The files that take longest on two cores (fuzz about 100 s, the others 25 to 40 s in a full run), in
 * that order. With no Jest cache (CI, a newcomer's clone) Jest orders files by size, and the fuzz
 * test, the longest but a small file, comes 47th of 73: a long file started late can leave one
 * worker running it alone at the end.
 */
const LONGEST = [
  'test/server/fuzz.test.ts',
  'test/server/executor.test.ts',
  'test/cli.test.ts',
  'test/imports/import.test.ts',
  'test/access/policy.test.ts',
];

/** Jest's order (failed first, then longest last time), except with no timings at all: the longest known files first. */
class LongestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((t) => t.duration != null)) return sorted;
    const rank = (t) => {
      const i = LONGEST.findIndex((p) => t.path.endsWith(p));
      return i < 0 ? LONGEST.length : i;
    };
    // Array.prototype.sort is stable: the other files keep Jest's order by size.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
