// Volunteers (志愿者): the public sign-up, vetting by the coordinator (approval makes an account with the
// role volunteer), needs posted by units, matching a day's needs (proposed with each match explained,
// confirmed as a batch), and the volunteer's own page (accept or decline; a decline is refilled from
// the next best match). ID numbers and phones are sealed at rest and masked in every answer; every
// change is audited; a coordinator sees the volunteers living in their area, a volunteer their own
// record only.
import type { Actor } from '../access/access.rules.ts';
import { assertInScope, listingScope } from '../access/access.scope.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { addUser } from '../access/access.service.ts';
import { usernameExists } from '../access/access.store.ts';
import type { Executor, VolunteerBookingTable, VolunteerNeedTable, VolunteerTable } from '../db/database.ts';
import { areaById, areasUnder, isUniqueViolation, rootArea } from '../db/sql.ts';
import { codeFacts } from '../health/health.service.ts';
import type { AuditActor } from '../platform/audit.ts';
import { addDays, dateInZone, isCalendarDate, startOfDate } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { maskIdNumber, maskPhone } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import { idLookup, phoneLookup } from '../registry/person.codec.ts';
import { checkMobile } from '../registry/registry.rules.ts';
import { personByIdHmac } from '../registry/registry.store.ts';
import type { Services } from '../services.ts';
import {
  AVAILABILITY_KEYS,
  hardFault,
  hoursOf,
  matchBatch,
  rankCandidates,
  scoreMatch,
  type Booking,
  type Candidate,
  type Colour,
  type Explain,
  type HardFault,
  type HealthRequirement,
  type MatchResult,
  type MatchRules,
  type NeedSlot,
} from './matching.rules.ts';
import { periodOn, volunteerPolicy } from './volunteers.policy.ts';
import {
  checkNeed,
  checkSignup,
  slotKeys,
  type BookingStatus,
  type Fault,
  type VolunteerStatus,
} from './volunteers.rules.ts';
import type {
  BookingView,
  ConfirmBody,
  NeedBody,
  NeedDetailView,
  NeedListQuery,
  NeedView,
  MyPageView,
  ProposalView,
  ProposeBody,
  SignupBody,
  SignupFormView,
  VetBody,
  VetResultView,
  VolunteerListQuery,
  VolunteerRulesView,
  VolunteerView,
} from './volunteers.schema.ts';
import * as store from './volunteers.store.ts';
import type { BookingRow, NeedRow, Paging, VolunteerRow } from './volunteers.store.ts';

const ANONYMOUS: AuditActor = { id: null, name: 'anonymous', role: 'anonymous' };
const DAY = 86_400_000;

function today(s: Services): string {
  return dateInZone(s.clock.now(), s.config.timeZone);
}

function fault(f: Fault): AppError {
  const params = f.params ?? {};
  return new AppError(
    f.code,
    { field: f.field, ...params },
    { faults: [{ field: f.field, code: f.code, params: { field: f.field, ...params } }] },
  );
}

