// Lint: the import boundaries of docs/ARCHITECTURE.md, and the recommended checks of ESLint and
// typescript-eslint. `npm run lint` runs it with Prettier's check; .ci/run runs `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * What a domain publishes beside its service, store, rules and schema: the modules other domains may call.
 * Each is named with the reason it stands on its own; anything else in a domain's folder is its own business.
 */
const PUBLISHED = [
  'access/auth', //          the request guard every route uses (sign-in, permission, the actor)
  'access/access\\.scope', // the one area-scope rule (docs/ARCHITECTURE.md)
  'access/session', //       sessions of resident accounts, opened by the residents domain
  'health/health\\.facts', // the health-facts contract: other domains add and end facts, never set a colour
  'health/health\\.tracing', // the same contract as tracing calls it
  'registry/person\\.codec', // a person's sealed fields (ID number, phone) read and written one way
  'registry/roster\\.read', // the CSV/XLSX stream reader, also used for lab result files
  'rules/ruleset\\.load', //  the rule sets in force
  'venues/venue\\.codes', //  signed venue and personal codes, verified by testing and residents
  'venues/venue\\.categories', // the venue categories rule file
  'venues/venue\\.poster', // the CJK font every printed document uses (posters, vehicle passes)
  'venues/checkin\\.export', // check-ins as a table for the tracing CLI
  'venues/checkin\\.ingest', // the check-in writer's state, read by operations
  'tracing/trace\\.index\\.start', // the in-memory tracing index's state, read by operations
  'testing/testing\\.coverage', // a round's coverage, shown on the command home
  'testing/testing\\.pools', // a round's open pools, shown on the command home
  'venues/venue\\.live', //  live head-counts: the command centre's venue-over-capacity alert
  '[a-z]+/[a-z]+\\.demo', //  each domain's demo data, written by the demo generator (sim)
  'sim/random', //           the demo generator's seeded random numbers
];
/** Another folder of src/ that is not shared ground (platform, db) and a file in it that is not a domain's public face. */
const OTHER_DOMAIN_INTERNALS =
  '^\\.\\./(?!platform/|db/|cli/context\\.ts$)(?!(' + PUBLISHED.join('|') + ')\\.ts$)[^/]+/(?![^/]+\\.(service|store|rules|schema)\\.ts$)[^/]+$';

const restrict = (patterns) => ['error', { patterns }];
/** Types may be shared across the lines: they carry no call at run time. */
const typesOnly = { allowTypeImports: true };

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'web/dist/', 'data/', '.tmp/', 'test-results/', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.js', 'bench/**/*.ts', 'scripts/**', 'bin/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // A migration sees the database as it was when written, not today's typed schema: Kysely<any>, as Kysely's guide does.
  {
    files: ['src/db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // platform/ and db/ are shared ground: they import no domain.
  {
    files: ['src/platform/**/*.ts', 'src/db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: '^\\.\\./(?!platform/|db/|\\.\\./common/)[^/]+/', message: 'platform/ and db/ import no domain (docs/ARCHITECTURE.md).' },
        { regex: '^\\.\\./(services|app|errors\\.catalogue)\\.ts$', message: 'platform/ and db/ do not import the composition root.', ...typesOnly },
      ]),
    },
  },
  // common/ is what the server and the web app both run: pure TypeScript that imports nothing but common/.
  {
    files: ['common/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: '^(?!\\./)', message: 'common/ imports only common/: it runs in the server and in the browser.' },
      ]),
    },
  },
  // A domain imports another only through its service, store, rules or schema.
  {
    files: ['src/*/**/*.ts'],
    ignores: ['src/platform/**', 'src/db/**', 'src/cli/**', 'src/sim/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: OTHER_DOMAIN_INTERNALS, message: 'Another domain is reached through its service, store, rules, schema or a published module (eslint.config.js).', ...typesOnly },
      ]),
    },
  },
  // Routes are thin: they call services, never a store.
  {
    files: ['src/**/*.routes.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: OTHER_DOMAIN_INTERNALS, message: 'Another domain is reached through its service, store, rules, schema or a published module (eslint.config.js).', ...typesOnly },
        { regex: '\\.store\\.ts$', message: 'Routes call a service, never a store.' },
      ]),
    },
  },
  // Rules are pure: no database, no service, no store.
  {
    files: ['src/**/*.rules.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: OTHER_DOMAIN_INTERNALS, message: 'Another domain is reached through its service, store, rules, schema or a published module (eslint.config.js).', ...typesOnly },
        { regex: '(^|/)db/|\\.(store|service)\\.ts$|(^|/)services\\.ts$|^(kysely|pg|better-sqlite3)$', message: 'Rules are pure functions: no database, store or service.', ...typesOnly },
      ]),
    },
  },
);
