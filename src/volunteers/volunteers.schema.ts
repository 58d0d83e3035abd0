// Error codes of volunteers, needs and bookings, and the request and answer shapes of their routes.
// Answers carry ID numbers and phones masked; the sealed columns never leave.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, NoteText, Nullable } from '../platform/http.ts';
import { HARD_FAULTS } from './matching.rules.ts';
import { BOOKING_STATUSES, HEALTH_REQUIREMENTS, VET_DECISIONS, VOLUNTEER_STATUSES } from './volunteers.rules.ts';

export const VolunteerErrors = defineErrors({
  VOLUNTEER_DUPLICATE: {
    status: 409,
    zh: '该身份证号已报名志愿者，请勿重复报名',
    en: 'A volunteer with this ID number has signed up already',
  },
  VOLUNTEER_ORG_UNKNOWN: { status: 400, zh: '组织类别不在名录中', en: 'Unknown organisation kind' },
  VOLUNTEER_SKILL_UNKNOWN: { status: 400, zh: '技能“{skill}”不在名录中', en: 'Unknown skill "{skill}"' },
  VOLUNTEER_SKILL_PROOF_REQUIRED: {
    status: 400,
    zh: '技能“{skill}”须填写证书编号',
    en: 'The skill "{skill}" needs its licence or certificate number',
  },
  VOLUNTEER_SKILL_PROOF_FORMAT: {
    status: 400,
    zh: '技能“{skill}”的证书编号格式不对',
    en: 'The licence or certificate number of "{skill}" is not in its format',
  },
  VOLUNTEER_AVAILABILITY_UNKNOWN: {
    status: 400,
    zh: '可服务时段“{key}”无效',
    en: 'Unknown availability "{key}" (a weekday and half-day such as mon_am)',
  },
  VOLUNTEER_AVAILABILITY_EMPTY: { status: 400, zh: '请至少选择一个可服务时段', en: 'Choose at least one half-day' },
  VOLUNTEER_CONSENT_REQUIRED: {
    status: 400,
    zh: '须同意志愿服务协议和个人信息使用说明',
    en: 'Consent to the volunteer terms and the use of personal data is required',
  },
  VOLUNTEER_AREA_LEVEL: {
    status: 400,
    zh: '居住地须选择到社区或网格',
    en: 'The home area must be a community or a grid',
  },
  VOLUNTEER_NOT_FOUND: { status: 404, zh: '找不到该志愿者', en: 'Volunteer not found' },
  VOLUNTEER_ALREADY_DECIDED: {
    status: 409,
    zh: '该报名已审核完毕（{status}）',
    en: 'This sign-up has been decided already ({status})',
  },
  VOLUNTEER_VET_NOTE_REQUIRED: {
    status: 400,
    zh: '驳回或要求补充材料须写明原因',
    en: 'A rejection or a request for information needs its reason',
  },
  VOLUNTEER_ACCOUNT_UNLINKED: {
    status: 403,
    zh: '该账号未关联志愿者档案',
    en: 'This account is linked to no volunteer record',
  },
  VOLUNTEER_UNIT_UNKNOWN: { status: 400, zh: '单位类别不在名录中', en: 'Unknown unit kind' },
  VOLUNTEER_TASK_UNKNOWN: { status: 400, zh: '任务类型不在名录中', en: 'Unknown task type' },
  VOLUNTEER_NEED_NO_SLOTS: { status: 400, zh: '需求人数至少为 1', en: 'A need asks for at least one person' },
  VOLUNTEER_NEED_IN_PAST: { status: 400, zh: '需求时段已经开始或已过去', en: 'The slot has started or is past' },
  VOLUNTEER_NEED_SLOT_ORDER: {
    status: 400,
    zh: '结束时间须晚于开始时间',
    en: 'The slot ends after it starts',
  },
  VOLUNTEER_NEED_SLOT_TOO_LONG: {
    status: 400,
    zh: '一个时段最长 {hours} 小时',
    en: 'A slot is at most {hours} hours',
  },
  VOLUNTEER_NEED_REPEAT: {
    status: 400,
    zh: '每日重复最多 {max} 天',
    en: 'A daily repeat runs for at most {max} days',
  },
  VOLUNTEER_TEST_WINDOW: {
    status: 400,
    zh: '核酸检测时限须为以下之一（小时）：{allowed}',
    en: 'The test window is one of these (hours): {allowed}',
  },
  VOLUNTEER_NEED_NOT_FOUND: { status: 404, zh: '找不到该需求', en: 'Need not found' },
  VOLUNTEER_NEED_CLOSED: { status: 409, zh: '该需求已取消或已结束', en: 'The need is cancelled or over' },
  VOLUNTEER_NEED_FULL: { status: 409, zh: '需求“{need}”人数已满', en: 'The need "{need}" is full' },
  VOLUNTEER_INELIGIBLE: {
    status: 409,
    zh: '志愿者“{volunteer}”不符合需求“{need}”的硬性条件：{fault}',
    en: 'The volunteer "{volunteer}" fails a hard rule of the need "{need}": {fault}',
  },
  VOLUNTEER_NOT_APPROVED: {
    status: 409,
    zh: '志愿者“{volunteer}”尚未通过审核',
    en: 'The volunteer "{volunteer}" is not approved',
  },
  VOLUNTEER_BOOKING_NOT_FOUND: { status: 404, zh: '找不到该任务', en: 'Task not found' },
  VOLUNTEER_BOOKING_ANSWERED: {
    status: 409,
    zh: '该任务已答复（{status}）',
    en: 'The task has been answered already ({status})',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
export const IdParams = Type.Object({ id: Id });
const Named = Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() });

export const SignupFormSchema = Type.Object({
  version: Type.String(),
  orgKinds: Type.Array(Named),
  skills: Type.Array(
    Type.Object({
      code: Type.String(),
      zh: Type.String(),
      en: Type.String(),
      proof: Nullable(Type.Object({ zh: Type.String(), en: Type.String() })),
    }),
  ),
  availability: Type.Array(Type.String()),
  /** Communities and grids one may live in: id, name and the street's name. */
  areas: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), parent: Type.String() })),
});
export type SignupFormView = Static<typeof SignupFormSchema>;

