// The closed-loop transfer to a designated hospital (定点医院闭环转运): a person under a quarantine order,
// or a case, who needs care (fever, dialysis, pregnancy, chronic disease, …) is offered the hospitals
// that accept their code colour and serve the need, and their transfer is recorded — who, when, which
// vehicle, which escort — in one transaction: the hospital's free bed taken, the room left (its terminal
// disinfection then due), and for an order a `transferred` event: the order continues at the hospital.
// A hospital that does not take the person is refused naming `hospitalId`. Every transfer is audited.
import type { Actor } from '../access/access.rules.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import type { Dialect, Executor } from '../db/database.ts';
import { newId } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Services } from '../services.ts';
import { codeFacts } from '../health/health.service.ts';
import { caseById } from '../tracing/tracing.store.ts';
import * as allocationStore from './allocation.store.ts';
import * as hospitalStore from './hospitals.store.ts';
import { assertHospitalTakes, routeQuery } from './hospitals.service.ts';
import type { CareNeed, CodeColour } from './hospitals.rules.ts';
import { orderForActor } from './orders.service.ts';
import type {
  HospitalReturnBody,
  HospitalReturnView,
  HospitalTransferBody,
  HospitalTransferView,
  TransferOptionsQuery,
} from './transfer.schema.ts';
import { placeInRoomTx } from './allocation.service.ts';
import { releaseOrderTx } from './orders.service.ts';
import * as ordersStore from './orders.store.ts';

interface Subject {
  personId: string;
  personName: string;
  areaPath: string;
  orderId: string | null;
  caseId: string | null;
  startAt: number | null;
}

/** The order or the case named (exactly one), when the actor may see it and it is still open. */
async function subjectOf(
  ex: Executor,
  dialect: Dialect,
  actor: Actor,
  by: { orderId?: string; caseId?: string },
): Promise<Subject> {
  if (!by.orderId === !by.caseId)
    throw new AppError('TRANSFER_SUBJECT_REQUIRED', undefined, {
      faults: [{ field: by.orderId ? 'caseId' : 'orderId', code: 'TRANSFER_SUBJECT_REQUIRED' }],
    });
  if (by.orderId) {
    const o = await orderForActor(ex, actor, by.orderId);
    if (o.status !== 'active')
      throw new AppError(
        'QUARANTINE_ORDER_NOT_ACTIVE',
        { status: o.status },
        { faults: [{ field: 'orderId', code: 'QUARANTINE_ORDER_NOT_ACTIVE', params: { status: o.status } }] },
      );
    return {
      personId: o.person_id,
      personName: o.person_name,
      areaPath: o.area_path,
      orderId: o.id,
      caseId: o.case_id,
      startAt: o.start_at,
    };
  }
  const c = await caseById(ex, by.caseId!);
  if (!c)
    throw new AppError('TRANSFER_CASE_NOT_FOUND', undefined, {
      faults: [{ field: 'caseId', code: 'TRANSFER_CASE_NOT_FOUND' }],
    });
  assertInScope(actor, c.area_path);
  if (c.status === 'released')
    throw new AppError(
      'TRANSFER_CASE_CLOSED',
      { status: c.status },
      { faults: [{ field: 'caseId', code: 'TRANSFER_CASE_CLOSED', params: { status: c.status } }] },
    );
  const open = await allocationStore.activeOrdersOfPersons(ex, dialect, [c.person_id]);
  return {
    personId: c.person_id,
    personName: c.person_name,
    areaPath: c.area_path,
    orderId: open.get(c.person_id) ?? null,
    caseId: c.id,
    startAt: null,
  };
}

async function colourOf(ex: Executor, personId: string, now: number): Promise<CodeColour> {
  return (await codeFacts(ex, personId, now)).colour as CodeColour;
}

/** The hospitals that accept the person's colour now and serve the need, most free beds first. */
export async function transferOptions(s: Services, actor: Actor, q: TransferOptionsQuery) {
  assertCan(actor, 'quarantine.allocate');
  const subject = await subjectOf(s.db, s.dialect, actor, q);
  const colour = await colourOf(s.db, subject.personId, s.clock.now());
  const routed = await routeQuery(s, actor, { colour, need: q.need });
  return { colour, need: q.need, items: routed.items.filter((h) => h.bedsFree > 0) };
}

