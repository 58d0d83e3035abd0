// Pure pieces of the door's offline and hot-path behaviour: a screen code held by a guard's device for
// queued scans (bounded, rule data), the guard page's offline personal-code check agreeing with the
// server's, and which database writes end cached sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import {
  parseVenueCode,
  screenToken,
  verifyScreenCode,
  issuePersonalCode,
  verifyPersonalCode,
  SCREEN_WINDOW_MS,
} from '../../src/venues/venue.codes.ts';
import { parseVenueCategories, VENUE_CATEGORIES_FILE } from '../../src/venues/venue.categories.ts';
import { changesActors } from '../../src/access/auth.ts';
import { rawPublicKey, verifyPersonalCodeOffline } from '../../web/src/venues/personalCode.ts';
import {
  deviceQueueKey,
  newDeviceId,
  signQueuedScan,
  verifyQueuedScan,
  DEVICE_KEY_TTL_MS,
} from '../../src/venues/venue.codes.ts';
import { keyDue, keySigns, signScan, type DeviceQueueKey } from '../../web/src/venues/scanSignature.ts';
import { reviveScan } from '../../web/src/shared/queueFormats.ts';

const key = crypto.randomBytes(32);
const T = 1_700_000_000_000;
const screen = (at: number) => parseVenueCode(`s/${screenToken(key, 'v1', 3, at)}`)!;

test('a held screen code: accepted for the allowance before the scan, never from after it', () => {
  const held = 10 * 60_000;
  assert.equal(verifyScreenCode(key, screen(T), 3, T + 9 * 60_000, held), 'ok');
  assert.equal(
    verifyScreenCode(key, screen(T), 3, T + 9 * 60_000),
    'VENUE_CODE_EXPIRED',
    'without an allowance (a resident, online)',
  );
  assert.equal(verifyScreenCode(key, screen(T), 3, T + 11 * 60_000, held), 'VENUE_CODE_EXPIRED');
  assert.equal(
    verifyScreenCode(key, screen(T - 3600_000), 3, T, held),
    'VENUE_CODE_EXPIRED',
    'a photo of last hour’s screen',
  );
  assert.equal(
    verifyScreenCode(key, screen(T + SCREEN_WINDOW_MS), 3, T, held),
    'VENUE_CODE_INVALID',
    'a window after the scan',
  );
  assert.equal(verifyScreenCode(key, screen(T), 4, T, held), 'VENUE_CODE_INVALID', 'a reissued code version');
});

test('the allowance is rule data, validated with its JSON path', () => {
  const raw = JSON.parse(fs.readFileSync(VENUE_CATEGORIES_FILE, 'utf8')) as Record<string, unknown>;
  assert.equal(parseVenueCategories(raw).screenCodeQueuedMinutes, 10);
  for (const bad of [undefined, -1, 61, 2.5, '10']) {
    assert.throws(() => parseVenueCategories({ ...raw, screenCodeQueuedMinutes: bad }), /screenCodeQueuedMinutes/);
  }
});

test('the queue window is rule data, not shorter than a held screen code', () => {
  const raw = JSON.parse(fs.readFileSync(VENUE_CATEGORIES_FILE, 'utf8')) as Record<string, unknown>;
  assert.equal(parseVenueCategories(raw).queuedScanMinutes, 60);
  for (const bad of [undefined, 0, 1441, 2.5, '60', 5]) {
    assert.throws(() => parseVenueCategories({ ...raw, queuedScanMinutes: bad }), /queuedScanMinutes/);
  }
});

