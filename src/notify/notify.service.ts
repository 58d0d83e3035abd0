// Notification call lists (通知): each contact found by tracing gets one call task on the list of the
// community they live in; re-tracing keeps it (a dismissed or vanished contact's task is withdrawn,
// a reinstated one reopened). Workers see the tasks of their subtree, record each call (reached, not
// reached, refused) with a note, see a full phone only with person.reveal and a reason, and export
// the list (CSV/XLSX, masked unless revealed). Every write and personal-data read is audited in its
// own transaction.
import type { Readable } from 'node:stream';
import type { Actor } from '../access/access.rules.ts';
import { can } from '../access/access.rules.ts';
import type { CallAttemptTable, CallTaskTable, Executor } from '../db/database.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../platform/audit.ts';
import { assertCan, assertInScope, auditActor } from '../platform/auth.ts';
import { isoInZone } from '../platform/clock.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type Lang } from '../platform/errors.ts';
import { maskName, maskPhone } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import { CONTENT_TYPES, tabularStream } from '../platform/tabular.ts';
import type { Services } from '../services.ts';
import { acceptsCalls, communityOf, pathPrefixes, planTasks, reopenedStatus, statusAfter, type CallOutcome } from './notify.rules.ts';
import type { AttemptBody, CallTaskView, TaskExportQuery, TaskListQuery } from './notify.schema.ts';
import './notify.schema.ts';
import * as store from './notify.store.ts';
import type { TaskRow } from './notify.store.ts';

export interface SyncResult {
  created: number;
  reopened: number;
  withdrawn: number;
}

/**
 * Brings the case's call tasks in line with its contacts, in the caller's transaction (tracing calls
 * this after storing contacts and after a review). Idempotent: a second run changes nothing.
 */
export async function syncCallTasks(s: Services, trx: Executor, caseId: string, actor: AuditActor = SYSTEM_ACTOR): Promise<SyncResult> {
  const contacts = await store.contactsOfCase(trx, caseId);
  const tasks = await store.tasksOfCase(trx, caseId);
  const plan = planTasks(
    contacts.map((c) => ({ contactId: c.id, dismissed: c.review_status === 'dismissed' })),
    tasks.map((t) => ({ contactId: t.contact_id, status: t.status, attempts: Number(t.attempts) })),
  );
  const classOf = new Map(contacts.map((c) => [c.id, c.class]));
  const reclassed = tasks.filter((t) => classOf.has(t.contact_id) && classOf.get(t.contact_id) !== t.class);
  if (!plan.create.length && !plan.reopen.length && !plan.withdraw.length && !reclassed.length) return { created: 0, reopened: 0, withdrawn: 0 };
  const now = s.clock.now();
  for (const t of reclassed) await store.updateTask(trx, t.id, { class: classOf.get(t.contact_id)!, updated_at: now });

  if (plan.create.length) {
    const byId = new Map(contacts.map((c) => [c.id, c]));
    const fresh = plan.create.map((id) => byId.get(id)!);
    const prefixes = fresh.flatMap((c) => pathPrefixes(c.area_path));
    const communities = new Map((await store.communitiesByPath(trx, prefixes)).map((a) => [a.path, a]));
    const ownAreas = new Map((await store.areaIdsByPath(trx, fresh.map((c) => c.area_path))).map((a) => [a.path, a]));
    const rows: CallTaskTable[] = fresh.map((c, i) => ({
      id: `${newId(now)}${String(i).padStart(4, '0')}`.slice(0, 64), contact_id: c.id, case_id: caseId, person_id: c.person_id,
      area_id: (communityOf(c.area_path, communities) ?? ownAreas.get(c.area_path)!).id, area_path: c.area_path,
      class: c.class, status: 'pending', attempts: 0, last_attempt_at: null, last_note: null, created_at: now, updated_at: now,
    }));
    await store.insertTasks(trx, rows);
  }
  const taskOf = new Map(tasks.map((t) => [t.contact_id, t]));
  for (const contactId of plan.reopen) {
    const t = taskOf.get(contactId)!;
    await store.updateTask(trx, t.id, { status: reopenedStatus(Number(t.attempts)), updated_at: now });
  }
  await store.setTaskStatus(trx, plan.withdraw.map((c) => taskOf.get(c)!.id), 'withdrawn', now);
  const result = { created: plan.create.length, reopened: plan.reopen.length, withdrawn: plan.withdraw.length };
  await s.audit(trx, actor, { action: 'call.tasks.sync', objectType: 'call_task', objectId: null, detail: { caseId, ...result, reclassified: reclassed.length } });
  return result;
}

