// The only SQL of quarantine sites, rooms and staff rosters, and the reads of stays the board needs
// (how many stay in each room now, how many are planned). Sites are scoped by their area path.
import type { Executor, QuarantineRoomTable, QuarantineSiteTable, QuarantineStaffTable } from '../db/database.ts';
import { chunks, withAreaNames } from '../db/sql.ts';

export interface Paging {
  limit: number;
  offset: number;
}

/** Everything under an area path (codes and slashes: no LIKE wildcards in them). */
export function under(path: string): string {
  return `${path}%`;
}

export type SiteRow = QuarantineSiteTable & { area_name: string };

function siteQuery(ex: Executor) {
  return ex.selectFrom('quarantine_site').selectAll('quarantine_site');
}

export async function insertSite(ex: Executor, row: QuarantineSiteTable): Promise<void> {
  await ex.insertInto('quarantine_site').values(row).execute();
}

export async function siteById(ex: Executor, id: string): Promise<SiteRow | undefined> {
  const row = await siteQuery(ex).where('quarantine_site.id', '=', id).executeTakeFirst();
  return row ? (await withAreaNames(ex, [row]))[0] : undefined;
}

export async function updateSite(
  ex: Executor,
  id: string,
  changes: Partial<Omit<QuarantineSiteTable, 'id'>>,
): Promise<void> {
  await ex.updateTable('quarantine_site').set(changes).where('id', '=', id).execute();
}

export interface SiteFilter {
  scopePath: string;
  /** Only these sites (a site worker's roster); null for every site in scope. */
  siteIds: string[] | null;
  status?: string;
}

export async function listSites(
  ex: Executor,
  f: SiteFilter,
  paging: Paging | null,
): Promise<{ rows: SiteRow[]; total: number }> {
  if (f.siteIds && f.siteIds.length === 0) return { rows: [], total: 0 };
  let q = siteQuery(ex).where('quarantine_site.area_path', 'like', under(f.scopePath));
  if (f.siteIds) q = q.where('quarantine_site.id', 'in', f.siteIds);
  if (f.status) q = q.where('quarantine_site.status', '=', f.status);
  const total = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  let rows = q.orderBy('quarantine_site.area_path').orderBy('quarantine_site.name').orderBy('quarantine_site.id');
  if (paging) rows = rows.limit(paging.limit).offset(paging.offset);
  return { rows: await withAreaNames(ex, await rows.execute()), total: Number(total.n) };
}

/** Sites whose roster names this account (active staff): what a site worker may see. */
export async function siteIdsOfUser(ex: Executor, userId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('quarantine_staff')
    .select('site_id')
    .distinct()
    .where('user_id', '=', userId)
    .where('active', '=', 1)
    .orderBy('site_id')
    .execute();
  return rows.map((r) => r.site_id);
}

// ---- rooms ---------------------------------------------------------------------------------------

/** A room with how many stay in it now and how many allocations to it are planned. */
export type RoomRow = QuarantineRoomTable & { current: number; planned: number };

export async function roomsOfSites(ex: Executor, siteIds: readonly string[]): Promise<RoomRow[]> {
  const out: RoomRow[] = [];
  for (const part of chunks([...new Set(siteIds)])) {
    const rooms = await ex
      .selectFrom('quarantine_room')
      .selectAll()
      .where('site_id', 'in', part)
      .orderBy('site_id')
      .orderBy('floor')
      .orderBy('number')
      .execute();
    const stays = await ex
      .selectFrom('quarantine_stay')
      .select((eb) => ['room_id', 'status', eb.fn.countAll<number>().as('n')])
      .where('site_id', 'in', part)
      .where('status', 'in', ['current', 'planned'])
      .groupBy(['room_id', 'status'])
      .execute();
    const counts = new Map<string, { current: number; planned: number }>();
    for (const s of stays) {
      const c = counts.get(s.room_id) ?? { current: 0, planned: 0 };
      if (s.status === 'current') c.current = Number(s.n);
      else c.planned = Number(s.n);
      counts.set(s.room_id, c);
    }
    for (const r of rooms) out.push({ ...r, ...(counts.get(r.id) ?? { current: 0, planned: 0 }) });
  }
  return out;
}

export async function roomById(ex: Executor, id: string): Promise<RoomRow | undefined> {
  const room = await ex.selectFrom('quarantine_room').selectAll().where('id', '=', id).executeTakeFirst();
  if (!room) return undefined;
  const stays = await ex
    .selectFrom('quarantine_stay')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .where('room_id', '=', id)
    .where('status', 'in', ['current', 'planned'])
    .groupBy('status')
    .execute();
  const n = (status: string) => Number(stays.find((s) => s.status === status)?.n ?? 0);
  return { ...room, current: n('current'), planned: n('planned') };
}

/** Room numbers of a site already taken, among the given ones (case-insensitive). */
export async function takenRoomNumbers(ex: Executor, siteId: string, numbers: readonly string[]): Promise<Set<string>> {
  const wanted = new Set(numbers.map((n) => n.toLowerCase()));
  const rows = await ex.selectFrom('quarantine_room').select('number').where('site_id', '=', siteId).execute();
  return new Set(rows.map((r) => r.number.toLowerCase()).filter((n) => wanted.has(n)));
}

export async function insertRooms(ex: Executor, rows: readonly QuarantineRoomTable[]): Promise<void> {
  for (const part of chunks(rows, 40)) await ex.insertInto('quarantine_room').values(part).execute();
}

export async function updateRoom(
  ex: Executor,
  id: string,
  changes: Partial<Omit<QuarantineRoomTable, 'id' | 'site_id'>>,
): Promise<void> {
  await ex.updateTable('quarantine_room').set(changes).where('id', '=', id).execute();
}

// ---- staff ---------------------------------------------------------------------------------------

export async function staffOfSite(ex: Executor, siteId: string): Promise<QuarantineStaffTable[]> {
  return ex
    .selectFrom('quarantine_staff')
    .selectAll()
    .where('site_id', '=', siteId)
    .orderBy('active', 'desc')
    .orderBy('role')
    .orderBy('name')
    .orderBy('id')
    .execute();
}

export async function staffById(ex: Executor, id: string): Promise<QuarantineStaffTable | undefined> {
  return ex.selectFrom('quarantine_staff').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function staffCounts(ex: Executor, siteIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks([...new Set(siteIds)])) {
    const rows = await ex
      .selectFrom('quarantine_staff')
      .select((eb) => ['site_id', eb.fn.countAll<number>().as('n')])
      .where('site_id', 'in', part)
      .where('active', '=', 1)
      .groupBy('site_id')
      .execute();
    for (const r of rows) out.set(r.site_id, Number(r.n));
  }
  return out;
}

export async function insertStaff(ex: Executor, row: QuarantineStaffTable): Promise<void> {
  await ex.insertInto('quarantine_staff').values(row).execute();
}

export async function updateStaff(
  ex: Executor,
  id: string,
  changes: Partial<Omit<QuarantineStaffTable, 'id' | 'site_id'>>,
): Promise<void> {
  await ex.updateTable('quarantine_staff').set(changes).where('id', '=', id).execute();
}
