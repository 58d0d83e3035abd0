// Error codes of the health code, and the request and response shapes of its routes. The response
// schemas are the whitelist: names are masked, facts carry evidence without raw personal data.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { EndCondition, FACT_KINDS } from '../rules/ruleset.schema.ts';
import { Literals, Nullable, NoteText } from '../platform/http.ts';
import { BASIS_KINDS } from './basis.rules.ts';

export const HealthErrors = defineErrors({
  HEALTH_PERSON_NOT_FOUND: { status: 404, zh: '找不到该人员', en: 'Person not found' },
  HEALTH_LEGAL_BASIS_REQUIRED: {
    status: 400,
    zh: '人工变更健康码必须写明法律依据（至少 {min} 个字）',
    en: 'A manual colour change needs a written legal basis (at least {min} characters)',
  },
  HEALTH_REASON_REQUIRED: { status: 400, zh: '必须填写事由', en: 'A reason is required' },
  HEALTH_OVERRIDE_END_INVALID: {
    status: 400,
    zh: '结束时间必须晚于现在且不超过 {days} 天',
    en: 'The end time must be after now and at most {days} days ahead',
  },
  HEALTH_OVERRIDE_NOT_FOUND: { status: 404, zh: '找不到该变更申请', en: 'Change request not found' },
  HEALTH_OVERRIDE_NOT_PENDING: {
    status: 409,
    zh: '该变更申请已处理',
    en: 'This change request has already been decided',
  },
  HEALTH_SAME_USER: {
    status: 403,
    zh: '申请人不能批准自己的申请：需要另一名有权限的人员',
    en: 'The requester cannot approve their own request: another authorised user must',
  },
  HEALTH_APPROVAL_NOT_FOUND: { status: 404, zh: '找不到该审批', en: 'Approval not found' },
  HEALTH_APPROVAL_NOT_PENDING: { status: 409, zh: '该审批已处理', en: 'This approval has already been decided' },
  HEALTH_NOT_RESIDENT: {
    status: 403,
    zh: '只有居民本人可以查看或申诉自己的健康码',
    en: 'Only the resident can see or appeal their own colour',
  },
  APPEAL_NOT_FOUND: { status: 404, zh: '找不到该申诉', en: 'Appeal not found' },
  APPEAL_ALREADY_OPEN: { status: 409, zh: '已有一项申诉在处理中', en: 'An appeal is already being handled' },
  APPEAL_NOT_OPEN: { status: 409, zh: '该申诉已答复', en: 'This appeal has already been answered' },
  APPEAL_STATEMENT_REQUIRED: { status: 400, zh: '请说明申诉理由', en: 'Please say what is wrong' },
  APPEAL_ANSWER_REQUIRED: { status: 400, zh: '答复必须说明理由', en: 'An answer must give its reasons' },
  APPEAL_CORRECTION_INCOMPLETE: {
    status: 400,
    zh: '更正必须给出颜色、法律依据和结束时间',
    en: 'A correction needs the colour, a legal basis and an end time',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
/** Epoch milliseconds. */
const Time = Type.Integer({ minimum: 0 });
const Colour = Literals(['green', 'yellow', 'red'] as const);
const Detail = Type.Record(Type.String(), Type.Unknown());
const RuleSetRef = Type.Object({ id: Type.String(), version: Type.String() });

export const PersonParams = Type.Object({ id: Id });
export const IdParams = Type.Object({ id: Id });

export const ReasonSchema = Type.Object({
  rule: Type.String(),
  fact: Literals(FACT_KINDS),
  colour: Literals(['yellow', 'red'] as const),
  since: Time,
  endsWhen: EndCondition,
  /** When the colour this reason gives ends, when already known. */
  endsAt: Nullable(Time),
  source: Type.Object({ type: Type.String(), id: Type.String() }),
  detail: Detail,
});

export const TestSchema = Type.Object({
  sampledAt: Time,
  reportedAt: Time,
  result: Literals(['negative', 'positive'] as const),
  pooled: Type.Boolean(),
});

export const FactSchema = Type.Object({
  kind: Literals(FACT_KINDS),
  source: Type.Object({ type: Type.String(), id: Type.String() }),
  since: Time,
  until: Nullable(Time),
  endedAt: Nullable(Time),
  detail: Detail,
});

export const HistorySchema = Type.Object({
  id: Type.String(),
  at: Time,
  from: Colour,
  to: Colour,
  /** The English sentence of the record. */
  basis: Type.String(),
  /** The same basis as data, for each reader's language (basis.rules.ts). */
  basisKind: Literals(BASIS_KINDS),
  basisParams: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  actor: Type.Object({ id: Nullable(Type.String()), name: Type.String(), role: Type.String() }),
  manual: Type.Boolean(),
  ruleSet: RuleSetRef,
  rules: Type.Array(Type.String()),
  overrideId: Nullable(Type.String()),
  approvalId: Nullable(Type.String()),
  auditSeq: Nullable(Type.Integer()),
});

export const OverrideInForceSchema = Type.Object({ id: Type.String(), colour: Colour, until: Time });

export const AppealSchema = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  maskedName: Type.String(),
  filedAt: Time,
  dueAt: Time,
  overdue: Type.Boolean(),
  colour: Colour,
  statement: Type.String(),
  status: Literals(['open', 'upheld', 'correction_pending', 'corrected', 'correction_rejected'] as const),
  reviewer: Nullable(Type.String()),
  answeredAt: Nullable(Time),
  answer: Nullable(Type.String()),
  overrideId: Nullable(Type.String()),
});
export type AppealView = Static<typeof AppealSchema>;

export const HealthViewSchema = Type.Object({
  person: Type.Object({ id: Type.String(), maskedName: Type.String(), areaId: Type.String() }),
  /** The colour shown now (an override in force wins; reasons whose end has passed no longer count). */
  colour: Colour,
  ruleSet: RuleSetRef,
  computedAt: Nullable(Time),
  changedAt: Nullable(Time),
  /** When the colour changes by itself next (an end condition's time), when known. */
  nextChangeAt: Nullable(Time),
  reasons: Type.Array(ReasonSchema),
  override: Nullable(OverrideInForceSchema),
  latestTest: Nullable(TestSchema),
  tests: Type.Array(TestSchema),
  facts: Type.Array(FactSchema),
  history: Type.Array(HistorySchema),
  appeals: Type.Array(AppealSchema),
});
export type HealthView = Static<typeof HealthViewSchema>;

export const OverrideSchema = Type.Object({
  id: Type.String(),
  persons: Type.Array(Type.Object({ id: Type.String(), maskedName: Type.String() })),
  people: Type.Integer(),
  colour: Colour,
  legalBasis: Type.String(),
  reason: Type.String(),
  endsAt: Time,
  status: Literals(['pending', 'approved', 'rejected', 'held'] as const),
  requestedBy: Type.Object({ id: Type.String(), name: Type.String() }),
  requestedAt: Time,
  decidedBy: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  decidedAt: Nullable(Time),
  decisionReason: Nullable(Type.String()),
  /** The command centre's decision when the circuit breaker held the override for its approval. */
  commandDecision: Nullable(
    Type.Object({ approved: Type.Boolean(), name: Type.String(), at: Nullable(Time), reason: Nullable(Type.String()) }),
  ),
  appealId: Nullable(Type.String()),
  approvalId: Nullable(Type.String()),
  ruleSet: RuleSetRef,
});
export type OverrideView = Static<typeof OverrideSchema>;

export const ApprovalSchema = Type.Object({
  id: Type.String(),
  kind: Literals(['add_facts', 'end_facts', 'override'] as const),
  people: Type.Integer(),
  threshold: Type.Integer(),
  /** The English sentence of the request's basis; basisKind with basisParams for each reader's language. */
  reason: Type.String(),
  basisKind: Literals(BASIS_KINDS),
  basisParams: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  status: Literals(['pending', 'approved', 'rejected'] as const),
  requestedBy: Type.Object({ id: Nullable(Type.String()), name: Type.String(), role: Type.String() }),
  requestedAt: Time,
  decidedBy: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  decidedAt: Nullable(Time),
  decisionReason: Nullable(Type.String()),
  ruleSet: RuleSetRef,
  /** Colour changes made when it was approved. */
  changes: Type.Optional(Type.Integer()),
});
export type ApprovalView = Static<typeof ApprovalSchema>;

export const StatusQuery = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 32 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});

