// Pooled-sample mathematics and the pool-size advisor (RULES.md §4). Pure: no I/O.
// p = prevalence, q = 1 − p, k = pool size. "Tests per person" counts every tube tested in the lab
// (pools and single-tube re-tests) divided by the people sampled.
import { AppError, defineErrors } from '../platform/errors.ts';

export const PoolingErrors = defineErrors({
  ADVISOR_INPUT_INVALID: {
    status: 400,
    zh: '混采测算参数 {option} 无效：{value}（应为{expectedZh}）',
    en: 'Pool advisor option {option} is invalid: {value} (expected {expected})',
  },
});

export const CONTROL_LEVELS = ['sealed', 'controlled', 'prevention', 'quarantine_site', 'key_group'] as const;
export type ControlLevel = (typeof CONTROL_LEVELS)[number];

/** The pooling rule set (rules/pooling.json), already validated. */
export interface PoolingPolicy {
  version: string;
  /** YYYY-MM-DD from which the rule set applies. */
  effectiveFrom: string;
  /** Pool sizes validated for the assays in use (5, 10, 20). */
  validatedPoolSizes: readonly number[];
  /** The range searched in 'any' mode. */
  anySizeRange: { min: number; max: number };
  /** The largest pool size each control level allows; householdTube: one tube per household is allowed instead. */
  controlLevels: Readonly<Record<ControlLevel, { poolSize: number; householdTube: boolean }>>;
  dilution: { ctCutoff: number; typicalPositiveCt: number };
}

export interface TestAccuracy {
  sensitivity: number;
  specificity: number;
}

export const PERFECT_TEST: TestAccuracy = { sensitivity: 1, specificity: 1 };

/** Above this prevalence no pool size beats single tubes: 1 − 3^(−1/3) ≈ 30.66 %. */
export const POOLING_THRESHOLD = 1 - 3 ** (-1 / 3);

// ---- expected tests per person ------------------------------------------------------------------

/** One tube per person. */
export function individualTestsPerPerson(): number {
  return 1;
}

/**
 * Probability that a pool of k reads positive: Se·(1 − q^k) + (1 − Sp)·q^k (a true positive pool
 * detected, or a negative pool read falsely positive). With a perfect test: 1 − q^k.
 */
export function poolPositiveProbability(p: number, k: number, test: TestAccuracy = PERFECT_TEST): number {
  const allNegative = (1 - p) ** k;
  return test.sensitivity * (1 - allNegative) + (1 - test.specificity) * allNegative;
}

/**
 * Dorfman two-stage: one pool test per k people, then everyone in a positive pool singly.
 * E = 1/k + 1 − q^k; with an imperfect test E ≈ 1/k + Se·(1 − q^k) + (1 − Sp)·q^k. k = 1 is single tubes.
 */
export function dorfmanTestsPerPerson(p: number, k: number, test: TestAccuracy = PERFECT_TEST): number {
  if (k === 1) return individualTestsPerPerson();
  return 1 / k + poolPositiveProbability(p, k, test);
}

/** Sub-pool sizes when a pool of k₁ is split into sub-pools of at most k₂, as evenly as possible. */
export function subPoolSizes(k1: number, k2: number): number[] {
  const count = Math.ceil(k1 / k2);
  const base = Math.floor(k1 / count);
  const larger = k1 - base * count;
  return Array.from({ length: count }, (_, i) => (i < larger ? base + 1 : base));
}

/**
 * Three-stage hierarchical pooling: a pool of k₁, its sub-pools of k₂ when it is positive, then the
 * members of positive sub-pools singly. When k₂ divides k₁: E = 1/k₁ + (1 − q^k₁)/k₂ + (1 − q^k₂).
 * Otherwise the sub-pools are split as evenly as possible (none larger than k₂) and summed exactly;
 * a sub-pool of one is already a single test and is not tested again.
 */
