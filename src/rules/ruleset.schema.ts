// The shape of a rule set (防控方案 edition) file under rules/rulesets/, its error codes, and the
// request and response schemas of the rule-set routes. Cross-field checks live in ruleset.load.ts.
import { Type, type Static } from '@sinclair/typebox';
import { Literals, NoteText } from '../platform/http.ts';
import { defineErrors } from '../platform/errors.ts';

export const RuleSetErrors = defineErrors({
  RULESET_INVALID: {
    status: 422,
    zh: '规则集文件 {file} 无效：{path} {problem}',
    en: 'Rule set file {file} is invalid: {path} {problem}',
  },
  RULESET_FIELD_INVALID: { status: 422, zh: '{problem}', en: '{problem}' },
  RULESET_NOT_FOUND: { status: 404, zh: '找不到规则集 {id}', en: 'Rule set {id} not found' },
  RULESET_NONE_IN_FORCE: { status: 404, zh: '{date} 没有生效的规则集', en: 'No rule set is in force on {date}' },
  RULESET_REASON_REQUIRED: {
    status: 400,
    zh: '切换规则集必须填写事由',
    en: 'A reason is required to change the rule set',
  },
  RISK_LEVEL_UNKNOWN: {
    status: 400,
    zh: '规则集 {ruleSet} 没有 {level} 风险等级',
    en: 'Rule set {ruleSet} has no {level} risk level',
  },
  CONTACT_WINDOW_ANCHOR_MISSING: {
    status: 400,
    zh: '需要发病时间或首次阳性采样时间',
    en: 'A symptom onset time or a first positive sampling time is required',
  },
  CONTACT_WINDOW_ANCHOR_IN_FUTURE: {
    status: 400,
    zh: '发病或采样时间不能晚于当前时间',
    en: 'The onset or sampling time cannot be in the future',
  },
});

/** The facts a colour rule can rest on (RULES.md §2). */
export const FACT_KINDS = [
  'confirmed', // 确诊病例
  'asymptomatic', // 无症状感染者
  'suspected', // 疑似病例
  'close_contact', // 密切接触者
  'centralised_quarantine', // 集中隔离
  'home_quarantine', // 居家隔离
  'secondary_contact', // 次密切接触者
  'fever', // 发热或其他症状
  'risk_area_arrival_pending_test', // 中高风险区来返人员待检
  'pooled_positive_pending_retest', // 混管可疑阳性待单采复核
  'space_time_companion', // 时空伴随者
  'test_overdue', // 未按要求检测
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** The groups a management schedule can be written for. */
export const MANAGED_GROUPS = [
  'close_contact',
  'secondary_contact',
  'high_risk_arrival',
  'medium_risk_arrival',
] as const;
export type ManagedGroup = (typeof MANAGED_GROUPS)[number];

export const RISK_LEVELS = ['high', 'medium', 'low'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** One of the listed strings, typed as their union. */
const Text = Type.String({ minLength: 1 });
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a date YYYY-MM-DD' });
const Days = (minimum = 0) => Type.Integer({ minimum, maximum: 60 });
const DayList = Type.Array(Type.Integer({ minimum: 1, maximum: 60 }), { uniqueItems: true });
const Strict = { additionalProperties: false } as const;

export const EndCondition = Type.Union([
  Type.Object({ kind: Type.Literal('quarantine_end') }, Strict),
  Type.Object({ kind: Type.Literal('released') }, Strict),
  Type.Object(
    {
      kind: Type.Literal('negative_tests'),
      count: Type.Integer({ minimum: 1, maximum: 10 }),
      minHoursApart: Type.Integer({ minimum: 0, maximum: 168 }),
    },
    Strict,
  ),
  Type.Object({ kind: Type.Literal('days'), days: Days(1) }, Strict),
]);
export type EndCondition = Static<typeof EndCondition>;

export const ColourRule = Type.Object(
  {
    /** Names the rule in every decision it makes. */
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }),
    colour: Literals(['red', 'yellow'] as const),
    when: Literals(FACT_KINDS),
    endsWhen: EndCondition,
  },
  Strict,
);
export type ColourRule = Static<typeof ColourRule>;

export const ManagementSchedule = Type.Object(
  {
    centralisedDays: Days(),
    homeDays: Days(),
    /** What the home days are: quarantine (red) or health monitoring after it. */
    homeKind: Literals(['home_quarantine', 'home_health_monitoring'] as const),
    /** Day numbers within each phase; day 1 is the first day after the phase starts. */
    testDays: Type.Object({ centralised: DayList, home: DayList }, Strict),
  },
  Strict,
);
export type ManagementSchedule = Static<typeof ManagementSchedule>;