test('a queued scan signed on the guard page verifies on the server, for that guard and device only', async () => {
  const userId = 'u-guard-1';
  const deviceId = newDeviceId(T);
  const raw = deviceQueueKey(key, userId, deviceId);
  const held: DeviceQueueKey = {
    deviceId,
    key: raw.toString('base64url'),
    issuedAt: T,
    validUntil: T + DEVICE_KEY_TTL_MS,
    queuedScanMinutes: 60,
    userId,
  };
  for (const scan of [
    { code: 'https://x/v/v1.1.sig', personalCode: 'p1.a.b', clientId: 'scan-0001', scannedAt: T + 60_000 },
    { code: 'https://x/s/v1.5.sig', idNumber: '220402195304120318', clientId: 'scan-0002', scannedAt: T + 3600_000 },
  ]) {
    const signed = await signScan(held, scan);
    assert.equal(
      signed.scanSig,
      signQueuedScan(raw, { ...scan, deviceId }),
      'the page and the server sign the same bytes',
    );
    const now = scan.scannedAt + 10 * 60_000;
    assert.equal(verifyQueuedScan(key, userId, { ...scan, deviceId }, signed.scanSig, now), true);
    assert.equal(
      verifyQueuedScan(key, 'u-guard-2', { ...scan, deviceId }, signed.scanSig, now),
      false,
      'another account',
    );
    assert.equal(
      verifyQueuedScan(key, userId, { ...scan, deviceId: newDeviceId(T) }, signed.scanSig, now),
      false,
      'another device',
    );
    assert.equal(
      verifyQueuedScan(key, userId, { ...scan, deviceId, scannedAt: scan.scannedAt - 1 }, signed.scanSig, now),
      false,
      'another time',
    );
    assert.equal(
      verifyQueuedScan(crypto.randomBytes(32), userId, { ...scan, deviceId }, signed.scanSig, now),
      false,
      'another server',
    );
    // What the queue stores is what it sends: the signature survives a reload.
    assert.deepEqual(reviveScan(JSON.parse(JSON.stringify({ ...signed, venueName: '北门', label: 'x' }))), {
      ...signed,
      venueName: '北门',
      label: 'x',
    });
  }
  // Scans dated before the key (beyond a minute) or after its life do not verify.
  const before = { code: 'v/v1.1.sig', personId: 'p1', clientId: 'scan-0003', scannedAt: T - 2 * 60_000, deviceId };
  assert.equal(verifyQueuedScan(key, userId, before, signQueuedScan(raw, before), T), false);
  const after = { ...before, scannedAt: T + DEVICE_KEY_TTL_MS + 1 };
  assert.equal(verifyQueuedScan(key, userId, after, signQueuedScan(raw, after), after.scannedAt), false);
  assert.equal(keySigns(held, T + DEVICE_KEY_TTL_MS - 1), true);
  assert.equal(keySigns(held, T + DEVICE_KEY_TTL_MS), false);
  assert.equal(keySigns(null, T), false);
  assert.equal(keyDue(held, T + 60_000), false);
  assert.equal(keyDue(held, T + 6 * 3600_000), true);
});

test('the guard page’s offline check agrees with the server on every kind of code', () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const raw = rawPublicKey(pem)!;
  assert.equal(raw.length, 32);
  const other = crypto.generateKeyPairSync('ed25519').privateKey;
  const good = issuePersonalCode(privateKey, 'person-1', T).token;
  const [head, payload, sig] = good.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ p: 'person-2', iat: T, exp: T + 60_000 })).toString('base64url');
  const cases: Array<[string, number]> = [
    [good, T + 1000],
    [good, T + 60_000],
    [good, T - 31_000],
    [good, T - 29_000],
    [issuePersonalCode(other, 'person-1', T).token, T],
    [`${head}.${forgedPayload}.${sig}`, T],
    [`${head}.${payload}`, T],
    ['p2.x.y', T],
    ['', T],
    [
      issuePersonalCode(privateKey, 'person-3', T, {
        colour: 'yellow',
        latestTest: { sampledAt: T - 3600_000, result: 'negative' },
      }).token,
      T,
    ],
    [issuePersonalCode(privateKey, 'person-4', T, { colour: 'red', latestTest: null }).token, T],
    [`${head}.${payload}.${sig!.slice(0, -4)}AAAA`, T],
  ];
  for (const [token, now] of cases) {
    const server = verifyPersonalCode(publicKey, token, now) as Record<string, unknown>;
    const device = verifyPersonalCodeOffline(raw, token, now) as Record<string, unknown>;
    // The server's answer may carry more (what a health-code token says); the shared fields agree.
    const shared = (v: Record<string, unknown>) => ({
      ok: v.ok,
      code: v.code,
      personId: v.personId,
      issuedAt: v.issuedAt,
      expiresAt: v.expiresAt,
      colour: v.ok ? (v.colour ?? null) : undefined,
      latestTest: v.ok ? (v.latestTest ?? null) : undefined,
    });
    assert.deepEqual(shared(device), shared(server), `${token.slice(0, 24)}… at ${now - T}`);
  }
});

test('which writes end cached sessions', () => {
  assert.equal(changesActors({ table: 'session', columns: null }), true, 'sign-out');
  assert.equal(changesActors({ table: 'session', columns: ['last_seen_at'] }), false, 'a session seen again');
  assert.equal(changesActors({ table: 'app_user', columns: ['role', 'updated_at'] }), true);
  assert.equal(
    changesActors({ table: 'app_user', columns: ['password_hash', 'failed_logins', 'locked_until', 'updated_at'] }),
    true,
  );
  assert.equal(
    changesActors({ table: 'app_user', columns: ['failed_logins', 'locked_until'] }),
    false,
    'a wrong password',
  );
  assert.equal(changesActors({ table: 'api_token', columns: ['revoked_at'] }), true);
  assert.equal(changesActors({ table: 'api_token', columns: ['last_used_at'] }), false);
  assert.equal(changesActors({ table: 'area', columns: ['path'] }), true);
  assert.equal(changesActors({ table: 'checkin', columns: ['exited_at'] }), false);
});