export function threeStageTestsPerPerson(p: number, k1: number, k2: number): number {
  if (!(k1 >= 3 && k2 >= 2 && k2 < k1)) throw new RangeError(`three-stage needs 2 ≤ k₂ < k₁ (k₁=${k1}, k₂=${k2})`);
  const q = 1 - p;
  const sizes = subPoolSizes(k1, k2);
  const secondStage = sizes.length * (1 - q ** k1);
  const thirdStage = sizes.reduce((sum, s) => sum + (s >= 2 ? s * (1 - q ** s) : 0), 0);
  return (1 + secondStage + thirdStage) / k1;
}

/** The best sub-pool size for a first-stage pool of k₁ (null when k₁ < 3: nothing to split). */
export function bestThreeStage(p: number, k1: number): { k2: number; testsPerPerson: number } | null {
  let best: { k2: number; testsPerPerson: number } | null = null;
  for (let k2 = 2; k2 < k1; k2++) {
    const sizes = subPoolSizes(k1, k2);
    // A split whose largest sub-pool is smaller than k₂ is the same split as that smaller k₂.
    if (Math.max(...sizes) !== k2) continue;
    const e = threeStageTestsPerPerson(p, k1, k2);
    if (!best || e < best.testsPerPerson - 1e-12) best = { k2, testsPerPerson: e };
  }
  return best;
}

/**
 * Square array n×n: n row pools and n column pools for n² people, then singly everyone whose row and
 * column are both positive. E = 2/n + 1 − 2qⁿ + q^(2n−1). Each pool holds n samples.
 */
export function squareArrayTestsPerPerson(p: number, n: number): number {
  if (!(n >= 2)) throw new RangeError(`square array needs n ≥ 2 (n=${n})`);
  const q = 1 - p;
  return 2 / n + 1 - 2 * q ** n + q ** (2 * n - 1);
}

/** Dilution raises a positive's Ct by about log₂(k): 3.32 at k = 10, 4.32 at k = 20. */
export function ctShift(k: number): number {
  return Math.log2(k);
}

/** Small-p approximation of Dorfman's optimum: k ≈ 1/√p + ½. */
export function approximateOptimalPoolSize(p: number): number {
  return 1 / Math.sqrt(p) + 0.5;
}

/** Small-p approximation of Dorfman's tests per person at the optimum: E ≈ 2√p. */
export function approximateOptimalTestsPerPerson(p: number): number {
  return 2 * Math.sqrt(p);
}

/** The Dorfman optimum over the given sizes (1 included always); ties go to the smaller pool. */
export function optimalDorfman(
  p: number,
  sizes: Iterable<number>,
  test: TestAccuracy = PERFECT_TEST,
): { k: number; testsPerPerson: number } {
  let best = { k: 1, testsPerPerson: individualTestsPerPerson() };
  for (const k of [...sizes].sort((a, b) => a - b)) {
    const e = dorfmanTestsPerPerson(p, k, test);
    if (e < best.testsPerPerson - 1e-12) best = { k, testsPerPerson: e };
  }
  return best;
}

/** Dorfman's optimum over every integer pool size, ignoring dilution and validated sizes. */
export function unconstrainedDorfmanOptimum(p: number): { k: number; testsPerPerson: number } {
  const limit = Math.min(100_000, Math.ceil(3 / Math.sqrt(p)) + 10);
  const sizes = Array.from({ length: limit - 1 }, (_, i) => i + 2);
  return optimalDorfman(p, sizes);
}

// ---- advisor input ------------------------------------------------------------------------------

export type SizeMode = 'validated' | 'any' | 'list';

export interface AdvisorOptions {
  prevalence: number;
  sizeMode: SizeMode;
  /** The candidate pool sizes (≥ 2), ascending. */
  sizes: number[];
  ctCutoff: number;
  typicalCt: number;
  /** When set, a pool size is allowed while its Ct shift is at most this (instead of cut-off − typical Ct). */
  maxCtShift: number | null;
  test: TestAccuracy;
}

/** Options as typed at a terminal or sent in a query string: all text, all optional. */
export interface RawAdvisorOptions {
  prevalence?: string;
  sizes?: string;
  ctCutoff?: string;
  typicalCt?: string;
  maxCtShift?: string;
  sensitivity?: string;
  specificity?: string;
}

const PREVALENCE_EXPECTED = [' 0 < p < 1，如 0.01、1% 或 10‰', '0 < p < 1, e.g. 0.01, 1% or 10‰'] as const;

