// Error codes of daily life at a site (health checks, alerts, requests from rooms), and the shapes of
// their routes. People appear by order and masked name only.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NoteText, Nullable } from '../platform/http.ts';
import { ALERT_KINDS, ALERT_STATUSES, CHECK_BY, REQUEST_KINDS, REQUEST_STATUSES } from './care.rules.ts';

export const CareErrors = defineErrors({
  CARE_ORDER_NOT_FOUND: { status: 404, zh: '找不到隔离医学观察 {orderId}', en: 'Quarantine order {orderId} not found' },
  CHECK_NOT_UNDER_ORDER: {
    status: 422,
    zh: '该人员当前不在隔离医学观察中（{status}），不能登记健康监测',
    en: 'This person is not under an active quarantine order ({status}): no check can be recorded',
  },
  CHECK_TEMPERATURE_OUT_OF_RANGE: {
    status: 400,
    zh: '体温 {temperature} ℃ 超出 {min}–{max} ℃，请核对后重新输入',
    en: 'A temperature of {temperature} °C is outside {min}–{max} °C: please check it',
  },
  CHECK_SYMPTOM_UNKNOWN: { status: 400, zh: '未知症状“{symptom}”', en: 'Unknown symptom “{symptom}”' },
  CHECK_SLOT_UNKNOWN: { status: 400, zh: '未知监测时段“{slot}”', en: 'Unknown check slot “{slot}”' },
  CHECK_DATE_INVALID: {
    status: 400,
    zh: '监测日期 {date} 无效或晚于今天',
    en: 'The check date {date} is not a date, or is after today',
  },
  CHECK_DUPLICATE: {
    status: 409,
    zh: '{date} {slot} 的健康监测已登记',
    en: 'The {slot} check of {date} is already recorded',
  },
  ALERT_NOT_FOUND: { status: 404, zh: '找不到该预警', en: 'Alert not found' },
  ALERT_CLOSED: { status: 409, zh: '该预警已关闭', en: 'This alert is closed' },
  REQUEST_NOT_FOUND: { status: 404, zh: '找不到该诉求', en: 'Request not found' },
  REQUEST_STATUS_INVALID: {
    status: 409,
    zh: '诉求不能从“{from}”改为“{to}”',
    en: 'A request cannot go from “{from}” to “{to}”',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Symptoms = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 });
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const CheckBody = Type.Object(
  {
    orderId: Id,
    slot: Type.String({ minLength: 1, maxLength: 20 }),
    date: Type.Optional(DateText),
    temperature: Type.Number(),
    symptoms: Type.Optional(Symptoms),
    by: Type.Optional(Literals(CHECK_BY)),
  },
  { additionalProperties: false },
);
export type CheckBody = Static<typeof CheckBody>;

export const SyncBody = Type.Object(
  {
    ops: Type.Array(
      Type.Object(
        {
          clientOpId: Type.String({ minLength: 8, maxLength: 80 }),
          orderId: Id,
          slot: Type.String({ minLength: 1, maxLength: 20 }),
          date: DateText,
          temperature: Type.Number(),
          symptoms: Type.Optional(Symptoms),
          by: Type.Optional(Literals(CHECK_BY)),
          at: Type.Integer({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 2000 },
    ),
  },
  { additionalProperties: false },
);
export type SyncBody = Static<typeof SyncBody>;

export const CheckSchema = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  date: Type.String(),
  slot: Type.String(),
  temperature: Type.Number(),
  symptoms: Type.Array(Type.String()),
  by: Type.String(),
  recordedAt: Type.Integer(),
});

export const CheckResultSchema = Type.Object({
  check: CheckSchema,
  alerts: Type.Array(Literals(ALERT_KINDS)),
});

export const SyncResultSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      clientOpId: Type.String(),
      outcome: Literals(['applied', 'replayed', 'refused'] as const),
      code: Nullable(Type.String()),
      field: Nullable(Type.String()),
      alerts: Type.Array(Literals(ALERT_KINDS)),
    }),
  ),
  applied: Type.Integer(),
  replayed: Type.Integer(),
  refused: Type.Integer(),
});
export type SyncResult = Static<typeof SyncResultSchema>;

