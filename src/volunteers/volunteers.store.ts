// The only SQL on volunteers, their needs and bookings.
import type { Dialect, Executor, VolunteerBookingTable, VolunteerNeedTable, VolunteerTable } from '../db/database.ts';
import { chunks, insertJsonRows, withAreaNames, type JsonCast } from '../db/sql.ts';

export interface Paging {
  limit: number;
  offset: number;
}

const count = (v: unknown) => Number(v ?? 0);

function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// ---- volunteers --------------------------------------------------------------------------------

export type VolunteerRow = VolunteerTable & { area_name: string };

export async function insertVolunteer(ex: Executor, row: VolunteerTable): Promise<void> {
  await ex.insertInto('volunteer').values(row).execute();
}

/** The demo's volunteers in bulk (one statement per slice). */
export async function insertVolunteers(ex: Executor, dialect: Dialect, rows: VolunteerTable[]): Promise<void> {
  await insertJsonRows(ex, dialect, 'volunteer', VOLUNTEER_COLUMNS, rows);
}

const VOLUNTEER_COLUMNS: ReadonlyArray<readonly [keyof VolunteerTable & string, JsonCast]> = [
  ['id', 'text'],
  ['name', 'text'],
  ['id_number_enc', 'text'],
  ['id_hmac', 'text'],
  ['phone_enc', 'text'],
  ['phone_hmac', 'text'],
  ['person_id', 'text'],
  ['area_id', 'text'],
  ['area_path', 'text'],
  ['org_kind', 'text'],
  ['team', 'text'],
  ['skills', 'text'],
  ['availability', 'text'],
  ['consent_at', 'bigint'],
  ['status', 'text'],
  ['status_note', 'text'],
  ['user_id', 'text'],
  ['vetted_by', 'text'],
  ['vetted_at', 'bigint'],
  ['created_at', 'bigint'],
  ['updated_at', 'bigint'],
];

export async function volunteerById(ex: Executor, id: string): Promise<VolunteerRow | undefined> {
  const r = await ex.selectFrom('volunteer').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? (await withAreaNames(ex, [r]))[0] : undefined;
}

export async function volunteerByUser(ex: Executor, userId: string): Promise<VolunteerRow | undefined> {
  const r = await ex.selectFrom('volunteer').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return r ? (await withAreaNames(ex, [r]))[0] : undefined;
}

export async function volunteerIdByHmac(ex: Executor, idHmac: string): Promise<string | undefined> {
  const r = await ex.selectFrom('volunteer').select('id').where('id_hmac', '=', idHmac).executeTakeFirst();
  return r?.id;
}

export async function updateVolunteer(
  ex: Executor,
  id: string,
  changes: Partial<Omit<VolunteerTable, 'id'>>,
): Promise<void> {
  await ex.updateTable('volunteer').set(changes).where('id', '=', id).execute();
}

export interface VolunteerFilter {
  scopePath: string;
  status?: string;
  q?: string;
}