/** `expected` says what would do, in both languages ([zh, en]): the zh message has no English in it. */
function invalid(option: string, value: unknown, [expectedZh, expected]: readonly [string, string]): AppError {
  const params = { option, value: value === undefined ? '—' : String(value), expected, expectedZh };
  // `option` also travels as a member of the problem document, so a form can mark the field.
  return new AppError('ADVISOR_INPUT_INVALID', params, { extra: { option } });
}

/** A finite number from text; "2%" and "5‰" are read as fractions when allowed. */
function parseNumber(text: string, fractions: boolean): number | null {
  const t = text.trim();
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(%|‰)?$/i.exec(t);
  if (!m || (m[2] && !fractions)) return null;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return null;
  return m[2] === '%' ? n / 100 : m[2] === '‰' ? n / 1000 : n;
}

function numberOption(
  raw: string | undefined,
  option: string,
  fallback: number,
  min: number,
  max: number,
  expected: readonly [string, string],
): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = parseNumber(raw, false);
  if (n === null || n < min || n > max) throw invalid(option, raw, expected);
  return n;
}

function accuracyOption(raw: string | undefined, option: string): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const n = parseNumber(raw, true);
  if (n === null || !(n > 0 && n <= 1)) throw invalid(option, raw, [' 0 < x ≤ 1 ', '0 < x ≤ 1']);
  return n;
}

/** The candidate sizes: 'validated' (default), 'any', or a list such as "5,10,20". */
export function parseSizes(raw: string | undefined, policy: PoolingPolicy): { sizeMode: SizeMode; sizes: number[] } {
  const { min, max } = policy.anySizeRange;
  const text = (raw ?? '').trim().toLowerCase();
  if (text === '' || text === 'validated')
    return { sizeMode: 'validated', sizes: [...policy.validatedPoolSizes].sort((a, b) => a - b) };
  if (text === 'any') return { sizeMode: 'any', sizes: Array.from({ length: max - min + 1 }, (_, i) => i + min) };
  const sizes = new Set<number>();
  for (const part of text.split(',')) {
    const k = Number(part.trim());
    if (!/^\d+$/.test(part.trim()) || k < min || k > max)
      throw invalid('sizes', raw, [
        `“validated”、“any”或以逗号分隔的 ${min}–${max} 之间的整数`,
        `validated, any, or integers ${min}–${max} separated by commas`,
      ]);
    sizes.add(k);
  }
  return { sizeMode: 'list', sizes: [...sizes].sort((a, b) => a - b) };
}

/** Reads and checks the advisor's options; throws ADVISOR_INPUT_INVALID naming the first bad option. */
export function parseAdvisorOptions(raw: RawAdvisorOptions, policy: PoolingPolicy): AdvisorOptions {
  if (raw.prevalence === undefined || raw.prevalence.trim() === '')
    throw invalid('prevalence', undefined, PREVALENCE_EXPECTED);
  const prevalence = parseNumber(raw.prevalence, true);
  if (prevalence === null || !(prevalence > 0 && prevalence < 1))
    throw invalid('prevalence', raw.prevalence, PREVALENCE_EXPECTED);
  const { sizeMode, sizes } = parseSizes(raw.sizes, policy);
  const ctCutoff = numberOption(raw.ctCutoff, 'ctCutoff', policy.dilution.ctCutoff, 10, 50, [
    ' 10 至 50 之间的 Ct 值',
    'a Ct from 10 to 50',
  ]);
  const typicalGiven = raw.typicalCt !== undefined && raw.typicalCt.trim() !== '';
  const typicalCt = numberOption(raw.typicalCt, 'typicalCt', policy.dilution.typicalPositiveCt, 5, 50, [
    ' 5 至 50 之间的 Ct 值',
    'a Ct from 5 to 50',
  ]);
  if (typicalCt >= ctCutoff) {
    // Name the option the user typed: a cut-off below the default typical Ct is the cut-off's fault.
    throw typicalGiven
      ? invalid('typicalCt', raw.typicalCt, [`低于判定阈值 ${ctCutoff} 的 Ct 值`, `a Ct below the cut-off ${ctCutoff}`])
      : invalid('ctCutoff', raw.ctCutoff, [
          `高于弱阳性样本 Ct ${typicalCt} 的值`,
          `a Ct above the typical positive Ct ${typicalCt}`,
        ]);
  }
  let maxCtShift: number | null = null;
  if (raw.maxCtShift !== undefined && raw.maxCtShift.trim() !== '') {
    if (typicalGiven)
      throw invalid('maxCtShift', raw.maxCtShift, [
        '弱阳性样本 Ct 与最大 Ct 偏移二者之一，不能同时填写',
        'either typicalCt or maxCtShift, not both',
      ]);
    maxCtShift = numberOption(raw.maxCtShift, 'maxCtShift', 0, 0, 20, [
      ' 0 至 20 个循环的偏移',
      'a shift from 0 to 20 cycles',
    ]);
  }
  return {
    prevalence,
    sizeMode,
    sizes,
    ctCutoff,
    typicalCt,
    maxCtShift,
    test: {
      sensitivity: accuracyOption(raw.sensitivity, 'sensitivity'),
      specificity: accuracyOption(raw.specificity, 'specificity'),
    },
  };
}

