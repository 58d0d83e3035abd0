// The only SQL of tracing: cases, their status history (insert only), contacts (upserted by their
// natural key, the investigator's review left alone), and the reads tracing rests on — household
// members and the venue co-presence interval join over check-ins.
import { sql } from 'kysely';
import type { CaseRecordTable, CaseStatusHistoryTable, ContactTable, Executor } from '../db/database.ts';
import { chunks } from '../db/sql.ts';
import { checkinScanGaps, checkinsPresent, maxDwellOverride } from '../venues/venue.store.ts';
import {
  householdMembersOfPersons,
  personsWithArea,
  personWithArea,
  type PersonWithArea,
} from '../registry/registry.store.ts';
import type { JoinBounds } from './tracing.rules.ts';

export interface Paging {
  limit: number;
  offset: number;
}

const big = (n: number) => sql<number>`cast(${Math.trunc(n)} as bigint)`;

// ---- persons -----------------------------------------------------------------------------------

/** A person as tracing sees them, with their area (the registry's personsWithArea). */
export type TracedPerson = PersonWithArea;

export function personById(ex: Executor, id: string): Promise<TracedPerson | undefined> {
  return personWithArea(ex, id);
}

export function personsByIds(ex: Executor, ids: readonly string[]): Promise<TracedPerson[]> {
  return personsWithArea(ex, ids);
}

/** The other members of each given person's household: (person, member) pairs. */
export function householdMembersOf(
  ex: Executor,
  personIds: readonly string[],
): Promise<Array<{ person_id: string; member_id: string }>> {
  return householdMembersOfPersons(ex, personIds);
}

/** The isolation times recorded on the given persons' own cases (any status), earliest first. */
export async function isolationsOf(
  ex: Executor,
  personIds: readonly string[],
): Promise<Array<{ person_id: string; isolated_at: number }>> {
  const out: Array<{ person_id: string; isolated_at: number }> = [];
  for (const part of chunks([...new Set(personIds)])) {
    const rows = await ex
      .selectFrom('case_record')
      .select(['person_id', 'isolated_at'])
      .where('person_id', 'in', part)
      .where('isolated_at', 'is not', null)
      .orderBy('person_id')
      .orderBy('isolated_at')
      .execute();
    for (const r of rows) out.push({ person_id: r.person_id, isolated_at: Number(r.isolated_at) });
  }
  return out;
}

// ---- venue co-presence -------------------------------------------------------------------------

/** The longest dwell any venue has set for itself (null when none overrides its category's); the venues' store. */
export function maxVenueDwellOverride(ex: Executor): Promise<number | null> {
  return maxDwellOverride(ex);
}

/**
 * The anchors' admitted visits to venues of the categories that can reach the window (by person and
 * entry time), with the venue: the anchors' side of both joins below.
 */
function anchorVisitQuery(ex: Executor, part: readonly string[], categories: readonly string[], b: JoinBounds) {
  return ex
    .selectFrom('checkin as a')
    .innerJoin('venue as v', 'v.id', 'a.venue_id')
    .select([
      'a.person_id as anchor_id',
      'a.id as a_id',
      'a.entered_at as a_in',
      'a.exited_at as a_out',
      'v.id as venue_id',
      'v.name as venue_name',
      'v.category',
      'v.dwell_minutes',
    ])
    .where('a.person_id', 'in', [...part])
    .where('a.decision', '=', 'admitted')
    .where('a.entered_at', '>=', big(b.from - b.maxSpanMs))
    .where('a.entered_at', '<=', big(b.to - b.minOverlapMs))
    .where(
      sql<boolean>`coalesce(a.exited_at, a.entered_at + ${big(b.maxDwellMs)}) + ${big(b.padCapMs)} >= ${big(b.from + b.minOverlapMs)}`,
    )
    .where('v.category', 'in', [...categories]);
}

/** An anchor's visit as read: the database's bigints as numbers. */
function anchorVisitOf<R extends AnchorVisitRow>(r: R): R {
  return {
    ...r,
    a_in: Number(r.a_in),
    a_out: r.a_out === null ? null : Number(r.a_out),
    dwell_minutes: r.dwell_minutes === null ? null : Number(r.dwell_minutes),
  };
}

