// Error codes of testing rounds, and the request and response shapes of their routes. Response schemas
// are the whitelist: people appear by reference and masked name only — never an ID number or phone.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { CONTROL_LEVELS } from './pooling.rules.ts';
import {
  BOX_STATUSES,
  CUSTODY_STEPS,
  LAB_RESULTS,
  NOTIFICATION_KINDS,
  POOL_STATUSES,
  ROUND_STATUSES,
  SITE_KINDS,
  STAFF_DUTIES,
  TASK_KINDS,
  TASK_STATUSES,
  TUBE_MODES,
  TUBE_STATUSES,
  VISIT_OUTCOMES,
} from './testing.rules.ts';
import { ROLES, type Role } from '../access/access.rules.ts';
import { Literals, Nullable, NameText, NoteText } from '../platform/http.ts';

export const TestingErrors = defineErrors({
  ROUND_NOT_FOUND: { status: 404, zh: '找不到该检测轮次', en: 'Testing round not found' },
  ROUND_DEADLINE_BEFORE_START: {
    status: 400,
    zh: '截止时间必须晚于开始时间',
    en: 'The deadline must be after the start',
  },
  ROUND_CLOSED: { status: 409, zh: '该检测轮次已结束', en: 'This testing round is closed' },
  ROUND_NOT_OPEN: {
    status: 409,
    zh: '该检测轮次未在采样中（{status}）',
    en: 'This testing round is not taking samples ({status})',
  },
  ROUND_PREVIOUS_NOT_FOUND: {
    status: 422,
    zh: '找不到指定的上一轮次 {previousRoundId}',
    en: 'The previous round {previousRoundId} was not found',
  },
  ROUND_PREVIOUS_OUT_OF_SCOPE: {
    status: 403,
    zh: '上一轮次 {previousRoundId} 不在您的管辖区域内，不能用于对比',
    en: 'The previous round {previousRoundId} is outside your area: it cannot be compared with',
  },
  ROUND_PREVIOUS_NO_OVERLAP: {
    status: 422,
    zh: '上一轮次“{name}”不覆盖本轮次的任何区域，无法对比',
    en: 'The previous round “{name}” covers none of this round’s areas: there is nothing to compare',
  },
  SITE_NOT_FOUND: { status: 404, zh: '找不到该采样点', en: 'Sampling site not found' },
  TABLE_NOT_FOUND: { status: 404, zh: '找不到该采样台', en: 'Sampling table not found' },
  TABLE_NOT_IN_ROUND: {
    status: 409,
    zh: '该采样台不在本轮次的区域内',
    en: 'This sampling table is not inside the round’s areas',
  },
  STAFF_USER_NOT_FOUND: { status: 404, zh: '找不到该用户', en: 'User not found' },
  STAFF_NOT_FOUND: { status: 404, zh: '找不到该人员安排', en: 'Staff assignment not found' },
  STAFF_USER_NOT_ASSIGNABLE: {
    status: 422,
    zh: '账号 {username} 已停用或不是工作人员，不能安排',
    en: 'Account {username} is disabled or not a staff account: it cannot be assigned',
  },
  STAFF_ROLE_UNFIT: {
    status: 422,
    zh: '账号 {username} 的角色（{role}）不能承担该岗位（{duty}）',
    en: 'Account {username} has role {role}, which cannot take the duty {duty}',
  },
  STAFF_ALREADY_ASSIGNED: {
    status: 409,
    zh: '{username} 已安排在该岗位',
    en: '{username} is already assigned to this duty and table',
  },
  PERSON_NOT_IN_ROUND: {
    status: 422,
    zh: '此人不住在本轮次的区域内',
    en: 'This person does not live in the round’s areas',
  },
  TUBE_NOT_FOUND: { status: 404, zh: '找不到该试管', en: 'Tube not found' },
  TUBE_BARCODE_TAKEN: { status: 409, zh: '管码 {barcode} 已被使用', en: 'Tube barcode {barcode} is already in use' },
  TUBE_MODE_NOT_ALLOWED: {
    status: 422,
    zh: '{level} 不允许该混采方式（最多 {maxPoolSize} 人一管）',
    en: 'This pooling mode is not allowed for {level} (at most {maxPoolSize} per tube)',
  },
  TUBE_FULL: { status: 409, zh: '试管已满（{capacity} 人一管）', en: 'The tube is full ({capacity} per tube)' },
  TUBE_CLOSED: {
    status: 409,
    zh: '试管 {barcode} 已封管，不能再加入',
    en: 'Tube {barcode} is closed: nobody can join it',
  },
  TUBE_NOT_EMPTY: {
    status: 409,
    zh: '管 {barcode} 已有 {members} 人，不能作废：请继续采样或封管',
    en: 'Tube {barcode} holds {members} people and cannot be voided: resume or close it',
  },
  TUBE_EMPTY: { status: 409, zh: '空管不能封管', en: 'An empty tube cannot be closed' },
  PERSON_IN_OPEN_TUBE: {
    status: 409,
    zh: '此人已在本轮次的另一支未封管试管 {barcode} 中',
    en: 'This person is already in another open tube ({barcode}) of the round',
  },
  PERSON_ALREADY_IN_TUBE: { status: 409, zh: '此人已在该试管中', en: 'This person is already in this tube' },
  PERSON_UNDER_CONTROL: {
    status: 409,
    zh: '此人正处于管控中，须单人单管采样，不能混入 {capacity} 人一管：请为其开一个单管',
    en: 'This person is under control and is sampled alone, not in a tube of {capacity}: open a single tube for them',
  },
  TUBE_HOUSEHOLD_MISMATCH: {
    status: 409,
    zh: '一户一管：此人不属于该管的家庭',
    en: 'One tube per household: this person is not of the tube’s household',
  },
  PERSON_IDENTIFIER_REQUIRED: {
    status: 400,
    zh: '请扫个人码或输入证件号',
    en: 'Scan a personal code or type an ID number',
  },
  SYNC_TIME_INVALID: {
    status: 400,
    zh: '操作时间超出离线同步允许的范围',
    en: 'The operation time is outside the offline window',
  },
  SYNC_CLIENT_ID_REUSED: {
    status: 409,
    zh: '该客户端编号已用于另一种操作',
    en: 'This client id was already used for another operation',
  },
  BOX_NOT_FOUND: { status: 404, zh: '找不到该转运箱', en: 'Box not found' },
  BOX_CODE_TAKEN: { status: 409, zh: '箱码 {code} 已被使用', en: 'Box code {code} is already in use' },
  BOX_NOT_PACKING: {
    status: 409,
    zh: '该转运箱已交接，不能再装管',
    en: 'This box has been handed over: no more tubes',
  },
  BOX_EMPTY: { status: 409, zh: '空箱不能交接', en: 'An empty box cannot be handed over' },
  BOX_NOT_IN_TRANSIT: { status: 409, zh: '该转运箱不在转运中', en: 'This box is not in transit' },
  BOX_TUBES_INVALID: { status: 422, zh: '{count} 支试管不能装箱', en: '{count} tubes cannot be boxed' },
  TUBE_UNKNOWN: { status: 422, zh: '未知管码 {barcode}', en: 'Unknown tube barcode {barcode}' },
  TUBE_NOT_CLOSED: { status: 422, zh: '试管 {barcode} 未封管', en: 'Tube {barcode} is not closed' },
  TUBE_ALREADY_BOXED: { status: 422, zh: '试管 {barcode} 已装箱', en: 'Tube {barcode} is already in a box' },
  TUBE_OTHER_ROUND: { status: 422, zh: '试管 {barcode} 属于另一轮次', en: 'Tube {barcode} belongs to another round' },
  LAB_RESULTS_INVALID: {
    status: 422,
    zh: '检测结果有 {count} 处错误，未导入任何结果',
    en: 'The results have {count} errors; nothing was recorded',
  },
  LAB_FILE_REQUIRED: { status: 400, zh: '请上传 .csv 或 .xlsx 结果文件', en: 'Upload a .csv or .xlsx results file' },
  LAB_FILE_FORMAT: { status: 415, zh: '只支持 .csv 或 .xlsx 文件', en: 'Only .csv and .xlsx files are accepted' },
  LAB_FILE_EMPTY: { status: 422, zh: '结果文件没有数据行', en: 'The results file has no data rows' },
  LAB_UPLOAD_PARTIAL: {
    status: 503,
    zh: '阳性结果（{pools} 个混管）已导入并处置，{negatives} 条阴性结果未能导入：请重新上传同一文件补齐（已导入的不会重复）',
    en: 'The positive results ({pools} pools) were applied and acted on, but {negatives} negative results were not: upload the same file again to finish (nothing is applied twice)',
  },
  LAB_HEADER_INVALID: {
    status: 422,
    zh: '表头错误：缺少 {missing}；无法识别 {unknown}',
    en: 'Wrong header: missing {missing}; not recognised {unknown}',
  },
  LAB_TUBE_UNKNOWN: { status: 422, zh: '未知管码 {barcode}', en: 'Unknown tube barcode {barcode}' },
  LAB_TUBE_OTHER_ROUND: { status: 422, zh: '试管 {barcode} 不属于该轮次', en: 'Tube {barcode} is not of this round' },
  LAB_TUBE_NOT_SAMPLED: {
    status: 422,
    zh: '试管 {barcode} 未完成采样封管',
    en: 'Tube {barcode} was never sampled and closed',
  },
  LAB_RESULT_CONFLICT: {
    status: 422,
    zh: '试管 {barcode} 的结果与已报结果（{existing}）不一致',
    en: 'Tube {barcode} was already reported with a different result ({existing})',
  },
  LAB_RESULT_INVALID: {
    status: 422,
    zh: '结果应为 阴性 或 阳性：{value}',
    en: 'The result must be negative or positive: {value}',
  },
  LAB_CT_OUT_OF_RANGE: {
    status: 422,
    zh: 'Ct 值 {value} 超出范围 {min}–{max}',
    en: 'Ct value {value} is outside {min}–{max}',
  },
  LAB_TIME_INVALID: { status: 422, zh: '检测时间无效：{value}', en: 'The test time is invalid: {value}' },
  POOL_NOT_FOUND: { status: 404, zh: '找不到该混管', en: 'Pool not found' },
  POOL_CLOSED: { status: 409, zh: '该混管已解除或已确认病例', en: 'This pool is already released or a case was found' },
  TASK_NOT_FOUND: { status: 404, zh: '找不到该采样任务', en: 'Sampling task not found' },
  TASK_NOT_OPEN: { status: 409, zh: '该采样任务已完成', en: 'This sampling task is already done' },
  SAMPLES_INVALID: {
    status: 422,
    zh: '{count} 支试管不能登记，未写入任何采样',
    en: '{count} tubes cannot be recorded; nothing was written',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Time = Type.Integer({ minimum: 0 });
const Barcode = Type.String({ minLength: 4, maxLength: 40, pattern: '^[A-Za-z0-9-]+$' });
export const ClientId = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Name = NameText({ minLength: 1, maxLength: 200 });

export const IdParams = Type.Object({ id: Id });
export const ControlLevelSchema = Literals(CONTROL_LEVELS);
export const TubeModeSchema = Literals(TUBE_MODES);
const Strict = { additionalProperties: false } as const;

// ---- rounds -------------------------------------------------------------------------------------

export const RoundAreaInput = Type.Object({ areaId: Id, controlLevel: Type.Optional(ControlLevelSchema) }, Strict);
export const RoundCreateBody = Type.Object(
  {
    name: Name,
    areas: Type.Array(RoundAreaInput, { minItems: 1, maxItems: 200 }),
    startsAt: Time,
    deadlineAt: Type.Optional(Time),
    previousRoundId: Type.Optional(Nullable(Id)),
    autoReport: Type.Optional(Type.Boolean()),
  },
  Strict,
);
export type RoundCreateBody = Static<typeof RoundCreateBody>;
export const RoundPatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    deadlineAt: Type.Optional(Time),
    autoReport: Type.Optional(Type.Boolean()),
    areas: Type.Optional(
      Type.Array(Type.Object({ areaId: Id, controlLevel: ControlLevelSchema }, Strict), { minItems: 1, maxItems: 200 }),
    ),
  },
  Strict,
);
export type RoundPatchBody = Static<typeof RoundPatchBody>;

export const RoundSummary = Type.Object({
  target: Type.Integer(),
  sampled: Type.Integer(),
  resulted: Type.Integer(),
  negative: Type.Integer(),
  tubes: Type.Integer(),
  openTubes: Type.Integer(),
  positivePools: Type.Integer(),
  openPools: Type.Integer(),
  missing: Type.Integer(),
  /** Tubes whose result was accepted before box → transport → received was complete. */
  custodyGaps: Type.Integer(),
});
export const RoundView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Literals(ROUND_STATUSES),
  startsAt: Type.Number(),
  deadlineAt: Type.Number(),
  closedAt: Nullable(Type.Number()),
  areas: Type.Array(
    Type.Object({
      areaId: Type.String(),
      code: Type.String(),
      name: Type.String(),
      level: Type.String(),
      path: Type.String(),
      controlLevel: ControlLevelSchema,
    }),
  ),
  previousRoundId: Nullable(Type.String()),
  autoReport: Type.Boolean(),
  target: Type.Integer(),
  rules: Type.Object({ pooling: Type.String(), testing: Type.String() }),
  createdAt: Type.Number(),
  /** The round's figures, the same on the list as on its page. */
  summary: RoundSummary,
});
export type RoundView = Static<typeof RoundView>;
export type RoundSummary = Static<typeof RoundSummary>;
export const RoundListQuery = Type.Object({
  status: Type.Optional(Literals(['planned', 'open', 'overdue', 'closed'] as const)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

const Range = Type.Object({ min: Type.Integer(), max: Type.Integer() });
const Counts = Type.Object({ sites: Type.Integer(), tables: Type.Integer(), samplers: Type.Integer() });
export const PlanRow = Type.Object({
  areaId: Nullable(Type.String()),
  name: Type.String(),
  level: Nullable(Type.String()),
  population: Type.Integer(),
  needed: Type.Object({ sites: Range, tables: Range, samplers: Type.Integer() }),
  registered: Counts,
  short: Counts,
});
export const PlanView = Type.Object({
  norms: Type.Object({ peoplePerSite: Range, peoplePerTable: Range, peoplePerSampler: Type.Number() }),
  rows: Type.Array(PlanRow),
  total: PlanRow,
});

/** The pool-size advisor applied to the round: per area, its pool size and what the round should expect. */
export const RoundPoolingQuery = Type.Object(
  {
    prevalence: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'typed prevalence (0.002, 0.2% or 2‰); default: estimated from the last rounds',
      }),
    ),
  },
  Strict,
);
const ExpectedFigures = {
  expectedTubes: Type.Number(),
  expectedPositiveTubes: Type.Number(),
  expectedRetests: Type.Number(),
  expectedControlled: Type.Number(),
  expectedTests: Type.Number(),
};
export const RoundPoolingView = Type.Object({
  prevalence: Nullable(Type.Number()),
  source: Literals(['typed', 'estimated', 'none'] as const),
  /** Positive people (positive single tubes, and one per pool still open) over the people resulted in the last rounds. */
  estimate: Nullable(
    Type.Object({
      prevalence: Type.Number(),
      resulted: Type.Integer(),
      positives: Type.Integer(),
      rounds: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    }),
  ),
  areas: Type.Array(
    Type.Object({
      areaId: Type.String(),
      name: Type.String(),
      level: Type.String(),
      controlLevel: ControlLevelSchema,
      population: Type.Integer(),
      mandatedPoolSize: Type.Integer(),
      householdTube: Type.Boolean(),
      recommendedPoolSize: Nullable(Type.Integer()),
      reason: Nullable(Type.String()),
      testsPerPerson: Nullable(Type.Number()),
      expectedTubes: Nullable(Type.Number()),
      expectedPositiveTubes: Nullable(Type.Number()),
      expectedRetests: Nullable(Type.Number()),
      expectedControlled: Nullable(Type.Number()),
      expectedTests: Nullable(Type.Number()),
    }),
  ),
  totals: Nullable(Type.Object({ population: Type.Integer(), testsPerPerson: Type.Number(), ...ExpectedFigures })),
  rules: Type.Object({ version: Type.String(), effectiveFrom: Type.String() }),
});
export type RoundPoolingView = Static<typeof RoundPoolingView>;

