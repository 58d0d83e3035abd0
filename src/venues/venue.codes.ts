// Signed codes, node:crypto only.
// - Poster code (场所码): `${baseUrl}/v/<venueId>.<codeVersion>.<sig>`, HMAC-SHA256 over the venue and its
//   code version. Without the key a code can be neither forged nor enumerated; reissuing bumps the
//   version, so old posters verify as genuine but revoked.
// - Screen code: `${baseUrl}/s/<venueId>.<window>.<sig>` for venues where presence must be proven; the
//   window is 30 s of the clock and only the current and previous window are accepted, so a photo of
//   the screen stops working within a minute.
// - Personal code (亮码): `p1.<payload>.<sig>`, Ed25519 over {person, colour, latest test, issued, expires},
//   valid 60 s, and checkable offline by anyone holding the published public key.
import crypto from 'node:crypto';

export const SCREEN_WINDOW_MS = 30_000;
export const PERSONAL_CODE_TTL_MS = 60_000;
/** A personal code may be issued this far ahead of the verifier's clock (clock drift between devices). */
export const PERSONAL_CODE_SKEW_MS = 30_000;

export type VenueCodeKind = 'poster' | 'screen';

export interface ParsedVenueCode {
  kind: VenueCodeKind;
  venueId: string;
  /** The code version (poster) or the 30-second window number (screen). */
  number: number;
  sig: string;
}

export type VenueCodeVerdict = 'ok' | 'VENUE_CODE_INVALID' | 'VENUE_CODE_REVOKED' | 'VENUE_CODE_EXPIRED';

/**
 * The MACs computed so far, per key: every door scans the same few posters all day, so each one's MAC
 * is computed once (the scanned signature is still compared in constant time). Bounded: emptied when
 * full.
 */
const macMemo = new WeakMap<Buffer, Map<string, string>>();
const MAC_MEMO_ENTRIES = 50_000;

/** 128 bits of HMAC-SHA256 in base64url: enough against forgery, short enough for a small QR. */
function mac(key: Buffer, message: string): string {
  let memo = macMemo.get(key);
  if (!memo) macMemo.set(key, (memo = new Map()));
  let sig = memo.get(message);
  if (sig === undefined) {
    sig = crypto.createHmac('sha256', key).update(message).digest().subarray(0, 16).toString('base64url');
    if (memo.size >= MAC_MEMO_ENTRIES) memo.clear();
    memo.set(message, sig);
  }
  return sig;
}

