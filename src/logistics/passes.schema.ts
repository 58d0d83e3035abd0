// Error codes of vehicle passes, and the request and answer shapes of their routes. The verification
// answer is what a checkpoint needs to wave a vehicle on: the pass as printed, drivers' names masked.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NoteText, Nullable } from '../platform/http.ts';
import { VEHICLE_TYPES } from './enterprises.rules.ts';
import { PASS_STATES, PASS_STATUSES } from './passes.rules.ts';

export const PassErrors = defineErrors({
  PASS_NOT_FOUND: { status: 404, zh: '找不到该通行证', en: 'Pass not found' },
  PASS_NUMBER_FORMAT: {
    status: 400,
    zh: '通行证编号应为 12 位数字（6 位区县代码加 6 位序号）',
    en: 'A pass number is 12 digits: a 6-digit county code and a 6-digit serial',
  },
  PASS_NUMBER_DIVISION: {
    status: 400,
    zh: '通行证编号前 6 位不是县级行政区划代码',
    en: 'The first six digits of the pass number are not a county division code',
  },
  PASS_VALIDITY_DATE: {
    status: 400,
    zh: '有效期日期无效（应为 YYYY-MM-DD）',
    en: 'A validity date is not a date (YYYY-MM-DD)',
  },
  PASS_VALIDITY_ORDER: { status: 400, zh: '有效期截止日早于起始日', en: 'The validity ends before it starts' },
  PASS_VALIDITY_PAST: { status: 400, zh: '有效期起始日不能早于今天', en: 'The validity cannot start before today' },
  PASS_VALIDITY_TOO_LONG: {
    status: 400,
    zh: '有效期最长 {days} 天',
    en: 'A pass is valid for {days} days at most',
  },
  PASS_VALIDITY_TOO_FAR: {
    status: 400,
    zh: '有效期起始日最多提前 {days} 天',
    en: 'A pass may be applied for at most {days} days ahead',
  },
  PASS_CARGO_UNKNOWN: { status: 400, zh: '未知的运输物资类别', en: 'Unknown cargo category' },
  PASS_VEHICLE_HELD: {
    status: 409,
    zh: '该车辆已有申请中或有效的通行证（{number}），一车一证',
    en: 'The vehicle already has a pass applied for or in force ({number}): one vehicle, one pass',
  },
  PASS_VEHICLE_RETIRED: { status: 409, zh: '该车辆已停用', en: 'The vehicle is retired' },
  PASS_DRIVER_OTHER: {
    status: 400,
    zh: '驾驶员不是本企业登记的在用驾驶员',
    en: 'A driver is not an active driver of this enterprise',
  },
  PASS_STATE: {
    status: 409,
    zh: '通行证当前为“{status}”状态，不能{action}',
    en: 'The pass is {status}: it cannot be {action}',
  },
  PASS_DEPARTMENT: {
    status: 403,
    zh: '该通行证由{department}审核，不属于您的部门',
    en: 'This pass is reviewed by {department}, not your department',
  },
  PASS_REASON_REQUIRED: { status: 400, zh: '须填写理由', en: 'A reason is required' },
  PASS_SERIAL_EXHAUSTED: {
    status: 409,
    zh: '区县 {county} 的通行证序号已用完',
    en: 'County {county} has used every pass serial',
  },
  PASS_NOT_ISSUED: { status: 409, zh: '该通行证尚未签发', en: 'The pass has not been issued' },
  PASS_CODE_INVALID: {
    status: 400,
    zh: '通行证二维码无效（伪造或被改动）',
    en: 'The pass code is not genuine (forged or altered)',
  },
  PASS_EXPIRED: { status: 409, zh: '通行证已过有效期', en: 'The pass has expired' },
  PASS_NOT_YET_VALID: { status: 409, zh: '通行证尚未到有效期', en: 'The pass is not valid yet' },
  PASS_REVOKED: { status: 409, zh: '通行证已被撤销', en: 'The pass has been revoked' },
  PASS_OTHER_VEHICLE: {
    status: 409,
    zh: '通行证属于车辆 {plate}，与所查车辆不符',
    en: 'The pass belongs to vehicle {plate}, not this one',
  },
  PASS_VERIFY_INPUT: {
    status: 400,
    zh: '请扫描通行证二维码或输入通行证编号',
    en: 'Scan the pass code or type the pass number',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Day = Type.String({ maxLength: 10, description: 'YYYY-MM-DD' });

export const PassApplyBody = Type.Object(
  {
    vehicleId: Id,
    driverIds: Type.Array(Id, { maxItems: 3 }),
    /** Origin and destination counties: 6-digit division codes. */
    origin: Type.String({ maxLength: 6 }),
    destination: Type.String({ maxLength: 6 }),
    cargoCategory: Type.String({ maxLength: 40 }),
    cargoNote: Type.Optional(NoteText({ maxLength: 200 })),
    validFrom: Type.Optional(Day),
    validUntil: Type.Optional(Day),
  },
  { additionalProperties: false },
);
export type PassApplyBody = Static<typeof PassApplyBody>;

export const DecisionBody = Type.Object(
  { note: Type.Optional(NoteText({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;

export const ReasonBody = Type.Object({ reason: NoteText({ maxLength: 500 }) }, { additionalProperties: false });
export type ReasonBody = Static<typeof ReasonBody>;

export const PassListQuery = Type.Object({
  status: Type.Optional(Literals(PASS_STATUSES)),
  enterpriseId: Type.Optional(Id),
  /** Only the passes this reviewer's department reviews. */
  mine: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 40 })),
});
export type PassListQuery = Static<typeof PassListQuery>;

const Place = Type.Object({ code: Type.String(), name: Nullable(Type.String()) });

export const PassDriverSchema = Type.Object({ id: Type.String(), name: Type.String(), phone: Type.String() });

export const PassSchema = Type.Object({
  id: Type.String(),
  number: Nullable(Type.String()),
  status: Literals(PASS_STATUSES),
  /** The status as of today: an issued pass outside its window is expired or not yet valid. */
  state: Literals(PASS_STATES),
  enterpriseId: Type.String(),
  enterpriseName: Type.String(),
  vehicleId: Type.String(),
  plate: Type.String(),
  trailerPlate: Nullable(Type.String()),
  vehicleType: Literals(VEHICLE_TYPES),
  drivers: Type.Array(PassDriverSchema),
  origin: Place,
  destination: Place,
  cargoCategory: Type.String(),
  cargoNote: Type.String(),
  department: Type.String(),
  county: Place,
  validFrom: Type.String(),
  validUntil: Type.String(),
  appliedAt: Type.Integer(),
  decidedAt: Nullable(Type.Integer()),
  decisionNote: Nullable(Type.String()),
  revokedAt: Nullable(Type.Integer()),
  revokeReason: Nullable(Type.String()),
});
export type PassView = Static<typeof PassSchema>;

export const PassCodeSchema = Type.Object({ number: Type.String(), token: Type.String() });

export const VerifyBody = Type.Object(
  {
    /** The scanned QR (lp1.…), or */
    code: Type.Optional(Type.String({ maxLength: 2000 })),
    /** the 12-digit number typed from a paper pass. */
    number: Type.Optional(Type.String({ maxLength: 20 })),
    /** The plate of the vehicle in front of the checkpoint. */
    plate: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type VerifyBody = Static<typeof VerifyBody>;

export const VerifySchema = Type.Object({
  ok: Type.Literal(true),
  pass: PassSchema,
  checkedAt: Type.Integer(),
});
export type VerifyView = Static<typeof VerifySchema>;