export const OverrideBody = Type.Object(
  {
    personIds: Type.Array(Id, { minItems: 1, maxItems: 20_000, uniqueItems: true }),
    colour: Colour,
    legalBasis: NoteText({ maxLength: 2000 }),
    reason: NoteText({ maxLength: 2000 }),
    endsAt: Time,
  },
  { additionalProperties: false },
);
export type OverrideBody = Static<typeof OverrideBody>;

export const DecisionBody = Type.Object(
  {
    approve: Type.Boolean(),
    reason: NoteText({ maxLength: 2000 }),
  },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;

export const AppealBody = Type.Object(
  {
    statement: NoteText({ maxLength: 2000 }),
  },
  { additionalProperties: false },
);
export type AppealBody = Static<typeof AppealBody>;

export const AppealAnswerBody = Type.Object(
  {
    decision: Literals(['uphold', 'correct'] as const),
    answer: NoteText({ maxLength: 2000 }),
    colour: Type.Optional(Colour),
    legalBasis: Type.Optional(NoteText({ maxLength: 2000 })),
    endsAt: Type.Optional(Time),
  },
  { additionalProperties: false },
);
export type AppealAnswerBody = Static<typeof AppealAnswerBody>;

export const RecomputeBody = Type.Object(
  {
    personIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 20_000, uniqueItems: true })),
    all: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RecomputeBody = Static<typeof RecomputeBody>;

export const RecomputeResult = Type.Object({
  people: Type.Integer(),
  changes: Type.Integer(),
  ruleSet: RuleSetRef,
});
export type RecomputeResultView = Static<typeof RecomputeResult>;