function sameSig(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function posterToken(key: Buffer, venueId: string, codeVersion: number): string {
  return `${venueId}.${codeVersion}.${mac(key, `poster|${venueId}|${codeVersion}`)}`;
}

export function posterUrl(baseUrl: string, key: Buffer, venueId: string, codeVersion: number): string {
  return `${baseUrl.replace(/\/+$/, '')}/v/${posterToken(key, venueId, codeVersion)}`;
}

export function screenWindow(now: number): number {
  return Math.floor(now / SCREEN_WINDOW_MS);
}

/** The screen code of a window; the code version is signed too, so reissuing also stops screen codes. */
export function screenToken(key: Buffer, venueId: string, codeVersion: number, now: number): string {
  const w = screenWindow(now);
  return `${venueId}.${w}.${mac(key, `screen|${venueId}|${codeVersion}|${w}`)}`;
}

export function screenUrl(baseUrl: string, key: Buffer, venueId: string, codeVersion: number, now: number): string {
  return `${baseUrl.replace(/\/+$/, '')}/s/${screenToken(key, venueId, codeVersion, now)}`;
}

/** When the screen code shown at `now` stops being accepted (end of the next window). */
export function screenCodeValidUntil(now: number): number {
  return (screenWindow(now) + 2) * SCREEN_WINDOW_MS;
}

const TOKEN = /^([0-9a-z]{1,64})\.(\d{1,15})\.([A-Za-z0-9_-]{22})$/;

/**
 * Reads a scanned code: a full URL, a path, or "v/<token>" / "s/<token>". Anything else is null
 * (refused as VENUE_CODE_INVALID by the caller).
 */
export function parseVenueCode(input: string): ParsedVenueCode | null {
  const trimmed = input
    .trim()
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');
  const m = /(?:^|\/)([vs])\/([^/]+)$/.exec(trimmed);
  if (!m) return null;
  const t = TOKEN.exec(m[2]!);
  if (!t) return null;
  return { kind: m[1] === 'v' ? 'poster' : 'screen', venueId: t[1]!, number: Number(t[2]), sig: t[3]! };
}

/** A poster code against the venue's current code version. */
export function verifyPosterCode(key: Buffer, code: ParsedVenueCode, currentVersion: number): VenueCodeVerdict {
  if (code.kind !== 'poster') return 'VENUE_CODE_INVALID';
  if (!sameSig(code.sig, mac(key, `poster|${code.venueId}|${code.number}`))) return 'VENUE_CODE_INVALID';
  if (code.number < currentVersion) return 'VENUE_CODE_REVOKED';
  if (code.number > currentVersion) return 'VENUE_CODE_INVALID';
  return 'ok';
}

/**
 * A screen code: genuine for the current code version, and of the window of `now` or the one before.
 * `heldMs`: a guard's device scanned the screen code and then queued scans with it while offline — it
 * may be that much older than the scan (the window shown up to `heldMs` before `now` is accepted too);
 * a code shown longer ago than that (a photo of an earlier screen) is expired.
 */
export function verifyScreenCode(
  key: Buffer,
  code: ParsedVenueCode,
  currentVersion: number,
  now: number,
  heldMs = 0,
): VenueCodeVerdict {
  if (code.kind !== 'screen') return 'VENUE_CODE_INVALID';
  if (!sameSig(code.sig, mac(key, `screen|${code.venueId}|${currentVersion}|${code.number}`)))
    return 'VENUE_CODE_INVALID';
  const current = screenWindow(now);
  if (code.number > current) return 'VENUE_CODE_INVALID';
  if (code.number < screenWindow(now - Math.max(0, heldMs)) - 1) return 'VENUE_CODE_EXPIRED';
  return 'ok';
}

// ---- personal codes ----------------------------------------------------------------------------

export type CodeColour = 'green' | 'yellow' | 'red';

/** What the holder's record said when the code was issued: colour and latest test (sampling time). */
export interface PersonalCodeFacts {
  colour: CodeColour;
  latestTest: { sampledAt: number; result: 'negative' | 'positive' } | null;
}

export interface PersonalCodeClaims {
  /** Person reference (the person's id), not an identity. */
  personId: string;
  issuedAt: number;
  expiresAt: number;
  /** The colour and latest test signed into the code; null in a code issued without them. */
  colour: CodeColour | null;
  latestTest: PersonalCodeFacts['latestTest'];
}

export type PersonalCodeVerdict =
  ({ ok: true } & PersonalCodeClaims) | { ok: false; code: 'PERSONAL_CODE_INVALID' | 'PERSONAL_CODE_EXPIRED' };

/**
 * Signs {p: person, c: colour, t: {s: sampled at, r: n|p} | null, iat, exp}. A checkpoint verifies it
 * offline; a venue door reads the current colour again on the server.
 */
export function issuePersonalCode(
  privateKey: crypto.KeyObject,
  personId: string,
  now: number,
  facts?: PersonalCodeFacts,
): { token: string; expiresAt: number } {
  const expiresAt = now + PERSONAL_CODE_TTL_MS;
  const claims: Record<string, unknown> = { p: personId, iat: now, exp: expiresAt };
  if (facts) {
    claims.c = facts.colour;
    claims.t = facts.latestTest
      ? { s: facts.latestTest.sampledAt, r: facts.latestTest.result === 'positive' ? 'p' : 'n' }
      : null;
  }
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = crypto.sign(null, Buffer.from(`p1.${payload}`), privateKey).toString('base64url');
  return { token: `p1.${payload}.${sig}`, expiresAt };
}

/** Pure and offline-capable: needs only the published public key (a KeyObject or its PEM) and a clock. */
export function verifyPersonalCode(
  publicKey: crypto.KeyObject | string,
  token: string,
  now: number,
): PersonalCodeVerdict {
  const invalid = { ok: false, code: 'PERSONAL_CODE_INVALID' } as const;
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== 'p1' || !parts[1] || !parts[2]) return invalid;
  let good = false;
  try {
    good = crypto.verify(null, Buffer.from(`p1.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'));
  } catch {
    return invalid;
  }
  if (!good) return invalid;
  let claims: { p?: unknown; iat?: unknown; exp?: unknown; c?: unknown; t?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return invalid;
  }
  const { p, iat, exp, c, t } = claims;
  if (
    typeof p !== 'string' ||
    !p ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    exp <= iat ||
    exp - iat > PERSONAL_CODE_TTL_MS
  )
    return invalid;
  if (c !== undefined && c !== 'green' && c !== 'yellow' && c !== 'red') return invalid;
  let latestTest: PersonalCodeFacts['latestTest'] = null;
  if (t !== undefined && t !== null) {
    const test = t as { s?: unknown; r?: unknown };
    if (typeof test !== 'object' || typeof test.s !== 'number' || (test.r !== 'n' && test.r !== 'p')) return invalid;
    latestTest = { sampledAt: test.s, result: test.r === 'p' ? 'positive' : 'negative' };
  }
  if (iat > now + PERSONAL_CODE_SKEW_MS) return invalid;
  if (now >= exp) return { ok: false, code: 'PERSONAL_CODE_EXPIRED' };
  return {
    ok: true,
    personId: p,
    issuedAt: iat,
    expiresAt: exp,
    colour: (c as CodeColour | undefined) ?? null,
    latestTest,
  };
}

// ---- device queue keys -------------------------------------------------------------------------
//
// A guard's scan sent later from the device's offline queue carries the time it was made
// (`scannedAt`); the codes are checked as of then. That time is the client's word, so it is honoured
// only for a scan signed by a device queue the server handed to this guard: when the guard page opens
// online it asks for a queue key (POST /checkins/queue-key) and keeps it on the device with the
// queue; each scan it queues carries the device id and an HMAC of the scan's content made with that
// key. The key is not stored on the server: it is derived from a server secret, the guard's user id
// and the device id (which carries its issue time), so checking a queued scan reads nothing from the
// database. Another account, another device's id, an edited scan or a scan from before the key was
// issued (or after it ran out) does not verify.

/** A device queue key signs scans made up to this long after it was issued. */
export const DEVICE_KEY_TTL_MS = 24 * 3_600_000;
/** A device clock may run this far ahead of the server's. */
export const SCAN_CLOCK_SKEW_MS = 60_000;

const DEVICE_ID = /^q(\d{1,15})\.([A-Za-z0-9_-]{22})$/;
const queueRoots = new WeakMap<Buffer, Buffer>();

/** The secret behind every device queue key: HKDF of the venue code key, kept apart from venue codes. */
function queueRoot(venueCodeKey: Buffer): Buffer {
  let root = queueRoots.get(venueCodeKey);
  if (!root)
    queueRoots.set(
      venueCodeKey,
      (root = Buffer.from(crypto.hkdfSync('sha256', venueCodeKey, Buffer.alloc(0), 'cordon device queue v1', 32))),
    );
  return root;
}

/** A new device id: `q<issued at, ms>.<128 random bits>`. */
export function newDeviceId(now: number): string {
  return `q${now}.${crypto.randomBytes(16).toString('base64url')}`;
}

/** The issue time a device id carries, or null when it is not one. */
export function deviceIssuedAt(deviceId: string): number | null {
  const m = DEVICE_ID.exec(deviceId);
  return m ? Number(m[1]) : null;
}

/** The queue key of a guard's device (32 bytes); the device holds it, the server derives it again. */
export function deviceQueueKey(venueCodeKey: Buffer, userId: string, deviceId: string): Buffer {
  return crypto.createHmac('sha256', queueRoot(venueCodeKey)).update(`queue|${userId}|${deviceId}`).digest();
}

/** What a queued scan's signature covers, in the order the guard page writes it (web/src/scanSignature.ts). */
export interface QueuedScanContent {
  deviceId: string;
  clientId: string;
  scannedAt: number;
  code: string;
  personalCode?: string;
  idType?: string;
  idNumber?: string;
  personId?: string;
}

export function queuedScanMessage(c: QueuedScanContent): string {
  return JSON.stringify([
    'scan1',
    c.deviceId,
    c.clientId,
    c.scannedAt,
    c.code,
    c.personalCode ?? null,
    c.idType ?? null,
    c.idNumber ?? null,
    c.personId ?? null,
  ]);
}

/** 128 bits of HMAC-SHA256 of the scan's content with the device's queue key, base64url. */
export function signQueuedScan(deviceKey: Buffer, c: QueuedScanContent): string {
  return crypto
    .createHmac('sha256', deviceKey)
    .update(queuedScanMessage(c))
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/**
 * A queued scan's signature: made with the queue key this server issued to `userId` for the device,
 * over this content, at a scan time within the key's life.
 */
export function verifyQueuedScan(
  venueCodeKey: Buffer,
  userId: string,
  c: QueuedScanContent,
  sig: string,
  now: number,
): boolean {
  const issuedAt = deviceIssuedAt(c.deviceId);
  if (issuedAt === null || issuedAt > now + SCAN_CLOCK_SKEW_MS) return false;
  if (c.scannedAt < issuedAt - SCAN_CLOCK_SKEW_MS || c.scannedAt > issuedAt + DEVICE_KEY_TTL_MS) return false;
  return sameSig(sig, signQueuedScan(deviceQueueKey(venueCodeKey, userId, c.deviceId), c));
}
