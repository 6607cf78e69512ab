/** @type {import('jest').Config} */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    // type-graphql and MikroORM read design-time types: keep decorator metadata on.
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  // Node's, printing the hub's logs and child processes' stderr only for a failing test.
  testEnvironment: '<rootDir>/test/setup/environment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  // Sources import their lazily loaded neighbours as './x.js' (what Node needs at run time).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['reflect-metadata', '<rootDir>/test/setup/capture-logs.ts'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  maxWorkers: 2,
  // The longest files first on a run with no Jest cache (see the file).
  testSequencer: '<rootDir>/test/setup/sequencer.js',
  // Bounds a hang only: tests wait for events, never for a while, and a busy machine is slow, not wrong.
  testTimeout: 300_000,
};
