// Idempotent operations: each client-id'd operation applied once (online calls that carry a clientId,
// and the offline queue a sampler's or grid worker's phone sends when back online).
import { can, type Actor } from '../access/access.rules.ts';
import type { Executor, TestingTubeTable, Tx } from '../db/database.ts';
import { assertCan } from '../access/auth.ts';
import { AppError, asErrorCode, messageFor, type Lang } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { isUniqueViolation } from '../db/sql.ts';
import { testingPolicy } from './testing.policy.ts';
import type {
  MemberAddBody,
  MemberView,
  OpDone,
  OpRefused,
  OpResult,
  SyncOp,
  TaskView,
  TubeOpenBody,
  TubeView,
  VisitView,
} from './testing.schema.ts';
import './testing.schema.ts';
import { roundChanged } from './testing.service.ts';
import * as store from './testing.store.ts';
import { addMemberTx, closeTubeTx, openTubeTx, removeMemberTx, tubeInScope, tubeView } from './testing.tubes.ts';
import { sampleTaskTx } from './testing.pools.ts';
import { visitTx } from './testing.coverage.ts';

const HOUR = 3_600_000;

// ---- idempotent operations (online with clientId, and the offline queue) -------------------------

/** An operation's result as stored for its client id: whether it was done, or refused and why. */
type Outcome = Omit<OpDone, 'duplicate'> | Omit<OpRefused, 'duplicate'>;

async function storedOutcome(
  ex: Executor,
  actor: Actor,
  clientId: string,
): Promise<{ op_type: string; outcome: string } | undefined> {
  return store.storedOutcome(ex, actor.userId, clientId);
}

async function storeOutcome(
  s: Services,
  ex: Executor,
  actor: Actor,
  clientId: string,
  opType: string,
  outcome: Outcome,
): Promise<void> {
  await store.insertOutcome(ex, {
    user_id: actor.userId,
    client_id: clientId,
    op_type: opType,
    outcome: JSON.stringify(outcome),
    at: s.clock.now(),
  });
}

/**
 * Runs one operation once per (user, clientId): its changes and its stored outcome commit together;
 * a repeat returns the stored outcome and changes nothing. With `keepErrors` a refused operation's
 * error is stored too, so a resent queue gets the same answers.
 */
export async function once(
  s: Services,
  actor: Actor,
  clientId: string | undefined,
  opType: string,
  lang: Lang,
  keepErrors: boolean,
  run: (trx: Tx) => Promise<Omit<OpDone, 'clientId' | 'ok' | 'duplicate'>>,
): Promise<OpResult> {
  const cid = clientId ?? '';
  const replay = async (): Promise<OpResult | null> => {
    if (!clientId) return null;
    const prior = await storedOutcome(s.db, actor, clientId);
    if (!prior) return null;
    if (prior.op_type !== opType) {
      return {
        clientId: cid,
        ok: false,
        duplicate: true,
        error: { code: 'SYNC_CLIENT_ID_REUSED', message: messageFor('SYNC_CLIENT_ID_REUSED', {}, lang) },
      };
    }
    return { ...(JSON.parse(prior.outcome) as Outcome), duplicate: true };
  };
  const first = await replay();
  if (first) return first;
  try {
    return await s.db.transaction().execute(async (trx) => {
      const body = await run(trx);
      const outcome: Outcome = { clientId: cid, ok: true, ...body };
      if (clientId) await storeOutcome(s, trx, actor, clientId, opType, outcome);
      return { ...outcome, duplicate: false };
    });
  } catch (err) {
    if (isUniqueViolation(err) && clientId) {
      const again = await replay();
      if (again) return again;
    }
    if (!(err instanceof AppError) || !keepErrors) throw err;
    const outcome: Outcome = {
      clientId: cid,
      ok: false,
      error: { code: err.code, message: messageFor(err.code, err.params, lang) },
    };
    if (clientId) {
      try {
        await storeOutcome(s, s.db, actor, clientId, opType, outcome);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const again = await replay();
        if (again) return again;
      }
    }
    return { ...outcome, duplicate: false };
  }
}

/** The operation done, or its refusal thrown (an online call's answer). */
export function unwrap(r: OpResult): OpDone {
  if (!r.ok) throw new AppError(asErrorCode(r.error.code));
  return r;
}

export async function openTube(
  s: Services,
  actor: Actor,
  body: TubeOpenBody,
  lang: Lang,
): Promise<{ tube: TubeView; duplicate: boolean }> {
  assertCan(actor, 'testing.sample');
  const r = unwrap(
    await once(s, actor, body.clientId, 'tube.open', lang, false, async (trx) => {
      const tube = await openTubeTx(s, trx, actor, body, atOf(s, body.at));
      return { tube: await tubeView(trx, tube) };
    }),
  );
  roundChanged(s, body.roundId, 'summary');
  return { tube: r.tube!, duplicate: r.duplicate };
}

export async function addMember(
  s: Services,
  actor: Actor,
  tubeId: string,
  body: MemberAddBody,
  lang: Lang,
): Promise<{ tube: TubeView; member: MemberView }> {
  assertCan(actor, 'testing.sample');
  const r = unwrap(
    await once(s, actor, body.clientId, 'tube.add', lang, false, async (trx) => {
      const tube = await tubeInScope(trx, actor, { id: tubeId });
      const done = await addMemberTx(s, trx, actor, tube, body, atOf(s, body.at));
      return { tube: await tubeView(trx, done.tube), member: done.member };
    }),
  );
  roundChanged(s, r.tube!.roundId, 'summary');
  return { tube: r.tube!, member: r.member! };
}

