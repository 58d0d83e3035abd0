// Error codes and shapes of the services to a home under order (居家隔离上门服务): the deliveries to a
// sealed home (what, when, by whom) and the collections of its garbage (bags, when, by whom).
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, NoteText } from '../platform/http.ts';

export const HOME_SERVICE_KINDS = ['delivery', 'garbage'] as const;
export type HomeServiceKind = (typeof HOME_SERVICE_KINDS)[number];

export const HomeServiceErrors = defineErrors({
  QUARANTINE_HOME_SERVICE_ITEMS_REQUIRED: {
    status: 400,
    zh: '请填写送达的物品（字段 {field}）',
    en: 'Name what was delivered (field {field})',
  },
  QUARANTINE_HOME_SERVICE_BAGS_REQUIRED: {
    status: 400,
    zh: '请填写清运的垃圾袋数，1–50 袋（字段 {field}）',
    en: 'Give the number of garbage bags collected, 1 to 50 (field {field})',
  },
  QUARANTINE_HOME_SERVICE_TIME_INVALID: {
    status: 400,
    zh: '时间不能晚于现在，也不能早于隔离起算（字段 {field}）',
    en: 'The time cannot be in the future or before the order starts (field {field})',
  },
});

const Time = Type.Integer({ minimum: 0, description: 'epoch milliseconds' });

export const HomeServiceBody = Type.Object(
  {
    kind: Literals(HOME_SERVICE_KINDS),
    /** A delivery: what was handed over at the door. */
    items: Type.Optional(NoteText({ maxLength: 200 })),
    /** A garbage collection: the sealed bags taken. */
    bags: Type.Optional(Type.Integer()),
    /** Who delivered or collected: the worker, a volunteer, the property's staff. */
    handledBy: NameText({ minLength: 1, maxLength: 60 }),
    /** When it was done (now by default). */
    at: Type.Optional(Time),
    note: Type.Optional(NoteText({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type HomeServiceBody = Static<typeof HomeServiceBody>;

export const HomeServiceSchema = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  kind: Literals(HOME_SERVICE_KINDS),
  items: Type.String(),
  bags: Type.Union([Type.Null(), Type.Integer()]),
  handledBy: Type.String(),
  note: Type.String(),
  at: Type.Integer(),
  recordedAt: Type.Integer(),
});
export type HomeServiceView = Static<typeof HomeServiceSchema>;

export const HomeServiceListSchema = Type.Object({ items: Type.Array(HomeServiceSchema) });