export const SignupBody = Type.Object(
  {
    name: NameText({ minLength: 1, maxLength: 50 }),
    idNumber: Type.String({ minLength: 1, maxLength: 40 }),
    phone: Type.String({ minLength: 1, maxLength: 20 }),
    areaId: Id,
    orgKind: Type.String({ minLength: 1, maxLength: 40 }),
    team: Type.Optional(NameText({ maxLength: 50 })),
    skills: Type.Array(
      Type.Object(
        { code: Type.String({ maxLength: 40 }), proof: Type.Optional(Type.String({ maxLength: 60 })) },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    availability: Type.Array(Type.String({ maxLength: 10 }), { maxItems: 14 }),
    consent: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SignupBody = Static<typeof SignupBody>;

export const SignupResult = Type.Object({ id: Type.String(), status: Literals(VOLUNTEER_STATUSES) });

export const VolunteerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** Masked. */
  idNumber: Type.String(),
  /** Masked. */
  phone: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  orgKind: Type.String(),
  team: Type.String(),
  skills: Type.Array(Type.Object({ code: Type.String(), proof: Type.String() })),
  availability: Type.Array(Type.String()),
  status: Literals(VOLUNTEER_STATUSES),
  statusNote: Type.String(),
  /** A resident of the registry (their health code is known). */
  resident: Type.Boolean(),
  username: Nullable(Type.String()),
  createdAt: Type.Integer(),
});
export type VolunteerView = Static<typeof VolunteerSchema>;

export const VolunteerListQuery = Type.Object({
  status: Type.Optional(Literals(VOLUNTEER_STATUSES)),
  areaId: Type.Optional(Id),
  q: Type.Optional(Type.String({ maxLength: 50 })),
});
export type VolunteerListQuery = Static<typeof VolunteerListQuery>;

export const VetBody = Type.Object(
  { decision: Literals(VET_DECISIONS), note: Type.Optional(NoteText({ maxLength: 300 })) },
  { additionalProperties: false },
);
export type VetBody = Static<typeof VetBody>;

export const VetResult = Type.Object({
  volunteer: VolunteerSchema,
  /** The new account on approval: its username and one-time password, shown once. */
  account: Nullable(Type.Object({ username: Type.String(), password: Type.String() })),
});
export type VetResultView = Static<typeof VetResult>;

export const NeedBody = Type.Object(
  {
    unitKind: Type.String({ minLength: 1, maxLength: 40 }),
    unitName: NameText({ minLength: 1, maxLength: 100 }),
    taskType: Type.String({ minLength: 1, maxLength: 40 }),
    areaId: Id,
    place: Type.Optional(NameText({ maxLength: 100 })),
    date: Type.String({ maxLength: 10 }),
    startTime: Type.String({ maxLength: 5 }),
    endTime: Type.String({ maxLength: 5 }),
    people: Type.Integer({ minimum: 0, maximum: 500 }),
    skills: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 })),
    health: Literals(HEALTH_REQUIREMENTS),
    testWithinHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168 })),
    team: Type.Optional(NameText({ maxLength: 50 })),
    contactName: NameText({ minLength: 1, maxLength: 50 }),
    contactPhone: Type.String({ minLength: 1, maxLength: 20 }),
    repeatDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
  },
  { additionalProperties: false },
);
export type NeedBody = Static<typeof NeedBody>;

