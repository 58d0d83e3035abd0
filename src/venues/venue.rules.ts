// Pure decisions at the venue door: who may enter under a category's entry policy, how crowded a venue
// is, and when an unclosed visit ends by itself. No I/O; `now` is always an argument.

export const COLOURS = ['green', 'yellow', 'red'] as const;
export type Colour = (typeof COLOURS)[number];

export interface EntryPolicy {
  allowedColours: Colour[];
  /** A negative test sampled within this many hours is required; null: no test needed. */
  testWithinHours: 24 | 48 | 72 | null;
  vaccinationRequired: boolean;
}

export interface LatestTest {
  /** Sampling time (epoch ms): test windows count from here, not from the report. */
  sampledAt: number;
  result: 'negative' | 'positive';
}

export interface DoorFacts {
  colour: Colour;
  /**
   * The facts the colour rests on (fact kinds of the health rule set, or 'manual_change'); a refusal
   * for the colour names them, so the guard can say why (红码 — 密切接触者). Empty or absent: none known.
   */
  colourFacts?: readonly string[];
  latestTest: LatestTest | null;
  /** null: nothing is known about vaccination. */
  vaccinated: boolean | null;
}

export interface EntryInput extends DoorFacts {
  /** Open visits at the venue now. */
  occupancy: number;
  capacity: number;
}

export type RefusalCode =
  'RED_CODE' | 'YELLOW_CODE' | 'GREEN_CODE' | 'TEST_POSITIVE' | 'NO_RECENT_TEST' | 'NOT_VACCINATED' | 'VENUE_FULL';

export interface EntryReason {
  code: RefusalCode;
  params: Record<string, number | string>;
}

export interface EntryDecision {
  admit: boolean;
  /** Every reason for refusal, most serious first; empty when admitted. */
  reasons: EntryReason[];
}

const HOUR_MS = 3600_000;

const COLOUR_REFUSAL: Record<Colour, RefusalCode> = { red: 'RED_CODE', yellow: 'YELLOW_CODE', green: 'GREEN_CODE' };

/** Hours since sampling, rounded down; a sampling time ahead of the clock counts as 0. */
export function hoursSince(sampledAt: number, now: number): number {
  return Math.max(0, Math.floor((now - sampledAt) / HOUR_MS));
}

export function decideEntry(input: EntryInput, policy: EntryPolicy, now: number): EntryDecision {
  const reasons: EntryReason[] = [];
  if (!policy.allowedColours.includes(input.colour)) {
    const facts = input.colour === 'green' ? [] : (input.colourFacts ?? []);
    reasons.push({ code: COLOUR_REFUSAL[input.colour], params: facts.length ? { facts: facts.join(',') } : {} });
  }
  const test = input.latestTest;
  if (test?.result === 'positive') reasons.push({ code: 'TEST_POSITIVE', params: {} });
  if (policy.testWithinHours !== null) {
    const recentNegative = test?.result === 'negative' && now - test.sampledAt <= policy.testWithinHours * HOUR_MS;
    if (!recentNegative && test?.result !== 'positive')
      reasons.push({ code: 'NO_RECENT_TEST', params: { hours: policy.testWithinHours } });
  }
  if (policy.vaccinationRequired && input.vaccinated !== true) reasons.push({ code: 'NOT_VACCINATED', params: {} });
  if (input.occupancy >= input.capacity) reasons.push({ code: 'VENUE_FULL', params: { capacity: input.capacity } });
  return { admit: reasons.length === 0, reasons };
}

// ---- approval ----------------------------------------------------------------------------------

/**
 * Two-person rule: a venue's code goes live only when someone other than its registrant approves it.
 * A venue whose registrant is not known (registered before this was kept) may be approved by anyone.
 */
export function mayApprove(registeredBy: string | null, approverId: string): boolean {
  return registeredBy === null || registeredBy !== approverId;
}

// ---- crowd level -------------------------------------------------------------------------------

/** 宽松 relaxed < 50 % · 适中 moderate < 80 % · 拥挤 crowded < 100 % · 已满 full. */
export const CROWD_LEVELS = ['relaxed', 'moderate', 'crowded', 'full'] as const;
export type CrowdLevel = (typeof CROWD_LEVELS)[number];

export const CROWD_LEVEL_NAMES: Record<CrowdLevel, { zh: string; en: string }> = {
  relaxed: { zh: '宽松', en: 'Relaxed' },
  moderate: { zh: '适中', en: 'Moderate' },
  crowded: { zh: '拥挤', en: 'Crowded' },
  full: { zh: '已满', en: 'Full' },
};

export function crowdLevel(count: number, capacity: number): CrowdLevel {
  if (capacity <= 0 || count >= capacity) return 'full';
  // Integer comparisons: 50 % of 3 is 1.5, and 1 of 3 is relaxed, 2 of 3 moderate.
  if (count * 100 < capacity * 50) return 'relaxed';
  if (count * 100 < capacity * 80) return 'moderate';
  return 'crowded';
}

// ---- dwell -------------------------------------------------------------------------------------

/** The venue's own dwell when set, else its category's default. */
export function dwellMinutesOf(venueDwell: number | null, categoryDefault: number): number {
  return venueDwell ?? categoryDefault;
}

/** When an unclosed visit that began at `enteredAt` ends by itself. */
export function autoExitAt(enteredAt: number, dwellMinutes: number): number {
  return enteredAt + dwellMinutes * 60_000;
}

/** A visit still open is over once its dwell has passed; it is then closed at entry + dwell. */
export function isVisitExpired(enteredAt: number, dwellMinutes: number, now: number): boolean {
  return autoExitAt(enteredAt, dwellMinutes) <= now;
}

/** Visits that began before this time and are still open have run past the dwell. */
export function expiredBefore(dwellMinutes: number, now: number): number {
  return now - dwellMinutes * 60_000;
}

// ---- a resident's repeated scan ----------------------------------------------------------------

/** A scan this soon after the previous one answers with that one (a double tap, a retried request). */
export const RESCAN_GRACE_MS = 60_000;

export interface LastVisit {
  decision: string;
  enteredAt: number;
  exitedAt: number | null;
  exitKind: string | null;
}

/**
 * What a resident's scan at a venue means, given their latest visit there: a new entry, the exit of
 * the open visit (扫码离场), or a repeat of the previous answer within the grace period.
 */
export type RescanAction = 'enter' | 'exit' | 'repeat-entry' | 'repeat-exit';

export function rescanAction(last: LastVisit | undefined, dwellMinutes: number, at: number): RescanAction {
  if (!last) return 'enter';
  const sinceEntry = at - last.enteredAt;
  if (last.exitedAt === null) {
    if (sinceEntry >= 0 && sinceEntry < RESCAN_GRACE_MS) return 'repeat-entry';
    if (last.decision !== 'admitted' || isVisitExpired(last.enteredAt, dwellMinutes, at)) return 'enter';
    return 'exit';
  }
  const sinceExit = at - last.exitedAt;
  if (last.exitKind === 'scan' && sinceExit >= 0 && sinceExit < RESCAN_GRACE_MS) return 'repeat-exit';
  return 'enter';
}