export async function listVolunteers(
  ex: Executor,
  f: VolunteerFilter,
  page: Paging,
): Promise<{ rows: VolunteerRow[]; total: number }> {
  let base = ex.selectFrom('volunteer').where('area_path', 'like', `${f.scopePath}%`);
  if (f.status) base = base.where('status', '=', f.status);
  for (const word of (f.q ?? '').split(/\s+/).filter(Boolean))
    base = base.where((eb) =>
      eb.or([eb('name', 'like', containsPattern(word)), eb('team', 'like', containsPattern(word))]),
    );
  const total = count((await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);
  const rows = await base
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { rows: await withAreaNames(ex, rows), total };
}

/** Approved volunteers living under the path: the matching's candidates. */
export async function approvedUnder(ex: Executor, path: string): Promise<VolunteerTable[]> {
  return ex
    .selectFrom('volunteer')
    .selectAll()
    .where('area_path', 'like', `${path}%`)
    .where('status', '=', 'approved')
    .orderBy('id')
    .execute();
}

export async function volunteersByIds(ex: Executor, ids: readonly string[]): Promise<VolunteerTable[]> {
  const out: VolunteerTable[] = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(...(await ex.selectFrom('volunteer').selectAll().where('id', 'in', part).execute()));
  return out;
}

// ---- needs -------------------------------------------------------------------------------------

export type NeedRow = VolunteerNeedTable & { area_name: string; offered: number; accepted: number };

export async function insertNeeds(ex: Executor, rows: VolunteerNeedTable[]): Promise<void> {
  for (const part of chunks(rows, 40)) await ex.insertInto('volunteer_need').values(part).execute();
}

function needQuery(ex: Executor) {
  return ex
    .selectFrom('volunteer_need')
    .selectAll('volunteer_need')
    .select((eb) => [
      eb
        .selectFrom('volunteer_booking')
        .select(eb.fn.countAll().as('n'))
        .whereRef('volunteer_booking.need_id', '=', 'volunteer_need.id')
        .where('volunteer_booking.status', '=', 'offered')
        .as('offered'),
      eb
        .selectFrom('volunteer_booking')
        .select(eb.fn.countAll().as('n'))
        .whereRef('volunteer_booking.need_id', '=', 'volunteer_need.id')
        .where('volunteer_booking.status', '=', 'accepted')
        .as('accepted'),
    ]);
}

async function needRows(
  ex: Executor,
  rows: ReadonlyArray<VolunteerNeedTable & { offered: unknown; accepted: unknown }>,
): Promise<NeedRow[]> {
  return (await withAreaNames(ex, rows)).map((r) => ({ ...r, offered: count(r.offered), accepted: count(r.accepted) }));
}

export async function needById(ex: Executor, id: string): Promise<NeedRow | undefined> {
  const r = await needQuery(ex).where('volunteer_need.id', '=', id).executeTakeFirst();
  return r ? (await needRows(ex, [r]))[0] : undefined;
}

export async function needsByIds(ex: Executor, ids: readonly string[]): Promise<NeedRow[]> {
  const out: NeedRow[] = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(...(await needRows(ex, await needQuery(ex).where('volunteer_need.id', 'in', part).execute())));
  return out;
}

export async function listNeeds(
  ex: Executor,
  f: { scopePath: string; date?: string; status?: string },
  page: Paging,
): Promise<{ rows: NeedRow[]; total: number }> {
  let base = ex.selectFrom('volunteer_need').where('volunteer_need.area_path', 'like', `${f.scopePath}%`);
  if (f.date) base = base.where('volunteer_need.date', '=', f.date);
  if (f.status) base = base.where('volunteer_need.status', '=', f.status);
  const total = count((await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);
  const rows = await needQuery(ex)
    .where('volunteer_need.area_path', 'like', `${f.scopePath}%`)
    .$if(f.date !== undefined, (q) => q.where('volunteer_need.date', '=', f.date!))
    .$if(f.status !== undefined, (q) => q.where('volunteer_need.status', '=', f.status!))
    .orderBy('volunteer_need.start_at')
    .orderBy('volunteer_need.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { rows: await needRows(ex, rows), total };
}

// ---- bookings ----------------------------------------------------------------------------------

export type BookingRow = VolunteerBookingTable & { volunteer_name: string };

export async function insertBookings(ex: Executor, rows: VolunteerBookingTable[]): Promise<void> {
  for (const part of chunks(rows, 30)) await ex.insertInto('volunteer_booking').values(part).execute();
}

function bookingQuery(ex: Executor) {
  return ex
    .selectFrom('volunteer_booking')
    .innerJoin('volunteer', 'volunteer.id', 'volunteer_booking.volunteer_id')
    .selectAll('volunteer_booking')
    .select('volunteer.name as volunteer_name');
}

export async function bookingById(ex: Executor, id: string): Promise<BookingRow | undefined> {
  return bookingQuery(ex).where('volunteer_booking.id', '=', id).executeTakeFirst();
}

export async function bookingsOfNeed(ex: Executor, needId: string): Promise<BookingRow[]> {
  return bookingQuery(ex)
    .where('volunteer_booking.need_id', '=', needId)
    .orderBy('volunteer_booking.created_at')
    .orderBy('volunteer_booking.id')
    .execute();
}

export async function bookingsOfVolunteer(ex: Executor, volunteerId: string): Promise<BookingRow[]> {
  return bookingQuery(ex)
    .where('volunteer_booking.volunteer_id', '=', volunteerId)
    .orderBy('volunteer_booking.start_at', 'desc')
    .limit(200)
    .execute();
}

/** Bookings holding volunteers' time (offered or accepted) that touch [from, to). */
export async function holdingBookings(
  ex: Executor,
  volunteerIds: readonly string[] | null,
  from: number,
  to: number,
): Promise<VolunteerBookingTable[]> {
  const q = () =>
    ex
      .selectFrom('volunteer_booking')
      .selectAll()
      .where('status', 'in', ['offered', 'accepted'])
      .where('end_at', '>', from)
      .where('start_at', '<', to);
  if (volunteerIds === null) return q().execute();
  const out: VolunteerBookingTable[] = [];
  for (const part of chunks([...new Set(volunteerIds)]))
    out.push(...(await q().where('volunteer_id', 'in', part).execute()));
  return out;
}

/** Every booking of the needs (any status): who was offered a seat already. */
export async function bookingsOfNeeds(ex: Executor, needIds: readonly string[]): Promise<VolunteerBookingTable[]> {
  const out: VolunteerBookingTable[] = [];
  for (const part of chunks([...new Set(needIds)]))
    out.push(...(await ex.selectFrom('volunteer_booking').selectAll().where('need_id', 'in', part).execute()));
  return out;
}

export async function updateBooking(
  ex: Executor,
  id: string,
  fromStatus: string,
  changes: Partial<Omit<VolunteerBookingTable, 'id'>>,
): Promise<boolean> {
  const r = await ex
    .updateTable('volunteer_booking')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', fromStatus)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A volunteer in an area (the demo's login is linked to one). */
export async function firstApprovedIn(ex: Executor, path: string): Promise<VolunteerTable | undefined> {
  return ex
    .selectFrom('volunteer')
    .selectAll()
    .where('area_path', 'like', `${path}%`)
    .where('status', '=', 'approved')
    .where('user_id', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
}

/** Accepted bookings starting in [from, to) of volunteers living under the path, with the volunteer's name and team. */
export async function acceptedBetween(
  ex: Executor,
  path: string,
  from: number,
  to: number,
): Promise<Array<{ volunteer_id: string; name: string; team: string; start_at: number; end_at: number }>> {
  return ex
    .selectFrom('volunteer_booking')
    .innerJoin('volunteer', 'volunteer.id', 'volunteer_booking.volunteer_id')
    .select([
      'volunteer_booking.volunteer_id',
      'volunteer.name',
      'volunteer.team',
      'volunteer_booking.start_at',
      'volunteer_booking.end_at',
    ])
    .where('volunteer.area_path', 'like', `${path}%`)
    .where('volunteer_booking.status', '=', 'accepted')
    .where('volunteer_booking.start_at', '>=', from)
    .where('volunteer_booking.start_at', '<', to)
    .execute();
}