export interface AnchorVisitRow {
  anchor_id: string;
  a_id: string;
  a_in: number;
  a_out: number | null;
  venue_id: string;
  venue_name: string;
  category: string;
  dwell_minutes: number | null;
}

export interface CoPresenceRow extends AnchorVisitRow {
  o_id: string;
  o_person: string;
  o_in: number;
  o_out: number | null;
}

/**
 * One indexed interval join: the anchors' admitted visits that can reach the window (by person and
 * entry time), then every other person's admitted visit to the same venue whose entry lies within
 * the bounds (by venue and entry time). A superset of the pairs that meet; `encounter` decides.
 */
export async function coPresence(
  ex: Executor,
  anchorIds: readonly string[],
  categories: readonly string[],
  b: JoinBounds,
): Promise<CoPresenceRow[]> {
  if (!anchorIds.length || !categories.length) return [];
  const out: CoPresenceRow[] = [];
  for (const part of chunks([...new Set(anchorIds)])) {
    const rows = await anchorVisitQuery(ex, part, categories, b)
      .innerJoin('checkin as o', (join) =>
        join
          .onRef('o.venue_id', '=', 'a.venue_id')
          .on(sql<boolean>`o.entered_at >= a.entered_at - ${big(b.maxSpanMs)}`)
          .on(
            sql<boolean>`o.entered_at <= coalesce(a.exited_at, a.entered_at + ${big(b.maxDwellMs)}) + ${big(b.padCapMs - b.minOverlapMs)}`,
          ),
      )
      .select(['o.id as o_id', 'o.person_id as o_person', 'o.entered_at as o_in', 'o.exited_at as o_out'])
      .where('o.decision', '=', 'admitted')
      .whereRef('o.person_id', '<>', 'a.person_id')
      .where('o.entered_at', '<=', big(b.to - b.minOverlapMs))
      .where(
        sql<boolean>`coalesce(o.exited_at, o.entered_at + ${big(b.maxDwellMs)}) + ${big(b.padCapMs)} >= a.entered_at + ${big(b.minOverlapMs)}`,
      )
      .where(
        sql<boolean>`coalesce(o.exited_at, o.entered_at + ${big(b.maxDwellMs)}) + ${big(b.padCapMs)} >= ${big(b.from + b.minOverlapMs)}`,
      )
      .execute();
    for (const r of rows) {
      out.push({ ...anchorVisitOf(r), o_in: Number(r.o_in), o_out: r.o_out === null ? null : Number(r.o_out) });
    }
  }
  return out;
}

/**
 * The anchors' side of the join alone: their admitted visits to venues of the categories that can
 * reach the window (by person and entry time), with the venue. The other side comes from the visit
 * index (trace.index.ts).
 */
export async function anchorVisits(
  ex: Executor,
  anchorIds: readonly string[],
  categories: readonly string[],
  b: JoinBounds,
): Promise<AnchorVisitRow[]> {
  if (!anchorIds.length || !categories.length) return [];
  const out: AnchorVisitRow[] = [];
  for (const part of chunks([...new Set(anchorIds)])) {
    for (const r of await anchorVisitQuery(ex, part, categories, b).execute()) out.push(anchorVisitOf(r));
  }
  return out;
}

/** Which of the given check-ins are still stored (a purge deletes the others); the venues' store. */
export function presentCheckins(ex: Executor, ids: readonly string[]): Promise<Set<string>> {
  return checkinsPresent(ex, ids);
}

/** How long after the scan each of these check-ins reached the server (the venues' store, scanGapsOf). */
export function scanGapsOf(ex: Executor, checkinIds: readonly string[]): Promise<Map<string, number>> {
  return checkinScanGaps(ex, checkinIds);
}

// ---- cases -------------------------------------------------------------------------------------

export interface CaseRow extends CaseRecordTable {
  person_name: string;
  area_id: string;
  area_name: string;
  area_path: string;
}

export async function insertCase(ex: Executor, row: CaseRecordTable): Promise<void> {
  await ex.insertInto('case_record').values(row).execute();
}

export async function caseById(ex: Executor, id: string): Promise<CaseRow | undefined> {
  const row = await ex.selectFrom('case_record').selectAll().where('id', '=', id).executeTakeFirst();
  const person = row && (await personWithArea(ex, row.person_id));
  return (
    person && {
      ...row!,
      person_name: person.name,
      area_id: person.area_id,
      area_name: person.area_name,
      area_path: person.area_path,
    }
  );
}