// ---- sites and staff ----------------------------------------------------------------------------

export const SiteCreateBody = Type.Object(
  {
    areaId: Id,
    name: Name,
    address: Type.Optional(NameText({ maxLength: 300 })),
    kind: Type.Optional(Literals(SITE_KINDS)),
  },
  Strict,
);
export type SiteCreateBody = Static<typeof SiteCreateBody>;
export const TableView = Type.Object({ id: Type.String(), siteId: Type.String(), name: Type.String() });
export const SiteView = Type.Object({
  id: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  name: Type.String(),
  address: Type.String(),
  kind: Literals(SITE_KINDS),
  tables: Type.Array(TableView),
});
export type SiteView = Static<typeof SiteView>;
export const StaffCreateBody = Type.Object(
  {
    userId: Id,
    siteId: Type.Optional(Nullable(Id)),
    tableId: Type.Optional(Nullable(Id)),
    duty: Literals(STAFF_DUTIES),
  },
  Strict,
);
export type StaffCreateBody = Static<typeof StaffCreateBody>;
export const StaffView = Type.Object({
  id: Type.String(),
  roundId: Type.String(),
  userId: Type.String(),
  displayName: Type.String(),
  siteId: Nullable(Type.String()),
  tableId: Nullable(Type.String()),
  duty: Literals(STAFF_DUTIES),
});
/** Roles an account staffing a round may have: every role but a resident's. */
export const STAFF_ROLES = ROLES.filter((r): r is Exclude<Role, 'resident'> => r !== 'resident');

