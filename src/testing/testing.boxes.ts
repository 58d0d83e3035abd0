// Boxes and the chain of custody: closed tubes are packed into a box, the box is handed to transport
// and received by a lab; every step is stamped with its time and who did it.
import type { Actor } from '../access/access.rules.ts';
import type { BoxStatus } from './testing.rules.ts';
import type { Executor, TestingBoxTable, TestingCustodyTable } from '../db/database.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type ErrorCode, type Fault } from '../platform/errors.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { isUniqueViolation } from '../db/sql.ts';
import type { BoxView } from './testing.schema.ts';
import * as store from './testing.store.ts';
import * as boxes from './testing.boxes.store.ts';

export function boxView(b: TestingBoxTable): BoxView {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: b.id,
    roundId: b.round_id,
    code: b.code,
    status: b.status as BoxStatus,
    tubes: Number(b.tube_count),
    createdAt: Number(b.created_at),
    createdBy: b.created_by_name,
    handedAt: n(b.handed_at),
    handedBy: b.handed_by_name,
    carrier: b.carrier,
    receivedAt: n(b.received_at),
    receivedBy: b.received_by_name,
    lab: b.lab,
  };
}

async function roundInScope(ex: Executor, actor: Actor, roundId: string): Promise<void> {
  const round = await store.roundById(ex, roundId);
  if (!round) throw new AppError('ROUND_NOT_FOUND');
  const areas = await store.roundAreas(ex, [roundId]);
  if (!areas.some((a) => a.area_path.startsWith(actor.areaPath) || actor.areaPath.startsWith(a.area_path)))
    throw new AppError('OUT_OF_SCOPE');
}

async function boxOrThrow(ex: Executor, actor: Actor, id: string): Promise<TestingBoxTable> {
  const box = await boxes.boxById(ex, id);
  if (!box) throw new AppError('BOX_NOT_FOUND');
  await roundInScope(ex, actor, box.round_id);
  return box;
}

function custody(
  s: Services,
  actor: Actor,
  box: TestingBoxTable,
  kind: string,
  detail: Record<string, unknown>,
  tubeId: string | null = null,
): TestingCustodyTable {
  return {
    id: newId(s.clock.now()) + (tubeId ? tubeId.slice(-6) : ''),
    round_id: box.round_id,
    tube_id: tubeId,
    box_id: box.id,
    kind,
    at: s.clock.now(),
    actor_id: actor.userId,
    actor_name: actor.displayName,
    detail: JSON.stringify(detail),
  };
}

