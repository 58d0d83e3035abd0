import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { generateKeys, signingKeys } from '../../src/platform/crypto.ts';
import {
  issuePersonalCode,
  parseVenueCode,
  posterUrl,
  screenUrl,
  verifyPersonalCode,
  verifyPosterCode,
  verifyScreenCode,
  PERSONAL_CODE_TTL_MS,
  SCREEN_WINDOW_MS,
} from '../../src/venues/venue.codes.ts';

const keys = signingKeys(generateKeys());
const other = signingKeys(generateKeys());
const NOW = Date.parse('2022-03-24T08:00:10+08:00');
const VENUE = '01g0abcdefghjkmnpqrstv';
const BASE = 'https://cordon.example.cn';

function poster(key = keys.venueCodeKey, version = 1) {
  return parseVenueCode(posterUrl(BASE, key, VENUE, version))!;
}

test('a poster code is a URL of this server that verifies with the key', () => {
  const url = posterUrl(BASE + '/', keys.venueCodeKey, VENUE, 3);
  assert.match(url, new RegExp(`^${BASE}/v/${VENUE}\\.3\\.[A-Za-z0-9_-]{22}$`));
  const parsed = parseVenueCode(url)!;
  assert.deepEqual([parsed.kind, parsed.venueId, parsed.number], ['poster', VENUE, 3]);
  assert.equal(verifyPosterCode(keys.venueCodeKey, parsed, 3), 'ok');
  // A path or a URL with a query string reads the same.
  assert.deepEqual(parseVenueCode(new URL(url).pathname), parsed);
  assert.deepEqual(parseVenueCode(`${url}?from=poster#x`), parsed);
});

test('forged poster codes are invalid: another key, another venue, a changed version, garbage', () => {
  assert.equal(verifyPosterCode(keys.venueCodeKey, poster(other.venueCodeKey), 1), 'VENUE_CODE_INVALID');
  const genuine = poster();
  assert.equal(
    verifyPosterCode(keys.venueCodeKey, { ...genuine, venueId: '01g0abcdefghjkmnpqrstw' }, 1),
    'VENUE_CODE_INVALID',
  );
  assert.equal(verifyPosterCode(keys.venueCodeKey, { ...genuine, number: 2 }, 2), 'VENUE_CODE_INVALID');
  const flipped = genuine.sig.slice(0, -1) + (genuine.sig.endsWith('A') ? 'B' : 'A');
  assert.equal(verifyPosterCode(keys.venueCodeKey, { ...genuine, sig: flipped }, 1), 'VENUE_CODE_INVALID');
  for (const junk of [
    '',
    'hello',
    `${BASE}/v/${VENUE}`,
    `${BASE}/v/${VENUE}.1.short`,
    `${BASE}/x/${VENUE}.1.${genuine.sig}`,
    `${BASE}/v/../${VENUE}.1.${genuine.sig}/extra`,
  ]) {
    assert.equal(parseVenueCode(junk), null, junk);
  }
});

test('reissue revokes old posters: a genuine older version is REVOKED, the new one is ok', () => {
  assert.equal(verifyPosterCode(keys.venueCodeKey, poster(keys.venueCodeKey, 1), 2), 'VENUE_CODE_REVOKED');
  assert.equal(verifyPosterCode(keys.venueCodeKey, poster(keys.venueCodeKey, 2), 2), 'ok');
  // A screen code is not a poster code, whatever its signature.
  assert.equal(
    verifyPosterCode(keys.venueCodeKey, parseVenueCode(screenUrl(BASE, keys.venueCodeKey, VENUE, 1, NOW))!, 1),
    'VENUE_CODE_INVALID',
  );
});

test('screen codes rotate every 30 s: current and previous window only', () => {
  const shown = parseVenueCode(screenUrl(BASE, keys.venueCodeKey, VENUE, 1, NOW))!;
  assert.equal(shown.kind, 'screen');
  assert.equal(verifyScreenCode(keys.venueCodeKey, shown, 1, NOW), 'ok');
  assert.equal(
    verifyScreenCode(keys.venueCodeKey, shown, 1, NOW + SCREEN_WINDOW_MS),
    'ok',
    'previous window still accepted',
  );
  assert.equal(verifyScreenCode(keys.venueCodeKey, shown, 1, NOW + 2 * SCREEN_WINDOW_MS), 'VENUE_CODE_EXPIRED');
  assert.equal(
    verifyScreenCode(keys.venueCodeKey, shown, 1, NOW + 3600_000),
    'VENUE_CODE_EXPIRED',
    'a photo of last hour’s screen',
  );
  assert.equal(
    verifyScreenCode(keys.venueCodeKey, shown, 1, NOW - SCREEN_WINDOW_MS),
    'VENUE_CODE_INVALID',
    'a window from the future',
  );
  // A forged window number (to renew an old photo) breaks the signature.
  assert.equal(
    verifyScreenCode(keys.venueCodeKey, { ...shown, number: shown.number + 120 }, 1, NOW + 3600_000),
    'VENUE_CODE_INVALID',
  );
  // Reissuing the venue's code stops its screen codes too.
  assert.equal(verifyScreenCode(keys.venueCodeKey, shown, 2, NOW), 'VENUE_CODE_INVALID');
  assert.equal(verifyScreenCode(other.venueCodeKey, shown, 1, NOW), 'VENUE_CODE_INVALID');
  assert.equal(
    verifyScreenCode(keys.venueCodeKey, parseVenueCode(posterUrl(BASE, keys.venueCodeKey, VENUE, 1))!, 1, NOW),
    'VENUE_CODE_INVALID',
  );
});

