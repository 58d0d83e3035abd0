// Risk areas (中高风险区) as pure decisions over the active rule set: which units and levels may be
// designated, how the days of an area's history are counted for the rule set's downgrade rules
// (riskAreaNextLevel in ruleset.rules.ts makes the decision itself), which arrivals get which fact,
// from how far back, and when their facts end. No I/O; `now` and the zone are arguments.
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { addDays, dateInZone, startOfDate } from '../platform/calendar.ts';
import { arrivalGroup, riskAreaNextLevel, type RiskAreaHistory } from '../rules/ruleset.rules.ts';
import type { Downgrade, FactKind, ManagedGroup, RiskLevel, RuleSet } from '../rules/ruleset.schema.ts';
import { RISK_LEVELS } from '../rules/ruleset.schema.ts';

export const RISK_AREA_UNITS = ['building', 'community', 'street'] as const;
export type RiskAreaUnit = (typeof RISK_AREA_UNITS)[number];

export const RISK_AREA_STATUSES = ['pending', 'active', 'lifted', 'rejected'] as const;
export type RiskAreaStatus = (typeof RISK_AREA_STATUSES)[number];

/** A level in force, or `lifted` (no longer designated) as the target of a change. */
export type RiskTarget = RiskLevel | 'lifted';

export const HISTORY_KINDS = ['designate', 'downgrade', 'lift', 'held', 'approved', 'rejected'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** The area-tree level a community or street designation must name (buildings are not areas). */
export function areaLevelOfUnit(unit: Exclude<RiskAreaUnit, 'building'>): string {
  return unit;
}

export function isRiskLevel(value: string | null | undefined): value is RiskLevel {
  return typeof value === 'string' && (RISK_LEVELS as readonly string[]).includes(value);
}

/** The rule set must designate by this unit and know this level; the errors name the rule set. */
export function assertDesignable(r: RuleSet, unit: RiskAreaUnit, level: RiskLevel): void {
  if (!r.riskAreas.designationUnits.includes(unit)) {
    throw new AppError('RISK_AREA_UNIT_NOT_IN_RULESET', {
      unit,
      ruleSet: r.id,
      units: r.riskAreas.designationUnits.join(', '),
    });
  }
  if (!r.riskAreas.levels.includes(level)) throw new AppError('RISK_LEVEL_UNKNOWN', { level, ruleSet: r.id });
}

const SEVERITY: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/** True when the level puts arrivals under the rule set's arrival rules (high or medium). */
export function isElevated(level: RiskLevel | null): boolean {
  return level !== null && SEVERITY[level] > 0;
}

// ---- counting days ------------------------------------------------------------------------------

/** Whole calendar days (in the zone) from the day of `from` to the day of `to`; 0 on the same day. */
export function calendarDays(from: number, to: number, timeZone: string): number {
  const a = startOfDate(dateInZone(from, timeZone), timeZone);
  const b = startOfDate(dateInZone(to, timeZone), timeZone);
  return Math.round((b - a) / 86_400_000);
}

export interface AreaState {
  level: RiskLevel;
  /** When the level in force took effect. */
  levelSince: number;
  /** When the area last became high or medium (the designation that started this run). */
  episodeStart: number;
}

export interface AreaEvidence {
  /** When the latest infection among the unit's residents was confirmed, or null when none is recorded. */
  lastCaseAt: number | null;
  /** Completion times of mass-testing rounds over the area that came back all negative. */
  negativeRoundsAt: readonly number[];
}

/**
 * The history the rule set's downgrade rules are checked against. Days without a case count from the
 * later of the latest case and the designation (an area is not downgraded for days before it was
 * designated); negative rounds are numbered on the same count (day 7 = the seventh day without a
 * case); days at level count from the level's own start.
 */
export function areaHistory(
  state: AreaState,
  evidence: AreaEvidence,
  now: number,
  timeZone: string,
): RiskAreaHistory & { countFrom: number } {
  const countFrom = Math.max(evidence.lastCaseAt ?? Number.NEGATIVE_INFINITY, state.episodeStart);
  const negativeRoundDays = [
    ...new Set(
      evidence.negativeRoundsAt
        .filter((at) => at >= countFrom && at <= now)
        .map((at) => calendarDays(countFrom, at, timeZone)),
    ),
  ].sort((a, b) => a - b);
  return {
    countFrom,
    daysWithoutCase: Math.max(0, calendarDays(countFrom, now, timeZone)),
    daysAtLevel: Math.max(0, calendarDays(state.levelSince, now, timeZone)),
    negativeRoundDays,
  };
}

export interface DowngradeDecision {
  from: RiskLevel;
  to: RiskLevel;
  /** Where the rule sits in the rule set, e.g. riskAreas.downgrades[0]. */
  rule: string;
  downgrade: Downgrade;
  history: RiskAreaHistory;
}

export type DowngradeCheck =
  | { change: DowngradeDecision }
  | { change: null; reason: 'no_rule' | 'not_met' | 'level_not_in_ruleset'; history: RiskAreaHistory | null };

/** One downgrade step, when the rule set's rule for the area's level is met now. */
export function checkDowngrade(
  r: RuleSet,
  state: AreaState,
  evidence: AreaEvidence,
  now: number,
  timeZone: string,
): DowngradeCheck {
  if (!r.riskAreas.levels.includes(state.level)) return { change: null, reason: 'level_not_in_ruleset', history: null };
  const { countFrom: _from, ...history } = areaHistory(state, evidence, now, timeZone);
  const next = riskAreaNextLevel(r, state.level, history);
  if (!next.downgrade) {
    const hasRule = r.riskAreas.downgrades.some((d) => d.from === state.level);
    return { change: null, reason: hasRule ? 'not_met' : 'no_rule', history };
  }
  const index = r.riskAreas.downgrades.indexOf(next.downgrade);
  return {
    change: {
      from: state.level,
      to: next.level,
      rule: `riskAreas.downgrades[${index}]`,
      downgrade: next.downgrade,
      history,
    },
  };
}

/** The rule that lowers the level, for the public page ("how it is lifted"); null when none. */
export function liftingRule(r: RuleSet, level: RiskLevel): Downgrade | null {
  return r.riskAreas.downgrades.find((d) => d.from === level) ?? null;
}

// ---- arrivals -----------------------------------------------------------------------------------

/** The fact an arrival from an area of the level gets under the rule set; null when none applies. */
export const ARRIVAL_FACT: FactKind = 'risk_area_arrival_pending_test';

export function arrivalFact(r: RuleSet, level: RiskLevel): { kind: FactKind; group: ManagedGroup } | null {
  const group = arrivalGroup(r, level);
  if (!group) return null;
  if (!r.colourRules.some((rule) => rule.when === ARRIVAL_FACT)) return null;
  return { kind: ARRIVAL_FACT, group };
}

/** Stays from 00:00 of the day arrivalLookBackDays before the designation count (as the close-contact window). */
export function arrivalWindowStart(r: RuleSet, episodeStart: number, timeZone: string): number {
  return startOfDate(addDays(dateInZone(episodeStart, timeZone), -r.riskAreas.arrivalLookBackDays), timeZone);
}

/** The fact of an arrival starts at the later of their stay and the moment the area was designated. */
export function arrivalFactSince(lastStayAt: number, episodeStart: number): number {
  return Math.max(lastStayAt, episodeStart);
}

/** Arrivals' facts end when the area is lifted or goes to a level without an arrival rule. */
export function arrivalFactsEnd(r: RuleSet, to: RiskTarget): boolean {
  return to === 'lifted' || arrivalFact(r, to) === null;
}

/** Whether going from one level to another starts a new run (arrivals look back from its start). */
export function startsEpisode(from: RiskLevel | null, to: RiskLevel): boolean {
  return isElevated(to) && !isElevated(from);
}

export function requireText(value: string | undefined, code: ErrorCode): string {
  const text = (value ?? '').trim();
  if (!text) throw new AppError(code);
  return text;
}