export const NeedSchema = Type.Object({
  id: Type.String(),
  unitKind: Type.String(),
  unitName: Type.String(),
  taskType: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  place: Type.String(),
  date: Type.String(),
  startAt: Type.Integer(),
  endAt: Type.Integer(),
  people: Type.Integer(),
  skills: Type.Array(Type.String()),
  health: Literals(HEALTH_REQUIREMENTS),
  testWithinHours: Nullable(Type.Integer()),
  team: Type.String(),
  contactName: Type.String(),
  /** Masked. */
  contactPhone: Type.String(),
  seriesId: Type.String(),
  status: Literals(['open', 'cancelled'] as const),
  offered: Type.Integer(),
  accepted: Type.Integer(),
  createdAt: Type.Integer(),
});
export type NeedView = Static<typeof NeedSchema>;

export const NeedListQuery = Type.Object({
  date: Type.Optional(Type.String({ maxLength: 10 })),
  areaId: Type.Optional(Id),
});
export type NeedListQuery = Static<typeof NeedListQuery>;

export const BookingSchema = Type.Object({
  id: Type.String(),
  needId: Type.String(),
  volunteerId: Type.String(),
  volunteerName: Type.String(),
  startAt: Type.Integer(),
  endAt: Type.Integer(),
  status: Literals(BOOKING_STATUSES),
  score: Type.Number(),
  explain: Type.Object({
    skills: Type.Array(Type.String()),
    distance: Type.Integer(),
    weekHours: Type.Number(),
    sameTeam: Type.Boolean(),
    score: Type.Number(),
  }),
  declineReason: Type.String(),
  createdAt: Type.Integer(),
});
export type BookingView = Static<typeof BookingSchema>;

export const NeedDetailSchema = Type.Object({ need: NeedSchema, bookings: Type.Array(BookingSchema) });
export type NeedDetailView = Static<typeof NeedDetailSchema>;

export const ProposeBody = Type.Object(
  { date: Type.String({ maxLength: 10 }), areaId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type ProposeBody = Static<typeof ProposeBody>;

const Explain = BookingSchema.properties.explain;
export const ProposalSchema = Type.Object({
  date: Type.String(),
  needs: Type.Integer(),
  proposals: Type.Array(
    Type.Object({
      needId: Type.String(),
      volunteerId: Type.String(),
      volunteerName: Type.String(),
      score: Type.Number(),
      explain: Explain,
    }),
  ),
  unfilled: Type.Array(
    Type.Object({
      needId: Type.String(),
      missing: Type.Integer(),
      reasons: Type.Array(Type.Object({ fault: Literals(HARD_FAULTS), count: Type.Integer() })),
    }),
  ),
});
export type ProposalView = Static<typeof ProposalSchema>;

export const ConfirmBody = Type.Object(
  {
    assignments: Type.Array(Type.Object({ needId: Id, volunteerId: Id }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 5000,
    }),
  },
  { additionalProperties: false },
);
export type ConfirmBody = Static<typeof ConfirmBody>;

export const ConfirmResult = Type.Object({ booked: Type.Integer(), bookings: Type.Array(BookingSchema) });

export const DeclineBody = Type.Object(
  { reason: Type.Optional(NoteText({ maxLength: 200 })) },
  { additionalProperties: false },
);
export type DeclineBody = Static<typeof DeclineBody>;

export const MyTaskSchema = Type.Object({
  booking: BookingSchema,
  need: Type.Object({
    id: Type.String(),
    unitName: Type.String(),
    taskType: Type.String(),
    areaName: Type.String(),
    place: Type.String(),
    contactName: Type.String(),
  }),
});

export const MyPageSchema = Type.Object({
  volunteer: VolunteerSchema,
  tasks: Type.Array(MyTaskSchema),
  /** Hours of accepted tasks: this week and in all. */
  hours: Type.Object({ week: Type.Number(), total: Type.Number() }),
});
export type MyPageView = Static<typeof MyPageSchema>;

export const DeclineResult = Type.Object({
  booking: BookingSchema,
  /** The next best volunteer offered the seat, if any. */
  refill: Nullable(BookingSchema),
});

export const VolunteerRulesSchema = Type.Object({
  version: Type.String(),
  today: Type.String(),
  orgKinds: Type.Array(Named),
  skills: Type.Array(Named),
  taskTypes: Type.Array(Named),
  unitKinds: Type.Array(Named),
  testWithinHours: Type.Array(Type.Integer()),
  maxHoursPerDay: Type.Number(),
  maxHoursPerWeek: Type.Number(),
});
export type VolunteerRulesView = Static<typeof VolunteerRulesSchema>;