export async function closeTube(
  s: Services,
  actor: Actor,
  tubeId: string,
  body: { clientId?: string; at?: number },
  lang: Lang,
): Promise<TubeView> {
  assertCan(actor, 'testing.sample');
  const r = unwrap(
    await once(s, actor, body.clientId, 'tube.close', lang, false, async (trx) => {
      const tube = await tubeInScope(trx, actor, { id: tubeId });
      return { tube: await tubeView(trx, await closeTubeTx(s, trx, actor, tube, atOf(s, body.at))) };
    }),
  );
  return r.tube!;
}

// ---- offline queue ------------------------------------------------------------------------------

/** The time of an online operation: now, or the device's time when given (inside the offline window). */
export function atOf(s: Services, at: number | undefined): number {
  if (at === undefined) return s.clock.now();
  checkOpTime(s, at);
  return at;
}

function checkOpTime(s: Services, at: number): void {
  const p = testingPolicy();
  const now = s.clock.now();
  if (at > now + p.clockSkewMinutes * 60_000 || at < now - p.offlineWindowHours * HOUR)
    throw new AppError('SYNC_TIME_INVALID');
}

async function tubeByBarcodeForOp(trx: Tx, actor: Actor, barcode: string): Promise<TestingTubeTable> {
  return tubeInScope(trx, actor, { barcode });
}

/** Applies the queued operations in order, each once; a refused one does not stop the others. */
export async function syncOps(s: Services, actor: Actor, ops: SyncOp[], lang: Lang): Promise<{ results: OpResult[] }> {
  // The sampler's queue (tubes, tasks) and the grid worker's (visits) share the endpoint; each op needs its own permission.
  if (!can(actor.role, 'testing.sample') && !can(actor.role, 'testing.doorknock'))
    throw new AppError('FORBIDDEN', { permission: 'testing.sample' });
  const results: OpResult[] = [];
  const rounds = new Set<string>();
  for (const op of ops) {
    const r = await once(s, actor, op.clientId, op.type, lang, true, async (trx) => {
      checkOpTime(s, op.at);
      if (op.type !== 'visit') assertCan(actor, 'testing.sample');
      switch (op.type) {
        case 'tube.open': {
          const tube = await openTubeTx(s, trx, actor, op, op.at);
          rounds.add(tube.round_id);
          return { tube: await tubeView(trx, tube) };
        }
        case 'tube.add': {
          const tube = await tubeByBarcodeForOp(trx, actor, op.barcode);
          const done = await addMemberTx(s, trx, actor, tube, op, op.at);
          rounds.add(tube.round_id);
          return { tube: await tubeView(trx, done.tube), member: done.member };
        }
        case 'tube.remove': {
          const tube = await tubeByBarcodeForOp(trx, actor, op.barcode);
          return { tube: await tubeView(trx, await removeMemberTx(s, trx, actor, tube, op.personId)) };
        }
        case 'tube.close': {
          const tube = await tubeByBarcodeForOp(trx, actor, op.barcode);
          return { tube: await tubeView(trx, await closeTubeTx(s, trx, actor, tube, op.at)) };
        }
        case 'tube.fill': {
          let tube = await openTubeTx(s, trx, actor, op, op.at);
          for (const p of op.people) tube = (await addMemberTx(s, trx, actor, tube, p, p.at)).tube;
          tube = await closeTubeTx(s, trx, actor, tube, op.at);
          rounds.add(tube.round_id);
          return { tube: await tubeView(trx, tube) };
        }
        case 'task.sample':
          return { task: await sampleTaskTx(s, trx, actor, op.taskId, op.barcode, op.at) };
        case 'visit':
          assertCan(actor, 'testing.doorknock');
          return {
            visit: await visitTx(
              s,
              trx,
              actor,
              op.roundId,
              { personId: op.personId, outcome: op.outcome, note: op.note },
              op.at,
            ),
          };
      }
    });
    results.push(r);
  }
  for (const id of rounds) roundChanged(s, id, 'summary');
  return { results };
}

// ---- online operations of other modules, once per clientId --------------------------------------

/** A door-knocking visit recorded online (201), or its repeat (200, `duplicate`). */
export async function recordVisit(
  s: Services,
  actor: Actor,
  roundId: string,
  body: { clientId?: string; at?: number; personId: string; outcome: string; note?: string },
  lang: Lang,
): Promise<{ visit: VisitView; duplicate: boolean }> {
  const r = await once(s, actor, body.clientId, 'visit', lang, false, async (trx) => ({
    visit: await visitTx(s, trx, actor, roundId, body, atOf(s, body.at)),
  }));
  // A clientId first used by a refused op of the offline queue answers with that refusal.
  const done = unwrap(r);
  if (!done.visit) throw new AppError('SYNC_CLIENT_ID_REUSED');
  return { visit: done.visit, duplicate: done.duplicate };
}

/** A re-test task sampled online into its single tube. */
export async function sampleTask(
  s: Services,
  actor: Actor,
  taskId: string,
  body: { clientId?: string; at?: number; barcode: string },
  lang: Lang,
): Promise<TaskView> {
  const r = await once(s, actor, body.clientId, 'task.sample', lang, false, async (trx) => ({
    task: await sampleTaskTx(s, trx, actor, taskId, body.barcode, atOf(s, body.at)),
  }));
  // A clientId first used by a refused op of the offline queue answers with that refusal.
  const done = unwrap(r);
  if (!done.task) throw new AppError('SYNC_CLIENT_ID_REUSED');
  return done.task;
}
