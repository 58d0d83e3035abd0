// The logistics validators: unified social credit codes, number plates, county codes, pass numbers,
// validity windows, the department per cargo category by date, and the rule file's own checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCreditCode,
  checkPlate,
  checkVehiclePlates,
  creditCheckChar,
  licenceCovers,
} from '../../src/logistics/enterprises.rules.ts';
import {
  checkCountyCode,
  checkPassNumber,
  checkValidity,
  countyOfPath,
  departmentFor,
  holdsVehicle,
  mayChange,
  passNumber,
  passState,
} from '../../src/logistics/passes.rules.ts';
import { logisticsPolicy, parseLogisticsPolicy } from '../../src/logistics/logistics.policy.ts';
import { RuleFileError } from '../../src/platform/rule-file.ts';
import fs from 'node:fs';

test('credit code: the GB 32100-2015 check character, format and normalisation', () => {
  assert.deepEqual(checkCreditCode('91350100M000100Y43'), {
    ok: true,
    value: '91350100M000100Y43',
    division: '350100',
  });
  assert.equal(checkCreditCode(' 91350100m000100y43 ').ok, true);
  assert.deepEqual(checkCreditCode('91350100M000100Y44'), { ok: false, code: 'CREDIT_CODE_CHECKSUM', expected: '3' });
  // The check character of a sum divisible by 31 is 0, not the 31st character.
  assert.equal(creditCheckChar('91220402MA0XK7LQ3'), '2');
  assert.equal(checkCreditCode('91220402MA0XK7LQ32').ok, true);
  for (const bad of [
    '',
    '91350100M000100Y4',
    '91350100M000100Y433',
    '91350100M00O100Y43',
    '9135010SM000100Y43',
    'Z1350100M000100Y43',
    '91A50100M000100Y43',
  ])
    assert.equal(checkCreditCode(bad).ok, false, bad);
  assert.equal((checkCreditCode('91350100M00I100Y43') as { code: string }).code, 'CREDIT_CODE_FORMAT');
});

test('plates: provinces, the 7-character plates, the 8-character new-energy plates and trailer plates', () => {
  assert.deepEqual(checkPlate('吉D12345'), { ok: true, value: '吉D12345', kind: 'standard' });
  assert.deepEqual(checkPlate('吉d·a1234'), { ok: true, value: '吉DA1234', kind: 'standard' });
  assert.deepEqual(checkPlate('粤BD12345'), { ok: true, value: '粤BD12345', kind: 'new_energy' });
  assert.deepEqual(checkPlate('粤BF1A234'), { ok: false, code: 'PLATE_FORMAT' });
  assert.deepEqual(checkPlate('粤BFA1234'), { ok: true, value: '粤BFA1234', kind: 'new_energy' });
  assert.deepEqual(checkPlate('冀A12345D'), { ok: true, value: '冀A12345D', kind: 'new_energy' });
  assert.deepEqual(checkPlate('吉D1234挂'), { ok: true, value: '吉D1234挂', kind: 'trailer' });
  assert.deepEqual(checkPlate('港A12345'), { ok: false, code: 'PLATE_PROVINCE' });
  assert.deepEqual(checkPlate('AB12345'), { ok: false, code: 'PLATE_PROVINCE' });
  for (const bad of [
    '吉DI2345',
    '吉D1234O',
    '吉D1234',
    '吉1D2345',
    '吉DA123456',
    '粤BX12345',
    '粤B1234X5',
    '吉D12345挂',
  ])
    assert.equal(checkPlate(bad).ok, false, bad);
});

test('vehicle plates: a trailer plate only on a tractor-trailer, which needs one', () => {
  assert.deepEqual(checkVehiclePlates('truck', '吉D12345'), {
    ok: true,
    plate: '吉D12345',
    plateKind: 'standard',
    trailerPlate: null,
  });
  assert.deepEqual(checkVehiclePlates('truck', '吉D12345', '吉D1234挂'), {
    ok: false,
    field: 'trailerPlate',
    code: 'PLATE_TRAILER_MISPLACED',
  });
  assert.deepEqual(checkVehiclePlates('truck', '吉D1234挂'), {
    ok: false,
    field: 'plate',
    code: 'PLATE_TRAILER_MISPLACED',
  });
  assert.deepEqual(checkVehiclePlates('tractor_trailer', '吉D12345'), {
    ok: false,
    field: 'trailerPlate',
    code: 'PLATE_TRAILER_REQUIRED',
  });
  assert.deepEqual(checkVehiclePlates('tractor_trailer', '吉D12345', '吉D54321'), {
    ok: false,
    field: 'trailerPlate',
    code: 'PLATE_TRAILER_REQUIRED',
  });
  assert.deepEqual(checkVehiclePlates('tractor_trailer', '吉D12345', '吉d 1234 挂'), {
    ok: true,
    plate: '吉D12345',
    plateKind: 'standard',
    trailerPlate: '吉D1234挂',
  });
  assert.equal(licenceCovers('A2', 'tractor_trailer'), true);
  assert.equal(licenceCovers('B2', 'tractor_trailer'), false);
  assert.equal(licenceCovers('C1', 'truck'), false);
  assert.equal(licenceCovers('C1', 'light_truck'), true);
});

