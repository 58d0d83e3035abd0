// The decisions a rule set makes, as pure functions of (rule set, facts, clock): the close-contact
// window, venue visit padding and overlap, co-presence classes, management schedules, the health code
// colour with its reasons and end conditions, release from isolation and risk-area downgrades.
// Times are epoch milliseconds; calendar days are counted in the zone passed in.
import { AppError } from '../platform/errors.ts';
import { addDays, dateInZone, startOfDate } from '../platform/calendar.ts';
import type { Downgrade, EndCondition, FactKind, ManagedGroup, RiskLevel, RuleSet } from './ruleset.schema.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface Interval {
  start: number;
  end: number;
}

/** Which rule set and version made a decision: recorded beside every decision. */
export interface RuleSetRef {
  id: string;
  version: string;
}

export function ruleSetRef(r: RuleSet): RuleSetRef {
  return { id: r.id, version: r.version };
}

// ---- the close-contact window (密接判定时间窗) ---------------------------------------------------

export interface CaseTimes {
  /** Symptom onset; the window counts back from it when known. */
  onsetAt?: number | null;
  /** First positive sampling: the anchor for an asymptomatic infection. */
  sampledAt?: number | null;
  /** When the case was isolated; the window ends there (or now, while not yet isolated). */
  isolatedAt?: number | null;
}

export interface ContactWindow extends Interval {
  anchor: 'onset' | 'sampling';
  lookBackDays: number;
}

/**
 * From 00:00 (in the zone) of the day lookBackDays before onset, or before first positive sampling
 * when there is no onset, until isolation or now.
 */
export function contactWindow(r: RuleSet, times: CaseTimes, timeZone: string, now: number): ContactWindow {
  const onset = times.onsetAt ?? null;
  const anchorAt = onset ?? times.sampledAt ?? null;
  if (anchorAt === null) throw new AppError('CONTACT_WINDOW_ANCHOR_MISSING');
  if (anchorAt > now) throw new AppError('CONTACT_WINDOW_ANCHOR_IN_FUTURE');
  const lookBackDays = r.closeContact.lookBackDays;
  const start = startOfDate(addDays(dateInZone(anchorAt, timeZone), -lookBackDays), timeZone);
  const end = times.isolatedAt ?? now;
  return { start, end: Math.max(start, end), anchor: onset !== null ? 'onset' : 'sampling', lookBackDays };
}

export function inWindow(window: Interval, at: number): boolean {
  return at >= window.start && at <= window.end;
}

// ---- venue co-presence --------------------------------------------------------------------------

export interface Visit {
  enteredAt: number;
  /** The scan-out, or the entry plus the venue's default dwell when nobody scanned out. */
  exitedAt: number;
}

/**
 * The interval a visit counts for: visits shorter than the drop limit do not count; the rest are
 * extended by min(duration × factor, cap) to cover imprecise exits (Corona-Warn-App's rule).
 */
export function paddedVisit(r: RuleSet, visit: Visit): Interval | null {
  const p = r.venueCoPresence.padding;
  const duration = visit.exitedAt - visit.enteredAt;
  if (duration < 0 || duration < p.dropVisitsShorterThanMinutes * MINUTE) return null;
  const pad = Math.min(duration * p.padFactor, p.padCapMinutes * MINUTE);
  return { start: visit.enteredAt, end: visit.exitedAt + pad };
}

/** Minutes two intervals share (0 when they do not meet). */
export function overlapMinutes(a: Interval, b: Interval): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start)) / MINUTE;
}

export type CoPresenceClass = 'close_candidate' | 'general';

/**
 * Co-presence at a venue long enough makes a close-contact candidate (for the investigator to
 * classify) in an enclosed shared place, or a general contact in an open or transit place.
 */
export function classifyCoPresence(r: RuleSet, category: string, overlap: number): CoPresenceClass | null {
  const v = r.venueCoPresence;
  if (overlap < v.minimumOverlapMinutes) return null;
  if (v.closeCategories.includes(category)) return 'close_candidate';
  if (v.generalCategories.includes(category)) return 'general';
  return null;
}

export function identifiesSecondaryContacts(r: RuleSet): boolean {
  return r.secondaryContacts.identified;
}

// ---- management schedules (隔离管理) -------------------------------------------------------------

export interface TestDate {
  phase: 'centralised' | 'home';
  /** The day number within the phase, as the rule set writes it. */
  day: number;
  /** The calendar date in the zone. */
  date: string;
}

