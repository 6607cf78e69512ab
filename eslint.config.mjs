// `npm run lint` (and the first step of `npm test`): type-aware TypeScript rules and the layer rule.
// Layers point one way: the server (HTTP, WebSocket, auth) sits on top of the GraphQL layer, which
// sits on the modules, which sit on access (src/access imports no module); src/app (the entity list, the database factory), the CLI and the demo
// seeder sit above the modules; src/db/ is below every feature and knows none of them; the domain
// errors (src/errors/) are below everything.
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

/**
 * Files that still break a layer rule, named one by one; the list only shrinks (each entry goes
 * when its file moves or stops importing across the line). A new file is never added here.
 */
const IMPORTS_SERVER = [];

/** Files that still hold a catch-all `catch {}` (same rule: the list only shrinks). */
const CATCHES_ALL = [];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'src/dashboard/app/**', 'src/explorer/app/**', '**/*.js', '**/*.mjs'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.json'] } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: CATCHES_ALL,
    rules: {
      'no-restricted-syntax': ['error', { selector: 'CatchClause[param=null]', message: 'Catch what you expect: catch (err) and rethrow what is not yours; a catch-all turns a database error or a bug into a wrong answer.' }],
    },
  },
  {
    files: ['src/modules/**/*.ts', 'src/access/**/*.ts', 'src/graphql/**/*.ts'],
    ignores: IMPORTS_SERVER,
    rules: {
      'import/no-restricted-paths': ['error', {
        zones: [
          { target: ['./src/modules', './src/access', './src/graphql'], from: './src/server', message: 'The server sits above this layer: take what you need from src/graphql/ or pass it in.' },
          { target: ['./src/modules', './src/access', './src/graphql'], from: ['./src/app', './src/cli', './src/demo'], message: 'The entry points (src/app, the CLI, the demo seeder) sit above the modules: pass in what a module needs.' },
          { target: './src/access', from: './src/modules', message: 'The access layer (principal, keys, policy, guard) speaks of subjects and actions, not features: a module calls access, never the other way.' },
        ],
      }],
    },
  },
  {
    // Resolvers only translate (issue 16): a service takes row ids and a PageWindow, and returns domain
    // values and WindowRows; global ids, cursors and connections are the GraphQL layer's (a service
    // that records an object on the audit trail writes its global id with src/global-id.ts).
    files: ['src/modules/**/*.service.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['**/graphql/relay'],
          message: 'Decode ids and paging in the resolver (or the module\'s inputs); pass the service row ids and a PageWindow (src/db/window.ts), return WindowRows; toGlobalId is in src/global-id.ts.',
        }],
      }],
    },
  },
  {
    files: ['src/errors/**/*.ts'],
    rules: {
      'import/no-restricted-paths': ['error', {
        zones: [{ target: './src/errors', from: ['./src/modules', './src/access', './src/graphql', './src/server', './src/cli', './src/db'], message: 'Domain errors sit below every layer: every layer throws them, and they import none.' }],
      }],
    },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: {
      'import/no-restricted-paths': ['error', {
        zones: [{ target: './src/db', from: ['./src/modules', './src/access', './src/graphql', './src/server', './src/cli', './src/app', './src/demo'], message: 'src/db/ knows no feature: the layer above (src/app, a module, the CLI) passes it what it needs (the entities: src/app/entities.ts).' }],
      }],
    },
  },
);