// ---- the advisor ---------------------------------------------------------------------------------

/** Whether a pool of k keeps a weak positive detectable: its diluted Ct stays below the cut-off. */
export function dilutionAllows(k: number, o: Pick<AdvisorOptions, 'ctCutoff' | 'typicalCt' | 'maxCtShift'>): boolean {
  if (k === 1) return true;
  const shift = ctShift(k);
  if (o.maxCtShift !== null) return shift <= o.maxCtShift + 1e-9;
  return o.typicalCt + shift < o.ctCutoff;
}

export interface AdvisorRow {
  k: number;
  dorfman: number;
  /** Best three-stage over the sub-pool size; null for k < 3. */
  threeStage: number | null;
  threeStageSubPool: number | null;
  /** A k×k array; null for k = 1. */
  squareArray: number | null;
  /** First-stage tubes (pools, or single tubes at k = 1) per 10,000 people. */
  tubesPer10k: number;
  /** Expected single-tube re-tests per 10,000 people (= people in positive pools, put under control). */
  retestsPer10k: number;
  ctShift: number;
  /** A weak positive's Ct after dilution. */
  dilutedCt: number;
  allowed: boolean;
}

export type RecommendationReason =
  | 'lowest_expected_tests' // the allowed size with the fewest tests per person
  | 'prevalence_above_threshold' // p ≥ 30.7 %: no pool size can save tests
  | 'no_gain' // no allowed size saves tests at this prevalence
  | 'ct_dilution' // every size that would save tests dilutes a weak positive past the cut-off
  | 'mandated_single_tube' // the control level requires single tubes
  | 'capped_by_mandate'; // a larger size would save more, but the control level caps it

export interface Recommendation {
  poolSize: number;
  testsPerPerson: number;
  /** Tests saved against single tubes, as a fraction (0.8 = 80 % fewer tests). */
  saving: number;
  reason: RecommendationReason;
}

export interface ControlLevelAdvice extends Recommendation {
  controlLevel: ControlLevel;
  mandatedPoolSize: number;
  householdTube: boolean;
}

export interface AdvisorResult {
  prevalence: number;
  sizeMode: SizeMode;
  ctCutoff: number;
  typicalCt: number;
  maxCtShift: number | null;
  sensitivity: number;
  specificity: number;
  threshold: number;
  rows: AdvisorRow[];
  recommendation: Recommendation;
  controlLevels: ControlLevelAdvice[];
  theory: {
    approximateOptimalPoolSize: number;
    approximateTestsPerPerson: number;
    optimalPoolSize: number | null;
    optimalTestsPerPerson: number;
  };
  rules: { version: string; effectiveFrom: string };
}