/** The person of each case (the audit log names a case by its person's masked name). */
export async function personsOfCases(
  ex: Executor,
  ids: readonly string[],
): Promise<Array<{ id: string; person_id: string }>> {
  const out: Array<{ id: string; person_id: string }> = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(...(await ex.selectFrom('case_record').select(['id', 'person_id']).where('id', 'in', part).execute()));
  return out;
}

/** The person of each contact (the audit log names a contact by its person's masked name). */
export async function personsOfContacts(
  ex: Executor,
  ids: readonly string[],
): Promise<Array<{ id: string; person_id: string }>> {
  const out: Array<{ id: string; person_id: string }> = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(...(await ex.selectFrom('contact').select(['id', 'person_id']).where('id', 'in', part).execute()));
  return out;
}

/** The case row alone (no person or area), for the other domains that follow a case. */
export async function caseRecordById(ex: Executor, id: string): Promise<CaseRecordTable | undefined> {
  return ex.selectFrom('case_record').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function openCaseOfPerson(ex: Executor, personId: string): Promise<{ id: string } | undefined> {
  return ex
    .selectFrom('case_record')
    .select('id')
    .where('person_id', '=', personId)
    .where('status', '<>', 'released')
    .executeTakeFirst();
}

export async function updateCase(
  ex: Executor,
  id: string,
  changes: Partial<Omit<CaseRecordTable, 'id'>>,
): Promise<void> {
  await ex.updateTable('case_record').set(changes).where('id', '=', id).execute();
}

export interface CaseFilter {
  /** Area subtree of the case's person. */
  path: string;
  status?: string;
  classification?: string;
  /** Only cases registered at or after this instant (epoch ms). */
  createdSince?: number;
}

export async function listCases(
  ex: Executor,
  f: CaseFilter,
  paging: Paging,
): Promise<{ rows: CaseRow[]; total: number }> {
  let q = ex
    .selectFrom('case_record')
    .innerJoin('person', 'person.id', 'case_record.person_id')
    .innerJoin('area', 'area.id', 'person.area_id')
    .where('area.path', 'like', `${f.path}%`);
  if (f.status) q = q.where('case_record.status', '=', f.status);
  if (f.classification) q = q.where('case_record.classification', '=', f.classification);
  if (f.createdSince !== undefined) q = q.where('case_record.created_at', '>=', f.createdSince);
  const [rows, total] = await Promise.all([
    q
      .selectAll('case_record')
      .select(['person.name as person_name', 'area.id as area_id', 'area.name as area_name', 'area.path as area_path'])
      .orderBy('case_record.created_at', 'desc')
      .orderBy('case_record.id')
      .limit(paging.limit)
      .offset(paging.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function insertStatusHistory(ex: Executor, row: CaseStatusHistoryTable): Promise<void> {
  await ex.insertInto('case_status_history').values(row).execute();
}

export async function statusHistory(ex: Executor, caseId: string): Promise<CaseStatusHistoryTable[]> {
  return ex.selectFrom('case_status_history').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

// ---- contacts ----------------------------------------------------------------------------------

export async function contactsOfCase(ex: Executor, caseId: string): Promise<ContactTable[]> {
  return ex.selectFrom('contact').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

export async function contactById(ex: Executor, id: string): Promise<ContactTable | undefined> {
  return ex.selectFrom('contact').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Inserts the contacts, or on their natural key refreshes what tracing decides (evidence, exposure,
 * rule); the class stays as the investigator set it when they reclassified it, and the review is
 * never touched.
 */
export async function upsertContacts(ex: Executor, rows: readonly ContactTable[]): Promise<void> {
  for (const part of chunks(rows, 200)) {
    await ex
      .insertInto('contact')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['case_id', 'person_id', 'basis', 'source_key']).doUpdateSet((eb) => ({
          class: sql<string>`case when contact.review_status = 'reclassified' then contact.class else excluded.class end`,
          candidate: eb.ref('excluded.candidate'),
          reason_code: eb.ref('excluded.reason_code'),
          evidence: eb.ref('excluded.evidence'),
          ruleset_id: eb.ref('excluded.ruleset_id'),
          ruleset_version: eb.ref('excluded.ruleset_version'),
          rule: eb.ref('excluded.rule'),
          first_exposure_at: eb.ref('excluded.first_exposure_at'),
          last_exposure_at: eb.ref('excluded.last_exposure_at'),
          source_contact_id: eb.ref('excluded.source_contact_id'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function deleteContacts(ex: Executor, ids: readonly string[]): Promise<number> {
  let n = 0;
  for (const part of chunks(ids)) {
    const result = await ex.deleteFrom('contact').where('id', 'in', part).executeTakeFirst();
    n += Number(result.numDeletedRows);
  }
  return n;
}

export async function reviewContact(
  ex: Executor,
  id: string,
  changes: Pick<
    ContactTable,
    'class' | 'review_status' | 'reviewed_by' | 'review_reason' | 'reviewed_at' | 'updated_at'
  >,
): Promise<void> {
  await ex.updateTable('contact').set(changes).where('id', '=', id).execute();
}

export interface ContactFilter {
  caseId: string;
  class?: string;
  reviewStatus?: string;
  /** A review group's key (tracing.groups.rules.ts); filtered after the read. */
  group?: string;
}

export interface ContactListRow extends ContactTable {
  person_name: string;
  phone_enc: string | null;
  area_name: string;
}

/** Contacts with their person's name, sealed phone and area name (the registry's), after the rows. */
async function withPersons(ex: Executor, rows: ContactTable[]): Promise<ContactListRow[]> {
  const people = new Map(
    (
      await personsWithArea(
        ex,
        rows.map((r) => r.person_id),
      )
    ).map((p) => [p.id, p]),
  );
  return rows.flatMap((r) => {
    const p = people.get(r.person_id);
    return p ? [{ ...r, person_name: p.name, phone_enc: p.phone_enc, area_name: p.area_name }] : [];
  });
}

export async function listContacts(
  ex: Executor,
  f: ContactFilter,
  paging: Paging,
): Promise<{ rows: ContactListRow[]; total: number }> {
  let q = ex.selectFrom('contact').where('contact.case_id', '=', f.caseId);
  if (f.class) q = q.where('contact.class', '=', f.class);
  if (f.reviewStatus) q = q.where('contact.review_status', '=', f.reviewStatus);
  const [rows, total] = await Promise.all([
    q
      .selectAll('contact')
      .orderBy(sql`case contact.class when 'close' then 0 when 'secondary' then 1 else 2 end`)
      .orderBy('contact.first_exposure_at')
      .orderBy('contact.id')
      .limit(paging.limit)
      .offset(paging.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: await withPersons(ex, rows), total: Number(total.n) };
}

/** A slice of each contact of the case for grouping, in the listing's order (close first, earliest exposure first). */
export async function groupableContacts(
  ex: Executor,
  f: Omit<ContactFilter, 'group'>,
): Promise<
  Array<Pick<ContactTable, 'id' | 'class' | 'basis' | 'candidate' | 'evidence' | 'review_status' | 'person_id'>>
> {
  // Only a venue contact's evidence places it (its encounters); the others' is not read.
  let q = ex
    .selectFrom('contact')
    .select([
      'id',
      'class',
      'basis',
      'candidate',
      'review_status',
      'person_id',
      sql<string>`case when basis = 'venue' then evidence else '{}' end`.as('evidence'),
    ])
    .where('case_id', '=', f.caseId);
  if (f.class) q = q.where('class', '=', f.class);
  if (f.reviewStatus) q = q.where('review_status', '=', f.reviewStatus);
  const rows = await q
    .orderBy(sql`case class when 'close' then 0 when 'secondary' then 1 else 2 end`)
    .orderBy('first_exposure_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, candidate: Number(r.candidate) }));
}

/** The contacts with their person, in the order of the ids given. */
export async function contactsWithPersonByIds(ex: Executor, ids: readonly string[]): Promise<ContactListRow[]> {
  const byId = new Map<string, ContactListRow>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await withPersons(ex, await ex.selectFrom('contact').selectAll().where('id', 'in', part).execute());
    for (const r of rows) byId.set(r.id, r);
  }
  return ids.map((id) => byId.get(id)).filter((r): r is ContactListRow => r !== undefined);
}

/** One review for many contacts of a case (the class changed only when given). */
export async function reviewContacts(
  ex: Executor,
  caseId: string,
  ids: readonly string[],
  changes: Pick<ContactTable, 'review_status' | 'reviewed_by' | 'review_reason' | 'reviewed_at' | 'updated_at'> & {
    class?: string;
  },
): Promise<number> {
  let n = 0;
  for (const part of chunks(ids)) {
    const result = await ex
      .updateTable('contact')
      .set(changes)
      .where('case_id', '=', caseId)
      .where('id', 'in', part)
      .executeTakeFirst();
    n += Number(result.numUpdatedRows);
  }
  return n;
}

export async function contactWithPerson(ex: Executor, id: string): Promise<ContactListRow | undefined> {
  const row = await ex.selectFrom('contact').selectAll().where('id', '=', id).executeTakeFirst();
  return row && (await withPersons(ex, [row]))[0];
}

export async function contactCounts(
  ex: Executor,
  caseId: string,
): Promise<Array<{ class: string; review_status: string; candidate: number; n: number }>> {
  const rows = await ex
    .selectFrom('contact')
    .select((eb) => ['class', 'review_status', 'candidate', eb.fn.countAll().as('n')])
    .where('case_id', '=', caseId)
    .groupBy(['class', 'review_status', 'candidate'])
    .execute();
  return rows.map((r) => ({
    class: r.class,
    review_status: r.review_status,
    candidate: Number(r.candidate),
    n: Number(r.n),
  }));
}

/**
 * Figures of the cases whose person lives under `path`: infected cases not yet recovered or released,
 * cases reported since `since`, and the confirmed close contacts of those recent cases (how many people a
 * case sends into quarantine lately: the quarantine capacity forecast reads them).
 */
export async function caseFiguresUnder(
  ex: Executor,
  path: string,
  since: number,
): Promise<{ infected: number; recentCases: number; recentContacts: number }> {
  const cases = () =>
    ex
      .selectFrom('case_record')
      .innerJoin('person', 'person.id', 'case_record.person_id')
      .innerJoin('area', 'area.id', 'person.area_id')
      .where('area.path', 'like', `${path}%`);
  const [infected, recent, contacts] = await Promise.all([
    cases()
      .where('case_record.status', '=', 'confirmed')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    cases()
      .where('case_record.created_at', '>=', since)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    cases()
      .innerJoin('contact', 'contact.case_id', 'case_record.id')
      .where('case_record.created_at', '>=', since)
      .where('contact.class', '=', 'close')
      .where('contact.review_status', '=', 'confirmed')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { infected: Number(infected.n), recentCases: Number(recent.n), recentContacts: Number(contacts.n) };
}

/**
 * The command centre's case figures under `path`: every case, and each case registered since `since`
 * with its classification and source (the wall buckets them by day in the deployment's zone).
 */
export async function caseWallFigures(
  ex: Executor,
  path: string,
  since: number,
): Promise<{ total: number; recent: Array<{ classification: string; source: string; created_at: number }> }> {
  const cases = () =>
    ex
      .selectFrom('case_record')
      .innerJoin('person', 'person.id', 'case_record.person_id')
      .innerJoin('area', 'area.id', 'person.area_id')
      .where('area.path', 'like', `${path}%`);
  const [total, recent] = await Promise.all([
    cases()
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
    cases()
      .where('case_record.created_at', '>=', since)
      .select(['case_record.classification', 'case_record.source', 'case_record.created_at'])
      .execute(),
  ]);
  return {
    total: Number(total.n),
    recent: recent.map((r) => ({
      classification: r.classification,
      source: r.source,
      created_at: Number(r.created_at),
    })),
  };
}

/** The command centre's contact figures: contacts living under `path` by review status (one row per status). */
export async function contactWallFigures(
  ex: Executor,
  path: string,
): Promise<Array<{ review_status: string; n: number }>> {
  const rows = await ex
    .selectFrom('contact')
    .innerJoin('person', 'person.id', 'contact.person_id')
    .innerJoin('area', 'area.id', 'person.area_id')
    .where('area.path', 'like', `${path}%`)
    .select(['contact.review_status', (eb) => eb.fn.countAll().as('n')])
    .groupBy('contact.review_status')
    .execute();
  return rows.map((r) => ({ review_status: r.review_status, n: Number(r.n) }));
}
