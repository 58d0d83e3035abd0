// The hash-chained audit log. Every write and every read of personal data appends one event in the
// same transaction as the thing it records. Each event's hash covers its fields and the previous
// hash, so a changed, inserted or deleted row breaks the chain at that point.
import { createHash } from 'node:crypto';
import type { Db, Executor } from '../db/database.ts';

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
  detail?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

interface HashedFields {
  seq: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  action: string;
  object_type: string;
  object_id: string | null;
  reason: string;
  detail: string;
  prev_hash: string;
}

export function eventHash(e: HashedFields): string {
  const canonical = JSON.stringify([
    e.seq, e.at, e.actor_id, e.actor_name, e.actor_role, e.action, e.object_type, e.object_id, e.reason, e.detail, e.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends one event. Call it inside the transaction that makes the change, so both commit or neither.
 * The head row update takes a row lock on PostgreSQL, which orders concurrent appenders.
 */
export async function appendAudit(ex: Executor, actor: AuditActor, entry: AuditEntry, at: number): Promise<number> {
  const head = await ex.updateTable('audit_head').set((eb) => ({ seq: eb('seq', '+', 1) })).where('id', '=', 1)
    .returning(['seq', 'hash']).executeTakeFirstOrThrow();
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
    detail: JSON.stringify(entry.detail ?? {}),
    prev_hash: head.hash,
  };
  const hash = eventHash(fields);
  await ex.insertInto('audit_event').values({ ...fields, hash }).execute();
  await ex.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
  return fields.seq;
}

export type ChainVerdict =
  | { ok: true; events: number; headHash: string }
  | { ok: false; events: number; brokenAt: number; problem: string };

/** Walks the whole chain in order, in batches, and names the first event that does not hold. */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<ChainVerdict> {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_event').selectAll().where('seq', '>=', expectedSeq)
      .orderBy('seq').limit(batch).execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        return { ok: false, events: count, brokenAt: expectedSeq, problem: `event ${expectedSeq} is missing (next present is ${seq})` };
      }
      if (row.prev_hash !== prev) {
        return { ok: false, events: count, brokenAt: seq, problem: `event ${seq} does not link to event ${seq - 1}` };
      }
      const recomputed = eventHash({ ...row, seq, at: Number(row.at) });
      if (recomputed !== row.hash) {
        return { ok: false, events: count, brokenAt: seq, problem: `event ${seq} was changed after it was written` };
      }
      prev = row.hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < batch) break;
  }
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  if (Number(head.seq) !== count || head.hash !== prev) {
    return { ok: false, events: count, brokenAt: count + 1, problem: `the chain ends at event ${count} but the head says ${head.seq}: events were removed from the end` };
  }
  return { ok: true, events: count, headHash: prev };
}
