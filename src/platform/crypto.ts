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
}

function decodeKey(value: string, name: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes in base64 (got ${key.length} bytes)`);
  return key;
}

/** Reads keys from env values, else from dataDir/keys.json, generating that file (mode 0600) on first start. */
export function loadKeys(dataDir: string | null, given: { dataKey?: string; lookupKey?: string } = {}): Keys {
  if (given.dataKey && given.lookupKey) {
    return { dataKey: decodeKey(given.dataKey, 'CORDON_DATA_KEY'), lookupKey: decodeKey(given.lookupKey, 'CORDON_LOOKUP_KEY') };
  }
  if (!dataDir) return generateKeys();
  const file = path.join(dataDir, 'keys.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const fresh = generateKeys();
    const body = JSON.stringify({ dataKey: fresh.dataKey.toString('base64'), lookupKey: fresh.lookupKey.toString('base64') }, null, 2);
    fs.writeFileSync(file, body + '\n', { mode: 0o600, flag: 'wx' });
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { dataKey: string; lookupKey: string };
  return {
    dataKey: decodeKey(given.dataKey ?? stored.dataKey, 'dataKey'),
    lookupKey: decodeKey(given.lookupKey ?? stored.lookupKey, 'lookupKey'),
  };
}

export function generateKeys(): Keys {
  return { dataKey: crypto.randomBytes(32), lookupKey: crypto.randomBytes(32) };
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
  return crypto.createHash('sha256').update(value).digest('hex');
}

export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** Short, time-ordered, unguessable ids: 10 chars of time + 12 random, base32 (Crockford). */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export function newId(now = Date.now(), random: () => number = () => crypto.randomInt(32)): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (let i = 0; i < 12; i++) rand += ALPHABET[random()];
  return time + rand;
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
  const key = await scrypt(password, Buffer.from(saltPart, 'base64url'), Number(n), Number(r), Number(p), expected.length);
  return crypto.timingSafeEqual(key, expected);
}

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    crypto.scrypt(password, salt, keylen, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}