export interface ManagementPlan {
  group: ManagedGroup;
  start: number;
  /** End of centralised quarantine (= start when there is none). */
  centralisedUntil: number;
  /** End of the home phase (= centralisedUntil when there is none). */
  homeUntil: number;
  homeKind: 'home_quarantine' | 'home_health_monitoring';
  testDates: TestDate[];
}

/**
 * The schedule for a person of the group from the start (last exposure, or arrival): the day of the
 * start is day 0, centralised day N is N calendar days later, home day N follows the centralised
 * days; each phase ends at the end of its last day. Null when the rule set does not manage the group.
 */
export function managementPlan(
  r: RuleSet,
  group: ManagedGroup,
  start: number,
  timeZone: string,
): ManagementPlan | null {
  const plan = r.management[group];
  if (!plan) return null;
  const day0 = dateInZone(start, timeZone);
  const c = plan.centralisedDays;
  const h = plan.homeDays;
  const centralisedUntil = c > 0 ? startOfDate(addDays(day0, c + 1), timeZone) : start;
  const homeUntil = h > 0 ? startOfDate(addDays(day0, c + h + 1), timeZone) : centralisedUntil;
  const testDates: TestDate[] = [
    ...plan.testDays.centralised.map((day) => ({ phase: 'centralised' as const, day, date: addDays(day0, day) })),
    ...plan.testDays.home.map((day) => ({ phase: 'home' as const, day, date: addDays(day0, c + day) })),
  ];
  return { group, start, centralisedUntil, homeUntil, homeKind: plan.homeKind, testDates };
}

// ---- health code colour (健康码) -----------------------------------------------------------------

export type Colour = 'green' | 'yellow' | 'red';

export interface NegativeTest {
  sampledAt: number;
  /** When the negative result was known; defaults to the sampling time. */
  reportedAt?: number | null;
}

/** One fact about a person that a colour rule may rest on. */
export interface ColourFact {
  kind: FactKind;
  since: number;
  /** When the fact stops holding: the quarantine order's end, the case's release, a withdrawal. */
  until?: number | null;
  /** Negative tests of this person (any order; only those sampled since the fact count). */
  negativeTests?: readonly NegativeTest[];
}

export interface ColourReason {
  fact: FactKind;
  since: number;
  rule: string;
  colour: Exclude<Colour, 'green'>;
  endsWhen: EndCondition;
  /** When the colour this reason gives ends, when already known. */
  endsAt: number | null;
}

export interface ColourDecision {
  colour: Colour;
  ruleSet: RuleSetRef;
  /** Every rule that applies now, red ones first; empty when green. */
  reasons: ColourReason[];
}

/** The first `count` negative tests sampled at or after `since`, each ≥ minHoursApart after the previous. */
function negativeSeries(
  tests: readonly NegativeTest[],
  since: number,
  count: number,
  minHoursApart: number,
): NegativeTest[] {
  const series: NegativeTest[] = [];
  for (const t of [...tests].sort((a, b) => a.sampledAt - b.sampledAt)) {
    if (t.sampledAt < since) continue;
    const last = series[series.length - 1];
    if (last && t.sampledAt - last.sampledAt < minHoursApart * HOUR) continue;
    series.push(t);
    if (series.length === count) break;
  }
  return series;
}

function endOf(fact: ColourFact, ends: EndCondition): number | null {
  const until = fact.until ?? null;
  switch (ends.kind) {
    case 'quarantine_end':
    case 'released':
      return until;
    case 'days': {
      const after = fact.since + ends.days * DAY;
      return until === null ? after : Math.min(after, until);
    }
    case 'negative_tests': {
      const series = negativeSeries(fact.negativeTests ?? [], fact.since, ends.count, ends.minHoursApart);
      const known = series.length === ends.count ? Math.max(...series.map((t) => t.reportedAt ?? t.sampledAt)) : null;
      if (known === null) return until;
      return until === null ? known : Math.min(known, until);
    }
  }
}

const SEVERITY: Record<Colour, number> = { green: 0, yellow: 1, red: 2 };

