// Error codes of transfer stations (中转站) and their vehicles' visits, and the shapes of their routes.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, NoteText, Nullable } from '../platform/http.ts';
import { CREW_STATES, HANDOVERS, STEPS } from './trips.rules.ts';

export const StationErrors = defineErrors({
  STATION_NOT_FOUND: { status: 404, zh: '找不到该中转站', en: 'Transfer station not found' },
  STATION_VISIT_NOT_FOUND: { status: 404, zh: '找不到该车辆的中转记录', en: 'Station visit not found' },
  STATION_VISIT_OPEN: {
    status: 409,
    zh: '车辆 {plate} 已在站内',
    en: 'Vehicle {plate} is already inside the station',
  },
  STATION_STEP_ORDER: {
    status: 409,
    zh: '当前步骤为“{step}”，下一步应为“{next}”',
    en: 'The visit is at {step}: the next step is {next}',
  },
  STATION_VISIT_CLOSED: { status: 409, zh: '该车辆已完成交付', en: 'The vehicle has been delivered' },
  STATION_CREW_RESULTS: {
    status: 400,
    zh: '须为每名车组人员填写检测结果',
    en: 'Give a test result for each crew member',
  },
  STATION_CREW_REQUIRED: { status: 400, zh: '须填写车组人员', en: 'Name the crew' },
  STATION_RELAY_REQUIRED: {
    status: 400,
    zh: '无可继续驾驶的人员，须指定接驳司机',
    en: 'No crew member may drive on: name a relay driver',
  },
  STATION_HANDOVER_REQUIRED: {
    status: 400,
    zh: '须选择交接方式（卸货、甩挂或接驳）',
    en: 'Choose the hand-over: unloading, trailer swap or relay',
  },
  STATION_SEAL_REQUIRED: { status: 400, zh: '须填写驾驶室封条编号', en: 'Give the cab seal number' },
  STATION_ROUTE_REQUIRED: { status: 400, zh: '须填写指定路线', en: 'Give the assigned route' },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const StationBody = Type.Object(
  {
    name: NameText({ minLength: 1, maxLength: 60 }),
    areaId: Id,
    address: Type.Optional(NoteText({ maxLength: 120 })),
    /** How long a vehicle may stay inside, in minutes. */
    windowMinutes: Type.Integer({ minimum: 30, maximum: 2880 }),
  },
  { additionalProperties: false },
);
export type StationBody = Static<typeof StationBody>;

export const StationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  areaId: Type.String(),
  county: Type.String(),
  address: Type.String(),
  windowMinutes: Type.Integer(),
});
export type StationView = Static<typeof StationSchema>;

export const ArriveBody = Type.Object(
  {
    plate: Type.String({ maxLength: 20 }),
    /** The crew's names when the vehicle has no trip on the list. */
    crew: Type.Optional(Type.Array(NameText({ minLength: 1, maxLength: 40 }), { maxItems: 6 })),
    checkId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ArriveBody = Static<typeof ArriveBody>;

export const StepBody = Type.Object(
  {
    step: Literals(STEPS),
    results: Type.Optional(
      Type.Array(
        Type.Object(
          { antigen: Literals(['negative', 'positive'] as const), pcrSampled: Type.Boolean() },
          { additionalProperties: false },
        ),
        { maxItems: 6 },
      ),
    ),
    relayDriver: Type.Optional(NameText({ maxLength: 40 })),
    handover: Type.Optional(Literals(HANDOVERS)),
    sealNumber: Type.Optional(Type.String({ maxLength: 40 })),
    route: Type.Optional(NoteText({ maxLength: 200 })),
    note: Type.Optional(NoteText({ maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type StepBody = Static<typeof StepBody>;

export const VisitSchema = Type.Object({
  id: Type.String(),
  stationId: Type.String(),
  tripId: Nullable(Type.String()),
  plate: Type.String(),
  onList: Type.Boolean(),
  step: Literals(STEPS),
  handover: Nullable(Literals(HANDOVERS)),
  crew: Type.Array(
    Type.Object({
      name: Type.String(),
      antigen: Nullable(Type.String()),
      pcrSampled: Type.Boolean(),
      state: Literals(CREW_STATES),
    }),
  ),
  relayDriver: Nullable(Type.String()),
  route: Nullable(Type.String()),
  sealNumber: Nullable(Type.String()),
  arrivedAt: Type.Integer(),
  dueAt: Type.Integer(),
  overdue: Type.Boolean(),
  closedAt: Nullable(Type.Integer()),
  steps: Type.Array(Type.Object({ step: Literals(STEPS), at: Type.Integer(), by: Type.String(), note: Type.String() })),
});
export type VisitView = Static<typeof VisitSchema>;

export const BoardSchema = Type.Object({
  station: StationSchema,
  /** Every vehicle inside, oldest first, and those delivered today. */
  visits: Type.Array(VisitSchema),
  inside: Type.Integer(),
  overdue: Type.Integer(),
});
export type BoardView = Static<typeof BoardSchema>;