/** Records the closed-loop transfer of the person to the hospital, whole or not at all. */
export async function transferToHospital(
  s: Services,
  actor: Actor,
  body: HospitalTransferBody,
): Promise<HospitalTransferView> {
  assertCan(actor, 'quarantine.allocate');
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const subject = await subjectOf(trx, s.dialect, actor, body);
    const at = body.at ?? now;
    if (at > now || (subject.startAt !== null && at < subject.startAt))
      throw new AppError(
        'TRANSFER_TIME_INVALID',
        { field: 'at' },
        { faults: [{ field: 'at', code: 'TRANSFER_TIME_INVALID', params: { field: 'at' } }] },
      );
    const colour = await colourOf(trx, subject.personId, now);
    const hospital = await assertHospitalTakes(trx, actor, body.hospitalId, colour, body.need as CareNeed);
    if (hospital.bedsFree < 1)
      throw new AppError(
        'TRANSFER_HOSPITAL_FULL',
        { name: hospital.name },
        { faults: [{ field: 'hospitalId', code: 'TRANSFER_HOSPITAL_FULL', params: { name: hospital.name } }] },
      );
    await hospitalStore.updateHospital(trx, hospital.id, { beds_free: hospital.bedsFree - 1, updated_at: now });
    const stay = subject.orderId ? await allocationStore.currentStayOfOrder(trx, subject.orderId) : undefined;
    const { roomEmptied } = stay ? await allocationStore.endStayTx(trx, stay, at) : { roomEmptied: false };
    const transferId = newId(now);
    await allocationStore.insertTransfersTx(trx, s.dialect, [
      {
        id: transferId,
        order_id: subject.orderId,
        person_id: subject.personId,
        kind: 'hospital',
        from_site_id: stay?.site_id ?? null,
        to_site_id: null,
        hospital_id: hospital.id,
        need: body.need,
        vehicle: body.vehicle,
        escort: body.escort,
        status: 'done',
        at,
        actor_id: actor.userId,
        plan_id: null,
      },
    ]);
    const detail = {
      transferId,
      hospitalId: hospital.id,
      hospitalName: hospital.name,
      need: body.need,
      colour,
      vehicle: body.vehicle,
      escort: body.escort,
      fromSiteId: stay?.site_id ?? null,
      fromRoomId: stay?.room_id ?? null,
      caseId: subject.caseId,
      ...(body.note ? { reason: body.note } : {}),
    };
    if (subject.orderId)
      await allocationStore.insertOrderEventsTx(trx, s.dialect, [
        {
          id: newId(now),
          order_id: subject.orderId,
          kind: 'transferred',
          detail: JSON.stringify(detail),
          actor_id: actor.userId,
          at,
        },
      ]);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.transfer.hospital',
      objectType: subject.orderId ? 'quarantine_order' : 'case',
      objectId: subject.orderId ?? subject.caseId!,
      ...(body.note ? { reason: body.note } : {}),
      detail: { ...detail, personId: subject.personId, roomAwaitsDisinfection: roomEmptied },
    });
    return {
      transferId,
      orderId: subject.orderId,
      caseId: subject.caseId,
      personName: maskName(subject.personName),
      colour,
      need: body.need,
      hospitalId: hospital.id,
      hospitalName: hospital.name,
      vehicle: body.vehicle,
      escort: body.escort,
      at,
      fromSiteId: stay?.site_id ?? null,
      roomAwaitsDisinfection: roomEmptied,
    };
  });
}

function required(field: string): AppError {
  return new AppError(
    'TRANSFER_RETURN_FIELD_REQUIRED',
    { field },
    { faults: [{ field, code: 'TRANSFER_RETURN_FIELD_REQUIRED', params: { field } }] },
  );
}

/**
 * The way back from a designated hospital for a person whose order continued there: back to a site room
 * (under every constraint a move meets, with the vehicle and escort of the closed loop) or released at
 * the hospital when the rule set's conditions hold (the release's own refusals name the missing day or
 * test). Either way the hospital's bed is free again, the leg is a `return` transfer and the order says
 * `returned`, all in one transaction. A person who is not at a hospital is refused naming `orderId`.
 */
