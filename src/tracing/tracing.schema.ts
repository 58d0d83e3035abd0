// Error codes of cases and tracing, and the request and response shapes of their routes. Response
// schemas are the whitelist: a contact shows a name, a masked phone and an area, nothing more.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, Nullable, NoteText } from '../platform/http.ts';
import {
  CASE_CLASSIFICATIONS,
  CASE_SOURCES,
  CASE_STATUSES,
  CONTACT_BASES,
  CONTACT_CLASSES,
  CONTACT_REASONS,
  REVIEW_DECISIONS,
  REVIEW_STATUSES,
} from './tracing.rules.ts';
import { BULK_REVIEW_MAX, GROUP_KINDS } from './tracing.groups.rules.ts';

export const TracingErrors = defineErrors({
  CASE_NOT_FOUND: { status: 404, zh: '找不到该病例', en: 'Case not found' },
  CASE_ALREADY_OPEN: {
    status: 409,
    zh: '此人已有未解除的病例',
    en: 'This person already has a case that is not released',
  },
  CASE_STATUS_TRANSITION_INVALID: {
    status: 409,
    zh: '病例状态不能从 {from} 变为 {to}',
    en: 'A case cannot go from {from} to {to}',
  },
  CASE_RELEASE_RULE_NOT_MET: {
    status: 422,
    zh: '不满足解除隔离条件：需要 {tests} 次 Ct 值均不低于 {ctThreshold} 的检测，间隔至少 {hours} 小时',
    en: 'The release rule is not met: {tests} tests with every Ct at or above {ctThreshold}, at least {hours} h apart',
  },
  CASE_REASON_REQUIRED: { status: 400, zh: '必须填写事由', en: 'A reason is required' },
  CASE_TIME_IN_FUTURE: { status: 400, zh: '{field} 不能晚于当前时间', en: '{field} cannot be in the future' },
  CONTACT_NOT_FOUND: { status: 404, zh: '找不到该接触者记录', en: 'Contact not found' },
  CONTACT_DUPLICATE: {
    status: 409,
    zh: '该人员已作为本病例的手工接触者登记',
    en: 'This person is already a manual contact of the case',
  },
  CONTACT_SELF: { status: 400, zh: '病例本人不能登记为其接触者', en: 'The case’s own person cannot be their contact' },
  CONTACT_EXPOSURE_INVALID: {
    status: 400,
    zh: '接触时间无效：开始不能晚于结束，也不能晚于当前时间',
    en: 'The exposure times are invalid: the first cannot be after the last or in the future',
  },
  CONTACT_CLASS_REQUIRED: { status: 400, zh: '改判必须给出新的接触类别', en: 'A reclassification needs the new class' },
  CONTACT_BULK_EMPTY: { status: 400, zh: '所选范围内没有接触者', en: 'The selection holds no contact' },
  CONTACT_BULK_TOO_MANY: {
    status: 400,
    zh: '一次最多研判 {max} 人，所选为 {count} 人；请按分组或筛选缩小范围',
    en: 'At most {max} contacts can be reviewed at once; the selection holds {count}: narrow it by group or filter',
  },
  CONTACT_BULK_NOT_IN_CASE: {
    status: 404,
    zh: '所选接触者中有 {count} 人不属于本病例',
    en: '{count} of the selected contacts are not contacts of this case',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
/** Epoch milliseconds. */
const Time = Type.Integer({ minimum: 0 });
const Reason = NoteText({ maxLength: 1000 });

export const IdParams = Type.Object({ id: Id });

export const CaseCreateBody = Type.Object(
  {
    personId: Id,
    classification: Literals(CASE_CLASSIFICATIONS),
    onsetAt: Type.Optional(Nullable(Time)),
    firstPositiveSampledAt: Type.Optional(Nullable(Time)),
    source: Literals(CASE_SOURCES),
    isolatedAt: Type.Optional(Nullable(Time)),
  },
  { additionalProperties: false },
);
export type CaseCreateBody = Static<typeof CaseCreateBody>;

export const CaseTimesBody = Type.Object(
  {
    onsetAt: Type.Optional(Nullable(Time)),
    firstPositiveSampledAt: Type.Optional(Nullable(Time)),
    isolatedAt: Type.Optional(Nullable(Time)),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type CaseTimesBody = Static<typeof CaseTimesBody>;

export const IsolationTestBody = Type.Object(
  {
    sampledAt: Time,
    reportedAt: Type.Optional(Nullable(Time)),
    /** Ct by gene (N, ORF1ab); null = not detected. */
    ct: Type.Record(Type.String({ minLength: 1, maxLength: 20 }), Nullable(Type.Number({ minimum: 0, maximum: 50 }))),
  },
  { additionalProperties: false },
);

export const CaseStatusBody = Type.Object(
  {
    to: Literals(CASE_STATUSES),
    reason: Reason,
    /** On suspected → confirmed: confirmed (default) or asymptomatic. */
    classification: Type.Optional(Literals(['confirmed', 'asymptomatic'] as const)),
    /** For release: the isolation tests the rule set's release rule is checked against. */
    tests: Type.Optional(Type.Array(IsolationTestBody, { maxItems: 20 })),
    evidence: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type CaseStatusBody = Static<typeof CaseStatusBody>;

export const CaseListQuery = Type.Object({
  status: Type.Optional(Literals(CASE_STATUSES)),
  classification: Type.Optional(Literals(CASE_CLASSIFICATIONS)),
  areaId: Type.Optional(Id),
});
export type CaseListQuery = Static<typeof CaseListQuery>;

const GroupKey = Type.String({ minLength: 1, maxLength: 200 });

export const ContactListQuery = Type.Object({
  class: Type.Optional(Literals(CONTACT_CLASSES)),
  reviewStatus: Type.Optional(Literals(REVIEW_STATUSES)),
  /** A review group's key, from GET /cases/:id/contact-groups. */
  group: Type.Optional(GroupKey),
});
export type ContactListQuery = Static<typeof ContactListQuery>;

export const ReviewBody = Type.Object(
  {
    decision: Literals(REVIEW_DECISIONS),
    class: Type.Optional(Literals(CONTACT_CLASSES)),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type ReviewBody = Static<typeof ReviewBody>;

export const ContactGroupQuery = Type.Object({
  class: Type.Optional(Literals(CONTACT_CLASSES)),
  reviewStatus: Type.Optional(Literals(REVIEW_STATUSES)),
});
export type ContactGroupQuery = Static<typeof ContactGroupQuery>;

/**
 * One review for many contacts of a case: a group, a filter, or listed ids (ids within the group and
 * filter when both are given); at most BULK_REVIEW_MAX contacts, all or none.
 */
export const BulkReviewBody = Type.Object(
  {
    decision: Literals(REVIEW_DECISIONS),
    class: Type.Optional(Literals(CONTACT_CLASSES)),
    reason: Reason,
    select: Type.Object(
      {
        ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: BULK_REVIEW_MAX, uniqueItems: true })),
        group: Type.Optional(GroupKey),
        class: Type.Optional(Literals(CONTACT_CLASSES)),
        reviewStatus: Type.Optional(Literals(REVIEW_STATUSES)),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type BulkReviewBody = Static<typeof BulkReviewBody>;

export const ContactGroupSchema = Type.Object({
  key: Type.String(),
  kind: Literals(GROUP_KINDS),
  venueId: Nullable(Type.String()),
  venueName: Nullable(Type.String()),
  category: Nullable(Type.String()),
  slotStart: Nullable(Type.Integer()),
  slotEnd: Nullable(Type.Integer()),
  count: Type.Integer(),
  candidates: Type.Integer(),
  overlapMin: Nullable(Type.Integer()),
  overlapMax: Nullable(Type.Integer()),
  byClass: Type.Record(Type.String(), Type.Integer()),
});

export const ContactGroupListSchema = Type.Object({
  items: Type.Array(ContactGroupSchema),
  /** Contacts in all the groups. */
  total: Type.Integer(),
});

export const BulkReviewResultSchema = Type.Object({
  reviewed: Type.Integer(),
  decision: Literals(REVIEW_DECISIONS),
  ids: Type.Array(Type.String()),
});

export const ManualContactBody = Type.Object(
  {
    personId: Id,
    class: Type.Optional(Literals(['close', 'general'] as const)),
    reasonCode: Literals(CONTACT_REASONS),
    note: Type.Optional(NoteText({ maxLength: 2000 })),
    firstExposureAt: Time,
    lastExposureAt: Time,
  },
  { additionalProperties: false },
);
export type ManualContactBody = Static<typeof ManualContactBody>;

export const RuleRefSchema = Type.Object({ id: Type.String(), version: Type.String() });

export const CaseSchema = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  personName: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  classification: Literals(CASE_CLASSIFICATIONS),
  onsetAt: Nullable(Type.Integer()),
  firstPositiveSampledAt: Nullable(Type.Integer()),
  source: Literals(CASE_SOURCES),
  isolatedAt: Nullable(Type.Integer()),
  status: Literals(CASE_STATUSES),
  ruleSet: RuleRefSchema,
  tracedAt: Nullable(Type.Integer()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type CaseView = Static<typeof CaseSchema>;

export const StatusHistorySchema = Type.Object({
  /** registered: the case's first row (no from); status: a change of status with the person's reason. */
  kind: Literals(['registered', 'status'] as const),
  from: Nullable(Type.String()),
  to: Type.String(),
  at: Type.Integer(),
  actorId: Nullable(Type.String()),
  reason: Type.String(),
  evidence: Type.Record(Type.String(), Type.Unknown()),
});

export const ContactCountsSchema = Type.Object({
  total: Type.Integer(),
  byClass: Type.Record(Type.String(), Type.Integer()),
  byReview: Type.Record(Type.String(), Type.Integer()),
  pendingCandidates: Type.Integer(),
});

export const TraceSummarySchema = Type.Object({
  window: Type.Object({
    start: Type.Integer(),
    end: Type.Integer(),
    anchor: Type.String(),
    lookBackDays: Type.Integer(),
  }),
  parameters: Type.Object({
    ruleSet: RuleRefSchema,
    minimumOverlapMinutes: Type.Number(),
    padding: Type.Object({
      dropVisitsShorterThanMinutes: Type.Number(),
      padFactor: Type.Number(),
      padCapMinutes: Type.Number(),
    }),
    closeCategories: Type.Array(Type.String()),
    generalCategories: Type.Array(Type.String()),
    secondaryContacts: Type.Boolean(),
  }),
  /** Check-ins before this instant are purged: the window reaches further back than the data. */
  purgedBefore: Nullable(Type.Integer()),
  found: Type.Object({ close: Type.Integer(), general: Type.Integer(), secondary: Type.Integer() }),
  removed: Type.Integer(),
  /** Contacts kept with encounters of their stored evidence whose check-ins were purged since. */
  keptPurged: Type.Integer(),
});

export const CaseDetailSchema = Type.Object({
  case: CaseSchema,
  history: Type.Array(StatusHistorySchema),
  contacts: ContactCountsSchema,
  trace: Type.Optional(TraceSummarySchema),
});

export const ContactSchema = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  person: Type.Object({
    id: Type.String(),
    name: Type.String(),
    /** Masked. */
    phone: Nullable(Type.String()),
    areaName: Type.String(),
  }),
  class: Literals(CONTACT_CLASSES),
  candidate: Type.Boolean(),
  basis: Literals(CONTACT_BASES),
  reasonCode: Type.String(),
  evidence: Type.Record(Type.String(), Type.Unknown()),
  rule: Type.Object({ ruleSet: RuleRefSchema, rule: Type.String() }),
  firstExposureAt: Nullable(Type.Integer()),
  lastExposureAt: Nullable(Type.Integer()),
  review: Type.Object({
    status: Literals(REVIEW_STATUSES),
    by: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    at: Nullable(Type.Integer()),
  }),
  sourceContactId: Nullable(Type.String()),
});
export type ContactView = Static<typeof ContactSchema>;
