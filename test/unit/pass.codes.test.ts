// The electronic vehicle pass: signed on the server, verified with the public key alone — by the
// server's function and by the checkpoint phone's — refusing altered, forged, expired and early codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePersonalCodeKey } from '../../src/platform/crypto.ts';
import crypto from 'node:crypto';
import { issuePassCode, verifyPassCode, type PassClaims } from '../../src/logistics/pass.codes.ts';
import { verifyPassOffline } from '../../web/src/logistics/passCode.ts';
import { rawPublicKey } from '../../web/src/venues/personalCode.ts';

const keys = generatePersonalCodeKey();
const priv = crypto.createPrivateKey(keys.privateKeyPem);
const raw = rawPublicKey(keys.publicKeyPem)!;
const claims: PassClaims = {
  id: 'p1',
  number: '220402000017',
  plate: '吉D12345',
  trailerPlate: '吉D1234挂',
  origin: '130102',
  destination: '220402',
  cargo: 'food',
  validFrom: '2022-05-10',
  validUntil: '2022-05-23',
  issuedAt: 1,
};

test('server and phone agree: genuine, expired, not yet valid', () => {
  const token = issuePassCode(priv, claims);
  for (const [today, expected] of [
    ['2022-05-10', 'ok'],
    ['2022-05-23', 'ok'],
    ['2022-05-24', 'PASS_EXPIRED'],
    ['2022-05-09', 'PASS_NOT_YET_VALID'],
  ] as const) {
    const server = verifyPassCode(keys.publicKeyPem, token, today);
    const phone = verifyPassOffline(raw, token, today);
    assert.equal(server.ok ? 'ok' : server.code, expected);
    assert.equal(phone.ok ? 'ok' : phone.code, expected);
    if (server.ok && phone.ok) assert.deepEqual({ ...phone }, { ...server });
  }
  const ok = verifyPassCode(keys.publicKeyPem, token, '2022-05-12');
  assert.ok(ok.ok && ok.trailerPlate === '吉D1234挂' && ok.number === '220402000017');
});

test('altered, forged, other key, other kind of token: invalid on both', () => {
  const token = issuePassCode(priv, claims);
  const [pre, payload, sig] = token.split('.') as [string, string, string];
  const edited = JSON.parse(Buffer.from(payload, 'base64url').toString());
  edited.v = '吉D99999';
  const altered = `${pre}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${sig}`;
  const otherKey = issuePassCode(crypto.createPrivateKey(generatePersonalCodeKey().privateKeyPem), claims);
  const personal = `p1.${payload}.${sig}`;
  for (const bad of [
    altered,
    otherKey,
    personal,
    `${pre}.${payload}`,
    `${pre}.${payload}.${sig.slice(0, -2)}AA`,
    '',
    'lp1..',
  ]) {
    const server = verifyPassCode(keys.publicKeyPem, bad, '2022-05-12');
    const phone = verifyPassOffline(raw, bad, '2022-05-12');
    assert.deepEqual([server.ok, phone.ok], [false, false], bad);
    assert.equal((server as { code: string }).code, 'PASS_CODE_INVALID');
    assert.equal((phone as { code: string }).code, 'PASS_CODE_INVALID');
  }
});
