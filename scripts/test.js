#!/usr/bin/env node
// npm test: runs every suite that can run here and says plainly what it skipped and why.
//   unit/  pure functions                 api/  through app.inject(), per dialect
//   db/    service suites per dialect      e2e/  Chromium through playwright-core
// CORDON_REQUIRE_PG=1 / CORDON_REQUIRE_E2E=1 turn a skip into a failure (CI sets both).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function files(dir) {
  const abs = path.join(root, 'test', dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join('test', dir, f))
    .sort();
}

const env = { ...process.env };
let suites = ['unit', 'api', 'db', 'e2e'];
if (only === 'pg') {
  suites = ['db', 'api'];
  env.CORDON_REQUIRE_PG = '1';
  env.CORDON_TEST_DIALECT = 'postgres';
} else if (only === 'e2e') {
  suites = ['e2e'];
  env.CORDON_REQUIRE_E2E = '1';
} else if (only) suites = [only];

const chromium = env.CORDON_CHROMIUM ?? '/usr/bin/chromium';
const notes = [];
if (suites.includes('e2e') && !fs.existsSync(chromium)) {
  if (env.CORDON_REQUIRE_E2E === '1') {
    console.error(`CORDON_REQUIRE_E2E=1 but Chromium is not at ${chromium}`);
    process.exit(1);
  }
  suites = suites.filter((s) => s !== 'e2e');
  notes.push(`SKIPPED e2e suite: Chromium not found at ${chromium} (apt-get install chromium, or set CORDON_CHROMIUM)`);
}
if (suites.includes('e2e')) {
  console.log('building the web app for the e2e suite…');
  const b = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit', env });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const list = suites.flatMap(files);
if (list.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Files run side by side: each has its own databases (an in-memory SQLite, a PostgreSQL schema of its own),
// data directories, ports and Redis prefixes. Most of a file's time is spent waiting on PostgreSQL, Chromium
// or a child process, so two at a time pay even on two cores. CORDON_TEST_CONCURRENCY=1 runs one at a time.
// (The runner takes the files in path order whatever order they are given in: api, db, e2e, unit.)
const concurrency = Number(env.CORDON_TEST_CONCURRENCY || 2);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`CORDON_TEST_CONCURRENCY must be a whole number of at least 1, not ${env.CORDON_TEST_CONCURRENCY}`);
  process.exit(1);
}
// Files that time threads against the clock (SQLite's checkpoint thread): run after the rest, alone.
const ALONE = new Set(['test/db/checkpointer.test.ts']);
const run = (files, n) =>
  files.length === 0
    ? 0
    : (spawnSync(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${n}`, ...files],
        { cwd: root, stdio: 'inherit', env },
      ).status ?? 1);
for (const n of notes) console.log(n);
const together = run(
  list.filter((f) => !ALONE.has(f)),
  concurrency,
);
const alone = run(
  list.filter((f) => ALONE.has(f)),
  1,
);
for (const n of notes) console.log(n);
process.exit(together || alone);
