// Error codes of risk areas, and the request and response shapes of their routes. The public list is
// a whitelist of place, level, dates and rule: it carries no personal data and no counts of people.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { RISK_LEVELS } from '../rules/ruleset.schema.ts';
import { HISTORY_KINDS, RISK_AREA_STATUSES, RISK_AREA_UNITS } from './riskareas.rules.ts';
import { Literals, Nullable, NoteText } from '../platform/http.ts';

export const RiskAreaErrors = defineErrors({
  RISK_AREA_NOT_FOUND: { status: 404, zh: '找不到该风险区', en: 'Risk area not found' },
  RISK_AREA_TARGET_NOT_FOUND: { status: 404, zh: '找不到要划定的{unit}', en: 'The {unit} to designate was not found' },
  RISK_AREA_TARGET_LEVEL_MISMATCH: {
    status: 400,
    zh: '{name} 是 {actual} 级区域，不能按 {unit} 划定',
    en: '{name} is a {actual}, not a {unit}',
  },
  RISK_AREA_UNIT_NOT_IN_RULESET: {
    status: 400,
    zh: '规则集 {ruleSet} 只按 {units} 划定风险区，不按 {unit}',
    en: 'Rule set {ruleSet} designates risk areas by {units}, not by {unit}',
  },
  RISK_AREA_REASON_REQUIRED: { status: 400, zh: '必须填写划定或调整的理由', en: 'A reason is required' },
  RISK_AREA_LEGAL_BASIS_REQUIRED: { status: 400, zh: '必须填写法律或文件依据', en: 'A legal basis is required' },
  RISK_AREA_SAME_LEVEL: { status: 409, zh: '该区域已是{level}风险区', en: 'The area is already at level {level}' },
  RISK_AREA_NOT_ACTIVE: {
    status: 409,
    zh: '该风险区当前未生效，无需解除',
    en: 'The risk area is not in force: there is nothing to lift',
  },
  RISK_AREA_CHANGE_PENDING: {
    status: 409,
    zh: '该风险区有一项调整正在等待指挥部审批（{approvalId}）',
    en: 'A change of this risk area is waiting for a command-centre approval ({approvalId})',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Text = NoteText({ maxLength: 2000 });
export const Level = Literals(RISK_LEVELS);
export const Target = Literals([...RISK_LEVELS, 'lifted'] as const);

export const IdParams = Type.Object({ id: Id });

export const DesignateBody = Type.Object(
  {
    unit: Literals(RISK_AREA_UNITS),
    /** A building id for a building; an area id (or its code) for a community or street. */
    targetId: Id,
    level: Level,
    reason: Text,
    legalBasis: Text,
  },
  { additionalProperties: false },
);
export type DesignateBody = Static<typeof DesignateBody>;

export const LiftBody = Type.Object({ reason: Text, legalBasis: Text }, { additionalProperties: false });
export type LiftBody = Static<typeof LiftBody>;

export const ListQuery = Type.Object({
  status: Type.Optional(Literals(RISK_AREA_STATUSES)),
  level: Type.Optional(Level),
  /** Only designations inside this area's subtree. */
  areaId: Type.Optional(Id),
  /** Words that must each appear in the name, the compound (小区) or the building's name: "瑞景 1号楼". */
  q: Type.Optional(Type.String({ maxLength: 100 })),
});
export type ListQuery = Static<typeof ListQuery>;

const RuleRef = Type.Object({ id: Type.String(), version: Type.String() });

export const LiftingRuleSchema = Type.Object({
  to: Level,
  daysWithoutCase: Type.Integer(),
  minDaysAtLevel: Nullable(Type.Integer()),
  negativeRoundOnDay: Nullable(Type.Integer()),
});

export const PendingSchema = Type.Object({
  level: Target,
  approvalId: Type.String(),
  reason: Type.String(),
  legalBasis: Type.String(),
  by: Nullable(Type.String()),
  at: Type.Integer(),
});

export const RiskAreaSchema = Type.Object({
  id: Type.String(),
  unit: Literals(RISK_AREA_UNITS),
  targetId: Type.String(),
  buildingId: Nullable(Type.String()),
  areaId: Type.String(),
  areaName: Type.String(),
  /** District, street and community names above the unit, top first. */
  place: Type.Array(Type.String()),
  /** As a citizen knows the place: "瑞景家园 1号楼" for a building, the area's name otherwise. */
  name: Type.String(),
  /** A building's residential compound (小区) and its own name; null for an area (or no compound known). */
  compound: Nullable(Type.String()),
  building: Nullable(Type.String()),
  status: Literals(RISK_AREA_STATUSES),
  level: Nullable(Level),
  levelSince: Nullable(Type.Integer()),
  episodeStart: Nullable(Type.Integer()),
  reason: Type.String(),
  legalBasis: Type.String(),
  ruleSet: RuleRef,
  pending: Nullable(PendingSchema),
  /** The rule of the active rule set that lowers the level in force; null when none. */
  liftingRule: Nullable(LiftingRuleSchema),
  /** People whose stay or residence made them arrivals of this area (counts only). */
  arrivals: Type.Object({ total: Type.Integer(), active: Type.Integer() }),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type RiskAreaView = Static<typeof RiskAreaSchema>;

export const HistorySchema = Type.Object({
  kind: Literals(HISTORY_KINDS),
  from: Nullable(Type.String()),
  to: Type.String(),
  at: Type.Integer(),
  actorName: Type.String(),
  manual: Type.Boolean(),
  reason: Type.String(),
  legalBasis: Type.String(),
  ruleSet: RuleRef,
  rule: Nullable(Type.String()),
  evidence: Type.Record(Type.String(), Type.Unknown()),
});
export type HistoryView = Static<typeof HistorySchema>;

export const DetailSchema = Type.Object({ riskArea: RiskAreaSchema, history: Type.Array(HistorySchema) });

export const OutcomeSchema = Type.Object({
  /** False: the change is held for a command-centre approval (circuit breaker). */
  applied: Type.Boolean(),
  pendingApprovalId: Nullable(Type.String()),
  /** People whose arrival facts this change added, updated or ended. */
  people: Type.Integer(),
  colourChanges: Type.Integer(),
  /** False while the health-code module is not installed: arrivals are recorded, facts follow later. */
  healthAvailable: Type.Boolean(),
});
export type OutcomeView = Static<typeof OutcomeSchema>;

export const ChangeResultSchema = Type.Object({ riskArea: RiskAreaSchema, outcome: OutcomeSchema });

export const DowngradeRunSchema = Type.Object({
  ruleSet: RuleRef,
  at: Type.Integer(),
  checked: Type.Integer(),
  changes: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      from: Level,
      to: Level,
      rule: Type.String(),
      history: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  waiting: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      level: Level,
      reason: Type.String(),
      history: Nullable(Type.Record(Type.String(), Type.Unknown())),
    }),
  ),
  /** Arrivals newly found by the sweep that runs with the downgrades. */
  newArrivals: Type.Integer(),
  /** Held changes whose approval was decided since the last run. */
  resolved: Type.Integer(),
});

export const PublicItemSchema = Type.Object({
  id: Type.String(),
  unit: Literals(RISK_AREA_UNITS),
  /** As a citizen knows the place: "瑞景家园 1号楼" for a building, the area's name otherwise. */
  name: Type.String(),
  /** A building's residential compound (小区) and its own name; null for an area (or no compound known). */
  compound: Nullable(Type.String()),
  building: Nullable(Type.String()),
  /** District, street and community names above the unit, top first. */
  areaNames: Type.Array(Type.String()),
  level: Level,
  since: Type.Integer(),
  liftingRule: Nullable(LiftingRuleSchema),
});

export const PublicListSchema = Type.Object({
  ruleSet: Type.Object({
    id: Type.String(),
    version: Type.String(),
    name: Type.Object({ zh: Type.String(), en: Type.String() }),
  }),
  items: Type.Array(PublicItemSchema),
  updatedAt: Type.Integer(),
});

export const TreeNodeSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  parentId: Nullable(Type.String()),
  /** The area's own designation, when it is one. */
  riskAreaId: Nullable(Type.String()),
  riskLevel: Nullable(Level),
  status: Nullable(Literals(RISK_AREA_STATUSES)),
  /** Designations in force strictly below the area (buildings included), by level. */
  below: Type.Object({ high: Type.Integer(), medium: Type.Integer(), low: Type.Integer() }),
});
export const TreeSchema = Type.Object({
  items: Type.Array(TreeNodeSchema),
  /** What the active rule set lets the command centre designate. */
  ruleSet: Type.Object({ id: Type.String(), version: Type.String() }),
  units: Type.Array(Literals(RISK_AREA_UNITS)),
  levels: Type.Array(Level),
});
export type TreeNode = Static<typeof TreeNodeSchema>;
