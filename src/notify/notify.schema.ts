// Error codes and request/response shapes of the call lists. A task shows the contact's name and a
// masked phone; the full phone comes only from the reveal route (person.reveal, with a reason).
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { CALL_OUTCOMES, CALL_SORTS, CALL_STATUSES, CONTACT_CLASSES } from './notify.rules.ts';
import { MANAGED_GROUPS } from '../rules/ruleset.schema.ts';
import { Literals, Nullable, NoteText } from '../platform/http.ts';

export const NotifyErrors = defineErrors({
  CALL_TASK_NOT_FOUND: { status: 404, zh: '找不到该通知任务', en: 'Call task not found' },
  CALL_TASK_WITHDRAWN: {
    status: 409,
    zh: '该通知任务已撤销（接触者已排除），不能再登记拨打',
    en: 'The call task was withdrawn (the contact was dismissed): no more calls are recorded',
  },
  CALL_REASON_REQUIRED: {
    status: 400,
    zh: '查看完整电话必须填写事由',
    en: 'A reason is required to see the full phone number',
  },
  CALL_NO_PHONE: { status: 404, zh: '此人没有登记电话', en: 'This person has no phone number on file' },
  CALL_DATE_INVALID: {
    status: 400,
    zh: '暴露日期“{value}”不是有效日期（应如 2022-03-24）',
    en: '{field}: "{value}" is not a valid date (e.g. 2022-03-24)',
  },
  CALL_DATE_RANGE: {
    status: 400,
    zh: '暴露日期范围有误：起始日期 {from} 晚于截止日期 {to}',
    en: 'Exposure date range is wrong: {from} is after {to}',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const DateText = Type.String({ maxLength: 10, description: 'a date YYYY-MM-DD' });

export const TaskIdParams = Type.Object({ id: Id });

export const TaskListQuery = Type.Object({
  status: Type.Optional(Literals(CALL_STATUSES)),
  /** Only the tasks still to be worked (pending, not reached). */
  open: Type.Optional(Type.Boolean()),
  caseId: Type.Optional(Id),
  /** The tasks of people in this area's subtree (inside the actor's scope): a community or a grid. */
  areaId: Type.Optional(Id),
  /** The tasks of people whose household is in this building (inside the actor's scope). */
  buildingId: Type.Optional(Id),
  class: Type.Optional(Literals(CONTACT_CLASSES)),
  /** Last exposure on or after this date (YYYY-MM-DD in the deployment's time zone). */
  exposedFrom: Type.Optional(DateText),
  /** Last exposure on or before this date. */
  exposedTo: Type.Optional(DateText),
  /** Part of the contact's name. */
  q: Type.Optional(Type.String({ maxLength: 50 })),
  sort: Type.Optional(Literals(CALL_SORTS)),
  dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
});
export type TaskListQuery = Static<typeof TaskListQuery>;

export const TaskExportQuery = Type.Composite([
  TaskListQuery,
  Type.Object({
    format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
    lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
    /** Full names and phones (person.reveal, with a reason; audited). */
    reveal: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  }),
]);
export type TaskExportQuery = Static<typeof TaskExportQuery>;

export const AttemptBody = Type.Object(
  {
    outcome: Literals(CALL_OUTCOMES),
    note: Type.Optional(NoteText({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type AttemptBody = Static<typeof AttemptBody>;

export const RevealBody = Type.Object({ reason: NoteText({ maxLength: 200 }) }, { additionalProperties: false });

export const CallInstructionsSchema = Type.Object({
  ruleSetId: Type.String(),
  group: Nullable(Literals(MANAGED_GROUPS)),
  plan: Nullable(
    Type.Object({
      centralisedDays: Type.Integer(),
      homeDays: Type.Integer(),
      homeKind: Literals(['home_quarantine', 'home_health_monitoring'] as const),
      centralisedUntil: Type.Integer(),
      homeUntil: Type.Integer(),
      testDates: Type.Array(
        Type.Object({ phase: Literals(['centralised', 'home'] as const), day: Type.Integer(), date: Type.String() }),
      ),
    }),
  ),
});

export const CallTaskSchema = Type.Object({
  id: Type.String(),
  contactId: Type.String(),
  caseId: Type.String(),
  person: Type.Object({
    id: Type.String(),
    name: Type.String(),
    /** Masked. */
    phone: Nullable(Type.String()),
    /** The person's own area (their grid). */
    areaId: Type.String(),
    areaName: Type.String(),
    address: Nullable(Type.String()),
  }),
  building: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  community: Type.Object({ id: Type.String(), name: Type.String() }),
  class: Type.String(),
  exposure: Type.Object({ firstAt: Nullable(Type.Integer()), lastAt: Nullable(Type.Integer()) }),
  /** What the contact must do: the active rule set's schedule for their class, from the last exposure. */
  instructions: CallInstructionsSchema,
  status: Literals(CALL_STATUSES),
  attempts: Type.Integer(),
  lastAttemptAt: Nullable(Type.Integer()),
  lastNote: Nullable(Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type CallTaskView = Static<typeof CallTaskSchema>;

export const AttemptSchema = Type.Object({
  id: Type.String(),
  outcome: Literals(CALL_OUTCOMES),
  note: Type.String(),
  actorId: Nullable(Type.String()),
  at: Type.Integer(),
});

export const TaskDetailSchema = Type.Object({ task: CallTaskSchema, attempts: Type.Array(AttemptSchema) });

/** The grids and buildings the actor's call list spans, with their task counts (for the filters and the print view). */
export const FacetQuery = Type.Object({ caseId: Type.Optional(Id), areaId: Type.Optional(Id) });
export type FacetQuery = Static<typeof FacetQuery>;

const Facet = Type.Object({ id: Type.String(), name: Type.String(), total: Type.Integer(), open: Type.Integer() });
export const FacetsSchema = Type.Object({
  /** parentName: the area above (the community), since grid names repeat in every community. */
  grids: Type.Array(Type.Composite([Facet, Type.Object({ parentName: Nullable(Type.String()) })])),
  buildings: Type.Array(Type.Composite([Facet, Type.Object({ areaId: Type.String(), areaName: Type.String() })])),
  /** True when there were more buildings than listed (pick a grid first). */
  buildingsTruncated: Type.Boolean(),
  ruleSet: Type.Object({ id: Type.String(), name: Type.Object({ zh: Type.String(), en: Type.String() }) }),
});
