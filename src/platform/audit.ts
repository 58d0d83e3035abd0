// The hash-chained audit log. Every write and every read of personal data appends one event in the
// same transaction as the thing it records. Each event's hash covers its fields and the previous
// hash, so a changed, inserted or deleted row breaks the chain at that point. The hash is an
// HMAC-SHA256 under the audit key (keys.json or CORDON_AUDIT_KEY), so someone who can write the
// database but not read the key cannot re-hash a rewritten stretch; events written before a
// deployment's switch-over to keyed hashes (audit_head.keyed_from) stay plain SHA-256. What the key
// cannot show — the last events deleted and the head moved back — the signed anchors written outside
// the database show (audit.anchors.ts).
import { createHash, createHmac } from 'node:crypto';
import type { AuditEventTable, Db, Executor } from '../db/database.ts';

export interface AuditActor {
  id: string | null;
  name: string;
  role: string;
}

export const SYSTEM_ACTOR: AuditActor = { id: null, name: 'system', role: 'system' };

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | null;
  reason?: string;
  /**
   * The reason as data, when a service wrote it (not a user): its kind and params, kept in the detail
   * (covered by the hash) so that each reader sees the reason in their own language (audit/audit.rules.ts).
   */
  reasonKind?: string;
  reasonParams?: Record<string, string | number>;
  detail?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Every column of an event but its own hash. */
type HashedFields = Omit<AuditEventTable, 'hash'>;

/** The event's hash: HMAC-SHA256 under the audit key, or plain SHA-256 (events before the switch-over). */
export function eventHash(e: HashedFields, key: Buffer | null = null): string {
  const canonical = JSON.stringify([
    e.seq,
    e.at,
    e.actor_id,
    e.actor_name,
    e.actor_role,
    e.action,
    e.object_type,
    e.object_id,
    e.reason,
    e.detail,
    e.prev_hash,
  ]);
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(canonical).digest('hex');
}

// The audit key each opened database's services append with, so a verify given only the database
// (`verifyAuditChain(s.db)`) checks keyed events with the same key.
const chainKeys = new WeakMap<object, Buffer>();

/** Records the audit key the services of this database append with (createServices calls it). */
export function registerAuditKey(db: Db, key: Buffer): void {
  chainKeys.set(db, key);
}

export function auditKeyOf(db: Db): Buffer | null {
  return chainKeys.get(db) ?? null;
}

/**
 * Appends one event, hashed with the audit key. Call it inside the transaction that makes the change,
 * so both commit or neither. The head row update takes a row lock on PostgreSQL, which orders
 * concurrent appenders. A head without a recorded switch-over gets this event as its first keyed one.
 */
export async function appendAudit(
  ex: Executor,
  actor: AuditActor,
  entry: AuditEntry,
  at: number,
  key: Buffer,
): Promise<number> {
  const head = await ex
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', 1), keyed_from: eb.fn.coalesce('keyed_from', eb('seq', '+', 1)) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const fields: HashedFields = {
    seq: Number(head.seq),
    at,
    actor_id: actor.id,
    actor_name: actor.name,
    actor_role: actor.role,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId ?? null,
    reason: entry.reason ?? '',
    detail: JSON.stringify(
      entry.reasonKind
        ? { ...entry.detail, reasonKind: entry.reasonKind, reasonParams: entry.reasonParams ?? {} }
        : (entry.detail ?? {}),
    ),
    prev_hash: head.hash,
  };
  const hash = eventHash(fields, key);
  await ex
    .insertInto('audit_event')
    .values({ ...fields, hash })
    .execute();
  await ex.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
  return fields.seq;
}

/** A signed head of the chain read back from outside the database (see audit.anchors.ts). */
export interface ChainAnchor {
  seq: number;
  hash: string;
  keyedFrom: number | null;
  /** When it was written (epoch ms). */
  at: number;
  /** Where it was read: file and line. */
  source: string;
}

/** What the check against anchors covered. */
export interface AnchorCheck {
  dir: string;
  checked: number;
  newest: { seq: number; at: number; source: string } | null;
}

export type ChainVerdict =
  | { ok: true; events: number; headHash: string; keyedFrom: number | null; anchors?: AnchorCheck }
  | {
      ok: false;
      events: number;
      problem: string;
      /** The first event that does not hold (absent when an anchor itself is refused). */
      brokenAt?: number;
      /** The anchor that found it, or that was refused: file and line. */
      anchor?: string;
      keyedFrom?: number | null;
      anchors?: AnchorCheck;
    };

