// Error codes and request/response shapes of the call lists. A task shows the contact's name and a
// masked phone; the full phone comes only from the reveal route (person.reveal, with a reason).
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { CALL_OUTCOMES, CALL_STATUSES } from './notify.rules.ts';
import { Literals, Nullable, NoteText } from '../platform/http.ts';

export const NotifyErrors = defineErrors({
  CALL_TASK_NOT_FOUND: { status: 404, zh: '找不到该通知任务', en: 'Call task not found' },
  CALL_TASK_WITHDRAWN: { status: 409, zh: '该通知任务已撤销（接触者已排除），不能再登记拨打', en: 'The call task was withdrawn (the contact was dismissed): no more calls are recorded' },
  CALL_REASON_REQUIRED: { status: 400, zh: '查看完整电话必须填写事由', en: 'A reason is required to see the full phone number' },
  CALL_NO_PHONE: { status: 404, zh: '此人没有登记电话', en: 'This person has no phone number on file' },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const TaskIdParams = Type.Object({ id: Id });

export const TaskListQuery = Type.Object({
  status: Type.Optional(Literals(CALL_STATUSES)),
  /** Only the tasks still to be worked (pending, not reached). */
  open: Type.Optional(Type.Boolean()),
  caseId: Type.Optional(Id),
  /** The tasks of people in this area's subtree (inside the actor's scope). */
  areaId: Type.Optional(Id),
});
export type TaskListQuery = Static<typeof TaskListQuery>;

export const TaskExportQuery = Type.Composite([TaskListQuery, Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
  lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
  /** Full names and phones (person.reveal, with a reason; audited). */
  reveal: Type.Optional(Type.Boolean()),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
})]);
export type TaskExportQuery = Static<typeof TaskExportQuery>;

export const AttemptBody = Type.Object({
  outcome: Literals(CALL_OUTCOMES),
  note: Type.Optional(NoteText({ maxLength: 1000 })),
}, { additionalProperties: false });
export type AttemptBody = Static<typeof AttemptBody>;

export const RevealBody = Type.Object({ reason: NoteText({ maxLength: 200 }) }, { additionalProperties: false });

export const CallTaskSchema = Type.Object({
  id: Type.String(),
  contactId: Type.String(),
  caseId: Type.String(),
  person: Type.Object({
    id: Type.String(),
    name: Type.String(),
    /** Masked. */
    phone: Nullable(Type.String()),
    areaName: Type.String(),
    address: Nullable(Type.String()),
  }),
  community: Type.Object({ id: Type.String(), name: Type.String() }),
  class: Type.String(),
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
