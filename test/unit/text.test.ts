import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanName, cleanNote, exportCell, nameOrThrow } from '../../src/platform/text.ts';
import { isDivisionCode } from '../../src/registry/divisions.ts';
import { checkResidentId, earliestBirthDate, validatePerson } from '../../src/registry/registry.rules.ts';
import { AppError } from '../../src/platform/errors.ts';
import { rid } from '../support/ids.ts';

const TODAY = '2022-03-24';

test('a name is NFC; a control, separator or bidi character refuses it, naming the character', () => {
  assert.deepEqual(cleanName('Jose\u0301'), { ok: true, value: 'José' });
  assert.deepEqual(cleanName('张三 Li'), { ok: true, value: '张三 Li' });
  for (const [ch, label] of [
    ['\u0000', 'U+0000'],
    ['\t', 'U+0009'],
    ['\n', 'U+000A'],
    ['\u007F', 'U+007F'],
    ['\u0085', 'U+0085'],
    ['\u200E', 'U+200E'],
    ['\u200F', 'U+200F'],
    ['\u2028', 'U+2028'],
    ['\u202A', 'U+202A'],
    ['\u202E', 'U+202E'],
    ['\u2066', 'U+2066'],
    ['\u2069', 'U+2069'],
    ['\u061C', 'U+061C'],
  ] as const) {
    assert.deepEqual(cleanName(`健康${ch}码`), { ok: false, code: 'TEXT_FORBIDDEN_CHARACTER', char: label }, label);
  }
  assert.throws(
    () => nameOrThrow('a\u202Eb', '--name'),
    (err: unknown) =>
      err instanceof AppError && err.code === 'TEXT_FORBIDDEN_CHARACTER' && err.params.field === '--name',
  );
});

test('a note keeps tabs and line breaks and loses the rest; an exported cell loses every control', () => {
  assert.equal(cleanNote('行动\u0000不便\u202E\r\n二楼\t东\u2067'), '行动不便\r\n二楼\t东');
  assert.equal(cleanNote('e\u0301'), 'é');
  assert.equal(exportCell('a\u0000b\u001fc\u0007d\te\nf'), 'abcd\te\nf');
});

test('division codes: current and retired accepted, unknown refused; birth dates bounded to 120 years', () => {
  for (const code of ['220402', '220403', '220421', '110101']) assert.equal(isDivisionCode(code), true, code);
  for (const code of ['110103', '110104', '220401', '510103'])
    assert.equal(isDivisionCode(code), true, `retired ${code}`);
  for (const code of ['229999', '220499', '110000', '000000']) assert.equal(isDivisionCode(code), false, code);
  assert.equal((checkResidentId(rid('22999919800101031'), TODAY) as { code: string }).code, 'ID_NUMBER_DIVISION');
  assert.equal(checkResidentId(rid('11010319800101031'), TODAY).ok, true);
  assert.equal(earliestBirthDate(TODAY), '1902-03-24');
  assert.equal((checkResidentId(rid('22040218990101031'), TODAY) as { code: string }).code, 'ID_NUMBER_BIRTH_DATE');
  assert.equal(checkResidentId(rid('22040219020324031'), TODAY).ok, true);
  const old = validatePerson({ name: '李', birthDate: '1700-01-01' }, TODAY);
  assert.deepEqual(old.ok ? [] : old.faults.map((f) => f.code), ['BIRTH_DATE_OUT_OF_RANGE']);
  const rlo = validatePerson({ name: '李\u202E四', relation: '女\u0000儿', note: 'a\u0000b' }, TODAY);
  assert.deepEqual(rlo.ok ? [] : rlo.faults.map((f) => `${f.field}:${f.code}`), [
    'name:TEXT_FORBIDDEN_CHARACTER',
    'relation:TEXT_FORBIDDEN_CHARACTER',
  ]);
  const fine = validatePerson({ name: ' 李四 ', note: ' a\u0000b ' }, TODAY);
  assert.deepEqual(fine.ok && [fine.value.name, fine.value.note], ['李四', 'ab']);
});
