// Error codes of trip pre-registrations (报备), and the request and answer shapes of their routes.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, NoteText, Nullable } from '../platform/http.ts';
import { DESTINATION_KINDS } from './checkpoint.policy.ts';
import { ORIGIN_RISKS } from './checkpoint.rules.ts';
import { CREW_ROLES, INTENTS, SLOTS, TRIP_STATUSES, UNITS } from './trips.rules.ts';

export const TripErrors = defineErrors({
  TRIP_NOT_FOUND: { status: 404, zh: '找不到该报备', en: 'Trip pre-registration not found' },
  TRIP_WINDOW_ORDER: {
    status: 400,
    zh: '预计到达时段的结束早于开始',
    en: 'The expected arrival window ends before it starts',
  },
  TRIP_WINDOW_LONG: {
    status: 400,
    zh: '预计到达时段最长 {hours} 小时',
    en: 'The expected arrival window is {hours} hours at most',
  },
  TRIP_REPORT_LATE: {
    status: 400,
    zh: '须在预计到达前至少 {hours} 小时报备',
    en: 'A trip must be pre-registered at least {hours} hours before it arrives',
  },
  TRIP_PASS_REQUIRED: {
    status: 400,
    zh: '该目的地须凭通行证报备',
    en: 'Trips to this destination must name a vehicle pass',
  },
  TRIP_PASS_INVALID: {
    status: 409,
    zh: '通行证未签发、已撤销或在到达时不在有效期内',
    en: 'The pass is not issued, is revoked, or is not valid when the trip arrives',
  },
  TRIP_PASS_OTHER_VEHICLE: {
    status: 409,
    zh: '通行证属于车辆 {plate}，与报备车辆不符',
    en: 'The pass belongs to vehicle {plate}, not the vehicle of the trip',
  },
  TRIP_PASS_OFF_ROUTE: {
    status: 409,
    zh: '报备的起点或目的地与通行证线路（{origin}→{destination}）不符',
    en: 'The trip is off the pass route ({origin} to {destination})',
  },
  TRIP_CREW_OTHER: {
    status: 400,
    zh: '随车人员不是本企业登记的在用驾驶员或押运员',
    en: 'A crew member is not an active driver or escort of this enterprise',
  },
  TRIP_CREW_NO_DRIVER: { status: 400, zh: '随车人员中须有驾驶员', en: 'The crew must include a driver' },
  TRIP_DESTINATION_UNKNOWN: {
    status: 400,
    zh: '找不到目的地（闭环企业或中转站）',
    en: 'The destination (closed-loop enterprise or transfer station) is unknown',
  },
  TRIP_DESTINATION_NAME: { status: 400, zh: '须填写仓库名称', en: 'Name the warehouse' },
  TRIP_STATE: {
    status: 409,
    zh: '报备当前为“{status}”状态，不能{action}',
    en: 'The trip is {status}: it cannot be {action}',
  },
  TRIP_DEPARTMENT: {
    status: 403,
    zh: '该报备由{department}审核，不属于您的部门',
    en: 'This trip is reviewed by {department}, not your department',
  },
  TRIP_REASON_REQUIRED: { status: 400, zh: '须填写退回理由', en: 'A reason is required' },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Time = Type.Integer({ minimum: 0, description: 'epoch milliseconds' });

export const TripBody = Type.Object(
  {
    /** The vehicle's issued pass; required where the rules say the destination needs one. */
    passId: Type.Optional(Id),
    vehicleId: Id,
    crew: Type.Array(Type.Object({ driverId: Id, role: Literals(CREW_ROLES) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 4,
    }),
    cargoCategory: Type.String({ maxLength: 40 }),
    cargoName: NameText({ minLength: 1, maxLength: 60 }),
    quantity: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }),
    unit: Literals(UNITS),
    /** 6-digit county code. */
    origin: Type.String({ maxLength: 6 }),
    originRisk: Literals(ORIGIN_RISKS),
    destinationKind: Literals(DESTINATION_KINDS),
    /** The closed-loop enterprise or the transfer station. */
    destinationId: Type.Optional(Id),
    /** A warehouse's name. */
    destinationName: Type.Optional(NameText({ maxLength: 60 })),
    intent: Literals(INTENTS),
    arriveFrom: Time,
    arriveUntil: Time,
  },
  { additionalProperties: false },
);
export type TripBody = Static<typeof TripBody>;

export const TripListQuery = Type.Object({
  status: Type.Optional(Literals(TRIP_STATUSES)),
  /** An enterprise account: the trips coming to it rather than its own. */
  incoming: Type.Optional(Type.Boolean()),
  /** Only the trips this reviewer's department reviews. */
  mine: Type.Optional(Type.Boolean()),
  /** Arriving on this day (YYYY-MM-DD). */
  date: Type.Optional(Type.String({ maxLength: 10 })),
  q: Type.Optional(Type.String({ maxLength: 40 })),
});
export type TripListQuery = Static<typeof TripListQuery>;

export const ArrivalQuery = Type.Object({
  date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
  slot: Literals(SLOTS),
});
export type ArrivalQuery = Static<typeof ArrivalQuery>;

export const TripCrewSchema = Type.Object({
  driverId: Type.String(),
  role: Literals(CREW_ROLES),
  name: Type.String(),
  phone: Type.String(),
});

export const TripSchema = Type.Object({
  id: Type.String(),
  status: Literals(TRIP_STATUSES),
  enterpriseId: Type.String(),
  enterpriseName: Type.String(),
  passId: Nullable(Type.String()),
  passNumber: Nullable(Type.String()),
  vehicleId: Type.String(),
  plate: Type.String(),
  crew: Type.Array(TripCrewSchema),
  cargoCategory: Type.String(),
  cargoName: Type.String(),
  quantity: Type.Number(),
  unit: Literals(UNITS),
  origin: Type.Object({ code: Type.String(), name: Nullable(Type.String()) }),
  originRisk: Literals(ORIGIN_RISKS),
  destinationKind: Literals(DESTINATION_KINDS),
  destinationId: Nullable(Type.String()),
  destinationName: Type.String(),
  intent: Literals(INTENTS),
  arriveFrom: Type.Integer(),
  arriveUntil: Type.Integer(),
  department: Type.String(),
  reportedAt: Type.Integer(),
  decidedAt: Nullable(Type.Integer()),
  decisionNote: Nullable(Type.String()),
  arrivedAt: Nullable(Type.Integer()),
});
export type TripView = Static<typeof TripSchema>;

export const ArrivalListSchema = Type.Object({
  stationId: Type.String(),
  stationName: Type.String(),
  date: Type.String(),
  slot: Literals(SLOTS),
  from: Type.Integer(),
  to: Type.Integer(),
  trips: Type.Array(TripSchema),
});
export type ArrivalListView = Static<typeof ArrivalListSchema>;

export const TripDecisionBody = Type.Object(
  { note: Type.Optional(NoteText({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const TripReasonBody = Type.Object({ reason: NoteText({ maxLength: 500 }) }, { additionalProperties: false });