/** Accounts a planner may staff: by role, by name or username prefix, inside the planner's area. */
export const StaffCandidateQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 64 })),
    role: Type.Optional(Literals(STAFF_ROLES)),
    areaId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  Strict,
);
export type StaffCandidateQuery = Static<typeof StaffCandidateQuery>;
export const StaffCandidateView = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  /** Duties this account already has in the round. */
  duties: Type.Array(Literals(STAFF_DUTIES)),
});
export const AssignmentView = Type.Object({
  roundId: Type.String(),
  roundName: Type.String(),
  roundStatus: Literals(ROUND_STATUSES),
  siteId: Nullable(Type.String()),
  siteName: Nullable(Type.String()),
  tableId: Nullable(Type.String()),
  tableName: Nullable(Type.String()),
  duty: Literals(STAFF_DUTIES),
});

// ---- tubes --------------------------------------------------------------------------------------

export const TubeView = Type.Object({
  id: Type.String(),
  roundId: Type.String(),
  barcode: Type.String(),
  siteId: Nullable(Type.String()),
  tableId: Nullable(Type.String()),
  areaId: Type.String(),
  mode: TubeModeSchema,
  capacity: Type.Integer(),
  controlLevel: ControlLevelSchema,
  status: Literals(TUBE_STATUSES),
  members: Type.Integer(),
  openedAt: Type.Number(),
  openedBy: Type.String(),
  closedAt: Nullable(Type.Number()),
  boxId: Nullable(Type.String()),
  result: Nullable(Literals(LAB_RESULTS)),
  ctN: Nullable(Type.Number()),
  ctOrf1ab: Nullable(Type.Number()),
  testedAt: Nullable(Type.Number()),
  resultedAt: Nullable(Type.Number()),
  poolId: Nullable(Type.String()),
  taskId: Nullable(Type.String()),
  rulesVersion: Type.String(),
  /** Custody steps the result was accepted without (empty when the chain was complete or no result yet). */
  custodyMissing: Type.Array(Literals(CUSTODY_STEPS)),
});
export type TubeView = Static<typeof TubeView>;
export const MemberView = Type.Object({
  personId: Type.String(),
  maskedName: Type.String(),
  householdId: Nullable(Type.String()),
  sampledAt: Type.Number(),
});
export type MemberView = Static<typeof MemberView>;
export const TubeDetail = Type.Object({ tube: TubeView, members: Type.Array(MemberView) });
export const OpenTubesQuery = Type.Object({ roundId: Type.String({ minLength: 1, maxLength: 40 }) }, Strict);
export const TubeVoidBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, Strict);

