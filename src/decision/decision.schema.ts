// Error codes of decision support, and the request and answer shapes of its routes: Rt by day with its
// credible interval, the serial interval used (and the city's own pairs), the stored projections with
// their bands, demand and scores.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, Nullable } from '../platform/http.ts';

export const DecisionErrors = defineErrors({
  DECISION_SI_MEAN: {
    status: 400,
    zh: '代际间隔均值须大于 1 天（参数分布）或大于 0（离散分布）',
    en: 'The serial interval mean must be above 1 day (parametric) or above 0 (discrete)',
  },
  DECISION_SI_SD: { status: 400, zh: '代际间隔标准差须大于 0', en: 'The serial interval sd must be positive' },
  DECISION_SI_DISCRETE: {
    status: 400,
    zh: '离散代际间隔分布无效：各概率须非负、第 0 天为 0、总和为 1',
    en: 'The discrete serial interval is invalid: probabilities non-negative, 0 on day 0, summing to 1',
  },
  DECISION_WINDOW: { status: 400, zh: '滑动窗口须为 1 至 28 天', en: 'The sliding window must be 1 to 28 days' },
  DECISION_TOO_FEW_CASES: {
    status: 409,
    zh: '最近窗口内本地病例太少（{cases} 例，至少需 {min} 例），无法估计实时再生数，也无法预测',
    en: 'Too few local cases in the latest window ({cases}, at least {min} needed): no Rt estimate, no projection',
  },
  DECISION_PROJECTION_NOT_FOUND: { status: 404, zh: '找不到该预测', en: 'Projection not found' },
});

const Estimate = Type.Object({
  mean: Type.Number(),
  sd: Type.Number(),
  shape: Type.Number(),
  scale: Type.Number(),
  q025: Type.Number(),
  q25: Type.Number(),
  q50: Type.Number(),
  q75: Type.Number(),
  q975: Type.Number(),
});

export const RT_REASONS = ['too_few_cases', 'no_infectiousness', 'before_window'] as const;

const AreaItem = Type.Object({ id: Type.String(), name: Type.String(), level: Type.String() });

export const SerialIntervalSchema = Type.Object({
  /** rule: the rule file's; pairs: the city's own infector–infectee pairs; request: given with the request. */
  source: Literals(['rule', 'pairs', 'request'] as const),
  kind: Literals(['parametric', 'discrete'] as const),
  mean: Type.Number(),
  sd: Type.Number(),
  /** w_0, w_1, … (w_0 = 0). */
  distribution: Type.Array(Type.Number()),
  pairs: Type.Object({
    pairs: Type.Integer(),
    used: Type.Integer(),
    mean: Nullable(Type.Number()),
    sd: Nullable(Type.Number()),
    minPairs: Type.Integer(),
  }),
});

export const RtViewSchema = Type.Object({
  area: AreaItem,
  /** The actor's area and the districts under it: the page's choices. */
  areas: Type.Array(AreaItem),
  ruleVersion: Type.String(),
  window: Type.Integer(),
  prior: Type.Object({ shape: Type.Number(), scale: Type.Number() }),
  minCases: Type.Integer(),
  serialInterval: SerialIntervalSchema,
  /** Cases placed by sample or report day for want of an onset. */
  withoutOnset: Type.Integer(),
  days: Type.Array(
    Type.Object({
      date: Type.String(),
      local: Type.Integer(),
      imported: Type.Integer(),
      /** Local cases and infectiousness of the window ending this day. */
      windowCases: Type.Integer(),
      infectiousness: Type.Number(),
      rt: Nullable(Estimate),
      reason: Nullable(Literals(RT_REASONS)),
    }),
  ),
  latest: Nullable(Type.Object({ date: Type.String(), rt: Estimate })),
});
export type RtView = Static<typeof RtViewSchema>;

export const RtQuery = Type.Object({
  areaId: Type.Optional(Type.String()),
  window: Type.Optional(Type.Integer()),
  siMean: Type.Optional(Type.Number()),
  siSd: Type.Optional(Type.Number()),
  /** A discrete serial interval, comma-separated probabilities from day 0. */
  siDistribution: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type RtQuery = Static<typeof RtQuery>;

export const ProjectionBody = Type.Object({
  areaId: Type.Optional(Type.String()),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
  window: Type.Optional(Type.Integer()),
  siMean: Type.Optional(Type.Number()),
  siSd: Type.Optional(Type.Number()),
});
export type ProjectionBody = Static<typeof ProjectionBody>;

const DemandRow = Type.Object({
  cases: Type.Number(),
  contacts: Type.Integer(),
  roomDays: Type.Integer(),
  beds: Type.Integer(),
});

export const ProjectionSchema = Type.Object({
  id: Type.String(),
  area: Type.Object({ id: Type.String(), name: Type.String() }),
  createdAt: Type.Number(),
  firstDay: Type.String(),
  horizon: Type.Integer(),
  seed: Type.Integer(),
  trajectories: Type.Integer(),
  rt: Type.Object({ date: Type.String(), mean: Type.Number(), q025: Type.Number(), q975: Type.Number() }),
  serialInterval: Type.Object({ source: Type.String(), mean: Type.Number(), sd: Type.Number() }),
  days: Type.Array(
    Type.Object({
      date: Type.String(),
      median: Type.Number(),
      q025: Type.Number(),
      q25: Type.Number(),
      q75: Type.Number(),
      q975: Type.Number(),
      /** What happened (local cases by onset), once scored. */
      observed: Nullable(Type.Integer()),
    }),
  ),
  demand: Type.Object({
    lookBackDays: Type.Integer(),
    casesInLookBack: Type.Integer(),
    contactsPerCase: Type.Number(),
    centralisedDays: Type.Integer(),
    bedShare: Type.Number(),
    bedDays: Type.Integer(),
    /** Over the horizon, from the median and from the top of the 95 % band. */
    median: DemandRow,
    high: DemandRow,
  }),
  score: Nullable(
    Type.Object({
      scoredAt: Type.Number(),
      days: Type.Integer(),
      coverage50: Type.Number(),
      coverage95: Type.Number(),
      wis: Type.Number(),
    }),
  ),
});
export type ProjectionView = Static<typeof ProjectionSchema>;

export const ProjectionListQuery = Type.Object({
  areaId: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type ProjectionListQuery = Static<typeof ProjectionListQuery>;

export const ProjectionList = Type.Object({ items: Type.Array(ProjectionSchema) });

export const ProjectionIdParams = Type.Object({ id: Type.String() });