export const AlertSchema = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  personName: Type.String({ description: 'masked' }),
  siteId: Nullable(Type.String()),
  roomNumber: Nullable(Type.String()),
  kind: Literals(ALERT_KINDS),
  date: Type.String(),
  slot: Nullable(Type.String()),
  temperature: Nullable(Type.Number()),
  symptoms: Type.Array(Type.String()),
  status: Literals(ALERT_STATUSES),
  followUp: Nullable(Type.String()),
  handledBy: Nullable(Type.String()),
  handledAt: Nullable(Type.Integer()),
  raisedAt: Type.Integer(),
});
export type AlertView = Static<typeof AlertSchema>;

export const AlertQuery = Type.Object({
  siteId: Type.Optional(Id),
  status: Type.Optional(Literals(ALERT_STATUSES)),
});
export const FollowUpBody = Type.Object(
  { note: NoteText({ minLength: 2, maxLength: 1000 }), close: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type FollowUpBody = Static<typeof FollowUpBody>;

export const RequestBody = Type.Object(
  { orderId: Id, kind: Literals(REQUEST_KINDS), detail: Type.Optional(NoteText({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export type RequestBody = Static<typeof RequestBody>;
export const RequestUpdateBody = Type.Object(
  { status: Literals(REQUEST_STATUSES), note: Type.Optional(NoteText({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export type RequestUpdateBody = Static<typeof RequestUpdateBody>;
export const RequestQuery = Type.Object({
  siteId: Type.Optional(Id),
  status: Type.Optional(Literals(REQUEST_STATUSES)),
});

export const RequestSchema = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  personName: Type.String({ description: 'masked' }),
  siteId: Nullable(Type.String()),
  roomNumber: Nullable(Type.String()),
  kind: Literals(REQUEST_KINDS),
  detail: Type.String(),
  status: Literals(REQUEST_STATUSES),
  note: Nullable(Type.String()),
  handledBy: Nullable(Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type RequestView = Static<typeof RequestSchema>;

export const IdParams = Type.Object({ id: Id });
export const SiteParams = Type.Object({ siteId: Id });
export const OrderParams = Type.Object({ orderId: Id });

const OccupantBrief = Type.Object({
  orderId: Type.String(),
  personName: Type.String({ description: 'masked' }),
  orderKind: Type.String(),
  day: Type.Integer({ description: "the rules' day number (day 0: the last exposure)" }),
  needs: Type.Array(Type.String()),
  checks: Type.Record(Type.String(), Nullable(Type.Number()), { description: "today's temperature per slot" }),
  openAlerts: Type.Integer(),
});

export const RoundsSchema = Type.Object({
  siteId: Type.String(),
  siteName: Type.String(),
  date: Type.String(),
  slot: Type.String(),
  slots: Type.Array(Type.String()),
  next: Nullable(Type.String({ description: 'the next room to visit: the first whose occupants lack the slot' })),
  rooms: Type.Array(
    Type.Object({
      roomId: Type.String(),
      number: Type.String(),
      floor: Type.Integer(),
      status: Type.String(),
      done: Type.Boolean(),
      occupants: Type.Array(OccupantBrief),
    }),
  ),
  alerts: Type.Array(AlertSchema),
  openRequests: Type.Integer(),
});
export type RoundsView = Static<typeof RoundsSchema>;

export const OccupantSchema = Type.Object({
  orderId: Type.String(),
  personName: Type.String({ description: 'masked' }),
  orderKind: Type.String(),
  status: Type.String(),
  day: Type.Integer(),
  startAt: Type.Integer(),
  centralisedUntil: Type.Integer(),
  endsAt: Type.Integer(),
  needs: Type.Array(Type.String()),
  siteId: Nullable(Type.String()),
  siteName: Nullable(Type.String()),
  roomNumber: Nullable(Type.String()),
  testDays: Type.Array(
    Type.Object({ phase: Type.String(), day: Type.Integer(), date: Type.String(), due: Type.Boolean() }),
  ),
  checks: Type.Array(CheckSchema),
  alerts: Type.Array(AlertSchema),
  requests: Type.Array(RequestSchema),
});
export type OccupantView = Static<typeof OccupantSchema>;