export function advisorRow(k: number, o: AdvisorOptions): AdvisorRow {
  const p = o.prevalence;
  const three = k >= 3 ? bestThreeStage(p, k) : null;
  const shift = ctShift(k);
  return {
    k,
    dorfman: dorfmanTestsPerPerson(p, k, o.test),
    threeStage: three?.testsPerPerson ?? null,
    threeStageSubPool: three?.k2 ?? null,
    squareArray: k >= 2 ? squareArrayTestsPerPerson(p, k) : null,
    tubesPer10k: Math.ceil(10_000 / k),
    retestsPer10k: k === 1 ? 0 : 10_000 * poolPositiveProbability(p, k, o.test),
    ctShift: shift,
    dilutedCt: o.typicalCt + shift,
    allowed: dilutionAllows(k, o),
  };
}

/**
 * The advice for a pool-size cap (the control level's mandated size; Infinity for none): the allowed
 * candidate size up to the cap with the fewest expected Dorfman tests per person, and why.
 */
export function recommend(o: AdvisorOptions, cap: number = Infinity): Recommendation {
  const single = (reason: RecommendationReason): Recommendation => ({
    poolSize: 1,
    testsPerPerson: 1,
    saving: 0,
    reason,
  });
  if (cap <= 1) return single('mandated_single_tube');
  if (o.prevalence >= POOLING_THRESHOLD) return single('prevalence_above_threshold');
  const underCap = o.sizes.filter((k) => k <= cap);
  const chosen = optimalDorfman(
    o.prevalence,
    underCap.filter((k) => dilutionAllows(k, o)),
    o.test,
  );
  if (chosen.k === 1) {
    const ignoringDilution = optimalDorfman(o.prevalence, underCap, o.test);
    return single(ignoringDilution.k > 1 ? 'ct_dilution' : 'no_gain');
  }
  const uncapped = optimalDorfman(
    o.prevalence,
    o.sizes.filter((k) => dilutionAllows(k, o)),
    o.test,
  );
  return {
    poolSize: chosen.k,
    testsPerPerson: chosen.testsPerPerson,
    saving: 1 - chosen.testsPerPerson,
    reason: uncapped.k > chosen.k ? 'capped_by_mandate' : 'lowest_expected_tests',
  };
}

export function controlLevelAdvice(o: AdvisorOptions, policy: PoolingPolicy): ControlLevelAdvice[] {
  return CONTROL_LEVELS.map((controlLevel) => {
    const { poolSize, householdTube } = policy.controlLevels[controlLevel];
    return { controlLevel, mandatedPoolSize: poolSize, householdTube, ...recommend(o, poolSize) };
  });
}

/** The advisor's table (single tubes first, then each candidate size) and its recommendation. */
export function advise(o: AdvisorOptions, policy: PoolingPolicy): AdvisorResult {
  const optimum = unconstrainedDorfmanOptimum(o.prevalence);
  return {
    prevalence: o.prevalence,
    sizeMode: o.sizeMode,
    ctCutoff: o.ctCutoff,
    typicalCt: o.typicalCt,
    maxCtShift: o.maxCtShift,
    sensitivity: o.test.sensitivity,
    specificity: o.test.specificity,
    threshold: POOLING_THRESHOLD,
    rows: [1, ...o.sizes].map((k) => advisorRow(k, o)),
    recommendation: recommend(o),
    controlLevels: controlLevelAdvice(o, policy),
    theory: {
      approximateOptimalPoolSize: approximateOptimalPoolSize(o.prevalence),
      approximateTestsPerPerson: approximateOptimalTestsPerPerson(o.prevalence),
      optimalPoolSize: optimum.k > 1 ? optimum.k : null,
      optimalTestsPerPerson: optimum.testsPerPerson,
    },
    rules: { version: policy.version, effectiveFrom: policy.effectiveFrom },
  };
}

// ---- planning a round ----------------------------------------------------------------------------

export interface RoundArea {
  areaId: string;
  name: string;
  population: number;
  controlLevel: ControlLevel;
}

export interface RoundPlanInput extends Partial<Omit<AdvisorOptions, 'prevalence'>> {
  areas: readonly RoundArea[];
  prevalence: number;
}