const PersonRef = {
  personCode: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  idType: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  personId: Type.Optional(Id),
};
export const TubeOpenBody = Type.Object(
  {
    clientId: Type.Optional(ClientId),
    roundId: Id,
    tableId: Id,
    barcode: Barcode,
    mode: Type.Optional(TubeModeSchema),
    poolSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    at: Type.Optional(Time),
  },
  Strict,
);
export type TubeOpenBody = Static<typeof TubeOpenBody>;
export const MemberAddBody = Type.Object(
  { clientId: Type.Optional(ClientId), ...PersonRef, at: Type.Optional(Time) },
  Strict,
);
export type MemberAddBody = Static<typeof MemberAddBody>;
export const TubeCloseBody = Type.Object({ clientId: Type.Optional(ClientId), at: Type.Optional(Time) }, Strict);
export const CustodyEventView = Type.Object({
  kind: Type.String(),
  at: Type.Number(),
  actorName: Type.String(),
  boxId: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

// ---- offline sync -------------------------------------------------------------------------------

const OpBase = { clientId: ClientId, at: Time };
export const SyncOp = Type.Union([
  Type.Object(
    {
      type: Type.Literal('tube.open'),
      ...OpBase,
      roundId: Id,
      tableId: Id,
      barcode: Barcode,
      mode: Type.Optional(TubeModeSchema),
      poolSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    },
    Strict,
  ),
  Type.Object({ type: Type.Literal('tube.add'), ...OpBase, barcode: Barcode, ...PersonRef }, Strict),
  Type.Object({ type: Type.Literal('tube.remove'), ...OpBase, barcode: Barcode, personId: Id }, Strict),
  Type.Object({ type: Type.Literal('tube.close'), ...OpBase, barcode: Barcode }, Strict),
  Type.Object(
    {
      type: Type.Literal('tube.fill'),
      ...OpBase,
      roundId: Id,
      tableId: Id,
      barcode: Barcode,
      mode: Type.Optional(TubeModeSchema),
      poolSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
      people: Type.Array(Type.Object({ ...PersonRef, at: Time }, Strict), { minItems: 1, maxItems: 50 }),
    },
    Strict,
  ),
  Type.Object({ type: Type.Literal('task.sample'), ...OpBase, taskId: Id, barcode: Barcode }, Strict),
  Type.Object(
    {
      type: Type.Literal('visit'),
      ...OpBase,
      roundId: Id,
      personId: Id,
      outcome: Literals(VISIT_OUTCOMES),
      note: Type.Optional(NoteText({ maxLength: 500 })),
    },
    Strict,
  ),
]);
export type SyncOp = Static<typeof SyncOp>;
export const SyncBody = Type.Object({ ops: Type.Array(SyncOp, { minItems: 1, maxItems: 500 }) }, Strict);

export const VisitView = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  outcome: Literals(VISIT_OUTCOMES),
  note: Type.String(),
  at: Type.Number(),
  by: Type.String(),
  taskId: Nullable(Type.String()),
});
export type VisitView = Static<typeof VisitView>;
export const TaskView = Type.Object({
  id: Type.String(),
  kind: Literals(TASK_KINDS),
  roundId: Type.String(),
  poolId: Nullable(Type.String()),
  personId: Type.String(),
  maskedName: Type.String(),
  address: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  status: Literals(TASK_STATUSES),
  createdAt: Type.Number(),
  sampledAt: Nullable(Type.Number()),
  tubeId: Nullable(Type.String()),
  barcode: Nullable(Type.String()),
  resultAt: Nullable(Type.Number()),
  caseId: Nullable(Type.String()),
});
export type TaskView = Static<typeof TaskView>;