test('county codes and pass numbers', () => {
  assert.deepEqual(checkCountyCode('220402'), { ok: true, value: '220402' });
  assert.equal(checkCountyCode('220400').ok, false); // a prefecture, not a county
  assert.equal(checkCountyCode('229999').ok, false);
  assert.equal(checkCountyCode('22040').ok, false);
  assert.equal(passNumber('220402', 17), '220402000017');
  assert.throws(() => passNumber('220402', 0));
  assert.throws(() => passNumber('220402', 1_000_000));
  assert.deepEqual(checkPassNumber('2204 0200 0017'), {
    ok: true,
    value: '220402000017',
    division: '220402',
    serial: 17,
  });
  assert.deepEqual(checkPassNumber('220402000000'), { ok: false, code: 'PASS_NUMBER_FORMAT' });
  assert.deepEqual(checkPassNumber('22040200001'), { ok: false, code: 'PASS_NUMBER_FORMAT' });
  assert.deepEqual(checkPassNumber('22040200001a'), { ok: false, code: 'PASS_NUMBER_FORMAT' });
  assert.deepEqual(checkPassNumber('229999000001'), { ok: false, code: 'PASS_NUMBER_DIVISION' });
  assert.deepEqual(checkPassNumber('220400000001'), { ok: false, code: 'PASS_NUMBER_DIVISION' });
  assert.equal(countyOfPath('220400/220402/220402001/'), '220402');
  assert.equal(countyOfPath('220400/'), null);
});

test('validity windows: default, longest, not in the past, not too far ahead', () => {
  const p = logisticsPolicy();
  const today = '2022-05-10';
  assert.deepEqual(checkValidity(p, today, undefined, undefined), {
    ok: true,
    validFrom: today,
    validUntil: '2022-05-23',
  });
  assert.deepEqual(checkValidity(p, today, '2022-05-12', '2022-06-10'), {
    ok: true,
    validFrom: '2022-05-12',
    validUntil: '2022-06-10',
  });
  assert.equal(
    (checkValidity(p, today, '2022-05-12', '2022-06-11') as { code: string }).code,
    'PASS_VALIDITY_TOO_LONG',
  );
  assert.equal((checkValidity(p, today, '2022-05-09', undefined) as { code: string }).code, 'PASS_VALIDITY_PAST');
  assert.equal((checkValidity(p, today, '2022-05-18', undefined) as { code: string }).code, 'PASS_VALIDITY_TOO_FAR');
  assert.equal((checkValidity(p, today, '2022-05-12', '2022-05-11') as { code: string }).code, 'PASS_VALIDITY_ORDER');
  assert.equal((checkValidity(p, today, '2022-02-30', undefined) as { code: string }).code, 'PASS_VALIDITY_DATE');
  assert.equal(passState('issued', '2022-05-10', '2022-05-20', '2022-05-21'), 'expired');
  assert.equal(passState('issued', '2022-05-10', '2022-05-20', '2022-05-09'), 'not_yet_valid');
  assert.equal(passState('issued', '2022-05-10', '2022-05-20', '2022-05-20'), 'issued');
  assert.equal(passState('revoked', '2022-05-10', '2022-05-20', '2022-05-12'), 'revoked');
  assert.equal(mayChange('applied', 'issue'), true);
  assert.equal(mayChange('issued', 'issue'), false);
  assert.equal(mayChange('issued', 'revoke'), true);
  assert.equal(mayChange('refused', 'revoke'), false);
  assert.equal(holdsVehicle('issued', '2022-05-20', '2022-05-21'), false);
  assert.equal(holdsVehicle('applied', '2022-05-20', '2022-05-21'), true);
});

test('rule file: the department of a cargo category changes with the period in force', () => {
  const raw = JSON.parse(fs.readFileSync(new URL('../../rules/logistics.json', import.meta.url), 'utf8'));
  assert.equal(departmentFor(logisticsPolicy(), 'medical_supplies', '2022-05-01'), 'health');
  const later = structuredClone(raw.periods[0]);
  later.from = '2022-07-01';
  later.departmentOf.medical_supplies = 'industry_it';
  const p = parseLogisticsPolicy({ ...raw, periods: [raw.periods[0], later] });
  assert.equal(departmentFor(p, 'medical_supplies', '2022-06-30'), 'health');
  assert.equal(departmentFor(p, 'medical_supplies', '2022-07-01'), 'industry_it');
  // Faults name the field.
  const missing = structuredClone(raw);
  delete missing.periods[0].departmentOf.energy;
  assert.throws(
    () => parseLogisticsPolicy(missing),
    (e: unknown) => e instanceof RuleFileError && /departmentOf\.energy/.test(e.message),
  );
  const unknown = structuredClone(raw);
  unknown.periods[0].departmentOf.energy = 'police';
  assert.throws(() => parseLogisticsPolicy(unknown), /unknown department/);
  const long = structuredClone(raw);
  long.periods[0].validity.defaultDays = 40;
  assert.throws(() => parseLogisticsPolicy(long), /validity\.defaultDays/);
});