export interface AreaPlan extends RoundArea {
  mandatedPoolSize: number;
  householdTube: boolean;
  recommendedPoolSize: number;
  reason: RecommendationReason;
  testsPerPerson: number;
  /** First-stage tubes: pools, or single tubes at 1:1. */
  expectedTubes: number;
  /** Tubes expected to read positive (suspected-positive pools, or positive single tubes at 1:1). */
  expectedPositiveTubes: number;
  /** Single-tube re-tests of the members of positive pools (none at 1:1). */
  expectedRetests: number;
  /** Members of positive pools, put under in-place control until their re-tests come back. */
  expectedControlled: number;
  /** Tubes plus re-tests. */
  expectedTests: number;
}

export interface RoundPlan {
  areas: AreaPlan[];
  totals: {
    population: number;
    expectedTubes: number;
    expectedPositiveTubes: number;
    expectedRetests: number;
    expectedControlled: number;
    expectedTests: number;
    testsPerPerson: number;
  };
}

/** The advisor's options for a round, the policy's defaults filling what the input leaves out. */
function roundOptions(input: RoundPlanInput, policy: PoolingPolicy): AdvisorOptions {
  if (!(input.prevalence > 0 && input.prevalence < 1))
    throw invalid('prevalence', input.prevalence, [' 0 < p < 1 ', '0 < p < 1']);
  return {
    prevalence: input.prevalence,
    sizeMode: input.sizeMode ?? 'validated',
    sizes: input.sizes ? [...input.sizes].sort((a, b) => a - b) : [...policy.validatedPoolSizes].sort((a, b) => a - b),
    ctCutoff: input.ctCutoff ?? policy.dilution.ctCutoff,
    typicalCt: input.typicalCt ?? policy.dilution.typicalPositiveCt,
    maxCtShift: input.maxCtShift ?? null,
    test: input.test ?? PERFECT_TEST,
  };
}

/**
 * Per area: the pool size its control level mandates, the advisor's size (never above the mandate,
 * never below 1), and what the round should expect — tubes, positive tubes, re-tests and people put
 * under in-place control — with the totals.
 */
export function planRound(input: RoundPlanInput, policy: PoolingPolicy): RoundPlan {
  const o = roundOptions(input, policy);
  const seen = new Set<string>();
  input.areas.forEach((a, i) => {
    if (typeof a.areaId !== 'string' || a.areaId === '' || seen.has(a.areaId))
      throw invalid(`areas[${i}].areaId`, a.areaId, ['不重复的区域编号', 'a distinct area id']);
    seen.add(a.areaId);
    if (!Number.isInteger(a.population) || a.population < 0)
      throw invalid(`areas[${i}].population`, a.population, ['不小于 0 的整数', 'a whole number ≥ 0']);
    if (!(CONTROL_LEVELS as readonly string[]).includes(a.controlLevel))
      throw invalid(`areas[${i}].controlLevel`, a.controlLevel, [CONTROL_LEVELS.join('、'), CONTROL_LEVELS.join(', ')]);
  });
  const areas = input.areas.map((a): AreaPlan => {
    const { poolSize: mandated, householdTube } = policy.controlLevels[a.controlLevel];
    const advice = recommend(o, mandated);
    const k = advice.poolSize;
    const positive = poolPositiveProbability(o.prevalence, k, o.test);
    const expectedTubes = Math.ceil(a.population / k);
    const expectedRetests = k === 1 ? 0 : a.population * positive;
    return {
      ...a,
      mandatedPoolSize: mandated,
      householdTube,
      recommendedPoolSize: k,
      reason: advice.reason,
      testsPerPerson: advice.testsPerPerson,
      expectedTubes,
      expectedPositiveTubes: (a.population / k) * positive,
      expectedRetests,
      expectedControlled: expectedRetests,
      expectedTests: expectedTubes + expectedRetests,
    };
  });
  const sum = (f: (a: AreaPlan) => number) => areas.reduce((s, a) => s + f(a), 0);
  const population = sum((a) => a.population);
  const expectedTests = sum((a) => a.expectedTests);
  return {
    areas,
    totals: {
      population,
      expectedTubes: sum((a) => a.expectedTubes),
      expectedPositiveTubes: sum((a) => a.expectedPositiveTubes),
      expectedRetests: sum((a) => a.expectedRetests),
      expectedControlled: sum((a) => a.expectedControlled),
      expectedTests,
      testsPerPerson: population ? expectedTests / population : 0,
    },
  };
}
