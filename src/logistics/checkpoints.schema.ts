// Error codes of checkpoints (卡口) and their checks, and the request and answer shapes of their routes.
// Names of the persons checked are masked in every answer; phones are never shown here.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, NoteText, Nullable } from '../platform/http.ts';
import { COLOURS, CONTROLS, DECISIONS, PATHS, VEHICLE_CLASSES } from './checkpoint.rules.ts';
import { PassSchema } from './passes.schema.ts';
import { TripSchema } from './trips.schema.ts';

export const CheckpointErrors = defineErrors({
  CHECKPOINT_NOT_FOUND: { status: 404, zh: '找不到该卡口', en: 'Checkpoint not found' },
  CHECK_NOT_FOUND: { status: 404, zh: '找不到该查验记录', en: 'Check not found' },
  CHECKPOINT_ANTIGEN_REQUIRED: {
    status: 400,
    zh: '第 {row} 名人员没有有效期内的核酸检测，须现场做抗原检测并记录结果',
    en: 'Person {row} has no test within its validity: record an antigen test taken on the spot',
  },
  CHECKPOINT_PCR_SAMPLE_REQUIRED: {
    status: 400,
    zh: '第 {row} 名人员做抗原检测时须同时采集核酸样本',
    en: 'Person {row}: a PCR sample must be taken with the antigen test',
  },
  CHECKPOINT_PERSON_NAME: {
    status: 400,
    zh: '第 {row} 名人员须填写姓名或选择登记的驾驶员',
    en: 'Person {row}: give a name or pick a registered driver',
  },
  CHECKPOINT_QUEUE_EXPIRED: {
    status: 409,
    zh: '离线暂存的查验记录超过 {minutes} 分钟未上传，不再受理，请重新查验',
    en: 'A queued check more than {minutes} minutes old is no longer accepted: check the vehicle again',
  },
  CHECKPOINT_COMMUNITY_REQUIRED: {
    status: 400,
    zh: '留在本市的车组人员须指定接收的社区',
    en: 'Name the community that takes over the crew staying in the city',
  },
  CHECKPOINT_TURN_BACK_FORBIDDEN: {
    status: 409,
    zh: '现行规则不允许劝返货车：人员就地管控，货物转运至中转站',
    en: 'The rules in force forbid turning trucks back: control the crew and trans-ship the cargo',
  },
  CHECK_NOT_QUEUED: { status: 409, zh: '该车辆不在待处置队列中', en: 'This vehicle is not in the officer queue' },
  CHECK_NOT_OFFICER: {
    status: 403,
    zh: '该车辆由指定的带班人员处置',
    en: 'This vehicle is decided by the named officer',
  },
  CHECKPOINT_OFFICER_UNKNOWN: { status: 400, zh: '找不到该带班人员账号', en: 'The officer account is unknown' },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const CheckpointBody = Type.Object(
  {
    name: NameText({ minLength: 1, maxLength: 60 }),
    areaId: Id,
    /** The username of the officer who decides the vehicles the rules send to a person. */
    officer: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type CheckpointBody = Static<typeof CheckpointBody>;

export const CheckpointSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  areaId: Type.String(),
  officerUserId: Nullable(Type.String()),
});
export type CheckpointView = Static<typeof CheckpointSchema>;

export const LookupBody = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 2000 })),
    number: Type.Optional(Type.String({ maxLength: 20 })),
    plate: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type LookupBody = Static<typeof LookupBody>;

export const CrewFactsSchema = Type.Object({
  driverId: Type.String(),
  role: Type.String(),
  name: Type.String(),
  resident: Type.Boolean(),
  colour: Nullable(Literals(COLOURS)),
  testSampledAt: Nullable(Type.Integer()),
  testResult: Nullable(Type.String()),
  testValid: Type.Boolean(),
});

export const LookupSchema = Type.Object({
  plate: Type.String(),
  pass: Nullable(PassSchema),
  trip: Nullable(TripSchema),
  crew: Type.Array(CrewFactsSchema),
  testValidityHours: Type.Integer(),
  rulesVersion: Type.String(),
});
export type LookupView = Static<typeof LookupSchema>;

