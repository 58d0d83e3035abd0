// Anchors of the audit chain outside the database: a signed head (sequence number, hash, the
// switch-over to keyed hashes, time), signed with the server's Ed25519 key and appended as one JSON
// line to a file per UTC day in the anchor directory. Someone who can rewrite the database but not
// that directory (or the off-host copy the operator ships it to) cannot move the chain back past an
// anchor or rewrite an anchored event without `cordon audit verify --anchors DIR` naming it.
// The scheduled anchor is claimed through a lease on the head row (audit_head.anchored_at): of
// several processes on one database, the one whose conditional update moves the lease writes it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../services.ts';
import { verifyAuditChain, type ChainAnchor, type ChainVerdict } from './audit.ts';

export interface Anchor {
  v: 1;
  seq: number;
  hash: string;
  keyedFrom: number | null;
  /** Epoch milliseconds; `time` is the same instant in ISO form for people reading the file. */
  at: number;
  time: string;
  /** The signing key's fingerprint (SHA-256 of its public key, 16 hex digits). */
  key: string;
  /** Ed25519 signature, base64url. */
  sig: string;
}

const FILE = /^audit-anchors-\d{4}-\d{2}-\d{2}\.jsonl$/;

/** The bytes signed: a prefix of their own, so an anchor's signature is never a personal code's. */
function signedBytes(a: Pick<Anchor, 'seq' | 'hash' | 'keyedFrom' | 'at'>): Buffer {
  return Buffer.from(`cordon audit anchor v1\n${JSON.stringify([a.seq, a.hash, a.keyedFrom, a.at])}`);
}

export function keyFingerprint(publicKey: crypto.KeyObject): string {
  return crypto.hash('sha256', publicKey.export({ type: 'spki', format: 'der' }), 'hex').slice(0, 16);
}

export function signAnchor(
  head: { seq: number; hash: string; keyedFrom: number | null },
  at: number,
  privateKey: crypto.KeyObject,
): Anchor {
  const body = { seq: head.seq, hash: head.hash, keyedFrom: head.keyedFrom, at };
  return {
    v: 1,
    ...body,
    time: new Date(at).toISOString(),
    key: keyFingerprint(crypto.createPublicKey(privateKey)),
    sig: crypto.sign(null, signedBytes(body), privateKey).toString('base64url'),
  };
}

/** Appends the anchor to its day's file (created 0640, the directory 0750); returns the file. */
export function appendAnchor(dir: string, anchor: Anchor): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
  const file = path.join(dir, `audit-anchors-${anchor.time.slice(0, 10)}.jsonl`);
  fs.appendFileSync(file, JSON.stringify(anchor) + '\n', { mode: 0o640, flag: 'a' });
  return file;
}

export interface AnchorWritten {
  anchor: Anchor;
  file: string;
}

function headOf(row: { seq: number; hash: string; keyed_from: number | null }) {
  return { seq: Number(row.seq), hash: row.hash, keyedFrom: row.keyed_from === null ? null : Number(row.keyed_from) };
}

function write(s: Services, dir: string, head: ReturnType<typeof headOf>, at: number): AnchorWritten {
  const anchor = signAnchor(head, at, s.signing.personalPrivateKey);
  const file = appendAnchor(dir, anchor);
  if (s.config.auditAnchors.stdout) console.log(`cordon-audit-anchor ${JSON.stringify(anchor)}`);
  return { anchor, file };
}

/** Writes an anchor of the head now (`cordon audit anchor`), and restarts the schedule's period. */
export async function writeAnchorNow(s: Services, dir = s.config.auditAnchors.dir): Promise<AnchorWritten> {
  const at = s.clock.now();
  const row = await s.db
    .updateTable('audit_head')
    .set({ anchored_at: at })
    .where('id', '=', 1)
    .returning(['seq', 'hash', 'keyed_from'])
    .executeTakeFirstOrThrow();
  return write(s, dir, headOf(row), at);
}

