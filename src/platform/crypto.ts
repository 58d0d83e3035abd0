// Encryption of personal data at rest (AES-256-GCM), keyed HMAC for exact lookup, token hashing,
// password hashing (scrypt). Keys come from the environment or are generated once into the data dir.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface Keys {
  /** 32 bytes for AES-256-GCM. */
  dataKey: Buffer;
  /** 32 bytes for HMAC-SHA256 lookup columns. */
  lookupKey: Buffer;
  /** 32 bytes for the audit chain's HMAC-SHA256: a rewritten stretch cannot be re-hashed without it. */
  auditKey: Buffer;
  /** Ed25519 key pair (PEM) that signs personal codes; the public half is published for offline checks. */
  personalCodeKey: { privateKeyPem: string; publicKeyPem: string };
}

/** Keys for signed codes, ready to use: an HMAC key for venue codes and the personal-code key pair. */
export interface SigningKeys {
  /** HKDF-SHA256 of the lookup key for venue codes (场所码): no extra secret to keep, separate from lookups. */
  venueCodeKey: Buffer;
  personalPrivateKey: crypto.KeyObject;
  personalPublicKey: crypto.KeyObject;
  personalPublicKeyPem: string;
}

export function signingKeys(keys: Keys): SigningKeys {
  const venueCodeKey = Buffer.from(
    crypto.hkdfSync('sha256', keys.lookupKey, Buffer.alloc(0), 'cordon venue code v1', 32),
  );
  return {
    venueCodeKey,
    personalPrivateKey: crypto.createPrivateKey(keys.personalCodeKey.privateKeyPem),
    personalPublicKey: crypto.createPublicKey(keys.personalCodeKey.publicKeyPem),
    personalPublicKeyPem: keys.personalCodeKey.publicKeyPem,
  };
}

