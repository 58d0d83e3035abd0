// Pure decisions of a testing round (RULES.md §4): the tube mode a control level allows, whether a person
// may join a tube, the planner's norms, the re-test release decision, pool ages, and reading one lab row.
// No I/O.
import type { ControlLevel, PoolingPolicy } from './pooling.rules.ts';
import type { FactKind } from '../rules/ruleset.schema.ts';
import type { TestingPolicy } from './testing.policy.ts';
import { startOfDate } from '../platform/calendar.ts';

export const TUBE_MODES = ['pool', 'household', 'single', 'retest'] as const;
export type TubeMode = (typeof TUBE_MODES)[number];
export const SITE_KINDS = ['ordinary', 'quarantine_site', 'key_group'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];
export const STAFF_DUTIES = ['sampler', 'registrar', 'squad'] as const;
export type StaffDuty = (typeof STAFF_DUTIES)[number];
export const VISIT_OUTCOMES = ['sampled_at_home', 'away', 'refused', 'bedridden'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];
export const LAB_RESULTS = ['negative', 'positive'] as const;
export type LabResult = (typeof LAB_RESULTS)[number];
export const TUBE_STATUSES = ['open', 'closed', 'boxed', 'in_transit', 'received', 'resulted'] as const;
export type TubeStatus = (typeof TUBE_STATUSES)[number];
export const BOX_STATUSES = ['packing', 'in_transit', 'received'] as const;
export type BoxStatus = (typeof BOX_STATUSES)[number];
export const POOL_STATUSES = ['detected', 'reported', 'released', 'case_found'] as const;
export type PoolStatus = (typeof POOL_STATUSES)[number];
export const TASK_KINDS = ['retest', 'home'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const TASK_STATUSES = ['open', 'sampled', 'negative', 'positive', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Who a suspected-positive pool's report goes to. */
export const NOTIFICATION_KINDS = ['squad', 'community', 'police'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

// ---- control level and tube mode ----------------------------------------------------------------

/** The control level of an area in a round: the round area with the longest path containing it. */
export function controlLevelAt(
  areaPath: string,
  roundAreas: ReadonlyArray<{ area_path: string; control_level: string }>,
): ControlLevel | null {
  let best: { area_path: string; control_level: string } | null = null;
  for (const a of roundAreas) {
    if (areaPath.startsWith(a.area_path) && (!best || a.area_path.length > best.area_path.length)) best = a;
  }
  return (best?.control_level as ControlLevel | undefined) ?? null;
}

/** Quarantine sites and key groups are single-tube wherever they are. */
export function siteLevel(areaLevel: ControlLevel, siteKind: SiteKind): ControlLevel {
  return siteKind === 'ordinary' ? areaLevel : siteKind;
}

export interface TubeModeAllowed {
  modes: TubeMode[];
  maxPoolSize: number;
}
export type TubeModeDecision = { ok: true; mode: TubeMode; capacity: number } | { ok: false; allowed: TubeModeAllowed };

/** What a control level lets a table open: the largest pool, one tube per household, or single tubes. */
export function allowedModes(policy: PoolingPolicy, level: ControlLevel): TubeModeAllowed {
  const rule = policy.controlLevels[level];
  const modes: TubeMode[] = [];
  if (rule.poolSize > 1) modes.push('pool');
  if (rule.householdTube) modes.push('household');
  modes.push('single');
  return { modes, maxPoolSize: rule.poolSize };
}

/**
 * The mode and capacity of a new tube. By default the level's largest pool (or one tube per household
 * where that is the rule, else single). A smaller pool may be asked for: 1 or a validated size.
 */
export function tubeModeFor(
  policy: PoolingPolicy,
  level: ControlLevel,
  requested: { mode?: TubeMode; poolSize?: number },
): TubeModeDecision {
  const allowed = allowedModes(policy, level);
  const mode = requested.mode ?? (requested.poolSize === 1 ? 'single' : allowed.modes[0]!);
  if (!allowed.modes.includes(mode)) return { ok: false, allowed };
  if (mode === 'single') {
    if (requested.poolSize !== undefined && requested.poolSize !== 1) return { ok: false, allowed };
    return { ok: true, mode, capacity: 1 };
  }
  if (mode === 'household') {
    // One household per tube; never more swabs than the largest validated pool.
    const largest = Math.max(...policy.validatedPoolSizes);
    if (requested.poolSize !== undefined && (requested.poolSize > largest || requested.poolSize < 1))
      return { ok: false, allowed };
    return { ok: true, mode, capacity: requested.poolSize ?? largest };
  }
  const size = requested.poolSize ?? allowed.maxPoolSize;
  if (size > allowed.maxPoolSize) return { ok: false, allowed };
  if (size === 1) return { ok: true, mode: 'single', capacity: 1 };
  if (!policy.validatedPoolSizes.includes(size)) return { ok: false, allowed };
  return { ok: true, mode: 'pool', capacity: size };
}

/**
 * Facts that put a person under control (RULES.md §2): cases, suspected cases, contacts, people in
 * quarantine or held in place after a suspected-positive pool. Under RULES.md §4 they are sampled one
 * per tube, as at a quarantine site or in a key group, wherever they are sampled.
 */
export const UNDER_CONTROL_KINDS: readonly FactKind[] = [
  'confirmed',
  'asymptomatic',
  'suspected',
  'centralised_quarantine',
  'close_contact',
  'home_quarantine',
  'secondary_contact',
  'pooled_positive_pending_retest',
];

/** A person's own control level from the facts holding for them: the first control fact decides. */
export function personalControl(kinds: readonly FactKind[]): { level: ControlLevel; reason: FactKind } | null {
  const reason = UNDER_CONTROL_KINDS.find((k) => kinds.includes(k));
  if (!reason) return null;
  return { level: reason === 'centralised_quarantine' ? 'quarantine_site' : 'key_group', reason };
}

/** True when a tube holds more people than a person's control level lets them share a tube with. */
export function tubeTooSharedFor(
  policy: PoolingPolicy,
  level: ControlLevel,
  tube: { mode: string; capacity: number },
): boolean {
  if (tube.capacity <= 1) return false;
  const rule = policy.controlLevels[level];
  if (tube.mode === 'household') return !rule.householdTube;
  return tube.capacity > rule.poolSize;
}

/** The custody steps a tube's result came without, from the last step it had reached (testing_tube.custody_gap). */
export const CUSTODY_STEPS = ['boxed', 'handed_over', 'received'] as const;
export type CustodyStep = (typeof CUSTODY_STEPS)[number];
export function missingCustody(gap: string | null | undefined): CustodyStep[] {
  if (gap === 'closed') return ['boxed', 'handed_over', 'received'];
  if (gap === 'boxed') return ['handed_over', 'received'];
  if (gap === 'in_transit') return ['received'];
  return [];
}

export type AddRefusal =
  'TUBE_CLOSED' | 'PERSON_ALREADY_IN_TUBE' | 'PERSON_IN_OPEN_TUBE' | 'TUBE_FULL' | 'TUBE_HOUSEHOLD_MISMATCH';

export interface TubeState {
  status: string;
  mode: string;
  capacity: number;
  memberCount: number;
}
export interface JoinContext {
  /** The person is already a member of this tube. */
  inThisTube: boolean;
  /** Barcode of another open tube of the same round holding the person, if any. */
  otherOpenTube: string | null;
  /** The person's household, and the households already in the tube. */
  household: string | null;
  tubeHouseholds: ReadonlyArray<string | null>;
}

/** Why a person may not join the tube, or null when they may. */
export function joinRefusal(tube: TubeState, ctx: JoinContext): AddRefusal | null {
  if (tube.status !== 'open') return 'TUBE_CLOSED';
  if (ctx.inThisTube) return 'PERSON_ALREADY_IN_TUBE';
  if (ctx.otherOpenTube !== null) return 'PERSON_IN_OPEN_TUBE';
  if (tube.memberCount >= tube.capacity) return 'TUBE_FULL';
  if (tube.mode === 'household' && ctx.tubeHouseholds.length > 0) {
    const first = ctx.tubeHouseholds[0] ?? null;
    if (first === null || ctx.household === null || ctx.household !== first) return 'TUBE_HOUSEHOLD_MISMATCH';
  }
  return null;
}

// ---- planner ------------------------------------------------------------------------------------

export interface Registered {
  sites: number;
  tables: number;
  samplers: number;
}
export interface PlanFigures {
  population: number;
  needed: { sites: { min: number; max: number }; tables: { min: number; max: number }; samplers: number };
  registered: Registered;
  short: Registered;
}

/** Sites, tables and samplers a population needs by the norms, and what is short against those registered. */
export function planFor(population: number, norms: TestingPolicy['planning'], registered: Registered): PlanFigures {
  const per = (n: number) => (population === 0 ? 0 : Math.ceil(population / n));
  const needed = {
    sites: { min: per(norms.peoplePerSite.max), max: per(norms.peoplePerSite.min) },
    tables: { min: per(norms.peoplePerTable.max), max: per(norms.peoplePerTable.min) },
    samplers: per(norms.peoplePerSampler),
  };
  return {
    population,
    needed,
    registered,
    short: {
      sites: Math.max(0, needed.sites.min - registered.sites),
      tables: Math.max(0, needed.tables.min - registered.tables),
      samplers: Math.max(0, needed.samplers - registered.samplers),
    },
  };
}

// ---- rounds and pools ---------------------------------------------------------------------------

export const ROUND_STATUSES = ['planned', 'open', 'overdue', 'closed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export function roundStatus(
  r: { starts_at: number; deadline_at: number; closed_at: number | null },
  now: number,
): RoundStatus {
  if (r.closed_at !== null) return 'closed';
  if (now < r.starts_at) return 'planned';
  return now <= r.deadline_at ? 'open' : 'overdue';
}

/** Sampling is allowed from the start until the round is closed (late stragglers after the deadline included). */
export function roundTakesSamples(status: RoundStatus): boolean {
  return status === 'open' || status === 'overdue';
}

/**
 * Whether a round takes a sample (or a door-knock mark) made at `at`: null, or the status that refuses
 * it. A close later than `at` does not count: a scan queued offline before the close is kept.
 */
export function refusesSamplesAt(
  r: { starts_at: number; deadline_at: number; closed_at: number | null },
  at: number,
): RoundStatus | null {
  const closedBefore = r.closed_at !== null && r.closed_at <= at;
  const status = roundStatus({ ...r, closed_at: closedBefore ? r.closed_at : null }, at);
  return roundTakesSamples(status) ? null : status;
}

export type ReleaseDecision = 'release' | 'case_found' | 'wait';

/**
 * After a re-test result: any positive single tube → a case was found; every member's re-test
 * negative → control is lifted at once; otherwise wait.
 */
export function releaseDecision(taskStatuses: readonly string[]): ReleaseDecision {
  if (taskStatuses.includes('positive')) return 'case_found';
  const live = taskStatuses.filter((s) => s !== 'cancelled');
  if (live.length > 0 && live.every((s) => s === 'negative')) return 'release';
  return 'wait';
}

/** A pool's age against the re-test target; frozen when it closed. */
export function poolAge(
  p: { detected_at: number; closed_at: number | null },
  now: number,
  targetMs: number,
  everyoneSampled: boolean,
): { ageMs: number; overdue: boolean } {
  const ageMs = Math.max(0, (p.closed_at ?? now) - p.detected_at);
  return { ageMs, overdue: p.closed_at === null && ageMs > targetMs && !everyoneSampled };
}

/** A tube counts as one pool when positive: more than one person's swab in it. */
export function isPooledTube(mode: string, members: number): boolean {
  return (mode === 'pool' || mode === 'household') && members > 1;
}

// ---- lab rows -----------------------------------------------------------------------------------

export const LAB_COLUMNS = {
  barcode: ['管码', '试管条码', '样本编号', 'tube barcode', 'barcode', 'tube'],
  result: ['结果', '检测结果', 'result'],
  ctN: ['n基因ct', 'n基因ct值', 'ct n', 'ct_n', 'ctn', 'n ct'],
  ctOrf1ab: ['orf1ab基因ct', 'orf1ab基因ct值', 'ct orf1ab', 'ct_orf1ab', 'ctorf1ab', 'orf1ab ct'],
  testedAt: ['检测时间', 'test time', 'tested at', 'testedat', 'tested_at'],
} as const;
export type LabColumn = keyof typeof LAB_COLUMNS;
export const LAB_COLUMN_TITLES: Record<LabColumn, { zh: string; en: string }> = {
  barcode: { zh: '管码', en: 'Tube barcode' },
  result: { zh: '结果', en: 'Result' },
  ctN: { zh: 'N基因Ct', en: 'Ct N' },
  ctOrf1ab: { zh: 'ORF1ab基因Ct', en: 'Ct ORF1ab' },
  testedAt: { zh: '检测时间', en: 'Test time' },
};

const norm = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');

export type LabHeader =
  | { ok: true; index: Record<LabColumn, number>; titles: Record<LabColumn, string> }
  | { ok: false; missing: LabColumn[]; unknown: string[] };

/** Maps a header row (Chinese or English titles, any order); every column is required, none unknown. */
export function mapLabHeader(cells: readonly string[]): LabHeader {
  const index = {} as Record<LabColumn, number>;
  const titles = {} as Record<LabColumn, string>;
  const unknown: string[] = [];
  cells.forEach((cell, i) => {
    const h = norm(cell);
    if (!h) return;
    const col = (Object.keys(LAB_COLUMNS) as LabColumn[]).find((c) =>
      (LAB_COLUMNS[c] as readonly string[]).includes(h),
    );
    if (!col || index[col] !== undefined) unknown.push(cell.trim());
    else {
      index[col] = i;
      titles[col] = cell.trim();
    }
  });
  const missing = (Object.keys(LAB_COLUMNS) as LabColumn[]).filter((c) => index[c] === undefined);
  if (missing.length || unknown.length) return { ok: false, missing, unknown };
  return { ok: true, index, titles };
}

const RESULTS: Record<string, LabResult> = {
  阴性: 'negative',
  negative: 'negative',
  neg: 'negative',
  '-': 'negative',
  阳性: 'positive',
  positive: 'positive',
  pos: 'positive',
  '+': 'positive',
};

export function parseLabResult(text: string): LabResult | null {
  return RESULTS[text.trim().toLowerCase()] ?? null;
}

/** A Ct value: empty (or "-", "N/A", "未检出") is not detected (null); otherwise a number inside the range. */
export function parseCt(
  text: string,
  range: { min: number; max: number },
): { ok: true; value: number | null } | { ok: false } {
  const t = text.trim();
  if (t === '' || t === '-' || /^n\/?a$/i.test(t) || t === '未检出' || /^undetermined$/i.test(t))
    return { ok: true, value: null };
  if (!/^\d+(\.\d+)?$/.test(t)) return { ok: false };
  const v = Number(t);
  return v >= range.min && v <= range.max ? { ok: true, value: v } : { ok: false };
}

export function ctInRange(v: number | null | undefined, range: { min: number; max: number }): boolean {
  return v === null || v === undefined || (Number.isFinite(v) && v >= range.min && v <= range.max);
}

/** A test time: ISO 8601 with an offset, or "YYYY-MM-DD HH:mm[:ss]" (or with "/") in the deployment's zone. */
export function parseTestTime(text: string, timeZone: string): number | null {
  const t = text.trim();
  const local = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0'] = local;
    const date = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    if (
      Number(mo) < 1 ||
      Number(mo) > 12 ||
      Number(d) < 1 ||
      Number(d) > 31 ||
      Number(h) > 23 ||
      Number(mi) > 59 ||
      Number(sec) > 59
    )
      return null;
    try {
      return startOfDate(date, timeZone) + ((Number(h) * 60 + Number(mi)) * 60 + Number(sec)) * 1000;
    } catch {
      return null;
    }
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** Door-knock order of a masked list: unit, then door, numerically where they are numbers. */
export function compareDoors(a: { unit: string; door: string }, b: { unit: string; door: string }): number {
  const c = a.unit.localeCompare(b.unit, 'zh-CN', { numeric: true });
  return c !== 0 ? c : a.door.localeCompare(b.door, 'zh-CN', { numeric: true });
}
