// The error catalogue (src/errors.catalogue.ts): one definition per code, each with a zh and an en
// message and an HTTP error status, and every defineErrors block of src assembled into it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE, ERROR_CATALOGUES, installErrorCatalogue } from '../../src/errors.catalogue.ts';
import {
  AppError,
  asErrorCode,
  assembleErrorCatalogue,
  errorCatalog,
  messageFor,
  type ErrorCode,
} from '../../src/platform/errors.ts';

const SRC = path.resolve(import.meta.dirname, '../../src');

// Compiles only while ErrorCode is the catalogue's codes, not any string (the typecheck's guard).
type CodesAreChecked = string extends ErrorCode
  ? 'ErrorCode takes any string: src/errors.catalogue.ts does not augment ErrorCodes'
  : true;
const codesAreChecked: CodesAreChecked = true;

/**
 * Warnings of a roster import: listed beside an import that succeeds (status 200), never an answer of
 * their own — so no AppError may take them (checked below).
 */
const WARNINGS = new Set(['ROSTER_UNKNOWN_COLUMNS', 'HOUSEHOLD_NEW_AT_ADDRESS']);

function sources(): Array<{ file: string; text: string }> {
  return (fs.readdirSync(SRC, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, text: fs.readFileSync(path.join(SRC, f), 'utf8') }));
}

test('every code has a zh and an en message and a status in 400–599', () => {
  assert.ok(ERROR_CATALOGUE.size > 100, `${ERROR_CATALOGUE.size} codes`);
  const faults: string[] = [];
  for (const [code, spec] of ERROR_CATALOGUE) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) faults.push(`${code}: not an upper-case code`);
    if (!spec.zh?.trim()) faults.push(`${code}: no zh message`);
    if (!spec.en?.trim()) faults.push(`${code}: no en message`);
    const status = WARNINGS.has(code) ? 200 : spec.status >= 400 && spec.status <= 599 ? spec.status : NaN;
    if (!Number.isInteger(spec.status) || spec.status !== status) faults.push(`${code}: status ${spec.status}`);
  }
  assert.deepEqual(faults, []);
});

test('a warning is never thrown', () => {
  const thrown = sources().flatMap(({ file, text }) =>
    [...WARNINGS].filter((w) => text.includes(`new AppError('${w}'`)).map((w) => `${file}: ${w}`),
  );
  assert.deepEqual(thrown, []);
});

test('no code is defined twice, across all the blocks', () => {
  const owners = new Map<string, string[]>();
  for (const [block, specs] of Object.entries(ERROR_CATALOGUES)) {
    for (const code of Object.keys(specs)) owners.set(code, [...(owners.get(code) ?? []), block]);
  }
  const twice = [...owners]
    .filter(([, blocks]) => blocks.length > 1)
    .map(([code, blocks]) => `${code}: ${blocks.join(', ')}`);
  assert.deepEqual(twice, []);
  assert.equal(ERROR_CATALOGUE.size, owners.size);
  assert.throws(
    () =>
      assembleErrorCatalogue({
        A: { X: { status: 400, zh: '甲', en: 'a' } },
        B: { X: { status: 400, zh: '甲', en: 'a' } },
      }),
    /X defined twice/,
  );
});

test('every defineErrors block in src is part of the catalogue', () => {
  const blocks = sources().flatMap(({ text }) =>
    [...text.matchAll(/export const (\w+) = defineErrors\(/g)].map((m) => m[1]!),
  );
  assert.ok(blocks.length > 10);
  assert.deepEqual(
    blocks.filter((b) => !(b in ERROR_CATALOGUES)),
    [],
  );
  assert.equal(blocks.length, Object.keys(ERROR_CATALOGUES).length);
});

test('installed, the catalogue gives AppError its status and messageFor its text; unknown codes map to INTERNAL', () => {
  assert.equal(codesAreChecked, true);
  installErrorCatalogue();
  assert.equal(errorCatalog(), ERROR_CATALOGUE);
  const err = new AppError('AREA_NOT_FOUND');
  assert.equal(err.status, 404);
  assert.equal(err.message, 'Area not found');
  assert.equal(messageFor('NOT_FOUND', { what: 'Box' }, 'en'), 'Box not found');
  assert.equal(asErrorCode('VENUE_NOT_FOUND'), 'VENUE_NOT_FOUND');
  assert.equal(asErrorCode('SQLITE_FULL'), 'INTERNAL');
  assert.equal(asErrorCode(null), 'INTERNAL');
});
