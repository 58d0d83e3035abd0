// SQL of a site's operations logs: disinfection, medical waste, staff daily health; and the room's
// release from terminal disinfection.
import { sql } from 'kysely';
import type { Executor, Tx } from '../db/database.ts';

export async function insertDisinfectionTx(
  trx: Tx,
  row: {
    id: string;
    site_id: string;
    room_id: string | null;
    item: string;
    zone: string;
    agent: string;
    concentration_mg_l: number | null;
    contact_minutes: number | null;
    operator: string;
    at: number;
    recorded_by: string | null;
  },
): Promise<void> {
  await trx.insertInto('quarantine_disinfection').values(row).execute();
}

export async function disinfectionsSince(ex: Executor, siteId: string, from: number) {
  return ex
    .selectFrom('quarantine_disinfection as d')
    .leftJoin('quarantine_room as r', 'r.id', 'd.room_id')
    .select([
      'd.id',
      'd.item',
      'd.agent',
      'd.concentration_mg_l',
      'd.contact_minutes',
      'd.operator',
      'd.at',
      'r.number as room_number',
    ])
    .where('d.site_id', '=', siteId)
    .where('d.at', '>=', from)
    .orderBy('d.at', 'desc')
    .execute();
}

export async function roomOfSite(ex: Executor, siteId: string, roomId: string) {
  return ex
    .selectFrom('quarantine_room')
    .select(['id', 'number', 'status', 'disinfection_due_at'])
    .where('id', '=', roomId)
    .where('site_id', '=', siteId)
    .executeTakeFirst();
}

export async function roomOccupied(ex: Executor, roomId: string): Promise<boolean> {
  const r = await ex
    .selectFrom('quarantine_stay')
    .select(sql<number>`count(*)`.as('n'))
    .where('room_id', '=', roomId)
    .where('status', 'in', ['planned', 'current'])
    .executeTakeFirstOrThrow();
  return Number(r.n) > 0;
}

/** The terminal disinfection is logged: the room is in service again. */
export async function releaseRoomTx(trx: Tx, roomId: string, at: number): Promise<void> {
  await trx
    .updateTable('quarantine_room')
    .set({ status: 'in_service', disinfected_at: at, disinfection_due_at: null, updated_at: at })
    .where('id', '=', roomId)
    .execute();
}

export async function roomsAwaiting(ex: Executor, siteId: string) {
  return ex
    .selectFrom('quarantine_room')
    .select(['id', 'number', 'disinfection_due_at'])
    .where('site_id', '=', siteId)
    .where('disinfection_due_at', 'is not', null)
    .orderBy('disinfection_due_at')
    .execute();
}

export async function insertWasteTx(
  trx: Tx,
  row: {
    id: string;
    site_id: string;
    bags: number;
    weight_kg: number;
    sealed: number;
    stored_at: number;
    recorded_by: string;
  },
): Promise<void> {
  await trx
    .insertInto('quarantine_waste')
    .values({ ...row, handed_over_at: null, receiver_unit: null, receiver_signature: null, staff_signature: null })
    .execute();
}

export async function wasteById(ex: Executor, id: string) {
  return ex.selectFrom('quarantine_waste').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function wasteStored(ex: Executor, siteId: string) {
  return ex
    .selectFrom('quarantine_waste')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('handed_over_at', 'is', null)
    .orderBy('stored_at')
    .execute();
}

export async function handOverWasteTx(
  trx: Tx,
  id: string,
  v: { handed_over_at: number; receiver_unit: string; receiver_signature: string; staff_signature: string },
): Promise<void> {
  await trx.updateTable('quarantine_waste').set(v).where('id', '=', id).execute();
}

export async function staffOfSite(ex: Executor, siteId: string) {
  return ex
    .selectFrom('quarantine_staff')
    .select(['id', 'name', 'role'])
    .where('site_id', '=', siteId)
    .where('active', '=', 1)
    .orderBy('name')
    .execute();
}

export async function staffChecksSince(ex: Executor, staffIds: readonly string[], fromDate: string) {
  if (!staffIds.length) return [];
  return ex
    .selectFrom('quarantine_staff_check')
    .select(['staff_id', 'date', 'temperature', 'test'])
    .where('staff_id', 'in', [...staffIds])
    .where('date', '>=', fromDate)
    .execute();
}

export async function staffCheckOf(ex: Executor, staffId: string, date: string) {
  return ex
    .selectFrom('quarantine_staff_check')
    .select('id')
    .where('staff_id', '=', staffId)
    .where('date', '=', date)
    .executeTakeFirst();
}

export async function insertStaffCheckTx(
  trx: Tx,
  row: {
    id: string;
    staff_id: string;
    date: string;
    temperature: number;
    symptoms: string;
    test: string;
    recorded_by: string;
    recorded_at: number;
  },
): Promise<void> {
  await trx.insertInto('quarantine_staff_check').values(row).execute();
}