/**
 * The scheduled anchor: claims the period through the lease on the head row and, when this process
 * won it, writes the head it read in the same statement. Null when another process (or an earlier
 * run) anchored within the period. A lease dated more than a period ahead (a clock set wrong, or a
 * database edit to stop anchoring) does not hold.
 */
export async function anchorIfDue(
  s: Services,
  everyMs = s.config.auditAnchors.everyMs,
  dir = s.config.auditAnchors.dir,
): Promise<AnchorWritten | null> {
  const at = s.clock.now();
  const row = await s.db
    .updateTable('audit_head')
    .set({ anchored_at: at })
    .where('id', '=', 1)
    .where((eb) =>
      eb.or([
        eb('anchored_at', 'is', null),
        eb('anchored_at', '<=', at - everyMs),
        eb('anchored_at', '>', at + everyMs),
      ]),
    )
    .returning(['seq', 'hash', 'keyed_from'])
    .executeTakeFirst();
  return row ? write(s, dir, headOf(row), at) : null;
}

export type AnchorRead = { ok: true; anchors: ChainAnchor[] } | { ok: false; source: string; problem: string };

function isAnchor(x: unknown): x is Anchor {
  const a = x as Anchor;
  return (
    typeof a === 'object' &&
    a !== null &&
    a.v === 1 &&
    Number.isSafeInteger(a.seq) &&
    a.seq >= 0 &&
    typeof a.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(a.hash) &&
    (a.keyedFrom === null || (Number.isSafeInteger(a.keyedFrom) && a.keyedFrom > 0)) &&
    Number.isSafeInteger(a.at) &&
    typeof a.sig === 'string'
  );
}

/**
 * Reads every anchor file in the directory and checks each line's signature with the server's public
 * key. The first line that is not an anchor, or not signed by that key, refuses the whole set. A year
 * of ten-minute anchors is some 50,000 signatures: it yields to the event loop between batches, so a
 * serving process answers other requests meanwhile.
 */
export async function readAnchors(dir: string, publicKey: crypto.KeyObject): Promise<AnchorRead> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => FILE.test(f))
    .sort();
  const anchors: ChainAnchor[] = [];
  for (const f of files) {
    const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line) continue;
      const source = `${f}:${i + 1}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = null;
      }
      if (!isAnchor(parsed)) return { ok: false, source, problem: `${source} is not an audit anchor` };
      let valid = false;
      try {
        valid = crypto.verify(null, signedBytes(parsed), publicKey, Buffer.from(parsed.sig, 'base64url'));
      } catch {
        valid = false;
      }
      if (!valid)
        return {
          ok: false,
          source,
          problem: `anchor ${source} is not signed by this server's key (forged or altered)`,
        };
      anchors.push({ seq: parsed.seq, hash: parsed.hash, keyedFrom: parsed.keyedFrom, at: parsed.at, source });
      if (anchors.length % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { ok: true, anchors };
}

/**
 * Verifies the chain, and against the anchors in `dir` when one is given. `required`: a directory
 * that is missing or holds no anchor fails the check (the CLI's --anchors); otherwise it is skipped.
 */
export async function verifyWithAnchors(s: Services, dir: string | null, required = false): Promise<ChainVerdict> {
  if (!dir) return verifyAuditChain(s.db);
  const exists = fs.existsSync(dir) && fs.statSync(dir).isDirectory();
  if (!exists) {
    if (required) return { ok: false, events: 0, problem: `no anchor directory at ${dir}` };
    return verifyAuditChain(s.db);
  }
  const read = await readAnchors(dir, s.signing.personalPublicKey);
  if (!read.ok) {
    return {
      ok: false,
      events: 0,
      problem: read.problem,
      anchor: read.source,
      anchors: { dir, checked: 0, newest: null },
    };
  }
  if (required && read.anchors.length === 0) return { ok: false, events: 0, problem: `no audit anchors in ${dir}` };
  return verifyAuditChain(s.db, { anchors: { dir, list: read.anchors } });
}
