// No colour changes without a recorded basis: every write of a colour goes through one function
// (applyColours in src/health/health.facts.ts), which writes the history row with its basis and the
// audit event for every change. This test keeps it that way: no other code writes the colour tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

const WRITE =
  /(insertInto|updateTable|deleteFrom)\(\s*'(health_status|health_colour_history)'|\b(insert\s+into|update|delete\s+from)\s+(health_status|health_colour_history)\b/i;

test('only the health store writes the colour tables', () => {
  const writers = sources(SRC).filter(
    (f) => !f.includes(`${path.sep}migrations${path.sep}`) && WRITE.test(fs.readFileSync(f, 'utf8')),
  );
  assert.deepEqual(
    writers.map((f) => path.relative(SRC, f)),
    [path.join('health', 'health.store.ts')],
  );
});

test('the colour write is called from applyColours alone, and recordChanges follows it', () => {
  const callers = sources(SRC).filter(
    (f) => /\bupsertColours\(/.test(fs.readFileSync(f, 'utf8')) && !f.endsWith('health.store.ts'),
  );
  assert.deepEqual(
    callers.map((f) => path.relative(SRC, f)),
    [path.join('health', 'health.facts.ts')],
  );
  const facts = fs.readFileSync(path.join(SRC, 'health', 'health.facts.ts'), 'utf8');
  assert.equal(facts.match(/store\.upsertColours\(/g)?.length, 1);
  const body = facts.slice(facts.indexOf('async function applyColours('));
  const write = body.indexOf('store.upsertColours(');
  const record = body.indexOf('await recordChanges(');
  assert.ok(write > 0 && record > write, 'every stored change is then recorded with its basis');
  // The latest-test upsert creates rows only as green with no reasons and never touches an existing colour.
  const storeText = fs.readFileSync(path.join(SRC, 'health', 'health.store.ts'), 'utf8');
  const latest = storeText.slice(
    storeText.indexOf('export async function upsertLatestTests('),
    storeText.indexOf('// ---- status'),
  );
  assert.doesNotMatch(latest.slice(latest.indexOf('do update set')), /colour\s*=/);
  const override = storeText.slice(storeText.indexOf('export async function setOverride('));
  assert.doesNotMatch(override.slice(0, override.indexOf('\n}\n')), /colour: eb\.ref\('excluded\.colour'\)/);
});