function toView(s: Pick<Services, 'cipher'>, r: TaskRow): CallTaskView {
  return {
    id: r.id, contactId: r.contact_id, caseId: r.case_id,
    person: {
      id: r.person_id, name: r.person_name, phone: r.phone_enc ? maskPhone(s.cipher.decrypt(r.phone_enc)) : null,
      areaName: r.person_area_name, address: r.address ?? null,
    },
    community: { id: r.area_id, name: r.community_name },
    class: r.class, status: r.status as CallTaskView['status'], attempts: Number(r.attempts),
    lastAttemptAt: r.last_attempt_at === null ? null : Number(r.last_attempt_at), lastNote: r.last_note,
    createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

async function scopePath(trx: Executor, actor: Actor, areaId: string | undefined): Promise<string> {
  if (!areaId) return actor.areaPath;
  const area = await trx.selectFrom('area').select('path').where('id', '=', areaId).executeTakeFirst();
  if (!area) throw new AppError('AREA_NOT_FOUND');
  assertInScope(actor, area.path);
  return area.path;
}

async function taskInScope(trx: Executor, actor: Actor, id: string): Promise<TaskRow> {
  const row = await store.taskById(trx, id);
  if (!row) throw new AppError('CALL_TASK_NOT_FOUND');
  assertInScope(actor, row.area_path);
  return row;
}

export async function listTasks(s: Services, actor: Actor, q: TaskListQuery, paging: store.Paging): Promise<Page<CallTaskView>> {
  assertCan(actor, 'contact.call');
  return s.db.transaction().execute(async (trx) => {
    const path = await scopePath(trx, actor, q.areaId);
    const { rows, total } = await store.listTasks(trx, { path, status: q.status, open: q.open, caseId: q.caseId }, paging);
    await s.audit(trx, auditActor(actor), {
      action: 'call.list', objectType: 'call_task', objectId: null,
      detail: { areaId: q.areaId ?? null, status: q.status ?? null, open: q.open ?? null, caseId: q.caseId ?? null, results: total, offset: paging.offset },
    });
    return { items: rows.map((r) => toView(s, r)), total, ...paging };
  });
}

export async function getTask(s: Services, actor: Actor, id: string) {
  assertCan(actor, 'contact.call');
  return s.db.transaction().execute(async (trx) => {
    const row = await taskInScope(trx, actor, id);
    await s.audit(trx, auditActor(actor), { action: 'call.read', objectType: 'call_task', objectId: id });
    return { task: toView(s, row), attempts: (await store.attemptsOf(trx, id)).map(attemptView) };
  });
}

/** A call attempt as the call list shows it. */
function attemptView(a: CallAttemptTable) {
  return { id: a.id, outcome: a.outcome as CallOutcome, note: a.note, actorId: a.actor_id, at: Number(a.at) };
}

/** Records one call: the task takes its outcome, the attempt is appended with its note. */
export async function recordAttempt(s: Services, actor: Actor, id: string, body: AttemptBody) {
  assertCan(actor, 'contact.call');
  return s.db.transaction().execute(async (trx) => {
    const row = await taskInScope(trx, actor, id);
    if (!acceptsCalls(row.status)) throw new AppError('CALL_TASK_WITHDRAWN');
    const now = s.clock.now();
    const note = body.note?.trim() ?? '';
    const status = statusAfter(body.outcome);
    const attempts = await store.bumpAttempt(trx, id, { status, last_attempt_at: now, last_note: note || null, updated_at: now });
    await store.insertAttempt(trx, { id: `${id}-${String(attempts).padStart(4, '0')}`, task_id: id, outcome: body.outcome, note, actor_id: actor.userId, at: now });
    await s.audit(trx, auditActor(actor), {
      action: 'call.attempt', objectType: 'call_task', objectId: id, reason: note,
      detail: { personId: row.person_id, caseId: row.case_id, outcome: body.outcome, from: row.status, to: status, attempts },
    });
    return { task: toView(s, (await store.taskById(trx, id))!), attempts: (await store.attemptsOf(trx, id)).map(attemptView) };
  });
}

function requireReason(reason: string | undefined): string {
  const why = (reason ?? '').trim();
  if (!why) throw new AppError('CALL_REASON_REQUIRED', {}, { faults: [{ field: 'reason', code: 'CALL_REASON_REQUIRED' }] });
  return why;
}

/** The full phone of the task's contact, for the caller who may see it, with a reason; audited. */
export async function revealPhone(s: Services, actor: Actor, id: string, reason: string | undefined): Promise<{ phone: string }> {
  assertCan(actor, 'contact.call');
  assertCan(actor, 'person.reveal');
  const why = requireReason(reason);
  return s.db.transaction().execute(async (trx) => {
    const row = await taskInScope(trx, actor, id);
    if (!row.phone_enc) throw new AppError('CALL_NO_PHONE');
    await s.audit(trx, auditActor(actor), {
      action: 'call.reveal', objectType: 'person', objectId: row.person_id, reason: why, detail: { taskId: id, fields: ['phone'] },
    });
    return { phone: s.cipher.decrypt(row.phone_enc) };
  });
}

const COLUMNS: Array<{ key: keyof ExportValues; zh: string; en: string }> = [
  { key: 'no', zh: '序号', en: 'No' },
  { key: 'community', zh: '社区', en: 'Community' },
  { key: 'area', zh: '网格/区域', en: 'Area' },
  { key: 'address', zh: '住址', en: 'Address' },
  { key: 'name', zh: '姓名', en: 'Name' },
  { key: 'phone', zh: '联系电话', en: 'Phone' },
  { key: 'class', zh: '接触类别', en: 'Contact class' },
  { key: 'caseId', zh: '关联病例', en: 'Case' },
  { key: 'status', zh: '通知状态', en: 'Call status' },
  { key: 'attempts', zh: '拨打次数', en: 'Attempts' },
  { key: 'lastAttemptAt', zh: '最近拨打', en: 'Last call' },
  { key: 'lastNote', zh: '备注', en: 'Note' },
  { key: 'taskId', zh: '任务编号', en: 'Task' },
];

interface ExportValues {
  no: string; community: string; area: string; address: string; name: string; phone: string; class: string; caseId: string;
  status: string; attempts: string; lastAttemptAt: string; lastNote: string; taskId: string;
}

const LABELS: Record<Lang, Record<string, string>> = {
  zh: {
    close: '密切接触者', secondary: '次密切接触者', general: '一般接触者',
    pending: '待拨打', reached: '已接通', not_reached: '未接通', refused: '拒绝', withdrawn: '已撤销',
  },
  en: {
    close: 'close', secondary: 'secondary', general: 'general',
    pending: 'pending', reached: 'reached', not_reached: 'not reached', refused: 'refused', withdrawn: 'withdrawn',
  },
};

export interface TaskExport {
  rows: number;
  fileName: string;
  contentType: string;
  stream: Readable;
}

/** The call list as CSV or XLSX: names and phones masked unless revealed (person.reveal + reason). */
export async function exportTasks(s: Services, actor: Actor, q: TaskExportQuery): Promise<TaskExport> {
  assertCan(actor, 'contact.call');
  const format = q.format ?? 'csv';
  const lang: Lang = q.lang ?? 'zh';
  const reveal = q.reveal ?? false;
  if (reveal && !can(actor.role, 'person.reveal')) throw new AppError('FORBIDDEN', { permission: 'person.reveal' });
  const reason = reveal ? requireReason(q.reason) : '';
  const { filter, rows } = await s.db.transaction().execute(async (trx) => {
    const path = await scopePath(trx, actor, q.areaId);
    const f: store.TaskFilter = { path, status: q.status, open: q.open, caseId: q.caseId };
    const n = await store.countTasks(trx, f);
    await s.audit(trx, auditActor(actor), {
      action: 'call.export', objectType: 'call_task', objectId: null, reason,
      detail: { format, rows: n, revealed: reveal, areaId: q.areaId ?? null, status: q.status ?? null, open: q.open ?? null, caseId: q.caseId ?? null },
    });
    return { filter: f, rows: n };
  });
  const records = exportRecords(s, filter, lang, reveal);
  return {
    rows, fileName: `call-list.${format}`, contentType: CONTENT_TYPES[format],
    stream: tabularStream(records, format, lang === 'en' ? 'Call list' : '通知名单'),
  };
}

async function* exportRecords(s: Services, f: store.TaskFilter, lang: Lang, reveal: boolean): AsyncGenerator<string[]> {
  yield COLUMNS.map((c) => (lang === 'en' ? c.en : c.zh));
  const label = (k: string) => LABELS[lang][k] ?? k;
  const PAGE = 1000;
  let n = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.exportPage(s.db, f, offset, PAGE);
    for (const r of page) {
      const phone = r.phone_enc ? s.cipher.decrypt(r.phone_enc) : '';
      const values: ExportValues = {
        no: String(++n), community: r.community_name, area: r.person_area_name, address: r.address ?? '',
        name: reveal ? r.person_name : maskName(r.person_name), phone: reveal ? phone : maskPhone(phone) ?? '',
        class: label(r.class), caseId: r.case_id, status: label(r.status), attempts: String(r.attempts),
        lastAttemptAt: r.last_attempt_at === null ? '' : isoInZone(Number(r.last_attempt_at), s.config.timeZone), lastNote: r.last_note ?? '', taskId: r.id,
      };
      yield COLUMNS.map((c) => values[c.key]);
    }
    if (page.length < PAGE) return;
  }
}