export interface VerifyOptions {
  /** The audit key; by default the one the services of this database append with. */
  key?: Buffer | null;
  /** Signed heads to check the chain against (already checked for their signature). */
  anchors?: { dir: string; list: ChainAnchor[] };
  batch?: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Walks the chain up to the head, in batches, and names the first event that does not hold: missing,
 * not linked to the one before, or changed (its hash does not recompute under the audit key, or under
 * plain SHA-256 before the switch-over). With anchors, each anchored event must still carry the hash
 * its anchor signed, and no anchor may vouch for more events than the chain holds (the last events
 * deleted and the head moved back).
 */
export async function verifyAuditChain(db: Db, options: VerifyOptions = {}): Promise<ChainVerdict> {
  const key = options.key === undefined ? auditKeyOf(db) : options.key;
  const batch = options.batch ?? 5000;
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const headSeq = Number(head.seq);
  const keyedFrom = head.keyed_from === null ? null : Number(head.keyed_from);
  const list = [...(options.anchors?.list ?? [])].sort((a, b) => a.seq - b.seq || a.at - b.at);
  const newest = list.reduce<ChainAnchor | null>((n, a) => (!n || a.at > n.at ? a : n), null);
  const anchors: AnchorCheck | undefined = options.anchors && {
    dir: options.anchors.dir,
    checked: list.length,
    newest: newest && { seq: newest.seq, at: newest.at, source: newest.source },
  };
  const fail = (events: number, problem: string, extra: { brokenAt?: number; anchor?: string }): ChainVerdict => ({
    ok: false,
    events,
    problem,
    ...extra,
    keyedFrom,
    ...(anchors ? { anchors } : {}),
  });

  for (const a of list) {
    if (a.keyedFrom !== keyedFrom) {
      return fail(
        0,
        `the head says keyed hashes start at event ${keyedFrom ?? 'none'}, but anchor ${a.source} (${iso(a.at)}) signed ${a.keyedFrom ?? 'none'}: the switch-over was moved`,
        { brokenAt: Math.min(a.keyedFrom ?? Infinity, keyedFrom ?? Infinity, a.seq + 1), anchor: a.source },
      );
    }
    if (a.seq === 0 && a.hash !== GENESIS_HASH)
      return fail(0, `anchor ${a.source} signed an empty chain with a hash other than the genesis hash`, {
        brokenAt: 1,
        anchor: a.source,
      });
  }
  const bySeq = new Map<number, ChainAnchor[]>();
  for (const a of list) if (a.seq > 0) bySeq.set(a.seq, [...(bySeq.get(a.seq) ?? []), a]);

  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let count = 0;
  while (expectedSeq <= headSeq) {
    const rows = await db
      .selectFrom('audit_event')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .where('seq', '<=', headSeq)
      .orderBy('seq')
      .limit(batch)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        return fail(count, `event ${expectedSeq} is missing (next present is ${seq})`, { brokenAt: expectedSeq });
      }
      if (row.prev_hash !== prev) {
        return fail(count, `event ${seq} does not link to event ${seq - 1}`, { brokenAt: seq });
      }
      const keyed = keyedFrom !== null && seq >= keyedFrom;
      if (keyed && !key)
        return fail(count, `event ${seq} is keyed and no audit key was given to check it`, { brokenAt: seq });
      const recomputed = eventHash({ ...row, seq, at: Number(row.at) }, keyed ? key : null);
      if (recomputed !== row.hash) {
        return fail(count, `event ${seq} was changed after it was written`, { brokenAt: seq });
      }
      for (const a of bySeq.get(seq) ?? []) {
        if (a.hash !== row.hash) {
          return fail(
            count,
            `event ${seq} is not the one anchor ${a.source} signed at ${iso(a.at)}: the chain was rewritten at or before event ${seq}`,
            { brokenAt: seq, anchor: a.source },
          );
        }
      }
      prev = row.hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < batch) break;
  }
  if (count < headSeq) {
    return fail(
      count,
      `the chain ends at event ${count} but the head says ${headSeq}: events were removed from the end`,
      { brokenAt: count + 1 },
    );
  }
  if (head.hash !== prev) {
    return fail(count, `the head's hash is not event ${count}'s: the head was changed`, { brokenAt: count });
  }
  const beyond = list.filter((a) => a.seq > count);
  if (beyond.length) {
    const a = beyond[beyond.length - 1]!;
    return fail(
      count,
      `anchor ${a.source} (${iso(a.at)}) vouches for ${a.seq} events but the chain ends at event ${count}: events ${count + 1}–${a.seq} were removed and the head moved back`,
      { brokenAt: count + 1, anchor: a.source },
    );
  }
  // Events past the head: an append that committed during the walk moves the head past them too.
  const past = await db
    .selectFrom('audit_event')
    .select('seq')
    .where('seq', '>', headSeq)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  if (past) {
    const now = await db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirstOrThrow();
    if (Number(past.seq) > Number(now.seq)) {
      return fail(count, `event ${past.seq} lies past the head (${now.seq}): the head was moved back`, {
        brokenAt: Number(now.seq) + 1,
      });
    }
  }
  return { ok: true, events: count, headHash: prev, keyedFrom, ...(anchors ? { anchors } : {}) };
}
