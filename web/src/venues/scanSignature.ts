// The guard device's queue key and the signature of each scan it queues. The server honours a scan's
// own time (`scannedAt`) only for a scan signed with the queue key it issued to this guard for this
// device (POST /checkins/queue-key; see src/venues/venue.codes.ts): the page fetches a key while
// online, keeps it in localStorage beside the queue, and signs each scan as it is queued — an HMAC of
// the scan's content, so the server checks it without a database read. A scan sent at once needs no
// signature: the server checks it as of its arrival. Pure (WebCrypto only): the node unit tests load it.
import type { AssistedCheckin } from './types.ts';

/** What POST /checkins/queue-key answers, kept on the device with whose account it was issued to. */
export interface DeviceQueueKey {
  deviceId: string;
  /** 32 bytes, base64url. */
  key: string;
  issuedAt: number;
  /** Scans made after this are not signed with it. */
  validUntil: number;
  /** The queue window: a scan arriving later than this after it was made is refused. */
  queuedScanMinutes: number;
  /** The account the key was issued to (a key signs only that account's scans). */
  userId: string;
}

export const QUEUE_KEY_STORAGE = 'cordon.guard.queueKey';
/** Fetch a fresh key once the held one is this old (it signs scans for a day). */
export const QUEUE_KEY_RENEW_MS = 6 * 3_600_000;

export function storedQueueKey(
  userId: string,
  storage: Pick<Storage, 'getItem'> = localStorage,
): DeviceQueueKey | null {
  try {
    const v = JSON.parse(storage.getItem(QUEUE_KEY_STORAGE) ?? 'null') as DeviceQueueKey | null;
    return v &&
      v.userId === userId &&
      typeof v.deviceId === 'string' &&
      typeof v.key === 'string' &&
      typeof v.validUntil === 'number'
      ? v
      : null;
  } catch {
    return null;
  }
}

/**
 * The key may sign a scan made at `at` (device clock): before it runs out. The server also refuses a
 * scan dated before the key was issued (beyond a minute of clock difference); that refusal is shown.
 */
export function keySigns(key: DeviceQueueKey | null, at: number): key is DeviceQueueKey {
  return key !== null && at < key.validUntil;
}

/** Time to fetch a new key: none held for this account, or the held one is old. */
export function keyDue(key: DeviceQueueKey | null, now: number): boolean {
  return key === null || now - key.issuedAt >= QUEUE_KEY_RENEW_MS || now >= key.validUntil;
}

/** A scan's signed content, in the server's order (venue.codes.ts queuedScanMessage). */
export function queuedScanMessage(
  c: AssistedCheckin & { deviceId: string; clientId: string; scannedAt: number },
): string {
  return JSON.stringify([
    'scan1',
    c.deviceId,
    c.clientId,
    c.scannedAt,
    c.code,
    c.personalCode ?? null,
    null,
    c.idNumber ?? null,
    null,
  ]);
}

function fromBase64url(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The scan with `deviceId` and `scanSig` (128 bits of HMAC-SHA256 with the device's queue key). */
export async function signScan<S extends AssistedCheckin & { clientId: string; scannedAt: number }>(
  key: DeviceQueueKey,
  scan: S,
): Promise<S & { deviceId: string; scanSig: string }> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    fromBase64url(key.key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const message = queuedScanMessage({ ...scan, deviceId: key.deviceId });
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(message)));
  return { ...scan, deviceId: key.deviceId, scanSig: toBase64url(mac.subarray(0, 16)) };
}
