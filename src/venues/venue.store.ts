// The only SQL of venues and check-ins. Lists are filtered to the caller's area subtree in the query;
// open-visit counts and auto-closing use the (venue_id, entered_at) index.
import { sql } from 'kysely';
import type { CheckinPurgeTable, CheckinTable, Executor, VenueTable } from '../db/database.ts';
import type { ObjectLabel } from '../registry/registry.store.ts';
import { areasByIds, chunks } from '../db/sql.ts';

/** Every column of a check-in row, in the table's order (the check-in writer and the demo city insert them all). */
export const CHECKIN_COLUMNS = [
  'id',
  'venue_id',
  'person_id',
  'client_id',
  'method',
  'entered_at',
  'exited_at',
  'exit_kind',
  'decision',
  'refusal_code',
  'colour',
  'reasons',
  'test_sampled_at',
  'test_result',
  'vaccinated',
  'created_at',
  'scan_gap_ms',
] as const satisfies ReadonlyArray<keyof CheckinTable>;

export interface Paging {
  limit: number;
  offset: number;
}

export interface VenueRow extends VenueTable {
  area_name: string;
  area_path: string;
}

/** Venues with their area's name and path (the shared area reader, after the venues). */
async function withAreas(ex: Executor, venues: VenueTable[]): Promise<VenueRow[]> {
  const areas = new Map(
    (
      await areasByIds(
        ex,
        venues.map((v) => v.area_id),
      )
    ).map((a) => [a.id, a]),
  );
  return venues.flatMap((v) => {
    const a = areas.get(v.area_id);
    return a ? [{ ...v, area_name: a.name, area_path: a.path }] : [];
  });
}

export async function insertVenue(ex: Executor, row: VenueTable): Promise<void> {
  await ex.insertInto('venue').values(row).execute();
}

export async function venueById(ex: Executor, id: string): Promise<VenueRow | undefined> {
  const venue = await ex.selectFrom('venue').selectAll().where('id', '=', id).executeTakeFirst();
  return venue && (await withAreas(ex, [venue]))[0];
}

/** How the audit log names venues: by name. */
export async function labelsForVenues(ex: Executor, ids: readonly string[]): Promise<ObjectLabel[]> {
  const out: ObjectLabel[] = [];
  for (const part of chunks([...new Set(ids)]))
    for (const r of await ex.selectFrom('venue').select(['id', 'name']).where('id', 'in', part).execute())
      out.push({ id: r.id, label: r.name });
  return out;
}

export async function updateVenue(ex: Executor, id: string, changes: Partial<Omit<VenueTable, 'id'>>): Promise<void> {
  await ex.updateTable('venue').set(changes).where('id', '=', id).execute();
}