/** The colour the rule set gives for the facts now; the highest colour wins, each reason says how it ends. */
export function deriveColour(r: RuleSet, facts: readonly ColourFact[], now: number): ColourDecision {
  const reasons: Array<ColourReason & { order: number }> = [];
  for (const fact of facts) {
    if (fact.since > now) continue;
    const order = r.colourRules.findIndex((rule) => rule.when === fact.kind);
    if (order < 0) continue;
    const rule = r.colourRules[order]!;
    const endsAt = endOf(fact, rule.endsWhen);
    if (endsAt !== null && endsAt <= now) continue;
    reasons.push({
      fact: fact.kind,
      since: fact.since,
      rule: rule.id,
      colour: rule.colour,
      endsWhen: rule.endsWhen,
      endsAt,
      order,
    });
  }
  reasons.sort((a, b) => SEVERITY[b.colour] - SEVERITY[a.colour] || a.order - b.order || a.since - b.since);
  const colour: Colour = reasons[0]?.colour ?? 'green';
  return { colour, ruleSet: ruleSetRef(r), reasons: reasons.map(({ order: _order, ...reason }) => reason) };
}

/** More people than this in one recolouring action needs a command-centre approval. */
export function needsMassRecolourApproval(r: RuleSet, people: number): boolean {
  return people > r.massRecolourThreshold;
}

// ---- release from isolation (解除隔离) -----------------------------------------------------------

export interface IsolationTest {
  sampledAt: number;
  reportedAt?: number | null;
  /** Ct by gene (N, ORF1ab); null = not detected. A gene the rule set needs but absent here fails. */
  ct: Readonly<Record<string, number | null>>;
}

export interface ReleaseDecision {
  releasable: boolean;
  ruleSet: RuleSetRef;
  ctThreshold: number;
  /** The tests that satisfy the rule, when they do. */
  basis: IsolationTest[];
  releasedAt: number | null;
  homeMonitoringUntil: number | null;
}

export function passesCt(r: RuleSet, test: IsolationTest): boolean {
  return r.release.genes.every((gene) => {
    const ct = test.ct[gene];
    return ct === null || (typeof ct === 'number' && ct >= r.release.ctThreshold);
  });
}

/**
 * Release needs `tests` consecutive tests with every gene's Ct at or above the threshold, sampled at
 * least minHoursApart apart; a test below the threshold starts the count again.
 */
export function releasable(r: RuleSet, tests: readonly IsolationTest[]): ReleaseDecision {
  const rel = r.release;
  let series: IsolationTest[] = [];
  for (const t of [...tests].sort((a, b) => a.sampledAt - b.sampledAt)) {
    if (!passesCt(r, t)) {
      series = [];
      continue;
    }
    const last = series[series.length - 1];
    if (last && t.sampledAt - last.sampledAt < rel.minHoursApart * HOUR) continue;
    series.push(t);
  }
  const basis = series.length >= rel.tests ? series.slice(0, rel.tests) : [];
  const releasedAt = basis.length ? Math.max(...basis.map((t) => t.reportedAt ?? t.sampledAt)) : null;
  return {
    releasable: basis.length > 0,
    ruleSet: ruleSetRef(r),
    ctThreshold: rel.ctThreshold,
    basis,
    releasedAt,
    homeMonitoringUntil: releasedAt === null ? null : releasedAt + rel.homeMonitoringDays * DAY,
  };
}

// ---- risk areas (风险区) --------------------------------------------------------------------------

export interface RiskAreaHistory {
  /** Whole days since the area's last new case. */
  daysWithoutCase: number;
  /** Whole days the area has held its current level. */
  daysAtLevel?: number;
  /** Days (counted like daysWithoutCase) on which a mass-testing round came back all negative. */
  negativeRoundDays?: readonly number[];
}

/** The level after one downgrade step, if the history meets the rule set's rule for the level. */
export function riskAreaNextLevel(
  r: RuleSet,
  level: RiskLevel,
  history: RiskAreaHistory,
): { level: RiskLevel; downgrade: Downgrade | null } {
  if (!r.riskAreas.levels.includes(level)) throw new AppError('RISK_LEVEL_UNKNOWN', { level, ruleSet: r.id });
  const rule = r.riskAreas.downgrades.find((d) => d.from === level);
  if (!rule) return { level, downgrade: null };
  const met =
    history.daysWithoutCase >= rule.daysWithoutCase &&
    (rule.minDaysAtLevel === undefined || (history.daysAtLevel ?? 0) >= rule.minDaysAtLevel) &&
    (rule.negativeRoundOnDay === undefined || (history.negativeRoundDays ?? []).includes(rule.negativeRoundOnDay));
  return met ? { level: rule.to, downgrade: rule } : { level, downgrade: null };
}

/** The schedule group for an arrival who stayed in an area of the level; null when none applies. */
export function arrivalGroup(r: RuleSet, level: RiskLevel): ManagedGroup | null {
  if (level === 'low') return null;
  return r.riskAreas.arrivals[level] ?? null;
}