export function generatePersonalCodeKey(): Keys['personalCodeKey'] {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function decodeKey(value: string, name: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes in base64 (got ${key.length} bytes)`);
  return key;
}

/**
 * Reads keys from env values, else from dataDir/keys.json, generating that file (mode 0600) on first
 * start. A keys.json written before personal codes or the keyed audit chain existed gets the missing
 * key added in place; the keys already in it are kept as they are.
 */
export function loadKeys(
  dataDir: string | null,
  given: { dataKey?: string; lookupKey?: string; auditKey?: string } = {},
): Keys {
  if (!dataDir) {
    const fresh = generateKeys();
    return {
      ...fresh,
      ...(given.dataKey ? { dataKey: decodeKey(given.dataKey, 'CORDON_DATA_KEY') } : {}),
      ...(given.lookupKey ? { lookupKey: decodeKey(given.lookupKey, 'CORDON_LOOKUP_KEY') } : {}),
      ...(given.auditKey ? { auditKey: decodeKey(given.auditKey, 'CORDON_AUDIT_KEY') } : {}),
    };
  }
  const file = path.join(dataDir, 'keys.json');
  const fromEnv = Boolean(given.dataKey && given.lookupKey);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const fresh = generateKeys();
    // With both keys from the environment the file holds only the signing key pair (and the audit
    // key unless that is given too).
    const body = JSON.stringify(
      {
        ...(fromEnv
          ? {}
          : { dataKey: fresh.dataKey.toString('base64'), lookupKey: fresh.lookupKey.toString('base64') }),
        ...(given.auditKey ? {} : { auditKey: fresh.auditKey.toString('base64') }),
        personalCodeKey: fresh.personalCodeKey,
      },
      null,
      2,
    );
    // Made whole under another name, then linked into place: of several processes starting together on
    // one data directory the first link wins and the others read its keys, never a half-written file.
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, body + '\n', { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.unlinkSync(tmp);
    }
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    dataKey?: string;
    lookupKey?: string;
    auditKey?: string;
    personalCodeKey?: Keys['personalCodeKey'];
  };
  if (!stored.personalCodeKey || (!stored.auditKey && !given.auditKey)) {
    stored.personalCodeKey ??= generatePersonalCodeKey();
    if (!given.auditKey) stored.auditKey ??= crypto.randomBytes(32).toString('base64');
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  const dataKey = given.dataKey ?? stored.dataKey;
  const lookupKey = given.lookupKey ?? stored.lookupKey;
  if (!dataKey || !lookupKey)
    throw new Error(
      `${file} has no ${dataKey ? 'lookupKey' : 'dataKey'}: set it in the environment (CORDON_DATA_KEY, CORDON_LOOKUP_KEY)`,
    );
  return {
    dataKey: decodeKey(dataKey, 'dataKey'),
    lookupKey: decodeKey(lookupKey, 'lookupKey'),
    auditKey: given.auditKey ? decodeKey(given.auditKey, 'CORDON_AUDIT_KEY') : decodeKey(stored.auditKey!, 'auditKey'),
    personalCodeKey: stored.personalCodeKey,
  };
}

export function generateKeys(): Keys {
  return {
    dataKey: crypto.randomBytes(32),
    lookupKey: crypto.randomBytes(32),
    auditKey: crypto.randomBytes(32),
    personalCodeKey: generatePersonalCodeKey(),
  };
}

// IVs are drawn from a refilled pool of CSPRNG bytes: one system call per 5,461 encryptions instead
// of one each, which is most of the cost of sealing a large roster.
const IV_POOL = Buffer.alloc(12 * 5461);
let ivOffset = IV_POOL.length;
function nextIv(): Buffer {
  if (ivOffset + 12 > IV_POOL.length) {
    crypto.randomFillSync(IV_POOL);
    ivOffset = 0;
  }
  const iv = Buffer.from(IV_POOL.subarray(ivOffset, ivOffset + 12));
  ivOffset += 12;
  return iv;
}

/** Field encryption: "v1.<iv>.<ciphertext+tag>" in base64url. */
export class FieldCipher {
  constructor(private readonly keys: Keys) {}

  encrypt(plain: string): string {
    const iv = nextIv();
    const cipher = crypto.createCipheriv('aes-256-gcm', this.keys.dataKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  decrypt(sealed: string): string {
    const [version, ivPart, bodyPart] = sealed.split('.');
    if (version !== 'v1' || !ivPart || !bodyPart) throw new Error('unknown ciphertext format');
    const body = Buffer.from(bodyPart, 'base64url');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.keys.dataKey, Buffer.from(ivPart, 'base64url'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  }

  /** Deterministic keyed digest for exact-match lookup; `kind` keeps namespaces apart (id vs phone). */
  lookup(kind: string, value: string): string {
    return crypto.createHmac('sha256', this.keys.lookupKey).update(`${kind}:${value}`).digest('base64url');
  }
}

export function sha256(value: string): string {
  return crypto.hash('sha256', value, 'hex');
}

export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** Short, time-ordered, unguessable ids: 10 chars of time + 12 random, base32 (Crockford). */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export function newId(now = Date.now(), random?: () => number): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (let i = 0; i < 12; i++) rand += ALPHABET[random ? random() : randomByte() & 31];
  return time + rand;
}

/**
 * Random bytes from a pool refilled 4 KB at a time: one call into the system's generator costs about
 * as much as a whole check-in's other work, a byte of the pool almost nothing. The low five bits of a
 * byte pick a character uniformly (256 = 8 × 32).
 */
const randomPool = Buffer.alloc(4096);
let randomPoolAt = randomPool.length;
function randomByte(): number {
  if (randomPoolAt === randomPool.length) {
    crypto.randomFillSync(randomPool);
    randomPoolAt = 0;
  }
  return randomPool[randomPoolAt++]!;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltPart, keyPart] = stored.split('$');
  if (scheme !== 'scrypt' || !saltPart || !keyPart) return false;
  const expected = Buffer.from(keyPart, 'base64url');
  const key = await scrypt(
    password,
    Buffer.from(saltPart, 'base64url'),
    Number(n),
    Number(r),
    Number(p),
    expected.length,
  );
  return crypto.timingSafeEqual(key, expected);
}

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    crypto.scrypt(password, salt, keylen, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}
