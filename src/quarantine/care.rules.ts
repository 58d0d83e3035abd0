// Daily life at a site, pure: a health check's validation and the alerts it raises, the rules' day
// number of an order, and which check slots are missed by now. Thresholds come from the rules file.
import { addDays, dateInZone, startOfDate } from '../platform/calendar.ts';
import type { CarePolicy } from './care.policy.ts';

export const CHECK_BY = ['self', 'staff', 'phone'] as const;
export const ALERT_KINDS = ['fever', 'symptom', 'missed_check', 'missed_test', 'positive'] as const;
export const ALERT_STATUSES = ['open', 'followed_up', 'closed'] as const;
export const REQUEST_KINDS = [
  'meal',
  'medicine',
  'necessities',
  'psychological',
  'family_call',
  'delivery',
  'garbage',
  'other',
] as const;
export const REQUEST_STATUSES = ['open', 'in_progress', 'done', 'declined'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** What a check's fields break, each with its field: temperature out of range, an unknown symptom or slot. */
export function checkFaults(
  input: { temperature: number; symptoms: readonly string[]; slot: string },
  policy: CarePolicy['checks'],
): Array<{ field: string; code: 'CHECK_TEMPERATURE_OUT_OF_RANGE' | 'CHECK_SYMPTOM_UNKNOWN' | 'CHECK_SLOT_UNKNOWN' }> {
  const out: ReturnType<typeof checkFaults> = [];
  if (!(input.temperature >= policy.minTemperatureC && input.temperature <= policy.maxTemperatureC))
    out.push({ field: 'temperature', code: 'CHECK_TEMPERATURE_OUT_OF_RANGE' });
  input.symptoms.forEach((sym, i) => {
    if (!policy.symptoms.includes(sym)) out.push({ field: `symptoms[${i}]`, code: 'CHECK_SYMPTOM_UNKNOWN' });
  });
  if (!policy.slots.some((x) => x.key === input.slot)) out.push({ field: 'slot', code: 'CHECK_SLOT_UNKNOWN' });
  return out;
}

/** The alerts a valid check raises: fever at or above the threshold, any symptom. */
export function alertsOfCheck(
  input: { temperature: number; symptoms: readonly string[] },
  policy: CarePolicy['checks'],
): Array<'fever' | 'symptom'> {
  const out: Array<'fever' | 'symptom'> = [];
  if (input.temperature >= policy.feverAtC) out.push('fever');
  if (input.symptoms.some((x) => x !== 'fever')) out.push('symptom');
  return out;
}

/** Whole calendar days from a to b (dates YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The rules' day number of an order at `now`: day 0 is the day of its start (the last exposure). */
export function dayNumber(startAt: number, now: number, timeZone: string): number {
  return daysBetween(dateInZone(startAt, timeZone), dateInZone(now, timeZone));
}

/** The instant a slot of a date is missed (its `missedAfter` time in the zone). */
export function slotDeadline(date: string, missedAfter: string, timeZone: string): number {
  const [h, m] = missedAfter.split(':').map(Number) as [number, number];
  // Day start in the zone plus the clock time (DST-safe enough for a check's deadline).
  return startOfDate(date, timeZone) + (h * 60 + m) * 60_000;
}

/**
 * The slots (date, slot) missed by now for an order under management since `since`: the check slots
 * of today and yesterday whose deadline has passed and that began after the person arrived.
 */
export function dueSlots(
  since: number,
  now: number,
  timeZone: string,
  slots: CarePolicy['checks']['slots'],
): Array<{ date: string; slot: string }> {
  const today = dateInZone(now, timeZone);
  const out: Array<{ date: string; slot: string }> = [];
  for (const date of [addDays(today, -1), today]) {
    for (const sl of slots) {
      const from = slotDeadline(date, sl.from, timeZone);
      const deadline = slotDeadline(date, sl.missedAfter, timeZone);
      if (deadline <= now && from >= since) out.push({ date, slot: sl.key });
    }
  }
  return out;
}

/** The slot a check taken at `at` belongs to: the last slot begun by then (the first slot before any). */
export function slotAt(at: number, timeZone: string, slots: CarePolicy['checks']['slots']): string {
  const date = dateInZone(at, timeZone);
  let current = slots[0]!.key;
  for (const sl of slots) if (slotDeadline(date, sl.from, timeZone) <= at) current = sl.key;
  return current;
}

/** A request moves open → in_progress → done | declined; a finished one does not move again. */
export function requestMayMove(from: RequestStatus, to: RequestStatus): boolean {
  if (from === 'done' || from === 'declined') return false;
  if (from === to) return false;
  return !(from === 'in_progress' && to === 'open');
}

/** A scheduled test of an order: its phase, its day as the rules number it, and its date when stored. */
export interface TestDayOfOrder {
  phase: string;
  day: number;
  date?: string;
}

/**
 * The scheduled test days missed by now: a day of the schedule on or after `sinceDate` (when the order
 * was made: a day before it cannot be held against anyone), whose `missedAfter` time has passed, with no
 * sample taken that date (`sampledDates`, in the zone). A sample counts though its result is not back.
 */
export function missedTests(
  testDays: readonly TestDayOfOrder[],
  sampledDates: ReadonlySet<string>,
  sinceDate: string,
  now: number,
  timeZone: string,
  missedAfter: string,
): Array<{ phase: string; day: number; date: string }> {
  const out: Array<{ phase: string; day: number; date: string }> = [];
  for (const t of testDays) {
    if (!t.date || t.date < sinceDate || sampledDates.has(t.date)) continue;
    if (slotDeadline(t.date, missedAfter, timeZone) <= now) out.push({ phase: t.phase, day: t.day, date: t.date });
  }
  return out;
}
