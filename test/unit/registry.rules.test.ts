import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDigit, checkMobile, checkResidentId, validatePerson } from '../../src/registry/registry.rules.ts';

const TODAY = '2022-03-24';

test('valid ID numbers from the sample roster pass, with birth date and sex derived', () => {
  const r = checkResidentId('220402195304120318', TODAY);
  assert.deepEqual(r, { ok: true, value: '220402195304120318', birthDate: '1953-04-12', sex: 'M' });
  const f = checkResidentId('22040219880615102X', TODAY);
  assert.equal(f.ok && f.sex, 'F');
});

test('a lowercase x check character is accepted and normalised', () => {
  const r = checkResidentId('22040219880615102x', TODAY);
  assert.equal(r.ok && r.value, '22040219880615102X');
});

test('a wrong check digit is refused with the expected one', () => {
  const r = checkResidentId('220402195304120319', TODAY);
  assert.deepEqual(r, { ok: false, code: 'ID_NUMBER_CHECKSUM', params: { expected: '8' } });
});

test('impossible birth dates are refused', () => {
  const feb30 = '22040219530230' + '031';
  assert.equal(
    checkResidentId(feb30 + checkDigit(feb30), TODAY).ok === false &&
      (checkResidentId(feb30 + checkDigit(feb30), TODAY) as { code: string }).code,
    'ID_NUMBER_BIRTH_DATE',
  );
  const future = '22040220300101' + '031';
  assert.equal((checkResidentId(future + checkDigit(future), TODAY) as { code: string }).code, 'ID_NUMBER_BIRTH_DATE');
});

test('15-digit legacy numbers get their own code; junk is a format error; bad province a region error', () => {
  assert.equal((checkResidentId('220402530412031', TODAY) as { code: string }).code, 'ID_NUMBER_LEGACY_15');
  assert.equal((checkResidentId('2204021953041203', TODAY) as { code: string }).code, 'ID_NUMBER_FORMAT');
  assert.equal((checkResidentId('22040219530412031Y', TODAY) as { code: string }).code, 'ID_NUMBER_FORMAT');
  const bad = '99040219530412031';
  assert.equal((checkResidentId(bad + checkDigit(bad), TODAY) as { code: string }).code, 'ID_NUMBER_REGION');
});

test('mobile numbers', () => {
  assert.deepEqual(checkMobile('138 0437 1234'), { ok: true, value: '13804371234' });
  assert.deepEqual(checkMobile('+8613804371234'), { ok: true, value: '13804371234' });
  assert.equal(checkMobile('12804371234').ok, false);
  assert.equal(checkMobile('0437-3249118').ok, false);
  assert.equal(checkMobile('1380437123').ok, false);
});

test('person validation derives sex and birth date and reports each faulty field', () => {
  const ok = validatePerson(
    { name: '张建国', idNumber: '220402195304120318', phone: '13804371234', careTags: ['elderly_alone'] },
    TODAY,
  );
  assert.equal(ok.ok, true);
  assert.equal(ok.ok && ok.value.sex, 'M');
  assert.equal(ok.ok && ok.value.idType, 'resident_id');
  const bad = validatePerson(
    { name: '', idNumber: '220402195304120319', phone: '123', sex: '女', careTags: ['vip'] },
    TODAY,
  );
  assert.equal(bad.ok, false);
  const fields = !bad.ok ? bad.faults.map((f) => `${f.field}:${f.code}`) : [];
  assert.deepEqual(
    fields.sort(),
    ['careTags:CARE_TAG_INVALID', 'idNumber:ID_NUMBER_CHECKSUM', 'name:NAME_REQUIRED', 'phone:PHONE_FORMAT'].sort(),
  );
  const mismatch = validatePerson({ name: '张建国', idNumber: '220402195304120318', sex: '女' }, TODAY);
  assert.equal(!mismatch.ok && mismatch.faults[0]!.code, 'ID_NUMBER_SEX_MISMATCH');
});

test('people without an ID card are registrable; passports are checked for shape', () => {
  const child = validatePerson({ name: '刘子涵', birthDate: '2016-05-01', sex: '男', note: '未办理身份证' }, TODAY);
  assert.equal(child.ok && child.value.idType, 'none');
  const foreigner = validatePerson({ name: 'John Smith', idType: 'passport', idNumber: 'e1234 5678' }, TODAY);
  assert.equal(foreigner.ok && foreigner.value.idNumber, 'E12345678');
  const badPassport = validatePerson({ name: 'X', idType: 'passport', idNumber: '!!' }, TODAY);
  assert.equal(!badPassport.ok && badPassport.faults[0]!.code, 'PASSPORT_FORMAT');
});
