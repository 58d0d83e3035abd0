// Quarantine orders (隔离医学观察) as pure decisions of (rule set, facts, clock): the schedule an order
// gets from the active rule set's `management` section (never typed by hand), the day numbers as the
// rules count them (the day of the last exposure, or the arrival, is day 0), the phase a day falls in,
// an extension on a new exposure, a positive during the order, and whether a release holds: the days
// served, every scheduled test of the phase negative, and the release-test rule of the `release` section.
// Times are epoch milliseconds; calendar days are counted in the zone passed in.
import { AppError } from '../platform/errors.ts';
import { addDays, dateInZone, startOfDate } from '../platform/calendar.ts';
import { managementPlan, type TestDate } from '../rules/ruleset.rules.ts';
import type { ManagedGroup, RuleSet } from '../rules/ruleset.schema.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const ORDER_KINDS = [
  'close_contact',
  'secondary_contact',
  'high_risk_arrival',
  'medium_risk_arrival',
  'released_case',
] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

export const ORDER_PLACES = ['centralised', 'home_quarantine', 'home_health_monitoring'] as const;
export type OrderPlace = (typeof ORDER_PLACES)[number];

export const ORDER_STATUSES = ['active', 'released', 'converted', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_SOURCES = ['contact', 'case', 'pool', 'risk_area', 'order', 'manual'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

export const DOOR_MEASURES = ['none', 'seal', 'sensor'] as const;
export type DoorMeasure = (typeof DOOR_MEASURES)[number];

export const BREACH_KINDS = ['left_home', 'seal_broken', 'sensor_alarm', 'refused_test', 'other'] as const;
export type BreachKind = (typeof BREACH_KINDS)[number];

export const EVENT_KINDS = [
  'created',
  'extended',
  'allocated',
  'moved',
  'transferred',
  'test_result',
  'positive',
  'released',
  'cancelled',
  'door',
  'breach',
  'report',
  'sampling_task',
  'delivery',
  'garbage',
  'returned',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export type Phase = 'centralised' | 'home';

/** One scheduled test: its phase, its day number as the rule set writes it, its calendar date. */
export type ScheduledTest = TestDate;

/** What an order stores of its schedule. */
export interface OrderSchedule {
  kind: OrderKind;
  /** Day 0. */
  startAt: number;
  /** Whole centralised days (0: none). */
  centralisedDays: number;
  homeDays: number;
  centralisedUntil: number;
  homeUntil: number;
  endsAt: number;
  homeKind: 'home_quarantine' | 'home_health_monitoring';
  /** Where the order is served first. */
  place: OrderPlace;
  testDays: ScheduledTest[];
  ruleSet: { id: string; version: string };
}

/**
 * The schedule of an order of the kind from its start, by the rule set: the management plan of the group,
 * or for a released case the home health monitoring of the `release` section (no scheduled test).
 * Refused when the rule set does not manage the kind (the 20 measures identify no secondary contact).
 */
export function orderSchedule(r: RuleSet, kind: OrderKind, startAt: number, timeZone: string): OrderSchedule {
  const ruleSet = { id: r.id, version: r.version };
  if (kind === 'released_case') {
    const days = r.release.homeMonitoringDays;
    const homeUntil = startOfDate(addDays(dateInZone(startAt, timeZone), days + 1), timeZone);
    return {
      kind,
      startAt,
      centralisedDays: 0,
      homeDays: days,
      centralisedUntil: startAt,
      homeUntil,
      endsAt: homeUntil,
      homeKind: 'home_health_monitoring',
      place: 'home_health_monitoring',
      testDays: [],
      ruleSet,
    };
  }
  const plan = managementPlan(r, kind as ManagedGroup, startAt, timeZone);
  const group = r.management[kind as ManagedGroup];
  if (!plan || !group) throw new AppError('QUARANTINE_ORDER_KIND_NOT_MANAGED', { kind, ruleSet: r.id });
  return {
    kind,
    startAt,
    centralisedDays: group.centralisedDays,
    homeDays: group.homeDays,
    centralisedUntil: plan.centralisedUntil,
    homeUntil: plan.homeUntil,
    endsAt: plan.homeUntil,
    homeKind: plan.homeKind,
    place: group.centralisedDays > 0 ? 'centralised' : plan.homeKind,
    testDays: plan.testDates,
    ruleSet,
  };
}

/** Whole calendar days from the start's date to the instant's date, in the zone (the start's day is 0). */
export function dayNumber(startAt: number, at: number, timeZone: string): number {
  const a = Date.parse(`${dateInZone(startAt, timeZone)}T00:00:00Z`);
  const b = Date.parse(`${dateInZone(at, timeZone)}T00:00:00Z`);
  return Math.round((b - a) / DAY);
}

/** The number of centralised days of a stored order (its centralised end is the start of day c + 1). */
export function centralisedDaysOf(o: { startAt: number; centralisedUntil: number }, timeZone: string): number {
  if (o.centralisedUntil <= o.startAt) return 0;
  return dayNumber(o.startAt, o.centralisedUntil, timeZone) - 1;
}

export interface DayOf {
  /** Days since day 0 (the overall count). */
  day: number;
  phase: Phase;
  /** The day within its phase, as the rule set numbers test days (home day 1 follows the last centralised day). */
  phaseDay: number;
}

/** Where an instant falls in an order: its overall day, its phase and the day within the phase. */
export function dayOf(
  o: { startAt: number; centralisedUntil: number; homeUntil: number },
  at: number,
  timeZone: string,
): DayOf {
  const day = dayNumber(o.startAt, at, timeZone);
  const c = centralisedDaysOf(o, timeZone);
  if (c > 0 && at < o.centralisedUntil) return { day, phase: 'centralised', phaseDay: day };
  return { day, phase: 'home', phaseDay: day - c };
}

/** The next scheduled test on or after the instant's date, if any. */
export function nextTest(tests: readonly ScheduledTest[], at: number, timeZone: string): ScheduledTest | null {
  const today = dateInZone(at, timeZone);
  return [...tests].sort((a, b) => a.date.localeCompare(b.date)).find((t) => t.date >= today) ?? null;
}

// ---- extension and positives ---------------------------------------------------------------------

/**
 * An extension on a new exposure (a positive in the household, another contact): the schedule starts
 * again from the new exposure, so the day numbers are the rules' again. Refused when the exposure is
 * before the current start, or when the new schedule would not end later than the current one.
 */
export function extendedSchedule(
  r: RuleSet,
  current: { kind: OrderKind; startAt: number; endsAt: number },
  exposureAt: number,
  timeZone: string,
): OrderSchedule {
  if (exposureAt < current.startAt)
    throw new AppError('QUARANTINE_ORDER_EXTENSION_BEFORE_START', { field: 'exposureAt' });
  const next = orderSchedule(r, current.kind, exposureAt, timeZone);
  if (next.endsAt <= current.endsAt)
    throw new AppError('QUARANTINE_ORDER_EXTENSION_NOT_LATER', { field: 'exposureAt' });
  return next;
}

/** The place an order is served at an instant of its schedule. */
export function placeAt(
  s: { centralisedUntil: number; startAt: number; homeKind: 'home_quarantine' | 'home_health_monitoring' },
  at: number,
): OrderPlace {
  return s.centralisedUntil > s.startAt && at < s.centralisedUntil ? 'centralised' : s.homeKind;
}

// ---- tests of the schedule, release --------------------------------------------------------------

export interface PersonTest {
  sampledAt: number;
  result: 'negative' | 'positive';
  pooled: boolean;
}

export interface ScheduleTick extends ScheduledTest {
  /** negative | positive | missing (the day is past or today without a test) | due (still ahead). */
  state: 'negative' | 'positive' | 'missing' | 'due';
  sampledAt: number | null;
}

/** Each scheduled test with the test of that date (a positive that day wins over a negative). */
export function tickSchedule(
  tests: readonly ScheduledTest[],
  results: readonly PersonTest[],
  now: number,
  timeZone: string,
): ScheduleTick[] {
  const today = dateInZone(now, timeZone);
  return tests.map((t) => {
    const same = results.filter((r) => dateInZone(r.sampledAt, timeZone) === t.date);
    // A positive decides the day; else a single-tube negative before a pooled one (the release rule
    // asks for single tubes, and a community round may have pooled the person the same day).
    const hit =
      same.find((r) => r.result === 'positive') ??
      same.find((r) => r.result === 'negative' && !r.pooled) ??
      same.find((r) => r.result === 'negative') ??
      null;
    const state: ScheduleTick['state'] = hit ? hit.result : t.date <= today ? 'missing' : 'due';
    return { ...t, state, sampledAt: hit?.sampledAt ?? null };
  });
}

/** The first positive sampled since the start, if any (the order converts: the person is a suspected case). */
export function firstPositive(startAt: number, results: readonly PersonTest[]): PersonTest | null {
  return (
    [...results]
      .sort((a, b) => a.sampledAt - b.sampledAt)
      .find((r) => r.result === 'positive' && r.sampledAt >= startAt) ?? null
  );
}

export type ReleaseFault =
  | { code: 'QUARANTINE_RELEASE_DAYS_NOT_SERVED'; day: number; lastDay: number; date: string }
  | { code: 'QUARANTINE_RELEASE_TEST_MISSING'; phase: Phase; day: number; date: string }
  | { code: 'QUARANTINE_RELEASE_TEST_POSITIVE'; phase: Phase; day: number; date: string }
  | { code: 'QUARANTINE_RELEASE_TEST_POOLED'; phase: Phase; day: number; date: string }
  | { code: 'QUARANTINE_RELEASE_TESTS_TOO_CLOSE'; hours: number; minHours: number };

export interface ReleaseCheck {
  releasable: boolean;
  /** The phase being ended: centralised (a home phase may follow) or home (the order ends). */
  phase: Phase;
  /** The last day of the phase (overall day number) and its date. */
  lastDay: number;
  lastDate: string;
  ticks: ScheduleTick[];
  faults: ReleaseFault[];
  /** The home phase that follows a centralised release, when the rules give one. */
  followOn: { place: 'home_quarantine' | 'home_health_monitoring'; until: number; testDays: ScheduledTest[] } | null;
}

/**
 * Whether the order's current phase may be released now: its last day reached; every scheduled test of
 * the phase sampled on its date, single-tube and negative; no positive since the start; and the rule
 * set's release-test rule (the last `release.tests` tests at least `release.minHoursApart` apart).
 */
export function releaseCheck(
  r: RuleSet,
  o: {
    startAt: number;
    centralisedUntil: number;
    homeUntil: number;
    homeKind: 'home_quarantine' | 'home_health_monitoring';
    place: OrderPlace;
    testDays: readonly ScheduledTest[];
  },
  results: readonly PersonTest[],
  now: number,
  timeZone: string,
): ReleaseCheck {
  const c = centralisedDaysOf(o, timeZone);
  const phase: Phase = o.place === 'centralised' && c > 0 ? 'centralised' : 'home';
  const end = phase === 'centralised' ? o.centralisedUntil : o.homeUntil;
  const lastDate = addDays(dateInZone(end, timeZone), -1);
  const lastDay = dayNumber(o.startAt, startOfDate(lastDate, timeZone), timeZone);
  const faults: ReleaseFault[] = [];
  const today = dayNumber(o.startAt, now, timeZone);
  if (today < lastDay) faults.push({ code: 'QUARANTINE_RELEASE_DAYS_NOT_SERVED', day: today, lastDay, date: lastDate });
  const inPhase = o.testDays.filter((t) => t.phase === phase);
  const ticks = tickSchedule(inPhase, results, now, timeZone);
  for (const t of ticks) {
    if (t.state === 'positive')
      faults.push({ code: 'QUARANTINE_RELEASE_TEST_POSITIVE', phase: t.phase, day: t.day, date: t.date });
    else if (t.state !== 'negative')
      faults.push({ code: 'QUARANTINE_RELEASE_TEST_MISSING', phase: t.phase, day: t.day, date: t.date });
  }
  const positive = firstPositive(o.startAt, results);
  if (positive && !ticks.some((t) => t.state === 'positive')) {
    const d = dayOf(o, positive.sampledAt, timeZone);
    faults.push({
      code: 'QUARANTINE_RELEASE_TEST_POSITIVE',
      phase: d.phase,
      day: d.phaseDay,
      date: dateInZone(positive.sampledAt, timeZone),
    });
  }
  // The release-test rule: the last tests of the phase are single-tube and far enough apart.
  const last = ticks.filter((t) => t.state === 'negative').slice(-r.release.tests);
  for (const t of last) {
    const test = results.find((x) => x.sampledAt === t.sampledAt);
    if (test?.pooled) faults.push({ code: 'QUARANTINE_RELEASE_TEST_POOLED', phase: t.phase, day: t.day, date: t.date });
  }
  if (last.length === r.release.tests && last.length > 1 && inPhase.length >= r.release.tests) {
    for (let i = 1; i < last.length; i++) {
      const hours = (last[i]!.sampledAt! - last[i - 1]!.sampledAt!) / HOUR;
      if (hours < r.release.minHoursApart)
        faults.push({
          code: 'QUARANTINE_RELEASE_TESTS_TOO_CLOSE',
          hours: Math.round(hours * 10) / 10,
          minHours: r.release.minHoursApart,
        });
    }
  }
  const followOn =
    phase === 'centralised' && o.homeUntil > o.centralisedUntil
      ? { place: o.homeKind, until: o.homeUntil, testDays: o.testDays.filter((t) => t.phase === 'home') }
      : null;
  return { releasable: faults.length === 0, phase, lastDay, lastDate, ticks, faults, followOn };
}
