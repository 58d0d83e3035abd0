// Offline check of an electronic vehicle pass on a checkpoint's phone: the same rules as the server
// (src/logistics/pass.codes.ts) with the Ed25519 public key the guard page already caches (GET
// /codes/public-key): the signature over "lp1.<payload>", the claims' shape and today inside the
// validity. A forged or altered pass is refused with the network down; revocation needs the server.
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export interface OfflinePass {
  id: string;
  number: string;
  plate: string;
  trailerPlate: string | null;
  origin: string;
  destination: string;
  cargo: string;
  validFrom: string;
  validUntil: string;
  issuedAt: number;
}

export type OfflinePassVerdict =
  ({ ok: true } & OfflinePass) | { ok: false; code: 'PASS_CODE_INVALID' | 'PASS_EXPIRED' | 'PASS_NOT_YET_VALID' };

function bytes(text: string): Uint8Array | null {
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

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

/** `today`: YYYY-MM-DD in the deployment's zone. */
export function verifyPassOffline(publicKey: Uint8Array, token: string, today: string): OfflinePassVerdict {
  const invalid = { ok: false, code: 'PASS_CODE_INVALID' } as const;
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== 'lp1' || !parts[1] || !parts[2]) return invalid;
  const sig = bytes(parts[2]);
  const payload = bytes(parts[1]);
  if (!sig || sig.length !== 64 || !payload) return invalid;
  let good = false;
  try {
    good = ed.verify(sig, new TextEncoder().encode(`lp1.${parts[1]}`), publicKey);
  } catch {
    return invalid;
  }
  if (!good) return invalid;
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  } catch {
    return invalid;
  }
  if (
    !str(c.id) ||
    !str(c.n) ||
    !/^\d{12}$/.test(c.n) ||
    !str(c.v) ||
    (c.tv !== undefined && !str(c.tv)) ||
    !str(c.o) ||
    !str(c.d) ||
    !str(c.c) ||
    !str(c.f) ||
    !DATE.test(c.f) ||
    !str(c.u) ||
    !DATE.test(c.u) ||
    typeof c.iat !== 'number'
  )
    return invalid;
  if (today > c.u) return { ok: false, code: 'PASS_EXPIRED' };
  if (today < c.f) return { ok: false, code: 'PASS_NOT_YET_VALID' };
  return {
    ok: true,
    id: c.id,
    number: c.n,
    plate: c.v,
    trailerPlate: (c.tv as string | undefined) ?? null,
    origin: c.o,
    destination: c.d,
    cargo: c.c,
    validFrom: c.f,
    validUntil: c.u,
    issuedAt: c.iat,
  };
}
