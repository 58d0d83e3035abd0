// Sign-ups and needs of volunteers: validation against rules/volunteers.json, and the calendar keys a
// slot is matched by (its day, its week's Monday, the weekday half-days it touches). Pure: no I/O.
import { addDays, dateInZone, isCalendarDate, startOfDate } from '../platform/calendar.ts';
import type { ErrorCode } from '../platform/errors.ts';
import { checkMobile, checkResidentId } from '../registry/registry.rules.ts';
import { AVAILABILITY_KEYS, WEEKDAYS, type Booking, type HealthRequirement } from './matching.rules.ts';
import type { VolunteerPeriod, VolunteerPolicy } from './volunteers.policy.ts';

export const VOLUNTEER_STATUSES = ['pending', 'info_requested', 'approved', 'rejected'] as const;
export type VolunteerStatus = (typeof VOLUNTEER_STATUSES)[number];
export const VET_DECISIONS = ['approve', 'reject', 'request_info'] as const;
export type VetDecision = (typeof VET_DECISIONS)[number];
export const HEALTH_REQUIREMENTS = ['none', 'green', 'green_test'] as const;
export const BOOKING_STATUSES = ['offered', 'accepted', 'declined', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
/** Bookings that hold the volunteer's time. */
export const HOLDING: readonly BookingStatus[] = ['offered', 'accepted'];
/** Longest slot of one need, in hours. */
export const MAX_SLOT_HOURS = 12;

export interface Fault {
  code: ErrorCode;
  field: string;
  params?: Record<string, string>;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; fault: Fault };

const fail = (code: ErrorCode, field: string, params?: Record<string, string>): { ok: false; fault: Fault } => ({
  ok: false,
  fault: { code, field, ...(params ? { params } : {}) },
});

export interface SignupInput {
  name: string;
  idNumber: string;
  phone: string;
  orgKind: string;
  team?: string;
  skills: Array<{ code: string; proof?: string }>;
  availability: string[];
  consent: boolean;
}

export interface SignupValue {
  name: string;
  idNumber: string;
  phone: string;
  orgKind: string;
  team: string;
  skills: Array<{ code: string; proof: string }>;
  availability: string[];
}

/** A sign-up checked field by field: ID number as the registry checks it, phone, organisation, skills and their proofs, availability, consent. */
export function checkSignup(input: SignupInput, policy: VolunteerPolicy, today: string): Checked<SignupValue> {
  const name = input.name.trim();
  if (!name) return fail('VALIDATION', 'name');
  const id = checkResidentId(input.idNumber, today);
  if (!id.ok) return fail(id.code, 'idNumber', id.params);
  const phone = checkMobile(input.phone);
  if (!phone.ok) return fail('PHONE_FORMAT', 'phone');
  if (!policy.orgKinds.some((o) => o.code === input.orgKind)) return fail('VOLUNTEER_ORG_UNKNOWN', 'orgKind');
  const skills: SignupValue['skills'] = [];
  const seen = new Set<string>();
  for (const [i, s] of input.skills.entries()) {
    const def = policy.skills.find((d) => d.code === s.code);
    if (!def) return fail('VOLUNTEER_SKILL_UNKNOWN', `skills[${i}].code`, { skill: s.code });
    if (seen.has(s.code)) continue;
    seen.add(s.code);
    const proof = (s.proof ?? '').trim();
    if (def.proof) {
      if (!proof) return fail('VOLUNTEER_SKILL_PROOF_REQUIRED', `skills[${i}].proof`, { skill: def.zh });
      if (!def.proof.pattern.test(proof))
        return fail('VOLUNTEER_SKILL_PROOF_FORMAT', `skills[${i}].proof`, { skill: def.zh });
    }
    skills.push({ code: s.code, proof: def.proof ? proof : '' });
  }
  const availability = [...new Set(input.availability)];
  for (const a of availability)
    if (!AVAILABILITY_KEYS.includes(a)) return fail('VOLUNTEER_AVAILABILITY_UNKNOWN', 'availability', { key: a });
  if (!availability.length) return fail('VOLUNTEER_AVAILABILITY_EMPTY', 'availability');
  if (input.consent !== true) return fail('VOLUNTEER_CONSENT_REQUIRED', 'consent');
  availability.sort((a, b) => AVAILABILITY_KEYS.indexOf(a) - AVAILABILITY_KEYS.indexOf(b));
  return {
    ok: true,
    value: {
      name,
      idNumber: id.value,
      phone: phone.value,
      orgKind: input.orgKind,
      team: (input.team ?? '').trim(),
      skills,
      availability,
    },
  };
}

/** The weekday key ("mon" … "sun") of a calendar date. */
export function weekdayOf(date: string): (typeof WEEKDAYS)[number] {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return WEEKDAYS[(dow + 6) % 7]!;
}

/** The Monday of a date's week. */
export function mondayOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

/** A slot's day, week and the weekday half-days it touches (morning before noon, afternoon from noon). */
export function slotKeys(start: number, end: number, timeZone: string): Booking & { halves: string[] } {
  const day = dateInZone(start, timeZone);
  const halves: string[] = [];
  for (let d = day; startOfDate(d, timeZone) < end; d = addDays(d, 1)) {
    const dayStart = startOfDate(d, timeZone);
    const noon = dayStart + 12 * 3_600_000;
    const next = startOfDate(addDays(d, 1), timeZone);
    const w = weekdayOf(d);
    if (start < noon && end > dayStart) halves.push(`${w}_am`);
    if (start < next && end > noon) halves.push(`${w}_pm`);
  }
  return { start, end, day, week: mondayOf(day), halves };
}

export interface NeedInput {
  unitKind: string;
  unitName: string;
  taskType: string;
  date: string;
  /** HH:MM in the deployment's zone. */
  startTime: string;
  endTime: string;
  people: number;
  skills?: string[];
  health: HealthRequirement;
  testWithinHours?: number;
  /** Repeat daily for this many days in all (1: once). */
  repeatDays?: number;
}

export interface NeedSlotValue {
  date: string;
  start: number;
  end: number;
}

function minutesOf(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** A need's form checked, and its slots (one per day of the repeat); none may start in the past. */
export function checkNeed(
  input: NeedInput,
  policy: VolunteerPolicy,
  period: VolunteerPeriod,
  now: number,
  timeZone: string,
): Checked<{ slots: NeedSlotValue[]; skills: string[]; testWithinHours: number | null }> {
  if (!policy.unitKinds.some((u) => u.code === input.unitKind)) return fail('VOLUNTEER_UNIT_UNKNOWN', 'unitKind');
  if (!input.unitName.trim()) return fail('VALIDATION', 'unitName');
  if (!policy.taskTypes.some((t) => t.code === input.taskType)) return fail('VOLUNTEER_TASK_UNKNOWN', 'taskType');
  if (!(input.people >= 1)) return fail('VOLUNTEER_NEED_NO_SLOTS', 'people');
  const skills = [...new Set(input.skills ?? [])];
  for (const [i, s] of skills.entries())
    if (!policy.skills.some((d) => d.code === s)) return fail('VOLUNTEER_SKILL_UNKNOWN', `skills[${i}]`, { skill: s });
  let testWithinHours: number | null = null;
  if (input.health === 'green_test') {
    if (input.testWithinHours === undefined || !period.testWithinHours.includes(input.testWithinHours))
      return fail('VOLUNTEER_TEST_WINDOW', 'testWithinHours', { allowed: period.testWithinHours.join('/') });
    testWithinHours = input.testWithinHours;
  }
  if (!isCalendarDate(input.date)) return fail('VALIDATION', 'date');
  const from = minutesOf(input.startTime);
  if (from === null) return fail('VALIDATION', 'startTime');
  const to = minutesOf(input.endTime);
  if (to === null) return fail('VALIDATION', 'endTime');
  if (to <= from) return fail('VOLUNTEER_NEED_SLOT_ORDER', 'endTime');
  if (to - from > MAX_SLOT_HOURS * 60)
    return fail('VOLUNTEER_NEED_SLOT_TOO_LONG', 'endTime', { hours: String(MAX_SLOT_HOURS) });
  const repeat = input.repeatDays ?? 1;
  if (repeat < 1 || repeat > period.maxRepeatDays)
    return fail('VOLUNTEER_NEED_REPEAT', 'repeatDays', { max: String(period.maxRepeatDays) });
  const slots: NeedSlotValue[] = [];
  for (let i = 0; i < repeat; i++) {
    const date = addDays(input.date, i);
    const day = startOfDate(date, timeZone);
    slots.push({ date, start: day + from * 60_000, end: day + to * 60_000 });
  }
  if (slots[0]!.start < now) return fail('VOLUNTEER_NEED_IN_PAST', 'startTime');
  return { ok: true, value: { slots, skills, testWithinHours } };
}