export const PersonCheckBody = Type.Object(
  {
    driverId: Type.Optional(Id),
    name: Type.Optional(NameText({ maxLength: 40 })),
    role: Literals(['driver', 'escort', 'other'] as const),
    temperature: Type.Number({ minimum: 30, maximum: 45 }),
    colourShown: Literals(COLOURS),
    testSampledAt: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    antigen: Type.Optional(Nullable(Literals(['negative', 'positive'] as const))),
    pcrSampled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const CheckBody = Type.Object(
  {
    /** The device's id of this check: sent twice, stored once. */
    clientId: Type.String({ minLength: 8, maxLength: 64 }),
    /** When the check was made, for a check queued while offline. */
    checkedAt: Type.Optional(Type.Integer({ minimum: 0 })),
    code: Type.Optional(Type.String({ maxLength: 2000 })),
    number: Type.Optional(Type.String({ maxLength: 20 })),
    plate: Type.String({ maxLength: 20 }),
    vehicleClass: Literals(VEHICLE_CLASSES),
    persons: Type.Array(PersonCheckBody, { minItems: 1, maxItems: 6 }),
    handedToAreaId: Type.Optional(Id),
    note: Type.Optional(NoteText({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CheckBody = Static<typeof CheckBody>;

export const SyncBody = Type.Object(
  { checks: Type.Array(CheckBody, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);
export type SyncBody = Static<typeof SyncBody>;

export const PersonCheckSchema = Type.Object({
  name: Type.String(),
  role: Type.String(),
  temperature: Type.Number(),
  colour: Literals(COLOURS),
  testSampledAt: Nullable(Type.Integer()),
  antigen: Nullable(Type.String()),
  pcrSampled: Type.Boolean(),
  outcome: Literals(['passed', 'failed'] as const),
  reasons: Type.Array(Type.String()),
  control: Literals(CONTROLS),
});

export const CheckSchema = Type.Object({
  id: Type.String(),
  checkpointId: Type.String(),
  clientId: Type.String(),
  plate: Type.String(),
  passId: Nullable(Type.String()),
  tripId: Nullable(Type.String()),
  vehicleClass: Literals(VEHICLE_CLASSES),
  decision: Literals(DECISIONS),
  path: Nullable(Literals(PATHS)),
  reasons: Type.Array(Type.String()),
  note: Type.String(),
  queueStatus: Nullable(Literals(['open', 'resolved'] as const)),
  officerUserId: Nullable(Type.String()),
  resolutionNote: Nullable(Type.String()),
  handedToAreaId: Nullable(Type.String()),
  persons: Type.Array(PersonCheckSchema),
  rulesVersion: Type.String(),
  checkedAt: Type.Integer(),
  syncGapMs: Type.Integer(),
});
export type CheckView = Static<typeof CheckSchema>;

export const SyncResultSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      clientId: Type.String(),
      ok: Type.Boolean(),
      check: Type.Optional(CheckSchema),
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
    }),
  ),
});

export const CheckListQuery = Type.Object({
  checkpointId: Type.Optional(Id),
  decision: Type.Optional(Literals(DECISIONS)),
  /** open: the officer's queue. */
  queue: Type.Optional(Literals(['open', 'resolved'] as const)),
  date: Type.Optional(Type.String({ maxLength: 10 })),
});
export type CheckListQuery = Static<typeof CheckListQuery>;

export const ResolveBody = Type.Object(
  {
    resolution: Literals(['proceed', 'turned_back', 'trans_ship'] as const),
    path: Type.Optional(Literals(PATHS)),
    handedToAreaId: Type.Optional(Id),
    reason: NoteText({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type ResolveBody = Static<typeof ResolveBody>;

export const CountsQuery = Type.Object({ date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }) });

export const CountsSchema = Type.Object({
  checkpointId: Type.String(),
  date: Type.String(),
  hours: Type.Array(
    Type.Object({
      hour: Type.Integer(),
      vehicles: Type.Integer(),
      persons: Type.Integer(),
      proceed: Type.Integer(),
      officer: Type.Integer(),
      turnedBack: Type.Integer(),
      transShip: Type.Integer(),
    }),
  ),
  vehicles: Type.Integer(),
  persons: Type.Integer(),
});
export type CountsView = Static<typeof CountsSchema>;
