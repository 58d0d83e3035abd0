// Lint: the import boundaries of docs/ARCHITECTURE.md, and the recommended checks of ESLint and
// typescript-eslint. `npm run lint` runs it with Prettier's check; .ci/run runs `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Another folder of src/ that is not shared ground (platform, db) and a file in it that is not a domain's public face. */
const OTHER_DOMAIN_INTERNALS = '^\\.\\./(?!platform/|db/)[^/]+/(?![^/]+\\.(service|store|rules|schema)\\.ts$)[^/]+$';

const restrict = (patterns) => ['error', { patterns }];

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
  // platform/ and db/ are shared ground: they import no domain.
  {
    files: ['src/platform/**/*.ts', 'src/db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: '^\\.\\./(?!platform/|db/)[^/]+/', message: 'platform/ and db/ import no domain (docs/ARCHITECTURE.md).' },
        { regex: '^\\.\\./(services|app|config)\\.ts$', message: 'platform/ and db/ do not import the composition root.' },
      ]),
    },
  },
  // A domain imports another only through its service, store, rules or schema.
  {
    files: ['src/*/**/*.ts'],
    ignores: ['src/platform/**', 'src/db/**', 'src/cli/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: OTHER_DOMAIN_INTERNALS, message: "Another domain is reached through its *.service.ts, *.store.ts, *.rules.ts or *.schema.ts." },
      ]),
    },
  },
  // Routes are thin: they call services, never a store.
  {
    files: ['src/**/*.routes.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: OTHER_DOMAIN_INTERNALS, message: "Another domain is reached through its *.service.ts, *.store.ts, *.rules.ts or *.schema.ts." },
        { regex: '\\.store\\.ts$', message: 'Routes call a service, never a store.' },
      ]),
    },
  },
  // Rules are pure: no database, no service, no store.
  {
    files: ['src/**/*.rules.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: OTHER_DOMAIN_INTERNALS, message: "Another domain is reached through its *.service.ts, *.store.ts, *.rules.ts or *.schema.ts." },
        { regex: '(^|/)db/|\\.(store|service)\\.ts$|(^|/)services\\.ts$|^(kysely|pg|better-sqlite3)$', message: 'Rules are pure functions: no database, store or service.' },
      ]),
    },
  },
);