function bad(code: ErrorCode, field: string, params: Record<string, string> = {}): AppError {
  return fault({ code, field, params });
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function matchRules(s: Services, day = today(s)): MatchRules {
  const p = periodOn(volunteerPolicy(), day);
  return { maxHoursPerDay: p.maxHoursPerDay, maxHoursPerWeek: p.maxHoursPerWeek, weights: p.weights };
}

// ---- views -------------------------------------------------------------------------------------

function volunteerView(s: Services, r: VolunteerRow, username: string | null = null): VolunteerView {
  return {
    id: r.id,
    name: r.name,
    idNumber: maskIdNumber(s.cipher.decrypt(r.id_number_enc)) ?? '',
    phone: maskPhone(s.cipher.decrypt(r.phone_enc)) ?? '',
    areaId: r.area_id,
    areaName: r.area_name,
    orgKind: r.org_kind,
    team: r.team,
    skills: parseJson<Array<{ code: string; proof: string }>>(r.skills, []),
    availability: parseJson<string[]>(r.availability, []),
    status: r.status as VolunteerStatus,
    statusNote: r.status_note,
    resident: r.person_id !== null,
    username,
    createdAt: Number(r.created_at),
  };
}

function needView(s: Services, r: NeedRow): NeedView {
  return {
    id: r.id,
    unitKind: r.unit_kind,
    unitName: r.unit_name,
    taskType: r.task_type,
    areaId: r.area_id,
    areaName: r.area_name,
    place: r.place,
    date: r.date,
    startAt: Number(r.start_at),
    endAt: Number(r.end_at),
    people: Number(r.people),
    skills: parseJson<string[]>(r.skills, []),
    health: r.health as HealthRequirement,
    testWithinHours: r.test_within_hours === null ? null : Number(r.test_within_hours),
    team: r.team,
    contactName: r.contact_name,
    contactPhone: maskPhone(s.cipher.decrypt(r.contact_phone_enc)) ?? '',
    seriesId: r.series_id,
    status: r.status as 'open' | 'cancelled',
    offered: r.offered,
    accepted: r.accepted,
    createdAt: Number(r.created_at),
  };
}

const EMPTY_EXPLAIN: Explain = { skills: [], distance: 0, weekHours: 0, sameTeam: false, score: 0 };

function bookingView(r: BookingRow): BookingView {
  return {
    id: r.id,
    needId: r.need_id,
    volunteerId: r.volunteer_id,
    volunteerName: r.volunteer_name,
    startAt: Number(r.start_at),
    endAt: Number(r.end_at),
    status: r.status as BookingStatus,
    score: Number(r.score),
    explain: { ...EMPTY_EXPLAIN, ...parseJson<Partial<Explain>>(r.explain, {}) },
    declineReason: r.decline_reason,
    createdAt: Number(r.created_at),
  };
}

// ---- the forms' rules --------------------------------------------------------------------------

export async function signupForm(s: Services): Promise<SignupFormView> {
  const policy = volunteerPolicy();
  const root = await rootArea(s.db);
  const areas = root ? await areasUnder(s.db, root.path, ['street', 'community']) : [];
  const streets = new Map(areas.filter((a) => a.level === 'street').map((a) => [a.id, a.name]));
  return {
    version: policy.version,
    orgKinds: policy.orgKinds,
    skills: policy.skills.map((k) => ({
      code: k.code,
      zh: k.zh,
      en: k.en,
      proof: k.proof ? { zh: k.proof.zh, en: k.proof.en } : null,
    })),
    availability: [...AVAILABILITY_KEYS],
    areas: areas
      .filter((a) => a.level === 'community')
      .map((a) => ({ id: a.id, name: a.name, parent: streets.get(a.parent_id ?? '') ?? '' })),
  };
}

export function volunteerRules(s: Services, actor: Actor): VolunteerRulesView {
  if (actor.role !== 'volunteer') assertCan(actor, 'volunteer.post');
  const policy = volunteerPolicy();
  const day = today(s);
  const period = periodOn(policy, day);
  const named = (x: { code: string; zh: string; en: string }) => ({ code: x.code, zh: x.zh, en: x.en });
  return {
    version: policy.version,
    today: day,
    orgKinds: policy.orgKinds.map(named),
    skills: policy.skills.map(named),
    taskTypes: policy.taskTypes.map(named),
    unitKinds: policy.unitKinds.map(named),
    testWithinHours: period.testWithinHours,
    maxHoursPerDay: period.maxHoursPerDay,
    maxHoursPerWeek: period.maxHoursPerWeek,
  };
}

// ---- sign-up and vetting -----------------------------------------------------------------------

/** The public sign-up: checked field by field, one per ID number, linked to the registry's person when there is one. */
export async function signup(s: Services, body: SignupBody): Promise<{ id: string; status: VolunteerStatus }> {
  const policy = volunteerPolicy();
  const checked = checkSignup(body, policy, today(s));
  if (!checked.ok) throw fault(checked.fault);
  const v = checked.value;
  const area = await areaById(s.db, body.areaId);
  if (!area) throw bad('AREA_NOT_FOUND', 'areaId');
  if (area.level !== 'community' && area.level !== 'grid') throw bad('VOLUNTEER_AREA_LEVEL', 'areaId');
  const idHmac = idLookup(s.cipher, 'resident_id', v.idNumber);
  if (await store.volunteerIdByHmac(s.db, idHmac)) throw bad('VOLUNTEER_DUPLICATE', 'idNumber');
  const person = await personByIdHmac(s.db, [idHmac]);
  const now = s.clock.now();
  const id = newId(now);
  try {
    await s.db.transaction().execute(async (trx) => {
      await store.insertVolunteer(trx, {
        id,
        name: v.name,
        id_number_enc: s.cipher.encrypt(v.idNumber),
        id_hmac: idHmac,
        phone_enc: s.cipher.encrypt(v.phone),
        phone_hmac: phoneLookup(s.cipher, v.phone),
        person_id: person?.id ?? null,
        area_id: area.id,
        area_path: area.path,
        org_kind: v.orgKind,
        team: v.team,
        skills: JSON.stringify(v.skills),
        availability: JSON.stringify(v.availability),
        consent_at: now,
        status: 'pending',
        status_note: '',
        user_id: null,
        vetted_by: null,
        vetted_at: null,
        created_at: now,
        updated_at: now,
      });
      await s.audit(trx, ANONYMOUS, {
        action: 'volunteer.signup',
        objectType: 'volunteer',
        objectId: id,
        detail: { areaId: area.id, orgKind: v.orgKind, skills: v.skills.map((k) => k.code), resident: !!person },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw bad('VOLUNTEER_DUPLICATE', 'idNumber');
    throw err;
  }
  return { id, status: 'pending' };
}

export async function listVolunteers(
  s: Services,
  actor: Actor,
  q: VolunteerListQuery,
  page: Paging,
): Promise<Page<VolunteerView>> {
  assertCan(actor, 'volunteer.manage');
  const scopePath = await listingScope(s.db, actor, q.areaId);
  const { rows, total } = await store.listVolunteers(s.db, { scopePath, status: q.status, q: q.q }, page);
  return { items: rows.map((r) => volunteerView(s, r)), total, ...page };
}

async function volunteerFor(s: Services, ex: Executor, actor: Actor, id: string): Promise<VolunteerRow> {
  const row = await store.volunteerById(ex, id);
  if (!row) throw new AppError('VOLUNTEER_NOT_FOUND');
  assertInScope(actor, row.area_path);
  return row;
}

export async function getVolunteer(s: Services, actor: Actor, id: string): Promise<VolunteerView> {
  assertCan(actor, 'volunteer.manage');
  return volunteerView(s, await volunteerFor(s, s.db, actor, id));
}

async function freeUsername(s: Services, phone: string): Promise<string> {
  for (let i = 0; ; i++) {
    const name = i === 0 ? `v${phone}` : `v${phone}-${i}`;
    if (!(await usernameExists(s.db, name))) return name;
  }
}

/** Approve (an account with the role volunteer is made), reject with a reason, or ask for more information. */
export async function vetVolunteer(s: Services, actor: Actor, id: string, body: VetBody): Promise<VetResultView> {
  assertCan(actor, 'volunteer.manage');
  const row = await volunteerFor(s, s.db, actor, id);
  if (row.status !== 'pending' && row.status !== 'info_requested')
    throw new AppError('VOLUNTEER_ALREADY_DECIDED', { status: row.status });
  const note = (body.note ?? '').trim();
  if (body.decision !== 'approve' && !note) throw bad('VOLUNTEER_VET_NOTE_REQUIRED', 'note');
  const now = s.clock.now();
  let account: { username: string; password: string } | null = null;
  let userId: string | null = null;
  if (body.decision === 'approve') {
    const phone = s.cipher.decrypt(row.phone_enc) ?? row.id;
    const username = await freeUsername(s, phone);
    const made = await addUser(
      s,
      auditActor(actor),
      { username, displayName: row.name, role: 'volunteer', areaId: row.area_id },
      actor.areaPath,
    );
    account = { username, password: made.password };
    userId = made.user.id;
  }
  const status: VolunteerStatus =
    body.decision === 'approve' ? 'approved' : body.decision === 'reject' ? 'rejected' : 'info_requested';
  await s.db.transaction().execute(async (trx) => {
    await store.updateVolunteer(trx, id, {
      status,
      status_note: note,
      ...(userId ? { user_id: userId } : {}),
      vetted_by: actor.userId,
      vetted_at: now,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: `volunteer.${body.decision}`,
      objectType: 'volunteer',
      objectId: id,
      ...(note ? { reason: note } : {}),
      detail: { status, username: account?.username ?? null },
    });
  });
  return { volunteer: volunteerView(s, (await store.volunteerById(s.db, id))!, account?.username ?? null), account };
}

// ---- needs -------------------------------------------------------------------------------------

/** A unit posts a need; a daily repeat makes one need a day, sharing a series. */
export async function createNeeds(s: Services, actor: Actor, body: NeedBody): Promise<NeedView[]> {
  assertCan(actor, 'volunteer.post');
  const area = await areaById(s.db, body.areaId);
  if (!area) throw bad('AREA_NOT_FOUND', 'areaId');
  assertInScope(actor, area.path);
  const policy = volunteerPolicy();
  const now = s.clock.now();
  const checked = checkNeed(body, policy, periodOn(policy, today(s)), now, s.config.timeZone);
  if (!checked.ok) throw fault(checked.fault);
  const phone = checkMobile(body.contactPhone);
  if (!phone.ok) throw bad('PHONE_FORMAT', 'contactPhone');
  const series = newId(now);
  const rows: VolunteerNeedTable[] = checked.value.slots.map((slot, i) => ({
    id: i === 0 ? series : newId(now),
    unit_kind: body.unitKind,
    unit_name: body.unitName.trim(),
    task_type: body.taskType,
    area_id: area.id,
    area_path: area.path,
    place: body.place?.trim() ?? '',
    date: slot.date,
    start_at: slot.start,
    end_at: slot.end,
    people: body.people,
    skills: JSON.stringify(checked.value.skills),
    health: body.health,
    test_within_hours: checked.value.testWithinHours,
    team: body.team?.trim() ?? '',
    contact_name: body.contactName.trim(),
    contact_phone_enc: s.cipher.encrypt(phone.value),
    series_id: series,
    status: 'open',
    created_by: actor.userId,
    created_at: now,
  }));
  await s.db.transaction().execute(async (trx) => {
    await store.insertNeeds(trx, rows);
    await s.audit(trx, auditActor(actor), {
      action: 'volunteer.need.create',
      objectType: 'volunteer_need',
      objectId: series,
      detail: { areaId: area.id, taskType: body.taskType, people: body.people, days: rows.length, health: body.health },
    });
  });
  return (
    await store.needsByIds(
      s.db,
      rows.map((r) => r.id),
    )
  )
    .sort((a, b) => Number(a.start_at) - Number(b.start_at))
    .map((r) => needView(s, r));
}

export async function listNeeds(s: Services, actor: Actor, q: NeedListQuery, page: Paging): Promise<Page<NeedView>> {
  assertCan(actor, 'volunteer.post');
  if (q.date !== undefined && !isCalendarDate(q.date)) throw bad('VALIDATION', 'date');
  const scopePath = await listingScope(s.db, actor, q.areaId);
  const { rows, total } = await store.listNeeds(s.db, { scopePath, date: q.date }, page);
  return { items: rows.map((r) => needView(s, r)), total, ...page };
}

async function needFor(s: Services, ex: Executor, actor: Actor, id: string): Promise<NeedRow> {
  const row = await store.needById(ex, id);
  if (!row) throw new AppError('VOLUNTEER_NEED_NOT_FOUND');
  assertInScope(actor, row.area_path);
  return row;
}

export async function getNeed(s: Services, actor: Actor, id: string): Promise<NeedDetailView> {
  assertCan(actor, 'volunteer.post');
  const need = await needFor(s, s.db, actor, id);
  return { need: needView(s, need), bookings: (await store.bookingsOfNeed(s.db, id)).map(bookingView) };
}

// ---- matching ----------------------------------------------------------------------------------

function bookingOf(s: Services, b: { start_at: number; end_at: number }): Booking {
  const k = slotKeys(Number(b.start_at), Number(b.end_at), s.config.timeZone);
  return { start: k.start, end: k.end, day: k.day, week: k.week };
}

function slotOf(s: Services, n: VolunteerNeedTable, seats: number): NeedSlot {
  const policy = volunteerPolicy();
  const k = slotKeys(Number(n.start_at), Number(n.end_at), s.config.timeZone);
  return {
    ...k,
    id: n.id,
    areaPath: n.area_path,
    seats,
    skills: parseJson<string[]>(n.skills, []),
    preferredSkills: policy.taskTypes.find((t) => t.code === n.task_type)?.preferredSkills ?? [],
    health: n.health as HealthRequirement,
    testWithinHours: n.test_within_hours === null ? null : Number(n.test_within_hours),
    team: n.team,
  };
}

/** The volunteers as the matching sees them: health code now, bookings held in the weeks of [from, to). */
async function candidatesOf(
  s: Services,
  ex: Executor,
  volunteers: readonly VolunteerTable[],
  from: number,
  to: number,
): Promise<Candidate[]> {
  const held = await store.holdingBookings(
    ex,
    volunteers.map((v) => v.id),
    from,
    to,
  );
  const byVolunteer = new Map<string, Booking[]>();
  for (const b of held) byVolunteer.set(b.volunteer_id, [...(byVolunteer.get(b.volunteer_id) ?? []), bookingOf(s, b)]);
  const now = s.clock.now();
  const out: Candidate[] = [];
  for (const v of volunteers) {
    let colour: Colour = 'unknown';
    let negativeTestAt: number | null = null;
    if (v.person_id) {
      const facts = await codeFacts(ex, v.person_id, now);
      colour = facts.colour;
      negativeTestAt = facts.latestTest?.result === 'negative' ? facts.latestTest.sampledAt : null;
    }
    out.push({
      id: v.id,
      areaPath: v.area_path,
      team: v.team,
      skills: parseJson<Array<{ code: string }>>(v.skills, []).map((k) => k.code),
      availability: parseJson<string[]>(v.availability, []),
      colour,
      negativeTestAt,
      bookings: byVolunteer.get(v.id) ?? [],
    });
  }
  return out;
}

/** The window of bookings that matter to rest limits of slots on these days: their weeks, whole. */
function weeksWindow(s: Services, slots: readonly NeedSlot[]): { from: number; to: number } {
  const weeks = slots.map((n) => n.week).sort();
  const first = weeks[0] ?? today(s);
  const last = weeks[weeks.length - 1] ?? first;
  return {
    from: startOfDate(first, s.config.timeZone),
    to: startOfDate(addDays(last, 7), s.config.timeZone) + DAY,
  };
}

/**
 * Matches the needs' empty seats among the approved volunteers living under `volunteerPath` (nothing is
 * written); pairs already offered (or declined) are never proposed again.
 */
export async function matchNeeds(
  s: Services,
  ex: Executor,
  needs: readonly NeedRow[],
  volunteerPath: string,
): Promise<{ result: MatchResult; names: Map<string, string> }> {
  const slots = needs.map((n) => slotOf(s, n, Number(n.people) - n.offered - n.accepted)).filter((n) => n.seats > 0);
  const booked = await store.bookingsOfNeeds(
    ex,
    slots.map((n) => n.id),
  );
  const exclude = new Map<string, Set<string>>();
  for (const b of booked) exclude.set(b.need_id, (exclude.get(b.need_id) ?? new Set()).add(b.volunteer_id));
  const volunteers = await store.approvedUnder(ex, volunteerPath);
  const window = weeksWindow(s, slots);
  const candidates = await candidatesOf(s, ex, volunteers, window.from, window.to);
  const result = matchBatch(slots, candidates, matchRules(s, slots[0]?.day), { exclude });
  return { result, names: new Map(volunteers.map((v) => [v.id, v.name])) };
}

/** Proposes volunteers for the open needs of a day in the actor's area (nothing is written). */
export async function propose(s: Services, actor: Actor, body: ProposeBody): Promise<ProposalView> {
  assertCan(actor, 'volunteer.manage');
  if (!isCalendarDate(body.date)) throw bad('VALIDATION', 'date');
  const scopePath = await listingScope(s.db, actor, body.areaId);
  const { rows } = await store.listNeeds(
    s.db,
    { scopePath, date: body.date, status: 'open' },
    { limit: 5000, offset: 0 },
  );
  const now = s.clock.now();
  const open = rows.filter((n) => Number(n.end_at) > now);
  const { result, names } = await matchNeeds(s, s.db, open, actor.areaPath);
  return {
    date: body.date,
    needs: open.length,
    proposals: result.assignments.map((a) => ({ ...a, volunteerName: names.get(a.volunteerId) ?? '' })),
    unfilled: result.unfilled.map((u) => ({
      needId: u.needId,
      missing: u.missing,
      reasons: Object.entries(u.reasons).map(([f, c]) => ({ fault: f as HardFault, count: c ?? 0 })),
    })),
  };
}

/**
 * Confirms a batch of matches: each volunteer is offered the need's seat. Every pair is checked again
 * against every hard rule (with the bookings the same batch gives), inside one transaction: the whole
 * batch is booked or nothing is.
 */
export async function confirm(
  s: Services,
  actor: Actor,
  body: ConfirmBody,
): Promise<{ booked: number; bookings: BookingView[] }> {
  assertCan(actor, 'volunteer.manage');
  const now = s.clock.now();
  const ids: string[] = [];
  await s.db.transaction().execute(async (trx) => {
    const needs = new Map(
      (
        await store.needsByIds(
          trx,
          body.assignments.map((a) => a.needId),
        )
      ).map((n) => [n.id, n]),
    );
    const volunteers = new Map(
      (
        await store.volunteersByIds(
          trx,
          body.assignments.map((a) => a.volunteerId),
        )
      ).map((v) => [v.id, v]),
    );
    for (const a of body.assignments) {
      const n = needs.get(a.needId);
      if (!n) throw new AppError('VOLUNTEER_NEED_NOT_FOUND');
      assertInScope(actor, n.area_path);
      const v = volunteers.get(a.volunteerId);
      if (!v) throw new AppError('VOLUNTEER_NOT_FOUND');
      assertInScope(actor, v.area_path);
      if (v.status !== 'approved') throw new AppError('VOLUNTEER_NOT_APPROVED', { volunteer: v.name });
      if (n.status !== 'open' || Number(n.end_at) <= now) throw new AppError('VOLUNTEER_NEED_CLOSED');
    }
    const slots = new Map(
      [...needs.values()].map((n) => [n.id, slotOf(s, n, Number(n.people) - n.offered - n.accepted)]),
    );
    const window = weeksWindow(s, [...slots.values()]);
    const candidates = new Map(
      (await candidatesOf(s, trx, [...volunteers.values()], window.from, window.to)).map((c) => [c.id, c]),
    );
    const already = await store.bookingsOfNeeds(trx, [...needs.keys()]);
    const pairs = new Set(already.map((b) => `${b.need_id}|${b.volunteer_id}`));
    const batch = new Map<string, Booking[]>();
    const seats = new Map<string, number>();
    const rules = matchRules(s);
    const rows: VolunteerBookingTable[] = [];
    for (const a of body.assignments) {
      const n = slots.get(a.needId)!;
      const need = needs.get(a.needId)!;
      const c = candidates.get(a.volunteerId)!;
      const v = volunteers.get(a.volunteerId)!;
      const used = (seats.get(n.id) ?? 0) + 1;
      if (used > n.seats) throw new AppError('VOLUNTEER_NEED_FULL', { need: need.unit_name });
      seats.set(n.id, used);
      let f: HardFault | null = pairs.has(`${n.id}|${c.id}`) ? 'overlap' : null;
      f ??= hardFault(c, n, rules, batch.get(c.id) ?? []);
      if (f)
        throw new AppError(
          'VOLUNTEER_INELIGIBLE',
          { volunteer: v.name, need: need.unit_name, fault: f },
          { extra: { volunteerId: v.id, needId: n.id, fault: f } },
        );
      pairs.add(`${n.id}|${c.id}`);
      batch.set(c.id, [...(batch.get(c.id) ?? []), n]);
      const explain = scoreMatch(c, n, rules);
      const id = newId(now);
      ids.push(id);
      rows.push({
        id,
        need_id: n.id,
        volunteer_id: c.id,
        start_at: n.start,
        end_at: n.end,
        status: 'offered',
        score: explain.score,
        explain: JSON.stringify(explain),
        confirmed_by: actor.userId,
        created_at: now,
        answered_at: null,
        decline_reason: '',
      });
    }
    await store.insertBookings(trx, rows);
    await s.audit(trx, auditActor(actor), {
      action: 'volunteer.match.confirm',
      objectType: 'volunteer_need',
      objectId: null,
      detail: { bookings: rows.length, needs: [...new Set(rows.map((r) => r.need_id))].length },
    });
  });
  const bookings: BookingView[] = [];
  for (const id of ids) bookings.push(bookingView((await store.bookingById(s.db, id))!));
  return { booked: ids.length, bookings };
}

// ---- the volunteer's own page ------------------------------------------------------------------

async function ownVolunteer(s: Services, actor: Actor): Promise<VolunteerRow> {
  assertCan(actor, 'volunteer.self');
  const row = await store.volunteerByUser(s.db, actor.userId);
  if (!row) throw new AppError('VOLUNTEER_ACCOUNT_UNLINKED');
  return row;
}

export async function myPage(s: Services, actor: Actor): Promise<MyPageView> {
  const me = await ownVolunteer(s, actor);
  const bookings = await store.bookingsOfVolunteer(s.db, me.id);
  const needs = new Map(
    (
      await store.needsByIds(
        s.db,
        bookings.map((b) => b.need_id),
      )
    ).map((n) => [n.id, n]),
  );
  const week = slotKeys(s.clock.now(), s.clock.now() + 1, s.config.timeZone).week;
  let weekHours = 0;
  let total = 0;
  for (const b of bookings) {
    if (b.status !== 'accepted') continue;
    const h = hoursOf({ start: Number(b.start_at), end: Number(b.end_at) });
    total += h;
    if (bookingOf(s, b).week === week) weekHours += h;
  }
  return {
    volunteer: volunteerView(s, me, actor.username),
    tasks: bookings.map((b) => {
      const n = needs.get(b.need_id)!;
      return {
        booking: bookingView(b),
        need: {
          id: n.id,
          unitName: n.unit_name,
          taskType: n.task_type,
          areaName: n.area_name,
          place: n.place,
          contactName: n.contact_name,
        },
      };
    }),
    hours: { week: Math.round(weekHours * 100) / 100, total: Math.round(total * 100) / 100 },
  };
}

async function ownBooking(s: Services, actor: Actor, id: string): Promise<{ me: VolunteerRow; booking: BookingRow }> {
  const me = await ownVolunteer(s, actor);
  const booking = await store.bookingById(s.db, id);
  // Another volunteer's task is as if it did not exist.
  if (!booking || booking.volunteer_id !== me.id) throw new AppError('VOLUNTEER_BOOKING_NOT_FOUND');
  return { me, booking };
}

export async function acceptTask(s: Services, actor: Actor, id: string): Promise<BookingView> {
  const { booking } = await ownBooking(s, actor, id);
  if (booking.status !== 'offered') throw new AppError('VOLUNTEER_BOOKING_ANSWERED', { status: booking.status });
  const now = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    if (!(await store.updateBooking(trx, id, 'offered', { status: 'accepted', answered_at: now })))
      throw new AppError('VOLUNTEER_BOOKING_ANSWERED', { status: 'accepted' });
    await s.audit(trx, auditActor(actor), {
      action: 'volunteer.task.accept',
      objectType: 'volunteer_booking',
      objectId: id,
      detail: { needId: booking.need_id },
    });
  });
  return bookingView((await store.bookingById(s.db, id))!);
}

/** Declines a task (offered or accepted); the seat is offered at once to the next best eligible volunteer of the need's area. */
export async function declineTask(
  s: Services,
  actor: Actor,
  id: string,
  reason: string | undefined,
): Promise<{ booking: BookingView; refill: BookingView | null }> {
  const { booking } = await ownBooking(s, actor, id);
  if (booking.status !== 'offered' && booking.status !== 'accepted')
    throw new AppError('VOLUNTEER_BOOKING_ANSWERED', { status: booking.status });
  const now = s.clock.now();
  let refillId: string | null = null;
  await s.db.transaction().execute(async (trx) => {
    if (
      !(await store.updateBooking(trx, id, booking.status, {
        status: 'declined',
        answered_at: now,
        decline_reason: (reason ?? '').trim(),
      }))
    )
      throw new AppError('VOLUNTEER_BOOKING_ANSWERED', { status: 'declined' });
    refillId = await refill(s, trx, booking.need_id, now);
    await s.audit(trx, auditActor(actor), {
      action: 'volunteer.task.decline',
      objectType: 'volunteer_booking',
      objectId: id,
      ...(reason?.trim() ? { reason: reason.trim() } : {}),
      detail: { needId: booking.need_id, refill: refillId },
    });
  });
  return {
    booking: bookingView((await store.bookingById(s.db, id))!),
    refill: refillId ? bookingView((await store.bookingById(s.db, refillId))!) : null,
  };
}

/** Offers an empty seat of the need to its next best match (never one already offered it); the booking's id, or null. */
async function refill(s: Services, trx: Executor, needId: string, now: number): Promise<string | null> {
  const need = await store.needById(trx, needId);
  if (!need || need.status !== 'open' || Number(need.start_at) <= now) return null;
  const seats = Number(need.people) - need.offered - need.accepted;
  if (seats <= 0) return null;
  const slot = slotOf(s, need, seats);
  // Volunteers living in the need's street (or wider, up to the city) are its candidates.
  const cut = need.area_path.split('/').filter(Boolean);
  const near = cut.length > 2 ? `${cut.slice(0, cut.length - 2).join('/')}/` : '';
  const volunteers = await store.approvedUnder(trx, near);
  const window = weeksWindow(s, [slot]);
  const candidates = await candidatesOf(s, trx, volunteers, window.from, window.to);
  const offered = new Set((await store.bookingsOfNeeds(trx, [needId])).map((b) => b.volunteer_id));
  const rules = matchRules(s);
  const best = rankCandidates(slot, candidates, rules, offered)[0];
  if (!best) return null;
  const id = newId(now);
  await store.insertBookings(trx, [
    {
      id,
      need_id: needId,
      volunteer_id: best.candidate.id,
      start_at: slot.start,
      end_at: slot.end,
      status: 'offered',
      score: best.explain.score,
      explain: JSON.stringify(best.explain),
      confirmed_by: null,
      created_at: now,
      answered_at: null,
      decline_reason: '',
    },
  ]);
  return id;
}

/** Hours of accepted tasks per volunteer of the actor's area, for the days from `from` to `to` (both included). */
export async function hoursReport(
  s: Services,
  actor: Actor,
  from: string,
  to: string,
): Promise<Array<{ volunteerId: string; name: string; team: string; tasks: number; hours: number }>> {
  assertCan(actor, 'volunteer.manage');
  if (!isCalendarDate(from)) throw bad('VALIDATION', 'from');
  if (!isCalendarDate(to)) throw bad('VALIDATION', 'to');
  const rows = await store.acceptedBetween(
    s.db,
    actor.areaPath,
    startOfDate(from, s.config.timeZone),
    startOfDate(addDays(to, 1), s.config.timeZone),
  );
  const out = new Map<string, { volunteerId: string; name: string; team: string; tasks: number; hours: number }>();
  for (const r of rows) {
    const v = out.get(r.volunteer_id) ?? {
      volunteerId: r.volunteer_id,
      name: r.name,
      team: r.team,
      tasks: 0,
      hours: 0,
    };
    v.tasks++;
    v.hours = Math.round((v.hours + hoursOf({ start: Number(r.start_at), end: Number(r.end_at) })) * 100) / 100;
    out.set(r.volunteer_id, v);
  }
  return [...out.values()].sort((a, b) => b.hours - a.hours || a.name.localeCompare(b.name, 'zh'));
}
