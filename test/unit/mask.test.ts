import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskIdNumber, maskName, maskPhone, maskPhonesIn } from '../../src/platform/mask.ts';
import { FieldCipher, generateKeys, hashPassword, newId, verifyPassword } from '../../src/platform/crypto.ts';

test('ID numbers keep region and last four', () => {
  assert.equal(maskIdNumber('220402195304120318'), '220402********0318');
  assert.equal(maskIdNumber('E12345678'), 'E1*****78');
  assert.equal(maskIdNumber(null), null);
});

test('phones keep prefix and last four', () => {
  assert.equal(maskPhone('13804371234'), '138****1234');
  assert.equal(maskPhone(''), null);
});

test('mobile numbers standing alone in a text are masked; longer digit runs are not', () => {
  assert.equal(
    maskPhonesIn('{"username":"13904371234","ip":"127.0.0.1"}'),
    '{"username":"139****1234","ip":"127.0.0.1"}',
  );
  assert.equal(maskPhonesIn('13904371234'), '139****1234');
  assert.equal(
    maskPhonesIn('220402198505060017 1733011200000 23904371234'),
    '220402198505060017 1733011200000 23904371234',
  );
});

test('names keep first and last character', () => {
  assert.equal(maskName('张建国'), '张*国');
  assert.equal(maskName('王丽'), '王*');
  assert.equal(maskName('欧阳娜娜'), '欧**娜');
});

test('field cipher round-trips and is randomised; lookup is deterministic per kind', () => {
  const c = new FieldCipher(generateKeys());
  const a = c.encrypt('220402195304120318');
  const b = c.encrypt('220402195304120318');
  assert.notEqual(a, b);
  assert.equal(c.decrypt(a), '220402195304120318');
  assert.equal(c.lookup('id', 'x'), c.lookup('id', 'x'));
  assert.notEqual(c.lookup('id', 'x'), c.lookup('phone', 'x'));
  const other = new FieldCipher(generateKeys());
  assert.throws(() => other.decrypt(a));
  const tampered = a.slice(0, -2) + (a.endsWith('A') ? 'BB' : 'AA');
  assert.throws(() => c.decrypt(tampered));
});

test('passwords hash with scrypt and verify', async () => {
  const h = await hashPassword('s3cret-pass');
  assert.match(h, /^scrypt\$/);
  assert.equal(await verifyPassword('s3cret-pass', h), true);
  assert.equal(await verifyPassword('wrong', h), false);
});

test('ids are time ordered, and their random part is unique and uses every character alike', () => {
  assert.ok(newId(1000) < newId(2000));
  assert.equal(newId().length, 22);
  // 10,000 ids of the same millisecond: more than the random pool holds at once, so it is refilled.
  const ids = Array.from({ length: 10_000 }, () => newId(1000));
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id) => id.startsWith(newId(1000).slice(0, 10)) && /^[0-9a-hjkmnp-tv-z]{22}$/.test(id)));
  const counts = new Map<string, number>();
  for (const id of ids) for (const c of id.slice(10)) counts.set(c, (counts.get(c) ?? 0) + 1);
  assert.equal(counts.size, 32);
  // 120,000 characters over 32: 3,750 each on average; a skewed mapping would be far off.
  for (const n of counts.values()) assert.ok(n > 3_300 && n < 4_200, `count ${n}`);
});