export async function createBox(s: Services, actor: Actor, body: { roundId: string; code: string }): Promise<BoxView> {
  assertCan(actor, 'testing.sample');
  return s.db.transaction().execute(async (trx) => {
    await roundInScope(trx, actor, body.roundId);
    const now = s.clock.now();
    const row: TestingBoxTable = {
      id: newId(now),
      round_id: body.roundId,
      code: body.code,
      status: 'packing',
      tube_count: 0,
      created_at: now,
      created_by_name: actor.displayName,
      handed_at: null,
      handed_by_name: null,
      carrier: null,
      received_at: null,
      received_by_name: null,
      lab: null,
    };
    try {
      await boxes.insertBox(trx, row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('BOX_CODE_TAKEN', { code: body.code });
      throw err;
    }
    await s.audit(trx, auditActor(actor), {
      action: 'testing.box.create',
      objectType: 'testing_box',
      objectId: row.id,
      detail: { roundId: body.roundId, code: body.code },
    });
    return boxView(row);
  });
}

/** Packs closed tubes into the box: whole or nothing, each refused tube named by its index. */
export async function boxTubes(s: Services, actor: Actor, boxId: string, barcodes: string[]): Promise<BoxView> {
  assertCan(actor, 'testing.sample');
  return s.db.transaction().execute(async (trx) => {
    const box = await boxOrThrow(trx, actor, boxId);
    if (box.status !== 'packing') throw new AppError('BOX_NOT_PACKING');
    const tubes = new Map((await store.tubesByBarcodes(trx, barcodes)).map((t) => [t.barcode, t]));
    const faults: Fault[] = [];
    const seen = new Set<string>();
    barcodes.forEach((barcode, i) => {
      const t = tubes.get(barcode);
      const fault = (code: ErrorCode) => faults.push({ row: i + 1, field: 'barcodes', code, params: { barcode } });
      if (!t) return fault('TUBE_UNKNOWN');
      if (t.round_id !== box.round_id) return fault('TUBE_OTHER_ROUND');
      if (t.status === 'open') return fault('TUBE_NOT_CLOSED');
      if (t.box_id || seen.has(barcode)) return fault('TUBE_ALREADY_BOXED');
      seen.add(barcode);
      return undefined;
    });
    for (const t of tubes.values()) if (!faults.length) assertInScope(actor, t.area_path);
    if (faults.length) throw new AppError('BOX_TUBES_INVALID', { count: faults.length }, { faults });
    const ids = [...seen].map((b) => tubes.get(b)!.id);
    await boxes.packTubesTx(
      trx,
      box,
      ids,
      ids.map((id) => custody(s, actor, box, 'boxed', { boxCode: box.code }, id)),
    );
    await s.audit(trx, auditActor(actor), {
      action: 'testing.box.pack',
      objectType: 'testing_box',
      objectId: box.id,
      detail: { code: box.code, tubes: ids.length },
    });
    return boxView((await boxes.boxById(trx, box.id))!);
  });
}

export async function handOverBox(s: Services, actor: Actor, boxId: string, carrier: string): Promise<BoxView> {
  assertCan(actor, 'testing.custody');
  return s.db.transaction().execute(async (trx) => {
    const box = await boxOrThrow(trx, actor, boxId);
    if (box.status !== 'packing') throw new AppError('BOX_NOT_PACKING');
    if (Number(box.tube_count) === 0) throw new AppError('BOX_EMPTY');
    const now = s.clock.now();
    await boxes.handOverBoxTx(
      trx,
      box.id,
      { at: now, byName: actor.displayName, carrier: carrier.trim() },
      custody(s, actor, box, 'handed_over', { carrier: carrier.trim() }),
    );
    await s.audit(trx, auditActor(actor), {
      action: 'testing.box.handover',
      objectType: 'testing_box',
      objectId: box.id,
      detail: { code: box.code, carrier },
    });
    return boxView((await boxes.boxById(trx, box.id))!);
  });
}

export async function receiveBox(s: Services, actor: Actor, boxId: string, lab: string): Promise<BoxView> {
  assertCan(actor, 'testing.custody');
  return s.db.transaction().execute(async (trx) => {
    const box = await boxOrThrow(trx, actor, boxId);
    if (box.status !== 'in_transit') throw new AppError('BOX_NOT_IN_TRANSIT');
    const now = s.clock.now();
    await boxes.receiveBoxTx(
      trx,
      box.id,
      { at: now, byName: actor.displayName, lab: lab.trim() },
      custody(s, actor, box, 'received', { lab: lab.trim() }),
    );
    await s.audit(trx, auditActor(actor), {
      action: 'testing.box.receive',
      objectType: 'testing_box',
      objectId: box.id,
      detail: { code: box.code, lab },
    });
    return boxView((await boxes.boxById(trx, box.id))!);
  });
}

export async function listBoxes(
  s: Services,
  actor: Actor,
  q: { roundId?: string; status?: string },
  paging: { limit: number; offset: number },
): Promise<Page<BoxView>> {
  assertCan(actor, 'testing.view');
  if (!q.roundId) throw new AppError('VALIDATION', { detail: 'roundId is required' });
  await roundInScope(s.db, actor, q.roundId);
  const { rows, total } = await boxes.boxesOfRound(s.db, q.roundId, q.status, paging);
  return { items: rows.map(boxView), total, ...paging };
}

/**
 * A box of the actor's round: the box itself (code, custody, tube count) for anyone in the round; the
 * barcodes only of the tubes sampled in the actor's area, as tubes are read elsewhere; the rest a count.
 */
export async function getBox(
  s: Services,
  actor: Actor,
  id: string,
): Promise<{ box: BoxView; barcodes: string[]; otherTubes: number }> {
  assertCan(actor, 'testing.view');
  const box = await boxOrThrow(s.db, actor, id);
  return {
    box: boxView(box),
    barcodes: await boxes.boxBarcodesWithin(s.db, id, actor.areaPath),
    otherTubes: await boxes.boxTubesOutside(s.db, id, actor.areaPath),
  };
}
