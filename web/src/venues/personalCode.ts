// Offline check of a personal code (亮码) on the guard's device: the server's Ed25519 public key is
// cached from GET /codes/public-key, and a scanned code is verified here with the same rules as the
// server (src/venues/venue.codes.ts): the signature over "p1.<payload>", a life of at most 60 s, not
// issued more than 30 s ahead of this clock. A forged or expired code is refused at the door even
// while the network is down; a genuine one is queued for the server's full verification.
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

// Synchronous SHA-512: crypto.subtle exists only on HTTPS pages, and a door phone may be on plain HTTP.
ed.hashes.sha512 = sha512;

export const PERSONAL_CODE_TTL_MS = 60_000;
export const PERSONAL_CODE_SKEW_MS = 30_000;
const KEY_STORE = 'cordon.guard.publicKey';

export type OfflineVerdict =
  | {
      ok: true;
      personId: string;
      issuedAt: number;
      expiresAt: number;
      /** The health code colour and latest test the code was signed with, when it carries them. */
      colour: 'green' | 'yellow' | 'red' | null;
      latestTest: { sampledAt: number; result: 'negative' | 'positive' } | null;
    }
  | { ok: false; code: 'PERSONAL_CODE_INVALID' | 'PERSONAL_CODE_EXPIRED' };

function base64UrlBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const b64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The 32-byte Ed25519 key inside a PEM "PUBLIC KEY" (SubjectPublicKeyInfo: 12 bytes of header, then the key). */
export function rawPublicKey(pem: string): Uint8Array | null {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  const der = base64UrlBytes(body.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  return der && der.length === 44 ? der.subarray(12) : null;
}

/** The server's rules for a personal code, checked with the public key only. */
export function verifyPersonalCodeOffline(publicKey: Uint8Array, token: string, now: number): OfflineVerdict {
  const invalid = { ok: false, code: 'PERSONAL_CODE_INVALID' } as const;
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== 'p1' || !parts[1] || !parts[2]) return invalid;
  const sig = base64UrlBytes(parts[2]);
  const payload = base64UrlBytes(parts[1]);
  if (!sig || sig.length !== 64 || !payload) return invalid;
  let good = false;
  try {
    good = ed.verify(sig, new TextEncoder().encode(`p1.${parts[1]}`), publicKey);
  } catch {
    return invalid;
  }
  if (!good) return invalid;
  let claims: { p?: unknown; iat?: unknown; exp?: unknown; c?: unknown; t?: unknown };
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as typeof claims;
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
  let latestTest: { sampledAt: number; result: 'negative' | 'positive' } | null = null;
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
    colour: (c as 'green' | 'yellow' | 'red' | undefined) ?? null,
    latestTest,
  };
}

/** The cached public key (PEM), if this device has fetched it before. */
export function cachedPublicKey(): string | null {
  try {
    return localStorage.getItem(KEY_STORE);
  } catch {
    return null;
  }
}

/** Fetches and caches the public key; keeps the cached one when offline. */
export async function refreshPublicKey(): Promise<string | null> {
  try {
    const res = await fetch('/api/v1/codes/public-key', { credentials: 'same-origin' });
    if (res.ok) {
      const body = (await res.json()) as { publicKeyPem?: unknown };
      if (typeof body.publicKeyPem === 'string' && rawPublicKey(body.publicKeyPem)) {
        localStorage.setItem(KEY_STORE, body.publicKeyPem);
        return body.publicKeyPem;
      }
    }
  } catch {
    // offline: the cached key stays
  }
  return cachedPublicKey();
}
