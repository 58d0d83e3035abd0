// Configuration in one place: only src/config.ts reads the environment, and the README's
// configuration table lists every variable it reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, terminalLang } from '../../src/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

test('no module but src/config.ts reads process.env', () => {
  const readers = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter(
    (f) =>
      /\.(ts|mjs|js)$/.test(f) &&
      f !== 'config.ts' &&
      fs.readFileSync(path.join(SRC, f), 'utf8').includes('process.env'),
  );
  assert.deepEqual(readers, []);
});

test('the README configuration table lists every variable config.ts reads', () => {
  const read = new Set(
    [...fs.readFileSync(path.join(SRC, 'config.ts'), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!),
  );
  assert.ok(read.size > 20, `${read.size} variables`);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(
    readme.indexOf('## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
  );
  assert.deepEqual(
    [...read].filter((name) => !table.includes(`\`${name}\``)),
    [],
  );
});

test('the variables moved into the configuration keep their meaning', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.demoPeople, 20_000);
  assert.equal(defaults.cjkFont, undefined);
  assert.equal(defaults.publicUrl, undefined);
  const set = loadConfig({
    CORDON_DEMO_PEOPLE: '1000',
    CORDON_CJK_FONT: '/fonts/cjk.ttc',
    CORDON_PUBLIC_URL: 'https://cordon.example',
  });
  assert.deepEqual([set.demoPeople, set.cjkFont, set.publicUrl], [1000, '/fonts/cjk.ttc', 'https://cordon.example']);
  assert.throws(() => loadConfig({ CORDON_DEMO_PEOPLE: 'many' }), /CORDON_DEMO_PEOPLE/);
  assert.equal(terminalLang({ LANG: 'zh_CN.UTF-8' }), 'zh');
  assert.equal(terminalLang({ LANG: 'en_US.UTF-8' }), 'en');
  assert.equal(terminalLang({}), 'en');
});