export async function returnFromHospital(
  s: Services,
  actor: Actor,
  body: HospitalReturnBody,
): Promise<HospitalReturnView> {
  assertCan(actor, 'quarantine.allocate');
  if (body.outcome === 'released') assertCan(actor, 'quarantine.order');
  if (body.outcome === 'room') {
    if (!body.roomId) throw required('roomId');
    if (!body.vehicle?.trim()) throw required('vehicle');
    if (!body.escort?.trim()) throw required('escort');
  }
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const subject = await subjectOf(trx, s.dialect, actor, { orderId: body.orderId });
    const o = (await orderForActor(trx, actor, body.orderId))!;
    const leg = await allocationStore.lastHospitalLeg(trx, o.id);
    const stay = await allocationStore.currentStayOfOrder(trx, o.id);
    if (!leg || leg.kind !== 'hospital' || !leg.hospital_id || stay)
      throw new AppError(
        'TRANSFER_NOT_IN_HOSPITAL',
        { field: 'orderId' },
        { faults: [{ field: 'orderId', code: 'TRANSFER_NOT_IN_HOSPITAL', params: { field: 'orderId' } }] },
      );
    const at = body.at ?? now;
    if (at > now || at < leg.at)
      throw new AppError(
        'TRANSFER_TIME_INVALID',
        { field: 'at' },
        { faults: [{ field: 'at', code: 'TRANSFER_TIME_INVALID', params: { field: 'at' } }] },
      );
    const hospital = await hospitalStore.hospitalById(trx, leg.hospital_id);
    if (hospital)
      await hospitalStore.updateHospital(trx, hospital.id, {
        beds_free: Math.min(Number(hospital.beds), Number(hospital.beds_free) + 1),
        updated_at: now,
      });
    const hospitalName = hospital?.name ?? '';
    const transferId = newId(now);
    let room: { id: string; site_id: string } | null = null;
    if (body.outcome === 'room')
      room = await placeInRoomTx(
        trx,
        s.dialect,
        actor,
        (await allocationStore.orderById(trx, o.id))!,
        body.roomId!,
        at,
        newId(now),
      );
    await allocationStore.insertTransfersTx(trx, s.dialect, [
      {
        id: transferId,
        order_id: o.id,
        person_id: o.person_id,
        kind: 'return',
        from_site_id: null,
        to_site_id: room?.site_id ?? null,
        hospital_id: leg.hospital_id,
        need: null,
        vehicle: body.vehicle?.trim() ?? '',
        escort: body.escort?.trim() ?? '',
        status: 'done',
        at,
        actor_id: actor.userId,
        plan_id: null,
      },
    ]);
    const detail = {
      transferId,
      outcome: body.outcome,
      hospitalId: leg.hospital_id,
      fromHospitalName: hospitalName,
      siteId: room?.site_id ?? null,
      roomId: room?.id ?? null,
      vehicle: body.vehicle?.trim() ?? '',
      escort: body.escort?.trim() ?? '',
      ...(body.note ? { reason: body.note } : {}),
    };
    await allocationStore.insertOrderEventsTx(trx, s.dialect, [
      { id: newId(now), order_id: o.id, kind: 'returned', detail: JSON.stringify(detail), actor_id: actor.userId, at },
    ]);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.transfer.return',
      objectType: 'quarantine_order',
      objectId: o.id,
      ...(body.note ? { reason: body.note } : {}),
      detail: { ...detail, personId: subject.personId },
    });
    const followOrderId =
      body.outcome === 'released' ? await releaseOrderTx(s, trx, actor, o, { note: body.note }) : null;
    const after = (await ordersStore.orderById(trx, o.id))!;
    return {
      transferId,
      orderId: o.id,
      outcome: body.outcome,
      personName: maskName(subject.personName),
      hospitalId: leg.hospital_id,
      hospitalName,
      siteId: room?.site_id ?? null,
      roomId: room?.id ?? null,
      at,
      orderStatus: after.status,
      followOrderId,
    };
  });
}
