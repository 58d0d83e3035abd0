// Error codes of the closed-loop transfer to a designated hospital (定点医院闭环转运), and the shapes of
// its routes. The person appears by masked name only.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, NoteText, Nullable } from '../platform/http.ts';
import { COLOURS } from './hospitals.rules.ts';
import { HospitalView, Need } from './hospitals.schema.ts';

export const TransferErrors = defineErrors({
  TRANSFER_SUBJECT_REQUIRED: {
    status: 400,
    zh: '请指明转运的隔离医学观察令或病例（二选一）',
    en: 'Name the quarantine order or the case to transfer (field orderId or caseId, one of them)',
  },
  TRANSFER_CASE_NOT_FOUND: { status: 404, zh: '找不到该病例', en: 'Case not found' },
  TRANSFER_CASE_CLOSED: {
    status: 409,
    zh: '该病例已{status}，不再转运',
    en: 'The case is {status}: no transfer',
  },
  TRANSFER_HOSPITAL_FULL: {
    status: 409,
    zh: '{name} 已无空余床位',
    en: '{name} has no free bed',
  },
  TRANSFER_NOT_IN_HOSPITAL: {
    status: 409,
    zh: '该人员当前不在定点医院（字段 {field}）',
    en: 'The person is not at a designated hospital now (field {field})',
  },
  TRANSFER_RETURN_FIELD_REQUIRED: {
    status: 400,
    zh: '返回隔离点须填写房间、转运车辆和随车人员（字段 {field}）',
    en: 'A return to a site names the room, the vehicle and the escort (field {field})',
  },
  TRANSFER_TIME_INVALID: {
    status: 400,
    zh: '转运时间不能晚于现在，也不能早于隔离起算（字段 {field}）',
    en: 'The transfer time cannot be in the future or before the order starts (field {field})',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Time = Type.Integer({ minimum: 0, description: 'epoch milliseconds' });

export const TransferOptionsQuery = Type.Object({
  orderId: Type.Optional(Id),
  caseId: Type.Optional(Id),
  need: Need,
});
export type TransferOptionsQuery = Static<typeof TransferOptionsQuery>;

export const TransferOptionsSchema = Type.Object({
  /** The person's code colour now: the hospitals offered accept it. */
  colour: Literals(COLOURS),
  need: Need,
  items: Type.Array(HospitalView),
});

export const HospitalTransferBody = Type.Object(
  {
    orderId: Type.Optional(Id),
    caseId: Type.Optional(Id),
    hospitalId: Id,
    need: Need,
    /** The vehicle (plate or fleet number) and the escort who hands the person over. */
    vehicle: NameText({ minLength: 1, maxLength: 60 }),
    escort: NameText({ minLength: 1, maxLength: 60 }),
    /** When the person left (now by default). */
    at: Type.Optional(Time),
    note: Type.Optional(NoteText({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type HospitalTransferBody = Static<typeof HospitalTransferBody>;

export const HospitalTransferSchema = Type.Object({
  transferId: Type.String(),
  orderId: Nullable(Type.String()),
  caseId: Nullable(Type.String()),
  personName: Type.String({ description: 'masked' }),
  colour: Literals(COLOURS),
  need: Need,
  hospitalId: Type.String(),
  hospitalName: Type.String(),
  vehicle: Type.String(),
  escort: Type.String(),
  at: Type.Integer(),
  fromSiteId: Nullable(Type.String()),
  /** The room left empty now awaits its terminal disinfection. */
  roomAwaitsDisinfection: Type.Boolean(),
});
export type HospitalTransferView = Static<typeof HospitalTransferSchema>;

/** What ends the stay at the designated hospital: back to a site room, or released there. */
export const RETURN_OUTCOMES = ['room', 'released'] as const;

export const HospitalReturnBody = Type.Object(
  {
    orderId: Id,
    outcome: Literals(RETURN_OUTCOMES),
    /** Back to a site: the room (it must be disinfected and free of other orders). */
    roomId: Type.Optional(Id),
    vehicle: Type.Optional(NameText({ maxLength: 60 })),
    escort: Type.Optional(NameText({ maxLength: 60 })),
    /** When the person left the hospital (now by default). */
    at: Type.Optional(Time),
    note: Type.Optional(NoteText({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type HospitalReturnBody = Static<typeof HospitalReturnBody>;

export const HospitalReturnSchema = Type.Object({
  transferId: Type.String(),
  orderId: Type.String(),
  outcome: Literals(RETURN_OUTCOMES),
  personName: Type.String({ description: 'masked' }),
  hospitalId: Type.String(),
  hospitalName: Type.String(),
  siteId: Nullable(Type.String()),
  roomId: Nullable(Type.String()),
  at: Type.Integer(),
  orderStatus: Type.String(),
  /** A release at the hospital hands the home phase that follows to an order of its own. */
  followOrderId: Nullable(Type.String()),
});
export type HospitalReturnView = Static<typeof HospitalReturnSchema>;
