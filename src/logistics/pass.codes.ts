// The electronic pass (电子通行证): `lp1.<payload>.<sig>`, Ed25519 over "lp1.<payload>" with the key
// that signs personal codes, so a checkpoint that holds the published public key (GET
// /codes/public-key) verifies a pass offline, as it does a personal code; the prefix keeps the two
// kinds of token apart. The payload is the pass as printed: number, vehicle, route, cargo and
// validity. Revocation is known online only: the verify route reads the pass's status as well.
// The same checks run on the checkpoint's phone (web/src/logistics/passCode.ts).
import crypto from 'node:crypto';

export const PASS_TOKEN_PREFIX = 'lp1';

export interface PassClaims {
  /** The pass's id. */
  id: string;
  /** The 12-digit pass number. */
  number: string;
  plate: string;
  trailerPlate: string | null;
  origin: string;
  destination: string;
  cargo: string;
  /** YYYY-MM-DD, both days included. */
  validFrom: string;
  validUntil: string;
  issuedAt: number;
}

export type PassCodeVerdict =
  ({ ok: true } & PassClaims) | { ok: false; code: 'PASS_CODE_INVALID' | 'PASS_EXPIRED' | 'PASS_NOT_YET_VALID' };

export function issuePassCode(privateKey: crypto.KeyObject, c: PassClaims): string {
  const claims = {
    id: c.id,
    n: c.number,
    v: c.plate,
    ...(c.trailerPlate ? { tv: c.trailerPlate } : {}),
    o: c.origin,
    d: c.destination,
    c: c.cargo,
    f: c.validFrom,
    u: c.validUntil,
    iat: c.issuedAt,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = crypto.sign(null, Buffer.from(`${PASS_TOKEN_PREFIX}.${payload}`), privateKey).toString('base64url');
  return `${PASS_TOKEN_PREFIX}.${payload}.${sig}`;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

/**
 * Pure and offline-capable: the signature with the public key only, the claims' shape, and `today`
 * (YYYY-MM-DD in the deployment's zone) inside the validity. A changed character anywhere is invalid.
 */
export function verifyPassCode(publicKey: crypto.KeyObject | string, token: string, today: string): PassCodeVerdict {
  const invalid = { ok: false, code: 'PASS_CODE_INVALID' } as const;
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== PASS_TOKEN_PREFIX || !parts[1] || !parts[2]) return invalid;
  let good = false;
  try {
    good = crypto.verify(
      null,
      Buffer.from(`${PASS_TOKEN_PREFIX}.${parts[1]}`),
      publicKey,
      Buffer.from(parts[2], 'base64url'),
    );
  } catch {
    return invalid;
  }
  if (!good) return invalid;
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
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