/** Bumps the code version in the database (not read-modify-write) and returns the new one. */
export async function bumpCodeVersion(ex: Executor, id: string, now: number): Promise<number> {
  const row = await ex
    .updateTable('venue')
    .set((eb) => ({ code_version: eb('code_version', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .returning('code_version')
    .executeTakeFirstOrThrow();
  return Number(row.code_version);
}

export interface VenueFilter {
  /** Area subtree (path prefix). */
  path: string;
  status?: string;
  category?: string;
  /** Only venues this operator runs. */
  operatorUserId?: string;
  /** Venue or area name containing this text. */
  name?: string;
}

/** A LIKE pattern matching text anywhere, its own wildcard characters escaped (ESCAPE '\'). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listVenues(
  ex: Executor,
  f: VenueFilter,
  paging: Paging,
): Promise<{ rows: VenueRow[]; total: number }> {
  let q = ex.selectFrom('venue').innerJoin('area', 'area.id', 'venue.area_id').where('area.path', 'like', `${f.path}%`);
  if (f.status) q = q.where('venue.status', '=', f.status);
  if (f.category) q = q.where('venue.category', '=', f.category);
  if (f.operatorUserId) q = q.where('venue.operator_user_id', '=', f.operatorUserId);
  if (f.name) {
    const like = containsPattern(f.name);
    q = q.where((eb) =>
      eb.or([sql<boolean>`venue.name like ${like} escape '\\'`, sql<boolean>`area.name like ${like} escape '\\'`]),
    );
  }
  const [rows, total] = await Promise.all([
    q
      .selectAll('venue')
      .select(['area.name as area_name', 'area.path as area_path'])
      .orderBy('area.path')
      .orderBy('venue.name')
      .orderBy('venue.id')
      .limit(paging.limit)
      .offset(paging.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

// ---- check-ins ---------------------------------------------------------------------------------

export async function checkinById(ex: Executor, id: string): Promise<CheckinTable | undefined> {
  return ex.selectFrom('checkin').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function checkinByClientId(
  ex: Executor,
  venueId: string,
  clientId: string,
): Promise<CheckinTable | undefined> {
  return ex
    .selectFrom('checkin')
    .selectAll()
    .where('venue_id', '=', venueId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

/** Inserts unless the same (venue, client id) is already stored; true when this call stored it. */
export async function insertCheckin(ex: Executor, row: CheckinTable): Promise<boolean> {
  const result = await ex
    .insertInto('checkin')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Closes the venue's admitted visits that began at or before `enteredBy` at entry + dwell. */
export async function autoCloseAtVenue(
  ex: Executor,
  venueId: string,
  dwellMs: number,
  enteredBy: number,
): Promise<number> {
  const result = await ex
    .updateTable('checkin')
    .set((eb) => ({ exited_at: eb('entered_at', '+', dwellMs), exit_kind: 'auto' }))
    .where('venue_id', '=', venueId)
    .where('entered_at', '<=', enteredBy)
    .where('exited_at', 'is', null)
    .where('decision', '=', 'admitted')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The same for every venue of a kind: those of `category` without their own dwell, or, when
 * `dwellOverride` is given, those whose own dwell is that many minutes. Returns the venue of each
 * closed visit.
 */
export async function autoCloseByDwell(
  ex: Executor,
  kind: { category: string } | { dwellOverride: number },
  dwellMs: number,
  enteredBy: number,
): Promise<string[]> {
  let venues = ex.selectFrom('venue').select('id');
  venues =
    'category' in kind
      ? venues.where('category', '=', kind.category).where('dwell_minutes', 'is', null)
      : venues.where('dwell_minutes', '=', kind.dwellOverride);
  const rows = await ex
    .updateTable('checkin')
    .set((eb) => ({ exited_at: eb('entered_at', '+', dwellMs), exit_kind: 'auto' }))
    .where('venue_id', 'in', venues)
    .where('entered_at', '<=', enteredBy)
    .where('exited_at', 'is', null)
    .where('decision', '=', 'admitted')
    .returning('venue_id')
    .execute();
  return rows.map((r) => r.venue_id);
}

export async function dwellOverrides(ex: Executor): Promise<number[]> {
  const rows = await ex
    .selectFrom('venue')
    .select('dwell_minutes')
    .distinct()
    .where('dwell_minutes', 'is not', null)
    .execute();
  return rows.map((r) => Number(r.dwell_minutes));
}

/** The longest dwell any venue has set for itself (null when none overrides its category's). */
export async function maxDwellOverride(ex: Executor): Promise<number | null> {
  const row = await ex
    .selectFrom('venue')
    .select((eb) => eb.fn.max('dwell_minutes').as('m'))
    .executeTakeFirst();
  return row?.m === null || row?.m === undefined ? null : Number(row.m);
}

/** Which of the given check-ins are still in the table (a purge deletes the others). */
export async function checkinsPresent(ex: Executor, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks([...new Set(ids)])) {
    for (const r of await ex.selectFrom('checkin').select('id').where('id', 'in', part).execute()) out.add(r.id);
  }
  return out;
}

/**
 * How long after the scan each of these check-ins reached the server (ms), for those that waited (a
 * scan queued on a guard's device); check-ins sent at once, purged or stored before the gap was
 * recorded are left out.
 */
export async function checkinScanGaps(ex: Executor, checkinIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks([...new Set(checkinIds)])) {
    const rows = await ex
      .selectFrom('checkin')
      .select(['id', 'scan_gap_ms'])
      .where('id', 'in', part)
      .where('scan_gap_ms', '>', 0)
      .execute();
    for (const r of rows) out.set(r.id, Number(r.scan_gap_ms));
  }
  return out;
}

/** Open admitted visits that began after `enteredAfter` (earlier ones have been auto-closed). */
export async function countOpen(ex: Executor, venueId: string, enteredAfter: number): Promise<number> {
  const row = await ex
    .selectFrom('checkin')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('venue_id', '=', venueId)
    .where('entered_at', '>', enteredAfter)
    .where('exited_at', 'is', null)
    .where('decision', '=', 'admitted')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Closes an open visit; false when it was closed meanwhile. */
export async function closeCheckin(ex: Executor, id: string, at: number, kind: string): Promise<boolean> {
  const result = await ex
    .updateTable('checkin')
    .set({ exited_at: at, exit_kind: kind })
    .where('id', '=', id)
    .where('exited_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countCheckinsBefore(ex: Executor, before: number): Promise<number> {
  const row = await ex
    .selectFrom('checkin')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('entered_at', '<', before)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deletes up to `limit` check-ins that began before `before` (oldest first, by the entered_at index). */
export async function deleteCheckinBatch(ex: Executor, before: number, limit: number): Promise<number> {
  const oldest = ex
    .selectFrom('checkin')
    .select('id')
    .where('entered_at', '<', before)
    .orderBy('entered_at')
    .limit(limit);
  const result = await ex.deleteFrom('checkin').where('id', 'in', oldest).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Records a purge with its cutoff (in its first delete transaction). */
export async function insertPurge(ex: Executor, row: CheckinPurgeTable): Promise<void> {
  await ex.insertInto('checkin_purge').values(row).execute();
}

/** Adds a batch's deletions to the purge's record (in that batch's transaction). */
export async function addPurged(ex: Executor, id: string, checkins: number): Promise<void> {
  await ex
    .updateTable('checkin_purge')
    .set((eb) => ({ checkins: eb('checkins', '+', checkins) }))
    .where('id', '=', id)
    .execute();
}

/** The latest cutoff any recorded purge used: check-ins that began before it may be gone. Null when none ran. */
export async function latestPurgeCutoff(ex: Executor): Promise<number | null> {
  const row = await ex
    .selectFrom('checkin_purge')
    .select((eb) => eb.fn.max('before').as('b'))
    .executeTakeFirst();
  return row?.b === null || row?.b === undefined ? null : Number(row.b);
}

/** A person's latest visit to a venue (by entry time), for the repeated-scan rule. */
export async function latestVisit(ex: Executor, venueId: string, personId: string): Promise<CheckinTable | undefined> {
  return ex
    .selectFrom('checkin')
    .selectAll()
    .where('person_id', '=', personId)
    .where('venue_id', '=', venueId)
    .orderBy('entered_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ---- live occupancy ----------------------------------------------------------------------------

/** Dwell in minutes per category key (the venue's own dwell_minutes overrides it in SQL). */
export type DwellByCategory = Record<string, number>;

/** Open admitted visits still inside their venue's dwell (own, else category default) at `now`. */
function withinDwell(now: number, dwell: DwellByCategory) {
  const cases = Object.entries(dwell).map(([key, minutes]) => sql`when ${key} then ${sql.lit(Math.trunc(minutes))}`);
  const categoryDwell = cases.length ? sql`case venue.category ${sql.join(cases, sql` `)} else 0 end` : sql`0`;
  return sql<boolean>`checkin.entered_at > cast(${now} as bigint) - coalesce(venue.dwell_minutes, ${categoryDwell}) * 60000`;
}

function openVisitsQuery(ex: Executor, now: number, dwell: DwellByCategory, maxDwellMs: number) {
  return (
    ex
      .selectFrom('checkin')
      .innerJoin('venue', 'venue.id', 'checkin.venue_id')
      // The range on entered_at lets the (entered_at) and (venue_id, entered_at) indexes bound the scan.
      .where('checkin.entered_at', '>', now - maxDwellMs)
      .where('checkin.exited_at', 'is', null)
      .where('checkin.decision', '=', 'admitted')
      .where(withinDwell(now, dwell))
  );
}

/** Live head-counts of the given venues (venues without open visits are absent). */
export async function openCounts(
  ex: Executor,
  venueIds: string[],
  now: number,
  dwell: DwellByCategory,
  maxDwellMs: number,
): Promise<Map<string, number>> {
  if (!venueIds.length) return new Map();
  const rows = await openVisitsQuery(ex, now, dwell, maxDwellMs)
    .where('checkin.venue_id', 'in', venueIds)
    .select((eb) => ['checkin.venue_id', eb.fn.countAll().as('n')])
    .groupBy('checkin.venue_id')
    .execute();
  return new Map(rows.map((r) => [r.venue_id, Number(r.n)]));
}

/** The approved venues of a subtree with the highest count / capacity right now. */
export async function crowdedVenues(
  ex: Executor,
  path: string,
  now: number,
  dwell: DwellByCategory,
  maxDwellMs: number,
  limit: number,
): Promise<Array<{ id: string; n: number }>> {
  const rows = await openVisitsQuery(ex, now, dwell, maxDwellMs)
    .innerJoin('area', 'area.id', 'venue.area_id')
    .where('area.path', 'like', `${path}%`)
    .where('venue.status', '=', 'approved')
    .select((eb) => ['venue.id', eb.fn.countAll().as('n')])
    .groupBy(['venue.id', 'venue.capacity'])
    .orderBy(sql`count(*) * 1.0 / venue.capacity`, 'desc')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('venue.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, n: Number(r.n) }));
}

export async function venuesByIds(ex: Executor, ids: string[]): Promise<VenueRow[]> {
  if (!ids.length) return [];
  return withAreas(ex, await ex.selectFrom('venue').selectAll().where('id', 'in', ids).execute());
}

/** Admitted visits of a venue that began in [from, to): entry and exit times, for the day's curve. */
export async function visitsBetween(
  ex: Executor,
  venueId: string,
  from: number,
  to: number,
): Promise<Array<{ entered_at: number; exited_at: number | null }>> {
  const rows = await ex
    .selectFrom('checkin')
    .select(['entered_at', 'exited_at'])
    .where('venue_id', '=', venueId)
    .where('entered_at', '>=', from)
    .where('entered_at', '<', to)
    .where('decision', '=', 'admitted')
    .orderBy('entered_at')
    .execute();
  return rows.map((r) => ({
    entered_at: Number(r.entered_at),
    exited_at: r.exited_at === null ? null : Number(r.exited_at),
  }));
}

// ---- export ------------------------------------------------------------------------------------

export interface CheckinExportFilter {
  /** Area subtree of the venues (path prefix; '' = all). */
  path: string;
  from?: number;
  to?: number;
  venueId?: string;
}

export interface ExportCheckinRow extends CheckinTable {
  venue_name: string;
  area_code: string;
}

function exportQuery(ex: Executor, f: CheckinExportFilter) {
  let q = ex
    .selectFrom('checkin')
    .innerJoin('venue', 'venue.id', 'checkin.venue_id')
    .innerJoin('area', 'area.id', 'venue.area_id');
  if (f.path) q = q.where('area.path', 'like', `${f.path}%`);
  if (f.from !== undefined) q = q.where('checkin.entered_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('checkin.entered_at', '<', f.to);
  if (f.venueId) q = q.where('checkin.venue_id', '=', f.venueId);
  return q;
}

export async function countCheckinsForExport(ex: Executor, f: CheckinExportFilter): Promise<number> {
  const row = await exportQuery(ex, f)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page in (entered_at, id) order after the given position (keyset paging: no OFFSET on big tables). */
export async function checkinsForExport(
  ex: Executor,
  f: CheckinExportFilter,
  after: { at: number; id: string } | null,
  limit: number,
): Promise<ExportCheckinRow[]> {
  let q = exportQuery(ex, f);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('checkin.entered_at', '>', after.at),
        eb.and([eb('checkin.entered_at', '=', after.at), eb('checkin.id', '>', after.id)]),
      ]),
    );
  }
  return q
    .selectAll('checkin')
    .select(['venue.name as venue_name', 'area.code as area_code'])
    .orderBy('checkin.entered_at')
    .orderBy('checkin.id')
    .limit(limit)
    .execute();
}

/** The person's latest visit to the venue that began at or after `since` (a repeated personal code). */
export async function latestVisitSince(
  ex: Executor,
  venueId: string,
  personId: string,
  since: number,
): Promise<CheckinTable | undefined> {
  return ex
    .selectFrom('checkin')
    .selectAll()
    .where('person_id', '=', personId)
    .where('venue_id', '=', venueId)
    .where('entered_at', '>=', since)
    .orderBy('entered_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The first approved venue of a category in an area subtree that has no operator yet (by name, then id). */
export async function unrunVenueIn(ex: Executor, path: string, category: string): Promise<string | null> {
  const row = await ex
    .selectFrom('venue')
    .innerJoin('area', 'area.id', 'venue.area_id')
    .select('venue.id')
    .where('area.path', 'like', `${path}%`)
    .where('venue.category', '=', category)
    .where('venue.status', '=', 'approved')
    .where('venue.operator_user_id', 'is', null)
    .orderBy('venue.name')
    .orderBy('venue.id')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