test('personal codes: valid for 60 s, then PERSONAL_CODE_EXPIRED', () => {
  const { token, expiresAt } = issuePersonalCode(keys.personalPrivateKey, 'person-1', NOW);
  assert.equal(expiresAt, NOW + PERSONAL_CODE_TTL_MS);
  const ok = verifyPersonalCode(keys.personalPublicKey, token, NOW + 59_999);
  assert.deepEqual(ok, { ok: true, personId: 'person-1', issuedAt: NOW, expiresAt, colour: null, latestTest: null });
  assert.deepEqual(verifyPersonalCode(keys.personalPublicKey, token, NOW + 60_000), {
    ok: false,
    code: 'PERSONAL_CODE_EXPIRED',
  });
  // Offline: only the published PEM is needed.
  assert.equal(verifyPersonalCode(keys.personalPublicKeyPem, token, NOW).ok, true);
});

test('personal codes: forged, altered or foreign-signed are PERSONAL_CODE_INVALID', () => {
  const { token } = issuePersonalCode(keys.personalPrivateKey, 'person-1', NOW);
  const invalid = { ok: false, code: 'PERSONAL_CODE_INVALID' };
  assert.deepEqual(verifyPersonalCode(other.personalPublicKey, token, NOW), invalid, 'signed by another deployment');
  const [v, , sig] = token.split('.');
  const changed = Buffer.from(JSON.stringify({ p: 'person-2', iat: NOW, exp: NOW + 60_000 })).toString('base64url');
  assert.deepEqual(
    verifyPersonalCode(keys.personalPublicKey, `${v}.${changed}.${sig}`, NOW),
    invalid,
    'someone else’s person id',
  );
  const extended = Buffer.from(JSON.stringify({ p: 'person-1', iat: NOW, exp: NOW + 3600_000 })).toString('base64url');
  assert.deepEqual(
    verifyPersonalCode(keys.personalPublicKey, `${v}.${extended}.${sig}`, NOW + 120_000),
    invalid,
    'extended expiry',
  );
  for (const junk of ['', 'p1', 'p1..', 'p2.a.b', `${token}x`, 'p1.!!!.???'])
    assert.deepEqual(verifyPersonalCode(keys.personalPublicKey, junk, NOW), invalid, junk);
  // A well-signed token whose claims break the rules (lifetime too long, issued in the future) is invalid.
  const sign = (claims: object) => {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `p1.${payload}.${crypto.sign(null, Buffer.from(`p1.${payload}`), keys.personalPrivateKey).toString('base64url')}`;
  };
  assert.deepEqual(
    verifyPersonalCode(keys.personalPublicKey, sign({ p: 'x', iat: NOW, exp: NOW + 3600_000 }), NOW),
    invalid,
  );
  assert.deepEqual(
    verifyPersonalCode(keys.personalPublicKey, sign({ p: 'x', iat: NOW + 3600_000, exp: NOW + 3660_000 }), NOW),
    invalid,
  );
  assert.equal(verifyPersonalCode(keys.personalPublicKey, sign({ p: 'x', iat: NOW, exp: NOW + 60_000 }), NOW).ok, true);
});

test('a keys.json from before personal codes keeps its keys and gains the Ed25519 pair once', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { loadKeys } = await import('../../src/platform/crypto.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-keys-'));
  try {
    const old = {
      dataKey: crypto.randomBytes(32).toString('base64'),
      lookupKey: crypto.randomBytes(32).toString('base64'),
    };
    fs.writeFileSync(path.join(dir, 'keys.json'), JSON.stringify(old));
    const first = loadKeys(dir);
    assert.equal(first.dataKey.toString('base64'), old.dataKey);
    assert.equal(first.lookupKey.toString('base64'), old.lookupKey);
    assert.match(first.personalCodeKey.publicKeyPem, /BEGIN PUBLIC KEY/);
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'keys.json'), 'utf8'));
    assert.equal(stored.dataKey, old.dataKey);
    assert.deepEqual(stored.personalCodeKey, first.personalCodeKey);
    assert.deepEqual(loadKeys(dir).personalCodeKey, first.personalCodeKey, 'generated once, then read');
    const s = signingKeys(first);
    const { token } = issuePersonalCode(s.personalPrivateKey, 'p', NOW);
    assert.equal(verifyPersonalCode(first.personalCodeKey.publicKeyPem, token, NOW).ok, true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('processes starting together on an empty data directory all read the same keys', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { spawn } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-keys-'));
  const script = `import { loadKeys } from ${JSON.stringify(new URL('../../src/platform/crypto.ts', import.meta.url).href)};
const k = loadKeys(${JSON.stringify(dir)});
console.log(JSON.stringify([k.dataKey.toString('base64'), k.personalCodeKey.publicKeyPem]));`;
  const one = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c));
      child.stderr.on('data', (c: Buffer) => (err += c));
      child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
    });
  try {
    const seen = await Promise.all([one(), one(), one(), one()]);
    assert.equal(new Set(seen).size, 1, 'one set of keys');
    assert.deepEqual(fs.readdirSync(dir), ['keys.json'], 'no file left behind');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
