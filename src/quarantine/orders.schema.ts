// Error codes of quarantine orders (隔离医学观察), their release and certificate, and the request and
// response shapes of their routes. Names are masked in every answer; the response schemas are the
// whitelist of what leaves the server (no ID number, no phone).
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, NoteText, Nullable } from '../platform/http.ts';
import {
  BREACH_KINDS,
  DOOR_MEASURES,
  EVENT_KINDS,
  ORDER_KINDS,
  ORDER_PLACES,
  ORDER_SOURCES,
  ORDER_STATUSES,
} from './orders.rules.ts';
import { HomeServiceSchema } from './home.schema.ts';

export const QuarantineOrderErrors = defineErrors({
  QUARANTINE_ORDER_NOT_FOUND: { status: 404, zh: '找不到该隔离医学观察令', en: 'Quarantine order not found' },
  QUARANTINE_ORDER_PERSON_NOT_FOUND: { status: 404, zh: '找不到该人员', en: 'Person not found' },
  QUARANTINE_ORDER_SOURCE_NOT_FOUND: {
    status: 404,
    zh: '找不到作为依据的{source}',
    en: 'The {source} the order rests on was not found',
  },
  QUARANTINE_ORDER_KIND_NOT_MANAGED: {
    status: 400,
    zh: '规则集 {ruleSet} 对“{kind}”没有管理方案',
    en: 'Rule set {ruleSet} has no management plan for {kind}',
  },
  QUARANTINE_ORDER_KIND_REQUIRED: {
    status: 400,
    zh: '请选择管理类别（字段 {field}）',
    en: 'Choose the kind of management (field {field})',
  },
  QUARANTINE_ORDER_START_REQUIRED: {
    status: 400,
    zh: '缺少起算时间（末次暴露或抵达时间，字段 {field}）',
    en: 'The start (last exposure or arrival) is missing (field {field})',
  },
  QUARANTINE_ORDER_START_IN_FUTURE: {
    status: 400,
    zh: '起算时间不能晚于现在（字段 {field}）',
    en: 'The start cannot be in the future (field {field})',
  },
  QUARANTINE_ORDER_EXISTS: {
    status: 409,
    zh: '该人员已有生效中的隔离医学观察令',
    en: 'The person already has an active quarantine order',
  },
  QUARANTINE_ORDER_PERSON_IS_CASE: {
    status: 409,
    zh: '该人员是未解除的病例，应收治而不是隔离观察',
    en: 'The person is an open case: treat, do not quarantine',
  },
  QUARANTINE_ORDER_NOT_ACTIVE: {
    status: 409,
    zh: '该隔离医学观察令已{status}，不能再变更',
    en: 'The quarantine order is {status}: it cannot change any more',
  },
  QUARANTINE_ORDER_REASON_REQUIRED: {
    status: 400,
    zh: '必须填写理由（字段 {field}）',
    en: 'A reason is required (field {field})',
  },
  QUARANTINE_ORDER_EXTENSION_BEFORE_START: {
    status: 400,
    zh: '新的暴露时间早于本次隔离的起算时间（字段 {field}）',
    en: 'The new exposure is before the order starts (field {field})',
  },
  QUARANTINE_ORDER_EXTENSION_NOT_LATER: {
    status: 400,
    zh: '按新的暴露时间计算，隔离期并不延长（字段 {field}）',
    en: 'Counted from the new exposure the order would not end later (field {field})',
  },
  QUARANTINE_ORDER_BATCH_EMPTY: {
    status: 400,
    zh: '没有可下达隔离医学观察令的人员',
    en: 'There is nobody to order into quarantine',
  },
  QUARANTINE_RELEASE_DAYS_NOT_SERVED: {
    status: 409,
    zh: '今天是第 {day} 天，须到第 {lastDay} 天（{date}）',
    en: 'Today is day {day}; the last day is day {lastDay} ({date})',
  },
  QUARANTINE_RELEASE_TEST_MISSING: {
    status: 409,
    zh: '缺少第 {day} 天（{date}）的核酸检测结果',
    en: 'The test of day {day} ({date}) is missing',
  },
  QUARANTINE_RELEASE_TEST_POSITIVE: {
    status: 409,
    zh: '第 {day} 天（{date}）核酸检测阳性',
    en: 'The test of day {day} ({date}) is positive',
  },
  QUARANTINE_RELEASE_TEST_POOLED: {
    status: 409,
    zh: '第 {day} 天（{date}）的解除检测须为单采单检',
    en: 'The release test of day {day} ({date}) must be a single-tube test',
  },
  QUARANTINE_RELEASE_TESTS_TOO_CLOSE: {
    status: 409,
    zh: '最后两次检测仅间隔 {hours} 小时，须至少 {minHours} 小时',
    en: 'The last two tests are {hours} h apart; at least {minHours} h are needed',
  },
  QUARANTINE_ORDER_NOT_RESIDENT: {
    status: 403,
    zh: '只有居民本人可以查看自己的隔离信息',
    en: 'Only a resident can see their own quarantine',
  },
  QUARANTINE_HOME_NOT_HOME_ORDER: {
    status: 409,
    zh: '该人员当前不在居家隔离或居家健康监测中',
    en: 'The order is not served at home now',
  },
  QUARANTINE_HOME_TEMPERATURE_RANGE: {
    status: 400,
    zh: '体温须在 34–43 °C 之间（字段 {field}）',
    en: 'The temperature must be between 34 and 43 °C (field {field})',
  },
  QUARANTINE_CERTIFICATE_FONT_MISSING: {
    status: 500,
    zh: '服务器缺少中文字体，无法生成解除隔离证明：请安装字体包 fonts-noto-cjk，或用 CORDON_CJK_FONT 指定字体文件{detail}',
    en: 'No CJK font for the certificate: install fonts-noto-cjk or point CORDON_CJK_FONT at a font file{detail}',
  },
  QUARANTINE_CERTIFICATE_NOT_RELEASED: {
    status: 409,
    zh: '尚未解除隔离，不能出具解除隔离证明',
    en: 'The order is not released: there is no certificate',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Reason = NoteText({ minLength: 1, maxLength: 2000 });
const Time = Type.Integer({ minimum: 0, description: 'epoch milliseconds' });
export const OrderKind = Literals(ORDER_KINDS);

export const IdParams = Type.Object({ id: Id });

/** One person's order; the start defaults to the contact's last exposure, the arrival or the sampling. */
export const CreateOrderBody = Type.Object(
  {
    personId: Id,
    kind: Type.Optional(OrderKind),
    startAt: Type.Optional(Time),
    contactId: Type.Optional(Id),
    careNeeds: Type.Optional(Type.Array(NameText({ minLength: 1, maxLength: 40 }), { maxItems: 20 })),
    reason: Type.Optional(NoteText({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

/** A batch: every confirmed close (or secondary) contact of a case, a suspected-positive pool's members, a risk area's arrivals. */
export const BatchOrderBody = Type.Object(
  {
    source: Literals(['case', 'pool', 'risk_area'] as const),
    sourceId: Id,
    /** For a case: which contacts (close by default). For a pool: the kind to order (required). */
    kind: Type.Optional(OrderKind),
    reason: Type.Optional(NoteText({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type BatchOrderBody = Static<typeof BatchOrderBody>;

export const ExtendBody = Type.Object(
  { exposureAt: Time, reason: Reason, householdCaseId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type ExtendBody = Static<typeof ExtendBody>;

export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export type ReasonBody = Static<typeof ReasonBody>;

export const ReleaseBody = Type.Object(
  { note: Type.Optional(NoteText({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export type ReleaseBody = Static<typeof ReleaseBody>;

export const ListQuery = Type.Object({
  status: Type.Optional(Literals(ORDER_STATUSES)),
  kind: Type.Optional(OrderKind),
  place: Type.Optional(Literals(ORDER_PLACES)),
  areaId: Type.Optional(Id),
  caseId: Type.Optional(Id),
  /** Only orders whose planned end falls before this instant (releases due). */
  endsBefore: Type.Optional(Time),
});
export type ListQuery = Static<typeof ListQuery>;

export const DoorBody = Type.Object(
  { measure: Literals(DOOR_MEASURES), at: Type.Optional(Time) },
  { additionalProperties: false },
);
export type DoorBody = Static<typeof DoorBody>;

export const HomeReportBody = Type.Object(
  {
    temperature: Type.Number(),
    symptoms: Type.Optional(
      Type.Array(
        Literals(['cough', 'sore_throat', 'fatigue', 'fever', 'loss_of_smell', 'diarrhoea', 'other'] as const),
        { maxItems: 7 },
      ),
    ),
    by: Literals(['self', 'phone', 'visit'] as const),
    slot: Type.Optional(Literals(['morning', 'evening'] as const)),
  },
  { additionalProperties: false },
);
export type HomeReportBody = Static<typeof HomeReportBody>;

export const BreachBody = Type.Object(
  { kind: Literals(BREACH_KINDS), note: Type.Optional(NoteText({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export type BreachBody = Static<typeof BreachBody>;

export const HomeQuery = Type.Object({ areaId: Type.Optional(Id) });

export const VerifyQuery = Type.Object({ c: Type.String({ minLength: 1, maxLength: 2000 }) });

// ---- answers --------------------------------------------------------------------------------------

const TestDay = Type.Object({
  phase: Literals(['centralised', 'home'] as const),
  day: Type.Integer(),
  date: Type.String(),
});

const Tick = Type.Composite([
  TestDay,
  Type.Object({
    state: Literals(['negative', 'positive', 'missing', 'due'] as const),
    sampledAt: Nullable(Type.Integer()),
  }),
]);

export const OrderSchema = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  /** Masked (张*). */
  personName: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  kind: OrderKind,
  place: Literals(ORDER_PLACES),
  status: Literals(ORDER_STATUSES),
  sourceType: Literals(ORDER_SOURCES),
  sourceId: Nullable(Type.String()),
  caseId: Nullable(Type.String()),
  ruleSetId: Type.String(),
  startAt: Type.Integer(),
  centralisedUntil: Type.Integer(),
  homeUntil: Type.Integer(),
  endsAt: Type.Integer(),
  homeKind: Literals(['home_quarantine', 'home_health_monitoring'] as const),
  testDays: Type.Array(TestDay),
  /** Today's day number (day 0 = the start) and the day within the phase, as the rules count them. */
  day: Type.Integer(),
  phase: Literals(['centralised', 'home'] as const),
  phaseDay: Type.Integer(),
  doorMeasure: Literals(DOOR_MEASURES),
  doorMeasureAt: Nullable(Type.Integer()),
  releasedAt: Nullable(Type.Integer()),
  followOrderId: Nullable(Type.String()),
  createdAt: Type.Integer(),
});
export type OrderView = Static<typeof OrderSchema>;

const EventSchema = Type.Object({
  id: Type.String(),
  kind: Literals(EVENT_KINDS),
  detail: Type.Record(Type.String(), Type.Unknown()),
  actorId: Nullable(Type.String()),
  at: Type.Integer(),
});

const FaultSchema = Type.Object({
  code: Type.String(),
  phase: Type.Optional(Type.String()),
  day: Type.Optional(Type.Integer()),
  lastDay: Type.Optional(Type.Integer()),
  date: Type.Optional(Type.String()),
  hours: Type.Optional(Type.Number()),
  minHours: Type.Optional(Type.Number()),
});

export const OrderDetailSchema = Type.Object({
  order: OrderSchema,
  ticks: Type.Array(Tick),
  /** Scheduled test days flagged as missed by the care sweep (no sample that date), with their follow-up. */
  missedTests: Type.Array(
    Type.Object({
      alertId: Type.String(),
      phase: Literals(['centralised', 'home'] as const),
      day: Type.Integer(),
      date: Type.String(),
      status: Literals(['open', 'followed_up', 'closed'] as const),
      followUp: Nullable(Type.String()),
    }),
  ),
  events: Type.Array(EventSchema),
  release: Type.Object({
    releasable: Type.Boolean(),
    phase: Literals(['centralised', 'home'] as const),
    lastDay: Type.Integer(),
    lastDate: Type.String(),
    faults: Type.Array(FaultSchema),
  }),
});
export type OrderDetail = Static<typeof OrderDetailSchema>;

export const BatchResultSchema = Type.Object({
  created: Type.Array(OrderSchema),
  /** People skipped, with the reason (already under an order, an open case, …). */
  skipped: Type.Array(Type.Object({ personId: Type.String(), code: Type.String() })),
});

export const ReleaseResultSchema = Type.Object({
  order: OrderSchema,
  followOn: Nullable(OrderSchema),
  certificateUrl: Type.String(),
});

export const MyQuarantineSchema = Type.Object({
  orders: Type.Array(
    Type.Object({
      order: OrderSchema,
      ticks: Type.Array(Tick),
      nextTest: Nullable(TestDay),
      releaseDate: Type.String(),
      results: Type.Array(
        Type.Object({
          sampledAt: Type.Integer(),
          result: Literals(['negative', 'positive'] as const),
          pooled: Type.Boolean(),
        }),
      ),
    }),
  ),
});

export const HomeListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      order: OrderSchema,
      address: Type.String(),
      reportedToday: Type.Boolean(),
      lastReport: Nullable(
        Type.Object({
          temperature: Type.Number(),
          by: Type.String(),
          at: Type.Integer(),
          date: Type.String(),
          slot: Type.String(),
        }),
      ),
      nextTest: Nullable(TestDay),
      testToday: Type.Boolean(),
      /** Today's home-sampling task on the testing squad's list, once the care sweep has opened it. */
      samplingTask: Nullable(
        Type.Object({
          id: Type.String(),
          status: Literals(['open', 'sampled', 'negative', 'positive', 'cancelled'] as const),
        }),
      ),
      breaches: Type.Integer(),
      /** The latest delivery to the home and the latest collection of its garbage. */
      lastDelivery: Nullable(HomeServiceSchema),
      lastGarbage: Nullable(HomeServiceSchema),
    }),
  ),
});

export const HomeReportResultSchema = Type.Object({
  date: Type.String(),
  slot: Type.String(),
  temperature: Type.Number(),
  fever: Type.Boolean(),
});

export const VerifySchema = Type.Object({
  valid: Type.Boolean(),
  /** Why a code is refused: invalid (not ours, or altered) | unknown (no such order) | revoked. */
  reason: Nullable(Literals(['invalid', 'unknown', 'revoked'] as const)),
  certificate: Nullable(
    Type.Object({
      orderId: Type.String(),
      personName: Type.String(),
      idNumber: Nullable(Type.String()),
      kind: OrderKind,
      startAt: Type.Integer(),
      releasedAt: Type.Integer(),
      followOn: Nullable(Type.Object({ place: Type.String(), until: Type.Integer() })),
    }),
  ),
});