/** A queued operation done: what it made or changed. `duplicate`: an earlier send already did it. */
export const OpDone = Type.Object({
  clientId: Type.String(),
  ok: Type.Literal(true),
  duplicate: Type.Boolean(),
  tube: Type.Optional(TubeView),
  member: Type.Optional(MemberView),
  task: Type.Optional(TaskView),
  visit: Type.Optional(VisitView),
});
export type OpDone = Static<typeof OpDone>;
/** A queued operation refused, and why (the refusal is kept: a resent queue gets it again). */
export const OpRefused = Type.Object({
  clientId: Type.String(),
  ok: Type.Literal(false),
  duplicate: Type.Boolean(),
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});
export type OpRefused = Static<typeof OpRefused>;
export const OpResult = Type.Union([OpDone, OpRefused]);
export type OpResult = Static<typeof OpResult>;
export const SyncResult = Type.Object({ results: Type.Array(OpResult) });

// ---- boxes --------------------------------------------------------------------------------------

export const BoxView = Type.Object({
  id: Type.String(),
  roundId: Type.String(),
  code: Type.String(),
  status: Literals(BOX_STATUSES),
  tubes: Type.Integer(),
  createdAt: Type.Number(),
  createdBy: Type.String(),
  handedAt: Nullable(Type.Number()),
  handedBy: Nullable(Type.String()),
  carrier: Nullable(Type.String()),
  receivedAt: Nullable(Type.Number()),
  receivedBy: Nullable(Type.String()),
  lab: Nullable(Type.String()),
});
export type BoxView = Static<typeof BoxView>;
export const BoxCreateBody = Type.Object({ roundId: Id, code: Barcode }, Strict);
export const BoxTubesBody = Type.Object({ barcodes: Type.Array(Barcode, { minItems: 1, maxItems: 2000 }) }, Strict);
export const BoxHandoverBody = Type.Object({ carrier: Name }, Strict);
export const BoxReceiveBody = Type.Object({ lab: Name }, Strict);
/** A box as its reader sees it: the barcodes of the tubes sampled in their area, the others counted. */
export const BoxDetail = Type.Object({ box: BoxView, barcodes: Type.Array(Type.String()), otherTubes: Type.Integer() });

