// Site operations (环境消杀、垃圾处置): the disinfection log checked against the schedule of the rules
// file, a room's terminal disinfection that puts it back in service, the medical-waste log with its
// two-signature hand-over, staff daily health, and the day's standing with what is overdue.
import type { Services } from '../services.ts';
import type { Actor } from '../access/access.rules.ts';
import { auditActor } from '../access/auth.ts';
import { addDays, dateInZone, startOfDate } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import { siteFor } from './allocation.service.ts';
import { carePolicy } from './care.policy.ts';
import type { DisinfectionBody, HandOverBody, OpsView, StaffCheckBody, WasteBody } from './siteops.schema.ts';
import { disinfectionFaults, scheduleStatus, wasteStanding } from './siteops.rules.ts';
import * as store from './siteops.store.ts';

/** Logs a disinfection; a room's terminal disinfection (the rules' terminal key) puts the room back in service. */
export async function logDisinfection(s: Services, actor: Actor, siteId: string, body: DisinfectionBody) {
  const policy = carePolicy().disinfection;
  const terminal = body.item === policy.terminal.key;
  const item = terminal ? policy.terminal : policy.items.find((i) => i.key === body.item);
  if (!item)
    throw new AppError(
      'DISINFECTION_ITEM_UNKNOWN',
      { item: body.item },
      { faults: [{ field: 'item', code: 'DISINFECTION_ITEM_UNKNOWN', params: { item: body.item } }] },
    );
  const faults = disinfectionFaults(
    { concentrationMgL: body.concentrationMgL ?? null, contactMinutes: body.contactMinutes ?? null },
    item,
  );
  if (faults.length) {
    const params = { min: item.minMgL ?? 0, max: item.maxMgL ?? 0, minutes: item.minMinutes };
    throw new AppError(faults[0]!.code, params, {
      faults: faults.map((f) => ({ field: f.field, code: f.code, params })),
    });
  }
  if (terminal && !body.roomId)
    throw new AppError(
      'DISINFECTION_ROOM_REQUIRED',
      {},
      { faults: [{ field: 'roomId', code: 'DISINFECTION_ROOM_REQUIRED' }] },
    );
  const now = s.clock.now();
  const at = Math.min(body.at ?? now, now);
  return s.db.transaction().execute(async (trx) => {
    const site = await siteFor(trx, actor, siteId);
    let roomId: string | null = null;
    if (body.roomId) {
      const room = await store.roomOfSite(trx, site.id, body.roomId);
      if (!room)
        throw new AppError(
          'DISINFECTION_ROOM_NOT_FOUND',
          {},
          { faults: [{ field: 'roomId', code: 'DISINFECTION_ROOM_NOT_FOUND' }] },
        );
      if (terminal && (await store.roomOccupied(trx, room.id)))
        throw new AppError(
          'DISINFECTION_ROOM_OCCUPIED',
          { room: room.number },
          { faults: [{ field: 'roomId', code: 'DISINFECTION_ROOM_OCCUPIED', params: { room: room.number } }] },
        );
      roomId = room.id;
    }
    const id = newId(now);
    await store.insertDisinfectionTx(trx, {
      id,
      site_id: site.id,
      room_id: roomId,
      item: body.item,
      zone: body.zone ?? ('zone' in item ? item.zone : 'observation'),
      agent: body.agent,
      concentration_mg_l: body.concentrationMgL ?? null,
      contact_minutes: body.contactMinutes ?? null,
      operator: body.operator,
      at,
      recorded_by: actor.userId,
    });
    if (terminal && roomId) await store.releaseRoomTx(trx, roomId, at);
    await s.audit(trx, auditActor(actor), {
      action: terminal ? 'quarantine.disinfection.terminal' : 'quarantine.disinfection',
      objectType: 'quarantine_site',
      objectId: site.id,
      detail: {
        item: body.item,
        roomId,
        concentrationMgL: body.concentrationMgL ?? null,
        contactMinutes: body.contactMinutes ?? null,
      },
    });
    return { id };
  });
}

export async function logWaste(s: Services, actor: Actor, siteId: string, body: WasteBody) {
  if (!body.sealed)
    throw new AppError('WASTE_NOT_SEALED', {}, { faults: [{ field: 'sealed', code: 'WASTE_NOT_SEALED' }] });
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const site = await siteFor(trx, actor, siteId);
    const id = newId(now);
    await store.insertWasteTx(trx, {
      id,
      site_id: site.id,
      bags: body.bags,
      weight_kg: body.weightKg,
      sealed: 1,
      stored_at: Math.min(body.storedAt ?? now, now),
      recorded_by: actor.userId,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.waste.store',
      objectType: 'quarantine_site',
      objectId: site.id,
      detail: { wasteId: id, bags: body.bags, weightKg: body.weightKg },
    });
    return { id };
  });
}

