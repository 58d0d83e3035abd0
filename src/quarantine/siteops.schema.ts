// Error codes of a site's operations logs (disinfection, medical waste, staff health) and the shapes
// of their routes.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { NameText, Nullable } from '../platform/http.ts';

export const SiteOpsErrors = defineErrors({
  DISINFECTION_ITEM_UNKNOWN: {
    status: 400,
    zh: '消杀项目“{item}”不在消杀规程中',
    en: 'The disinfection item “{item}” is not in the schedule',
  },
  DISINFECTION_CONCENTRATION_OUT_OF_RANGE: {
    status: 400,
    zh: '消毒剂浓度须在 {min}–{max} mg/L 之间',
    en: 'The concentration must be {min}–{max} mg/L',
  },
  DISINFECTION_CONTACT_TOO_SHORT: {
    status: 400,
    zh: '作用时间不得少于 {minutes} 分钟',
    en: 'The contact time must be at least {minutes} min',
  },
  DISINFECTION_ROOM_REQUIRED: { status: 400, zh: '终末消毒须指明房间', en: 'A terminal disinfection names its room' },
  DISINFECTION_ROOM_NOT_FOUND: { status: 404, zh: '本隔离点没有该房间', en: 'This site has no such room' },
  DISINFECTION_ROOM_OCCUPIED: {
    status: 409,
    zh: '房间 {room} 仍有人入住，不能进行终末消毒',
    en: 'Room {room} is still occupied: its terminal disinfection cannot be logged',
  },
  WASTE_NOT_SEALED: {
    status: 400,
    zh: '医疗废物须双层黄色垃圾袋密封后方可暂存',
    en: 'Medical waste is stored only once sealed in double yellow bags',
  },
  WASTE_NOT_FOUND: { status: 404, zh: '找不到该医疗废物记录', en: 'Medical-waste entry not found' },
  WASTE_HANDED_OVER: { status: 409, zh: '该批医疗废物已交接', en: 'This medical waste is already handed over' },
  WASTE_SIGNATURE_MISSING: {
    status: 400,
    zh: '交接须有双方签字（{field}）',
    en: 'A hand-over needs both signatures ({field})',
  },
  SITE_STAFF_NOT_FOUND: { status: 404, zh: '本隔离点没有该工作人员', en: 'This site has no such staff member' },
  STAFF_CHECK_DUPLICATE: {
    status: 409,
    zh: '该工作人员今日健康监测已登记',
    en: 'This staff member’s check of today is already recorded',
  },
  STAFF_TEMPERATURE_OUT_OF_RANGE: {
    status: 400,
    zh: '体温须在 {min}–{max} ℃ 之间',
    en: 'The temperature must be {min}–{max} °C',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
export const SiteParams = Type.Object({ siteId: Id });
export const WasteParams = Type.Object({ id: Id });

export const DisinfectionBody = Type.Object(
  {
    item: Type.String({ minLength: 1, maxLength: 40 }),
    roomId: Type.Optional(Id),
    zone: Type.Optional(NameText({ maxLength: 40 })),
    agent: NameText({ minLength: 1, maxLength: 60 }),
    concentrationMgL: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
    contactMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 600 }))),
    operator: NameText({ minLength: 1, maxLength: 40 }),
    at: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type DisinfectionBody = Static<typeof DisinfectionBody>;

export const WasteBody = Type.Object(
  {
    bags: Type.Integer({ minimum: 1, maximum: 10_000 }),
    weightKg: Type.Number({ exclusiveMinimum: 0, maximum: 100_000 }),
    sealed: Type.Boolean(),
    storedAt: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type WasteBody = Static<typeof WasteBody>;

export const HandOverBody = Type.Object(
  {
    receiverUnit: NameText({ minLength: 1, maxLength: 80 }),
    receiverSignature: NameText({ maxLength: 40 }),
    staffSignature: NameText({ maxLength: 40 }),
    at: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type HandOverBody = Static<typeof HandOverBody>;

export const StaffCheckBody = Type.Object(
  {
    staffId: Id,
    temperature: Type.Number(),
    symptoms: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
    test: Type.Optional(
      Type.Union([Type.Literal('negative'), Type.Literal('positive'), Type.Literal('pending'), Type.Literal('none')]),
    ),
  },
  { additionalProperties: false },
);
export type StaffCheckBody = Static<typeof StaffCheckBody>;

export const EntrySchema = Type.Object({ id: Type.String() });

export const OpsSchema = Type.Object({
  siteId: Type.String(),
  siteName: Type.String(),
  date: Type.String(),
  schedule: Type.Array(
    Type.Object({
      item: Type.String(),
      zone: Type.String(),
      timesPerDay: Type.Integer(),
      done: Type.Integer(),
      lastAt: Nullable(Type.Integer()),
      overdue: Type.Boolean(),
    }),
  ),
  terminal: Type.Array(
    Type.Object({
      roomId: Type.String(),
      number: Type.String(),
      dueAt: Type.Integer(),
      overdue: Type.Boolean(),
    }),
  ),
  waste: Type.Array(
    Type.Object({
      id: Type.String(),
      bags: Type.Integer(),
      weightKg: Type.Number(),
      storedAt: Type.Integer(),
      dueAt: Type.Integer(),
      overdue: Type.Boolean(),
      dueSoon: Type.Boolean(),
    }),
  ),
  staff: Type.Array(
    Type.Object({
      staffId: Type.String(),
      name: Type.String(),
      role: Type.String(),
      checked: Type.Boolean(),
      temperature: Nullable(Type.Number()),
      fever: Type.Boolean(),
      testDue: Type.Boolean(),
      lastTest: Nullable(Type.String()),
    }),
  ),
  log: Type.Array(
    Type.Object({
      id: Type.String(),
      item: Type.String(),
      roomNumber: Nullable(Type.String()),
      agent: Type.String(),
      concentrationMgL: Nullable(Type.Number()),
      contactMinutes: Nullable(Type.Integer()),
      operator: Type.String(),
      at: Type.Integer(),
    }),
  ),
});
export type OpsView = Static<typeof OpsSchema>;