// ---- lab ----------------------------------------------------------------------------------------

export const LabResultInput = Type.Object(
  {
    barcode: Type.String({ minLength: 1, maxLength: 40 }),
    result: Type.String({ minLength: 1, maxLength: 20 }),
    ctN: Type.Optional(Nullable(Type.Number())),
    ctOrf1ab: Type.Optional(Nullable(Type.Number())),
    testedAt: Time,
  },
  Strict,
);
export type LabResultInput = Static<typeof LabResultInput>;
export const LabResultsBody = Type.Object(
  {
    roundId: Type.Optional(Id),
    dryRun: Type.Optional(Type.Boolean()),
    results: Type.Array(LabResultInput, { minItems: 1, maxItems: 20000 }),
  },
  Strict,
);
export const LabOutcome = Type.Object({
  uploadId: Nullable(Type.String()),
  dryRun: Type.Boolean(),
  rows: Type.Integer(),
  applied: Type.Integer(),
  repeated: Type.Integer(),
  negative: Type.Integer(),
  positive: Type.Integer(),
  people: Type.Integer(),
  pools: Type.Array(
    Type.Object({ id: Type.String(), barcode: Type.String(), members: Type.Integer(), reported: Type.Boolean() }),
  ),
  retests: Type.Object({ negative: Type.Integer(), positive: Type.Integer() }),
  released: Type.Array(Type.String()),
  cases: Type.Array(
    Type.Object({ personId: Type.String(), caseId: Nullable(Type.String()), error: Nullable(Type.String()) }),
  ),
  /** Results accepted for tubes whose custody chain was not complete (each tube flagged). */
  custodyGaps: Type.Array(Type.Object({ barcode: Type.String(), missing: Type.Array(Literals(CUSTODY_STEPS)) })),
});
export type LabOutcome = Static<typeof LabOutcome>;
export const LabUploadView = Type.Object({
  id: Type.String(),
  roundId: Nullable(Type.String()),
  fileName: Nullable(Type.String()),
  rows: Type.Integer(),
  negative: Type.Integer(),
  positive: Type.Integer(),
  uploadedBy: Type.String(),
  at: Type.Number(),
});