export const Downgrade = Type.Object(
  {
    from: Literals(RISK_LEVELS),
    to: Literals(RISK_LEVELS),
    /** Consecutive days with no new case in the area. */
    daysWithoutCase: Days(1),
    /** Days the area must have held its current level (the "3 more days" of medium → low). */
    minDaysAtLevel: Type.Optional(Days(1)),
    /** A negative mass-testing round must have been done on this day without a case. */
    negativeRoundOnDay: Type.Optional(Days(1)),
  },
  Strict,
);
export type Downgrade = Static<typeof Downgrade>;

export const RuleSetSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }),
    version: Text,
    name: Type.Object({ zh: Text, en: Text }, Strict),
    effectiveFrom: DateText,
    source: Text,
    /** Where a figure is this file's choice rather than the source's, and why. */
    notes: Type.Array(Text),
    closeContact: Type.Object(
      {
        lookBackDays: Days(),
        from: Type.Literal('onset_or_first_positive_sampling'),
        until: Type.Literal('isolation'),
      },
      Strict,
    ),
    venueCoPresence: Type.Object(
      {
        minimumOverlapMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
        /** Visits shorter than the first figure are dropped; the rest end later by min(duration × factor, cap). */
        padding: Type.Object(
          {
            dropVisitsShorterThanMinutes: Type.Integer({ minimum: 0, maximum: 24 * 60 }),
            padFactor: Type.Number({ minimum: 0, maximum: 10 }),
            padCapMinutes: Type.Integer({ minimum: 0, maximum: 24 * 60 }),
          },
          Strict,
        ),
        closeCategories: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
        generalCategories: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
      },
      Strict,
    ),
    secondaryContacts: Type.Object(
      {
        identified: Type.Boolean(),
        management: Type.Optional(Literals(MANAGED_GROUPS)),
      },
      Strict,
    ),
    management: Type.Object(
      {
        close_contact: ManagementSchedule,
        secondary_contact: Type.Optional(ManagementSchedule),
        high_risk_arrival: Type.Optional(ManagementSchedule),
        medium_risk_arrival: Type.Optional(ManagementSchedule),
      },
      Strict,
    ),
    riskAreas: Type.Object(
      {
        levels: Type.Array(Literals(RISK_LEVELS), { minItems: 2, uniqueItems: true }),
        designationUnits: Type.Array(Literals(['building', 'community', 'street'] as const), {
          minItems: 1,
          uniqueItems: true,
        }),
        /** How far back an arrival's stay in a risk area counts. */
        arrivalLookBackDays: Days(1),
        arrivals: Type.Object(
          {
            high: Type.Optional(Literals(MANAGED_GROUPS)),
            medium: Type.Optional(Literals(MANAGED_GROUPS)),
          },
          Strict,
        ),
        downgrades: Type.Array(Downgrade),
      },
      Strict,
    ),
    release: Type.Object(
      {
        ctThreshold: Type.Number({ minimum: 20, maximum: 45 }),
        genes: Type.Array(Text, { minItems: 1, uniqueItems: true }),
        tests: Type.Integer({ minimum: 1, maximum: 5 }),
        minHoursApart: Type.Integer({ minimum: 0, maximum: 168 }),
        homeMonitoringDays: Days(),
      },
      Strict,
    ),
    colourRules: Type.Array(ColourRule, { minItems: 1 }),
    /** More people than this recoloured in one action needs a command-centre approval (circuit breaker). */
    massRecolourThreshold: Type.Integer({ minimum: 1 }),
  },
  Strict,
);
export type RuleSet = Static<typeof RuleSetSchema>;

// ---- HTTP -------------------------------------------------------------------------------------

export const RuleSetSummary = Type.Object({
  id: Type.String(),
  version: Type.String(),
  name: Type.Object({ zh: Type.String(), en: Type.String() }),
  effectiveFrom: Type.String(),
  active: Type.Boolean(),
});
export type RuleSetSummary = Static<typeof RuleSetSummary>;

export const RuleSetList = Type.Object({
  items: Type.Array(RuleSetSummary),
  /** True when an administrator chose the active set; false when it is the edition in force today. */
  chosen: Type.Boolean(),
});

export const RuleSetIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const ActivateBody = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  reason: Type.Optional(NoteText({ maxLength: 1000 })),
});

export const ActivateResult = Type.Object({
  id: Type.String(),
  version: Type.String(),
  previous: Type.Union([Type.String(), Type.Null()]),
});