/** Hands stored waste to the licensed unit: both signatures, once. */
export async function handOverWaste(s: Services, actor: Actor, id: string, body: HandOverBody) {
  for (const field of ['receiverSignature', 'staffSignature'] as const)
    if (!body[field].trim())
      throw new AppError(
        'WASTE_SIGNATURE_MISSING',
        { field },
        { faults: [{ field, code: 'WASTE_SIGNATURE_MISSING', params: { field } }] },
      );
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const waste = await store.wasteById(trx, id);
    if (!waste) throw new AppError('WASTE_NOT_FOUND');
    const site = await siteFor(trx, actor, waste.site_id);
    if (waste.handed_over_at !== null) throw new AppError('WASTE_HANDED_OVER');
    await store.handOverWasteTx(trx, id, {
      handed_over_at: Math.min(body.at ?? now, now),
      receiver_unit: body.receiverUnit,
      receiver_signature: body.receiverSignature,
      staff_signature: body.staffSignature,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.waste.hand_over',
      objectType: 'quarantine_site',
      objectId: site.id,
      detail: { wasteId: id, receiverUnit: body.receiverUnit },
    });
    return { id };
  });
}

export async function recordStaffCheck(s: Services, actor: Actor, siteId: string, body: StaffCheckBody) {
  const policy = carePolicy();
  if (!(body.temperature >= policy.checks.minTemperatureC && body.temperature <= policy.checks.maxTemperatureC)) {
    const params = { min: policy.checks.minTemperatureC, max: policy.checks.maxTemperatureC };
    throw new AppError('STAFF_TEMPERATURE_OUT_OF_RANGE', params, {
      faults: [{ field: 'temperature', code: 'STAFF_TEMPERATURE_OUT_OF_RANGE', params }],
    });
  }
  const now = s.clock.now();
  const date = dateInZone(now, s.config.timeZone);
  return s.db.transaction().execute(async (trx) => {
    const site = await siteFor(trx, actor, siteId);
    const staff = (await store.staffOfSite(trx, site.id)).find((x) => x.id === body.staffId);
    if (!staff)
      throw new AppError('SITE_STAFF_NOT_FOUND', {}, { faults: [{ field: 'staffId', code: 'SITE_STAFF_NOT_FOUND' }] });
    if (await store.staffCheckOf(trx, staff.id, date)) throw new AppError('STAFF_CHECK_DUPLICATE');
    const id = newId(now);
    await store.insertStaffCheckTx(trx, {
      id,
      staff_id: staff.id,
      date,
      temperature: body.temperature,
      symptoms: JSON.stringify(body.symptoms ?? []),
      test: body.test ?? 'none',
      recorded_by: actor.userId,
      recorded_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.staff_check',
      objectType: 'quarantine_site',
      objectId: site.id,
      detail: { staffId: staff.id, temperature: body.temperature, test: body.test ?? 'none' },
    });
    return { id };
  });
}

/** The site's day: the disinfection schedule with overdue items, rooms awaiting terminal disinfection, waste, staff. */
export async function siteOps(s: Services, actor: Actor, siteId: string): Promise<OpsView> {
  const site = await siteFor(s.db, actor, siteId);
  const policy = carePolicy();
  const now = s.clock.now();
  const tz = s.config.timeZone;
  const date = dateInZone(now, tz);
  const dayStart = startOfDate(date, tz);
  const fraction = Math.min(1, (now - dayStart) / 86_400_000);
  const log = await store.disinfectionsSince(s.db, site.id, dayStart);
  const done = new Map<string, { count: number; lastAt: number | null }>();
  for (const d of log) {
    const x = done.get(d.item) ?? { count: 0, lastAt: null };
    done.set(d.item, { count: x.count + 1, lastAt: Math.max(x.lastAt ?? 0, d.at) });
  }
  const awaiting = await store.roomsAwaiting(s.db, site.id);
  const waste = await store.wasteStored(s.db, site.id);
  const staff = await store.staffOfSite(s.db, site.id);
  const since = addDays(date, -(policy.staff.testEveryDays - 1));
  const checks = await store.staffChecksSince(
    s.db,
    staff.map((x) => x.id),
    addDays(date, -14),
  );
  const dueHours = policy.disinfection.terminal.dueWithinHours * 3_600_000;
  return {
    siteId: site.id,
    siteName: site.name,
    date,
    schedule: scheduleStatus(policy.disinfection.items, done, fraction),
    terminal: awaiting.map((r) => ({
      roomId: r.id,
      number: r.number,
      dueAt: r.disinfection_due_at! + dueHours,
      overdue: now > r.disinfection_due_at! + dueHours,
    })),
    waste: waste.map((w) => ({
      id: w.id,
      bags: w.bags,
      weightKg: w.weight_kg,
      storedAt: w.stored_at,
      ...wasteStanding(w.stored_at, now, policy.waste),
    })),
    staff: staff.map((x) => {
      const mine = checks.filter((c) => c.staff_id === x.id);
      const today = mine.find((c) => c.date === date);
      const tested = mine.filter((c) => c.test !== 'none').sort((a, b) => b.date.localeCompare(a.date));
      return {
        staffId: x.id,
        name: maskName(x.name),
        role: x.role,
        checked: Boolean(today),
        temperature: today?.temperature ?? null,
        fever: (today?.temperature ?? 0) >= policy.staff.feverAtC,
        testDue: !tested.some((c) => c.date >= since),
        lastTest: tested[0]?.test ?? null,
      };
    }),
    log: log.map((d) => ({
      id: d.id,
      item: d.item,
      roomNumber: d.room_number,
      agent: d.agent,
      concentrationMgL: d.concentration_mg_l,
      contactMinutes: d.contact_minutes,
      operator: d.operator,
      at: d.at,
    })),
  };
}