// ---- pools --------------------------------------------------------------------------------------

export const PoolView = Type.Object({
  id: Type.String(),
  roundId: Type.String(),
  tubeId: Type.String(),
  barcode: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  siteName: Nullable(Type.String()),
  members: Type.Integer(),
  /** Members living outside the reader's area: counted here, not listed in the pool's members. */
  membersOutside: Type.Integer(),
  status: Literals(POOL_STATUSES),
  detectedAt: Type.Number(),
  reportedAt: Nullable(Type.Number()),
  releasedAt: Nullable(Type.Number()),
  ageMs: Type.Number(),
  targetMs: Type.Number(),
  overdue: Type.Boolean(),
  retests: Type.Object({
    total: Type.Integer(),
    sampled: Type.Integer(),
    negative: Type.Integer(),
    positive: Type.Integer(),
    pending: Type.Integer(),
  }),
});
export type PoolView = Static<typeof PoolView>;
export const PoolDetail = Type.Object({
  pool: PoolView,
  members: Type.Array(
    Type.Object({
      personId: Type.String(),
      maskedName: Type.String(),
      address: Type.String(),
      taskId: Nullable(Type.String()),
      taskStatus: Nullable(Literals(TASK_STATUSES)),
      sampledAt: Nullable(Type.Number()),
      result: Nullable(Literals(LAB_RESULTS)),
    }),
  ),
  notifications: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Literals(NOTIFICATION_KINDS),
      recipient: Type.String(),
      areaId: Nullable(Type.String()),
      createdAt: Type.Number(),
      status: Type.String(),
    }),
  ),
});
export const PoolListQuery = Type.Object({
  roundId: Type.Optional(Id),
  status: Type.Optional(Literals(['open', 'all', ...POOL_STATUSES] as const)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export const ReportBody = Type.Object({ note: Type.Optional(NoteText({ maxLength: 1000 })) }, Strict);
export const ReportResult = Type.Object({
  pool: PoolView,
  alreadyReported: Type.Boolean(),
  controlled: Type.Integer(),
  colourChanges: Type.Integer(),
  pendingApprovalId: Nullable(Type.String()),
});

// ---- tasks, coverage, door-knocking -------------------------------------------------------------

export const TaskListQuery = Type.Object({
  roundId: Type.Optional(Id),
  kind: Type.Optional(Literals(TASK_KINDS)),
  status: Type.Optional(Literals([...TASK_STATUSES, 'all'] as const)),
  areaId: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export const TaskSampleBody = Type.Object(
  { clientId: Type.Optional(ClientId), barcode: Barcode, at: Type.Optional(Time) },
  Strict,
);

const CoverageFigures = {
  target: Type.Integer(),
  sampled: Type.Integer(),
  resulted: Type.Integer(),
  positivePools: Type.Integer(),
  missing: Type.Integer(),
  rate: Type.Number(),
  /** The previous round over the same areas (null without one, or where it did not go). */
  previous: Nullable(
    Type.Object({
      target: Type.Integer(),
      sampled: Type.Integer(),
      missing: Type.Integer(),
      rate: Type.Number(),
      positivePools: Type.Integer(),
    }),
  ),
};
export const CoverageView = Type.Object({
  round: Type.Object({ id: Type.String(), name: Type.String(), previousRoundId: Nullable(Type.String()) }),
  area: Nullable(Type.Object({ id: Type.String(), name: Type.String(), level: Type.String() })),
  totals: Type.Object(CoverageFigures),
  rows: Type.Array(
    Type.Object({
      ...CoverageFigures,
      areaId: Nullable(Type.String()),
      buildingId: Nullable(Type.String()),
      name: Type.String(),
      level: Type.String(),
    }),
  ),
});
export type CoverageView = Static<typeof CoverageView>;
export const DoorKnockView = Type.Object({
  building: Type.Object({ id: Type.String(), name: Type.String(), address: Type.String(), areaId: Type.String() }),
  target: Type.Integer(),
  missing: Type.Integer(),
  households: Type.Array(
    Type.Object({
      householdId: Nullable(Type.String()),
      unit: Type.String(),
      door: Type.String(),
      people: Type.Array(
        Type.Object({
          personId: Type.String(),
          maskedName: Type.String(),
          age: Nullable(Type.Integer()),
          careTags: Type.Array(Type.String()),
          lastVisit: Nullable(VisitView),
        }),
      ),
    }),
  ),
});
export const VisitBody = Type.Object(
  {
    clientId: Type.Optional(ClientId),
    personId: Id,
    outcome: Literals(VISIT_OUTCOMES),
    note: Type.Optional(NoteText({ maxLength: 500 })),
    at: Type.Optional(Time),
  },
  Strict,
);
export type VisitBody = Static<typeof VisitBody>;
