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
import { areasByPaths } from '../db/sql.ts';
import { buildingById, personAreaPaths } from '../registry/registry.store.ts';
import { contactsOfCase } from '../tracing/tracing.store.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../platform/audit.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope, listingScope } from '../access/access.scope.ts';
import { isoInZone } from '../platform/clock.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type Lang } from '../platform/errors.ts';
import { maskName, maskPhone } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import { CONTENT_TYPES, tabularStream } from '../platform/tabular.ts';
import type { Services } from '../services.ts';
import {
  acceptsCalls,
  callInstructions,
  communityOf,
  pathPrefixes,
  planTasks,
  reopenedStatus,
  statusAfter,
  type CallInstructions,
  type CallOutcome,
} from './notify.rules.ts';
import type { AttemptBody, CallTaskView, FacetQuery, TaskExportQuery, TaskListQuery } from './notify.schema.ts';
import { activeChoice } from '../rules/ruleset.service.ts';
import { addDays, dateInZone, isCalendarDate, startOfDate } from '../platform/calendar.ts';
import type { RuleSet } from '../rules/ruleset.schema.ts';
import { ruleSetById } from '../rules/ruleset.load.ts';
import * as store from './notify.store.ts';
import type { TaskRow } from './notify.store.ts';

export interface SyncResult {
  created: number;
  reopened: number;
  withdrawn: number;
}

/** The case's contacts (tracing's), each with the path of its person's area (the registry's). */
async function contactsWithAreas(trx: Executor, caseId: string) {
  const contacts = await contactsOfCase(trx, caseId);
  const paths = new Map(
    (
      await personAreaPaths(
        trx,
        contacts.map((c) => c.person_id),
      )
    ).map((p) => [p.id, p.area_path]),
  );
  return contacts.flatMap((c) => {
    const areaPath = paths.get(c.person_id);
    return areaPath === undefined ? [] : [{ ...c, area_path: areaPath }];
  });
}

/**
 * Brings the case's call tasks in line with its contacts, in the caller's transaction (tracing calls
 * this after storing contacts and after a review). Idempotent: a second run changes nothing.
 */
export async function syncCallTasks(
  s: Services,
  trx: Executor,
  caseId: string,
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<SyncResult> {
  const contacts = await contactsWithAreas(trx, caseId);
  const tasks = await store.tasksOfCase(trx, caseId);
  const plan = planTasks(
    contacts.map((c) => ({ contactId: c.id, dismissed: c.review_status === 'dismissed' })),
    tasks.map((t) => ({ contactId: t.contact_id, status: t.status, attempts: Number(t.attempts) })),
  );
  const classOf = new Map(contacts.map((c) => [c.id, c.class]));
  const reclassed = tasks.filter((t) => classOf.has(t.contact_id) && classOf.get(t.contact_id) !== t.class);
  if (!plan.create.length && !plan.reopen.length && !plan.withdraw.length && !reclassed.length)
    return { created: 0, reopened: 0, withdrawn: 0 };
  const now = s.clock.now();
  for (const t of reclassed) await store.updateTask(trx, t.id, { class: classOf.get(t.contact_id)!, updated_at: now });

  if (plan.create.length) {
    const byId = new Map(contacts.map((c) => [c.id, c]));
    const fresh = plan.create.map((id) => byId.get(id)!);
    const prefixes = fresh.flatMap((c) => pathPrefixes(c.area_path));
    const known = await areasByPaths(trx, [...prefixes, ...fresh.map((c) => c.area_path)]);
    const communities = new Map(known.filter((a) => a.level === 'community').map((a) => [a.path, a]));
    const ownAreas = new Map(known.map((a) => [a.path, a]));
    const rows: CallTaskTable[] = fresh.map((c, i) => ({
      id: `${newId(now)}${String(i).padStart(4, '0')}`.slice(0, 64),
      contact_id: c.id,
      case_id: caseId,
      person_id: c.person_id,
      area_id: (communityOf(c.area_path, communities) ?? ownAreas.get(c.area_path)!).id,
      area_path: c.area_path,
      class: c.class,
      status: 'pending',
      attempts: 0,
      last_attempt_at: null,
      last_note: null,
      created_at: now,
      updated_at: now,
    }));
    await store.insertTasks(trx, rows);
  }
  const taskOf = new Map(tasks.map((t) => [t.contact_id, t]));
  for (const contactId of plan.reopen) {
    const t = taskOf.get(contactId)!;
    await store.updateTask(trx, t.id, { status: reopenedStatus(Number(t.attempts)), updated_at: now });
  }
  await store.setTaskStatus(
    trx,
    plan.withdraw.map((c) => taskOf.get(c)!.id),
    'withdrawn',
    now,
  );
  const result = { created: plan.create.length, reopened: plan.reopen.length, withdrawn: plan.withdraw.length };
  await s.audit(trx, actor, {
    action: 'call.tasks.sync',
    objectType: 'call_task',
    objectId: null,
    detail: { caseId, ...result, reclassified: reclassed.length },
  });
  return result;
}

function toView(s: Pick<Services, 'cipher' | 'config'>, r: TaskRow, ruleSet: RuleSet): CallTaskView {
  const lastAt = r.last_exposure_at === null ? null : Number(r.last_exposure_at);
  return {
    id: r.id,
    contactId: r.contact_id,
    caseId: r.case_id,
    person: {
      id: r.person_id,
      name: r.person_name,
      phone: r.phone_enc ? maskPhone(s.cipher.decrypt(r.phone_enc)) : null,
      areaId: r.person_area_id,
      areaName: r.person_area_name,
      address: r.address ?? null,
    },
    building: r.building_id && r.building_name !== null ? { id: r.building_id, name: r.building_name } : null,
    community: { id: r.area_id, name: r.community_name },
    class: r.class,
    exposure: { firstAt: r.first_exposure_at === null ? null : Number(r.first_exposure_at), lastAt },
    instructions: callInstructions(ruleSet, r.class, lastAt, s.config.timeZone),
    status: r.status as CallTaskView['status'],
    attempts: Number(r.attempts),
    lastAttemptAt: r.last_attempt_at === null ? null : Number(r.last_attempt_at),
    lastNote: r.last_note,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

async function taskInScope(trx: Executor, actor: Actor, id: string): Promise<TaskRow> {
  const row = await store.taskById(trx, id);
  if (!row) throw new AppError('CALL_TASK_NOT_FOUND');
  assertInScope(actor, row.area_path);
  return row;
}

function dayStart(
  s: Services,
  field: 'exposedFrom' | 'exposedTo',
  text: string | undefined,
  plusDays = 0,
): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!isCalendarDate(text))
    throw new AppError(
      'CALL_DATE_INVALID',
      { field, value: text },
      { faults: [{ field, code: 'CALL_DATE_INVALID', params: { field, value: text } }] },
    );
  return startOfDate(addDays(text, plusDays), s.config.timeZone);
}

/** The list's filter from the query, inside the actor's scope: an area or building outside it is refused. */
async function filterOf(s: Services, trx: Executor, actor: Actor, q: TaskListQuery): Promise<store.TaskFilter> {
  const path = await listingScope(trx, actor, q.areaId);
  const exposedFrom = dayStart(s, 'exposedFrom', q.exposedFrom);
  const exposedTo = dayStart(s, 'exposedTo', q.exposedTo, 1);
  if (exposedFrom !== undefined && exposedTo !== undefined && exposedFrom >= exposedTo) {
    throw new AppError(
      'CALL_DATE_RANGE',
      { from: q.exposedFrom!, to: q.exposedTo! },
      {
        faults: [{ field: 'exposedFrom', code: 'CALL_DATE_RANGE', params: { from: q.exposedFrom!, to: q.exposedTo! } }],
      },
    );
  }
  if (q.buildingId) {
    const buildingPath = (await buildingById(trx, q.buildingId))?.area_path;
    if (buildingPath === undefined) throw new AppError('BUILDING_NOT_FOUND');
    assertInScope(actor, buildingPath);
  }
  const name = q.q?.trim();
  return {
    path,
    status: q.status,
    open: q.open,
    caseId: q.caseId,
    buildingId: q.buildingId,
    class: q.class,
    exposedFrom,
    exposedTo,
    ...(name ? { name } : {}),
  };
}

/** The filter as the audit records it: what was asked, the searched name masked. */
function auditedFilter(q: TaskListQuery) {
  return {
    areaId: q.areaId ?? null,
    status: q.status ?? null,
    open: q.open ?? null,
    caseId: q.caseId ?? null,
    buildingId: q.buildingId ?? null,
    class: q.class ?? null,
    exposedFrom: q.exposedFrom ?? null,
    exposedTo: q.exposedTo ?? null,
    q: q.q?.trim() ? maskName(q.q.trim()) : null,
    sort: q.sort ?? null,
    dir: q.dir ?? null,
  };
}

function orderOf(q: TaskListQuery): store.TaskOrder {
  return { sort: q.sort ?? 'priority', dir: q.dir ?? 'asc' };
}

export async function listTasks(
  s: Services,
  actor: Actor,
  q: TaskListQuery,
  paging: store.Paging,
): Promise<Page<CallTaskView>> {
  assertCan(actor, 'contact.call');
  return s.db.transaction().execute(async (trx) => {
    const f = await filterOf(s, trx, actor, q);
    const { ruleSet } = await activeChoice(s, trx);
    const { rows, total } = await store.listTasks(trx, f, paging, orderOf(q));
    await s.audit(trx, auditActor(actor), {
      action: 'call.list',
      objectType: 'call_task',
      objectId: null,
      detail: { ...auditedFilter(q), results: total, offset: paging.offset },
    });
    return { items: rows.map((r) => toView(s, r, ruleSet)), total, ...paging };
  });
}

const MAX_BUILDINGS = 500;

/** The grids and buildings of the actor's call list (within the case or area asked), with counts. */
export async function taskFacets(s: Services, actor: Actor, q: FacetQuery) {
  assertCan(actor, 'contact.call');
  return s.db.transaction().execute(async (trx) => {
    const f: store.TaskFilter = { path: await listingScope(trx, actor, q.areaId), caseId: q.caseId };
    const { ruleSet } = await activeChoice(s, trx);
    const grids = await store.gridFacets(trx, f);
    const buildings = await store.buildingFacets(trx, f, MAX_BUILDINGS + 1);
    return {
      grids,
      buildings: buildings.slice(0, MAX_BUILDINGS),
      buildingsTruncated: buildings.length > MAX_BUILDINGS,
      ruleSet: { id: ruleSet.id, name: ruleSet.name },
    };
  });
}

export async function getTask(s: Services, actor: Actor, id: string) {
  assertCan(actor, 'contact.call');
  return s.db.transaction().execute(async (trx) => {
    const row = await taskInScope(trx, actor, id);
    await s.audit(trx, auditActor(actor), { action: 'call.read', objectType: 'call_task', objectId: id });
    return {
      task: toView(s, row, (await activeChoice(s, trx)).ruleSet),
      attempts: (await store.attemptsOf(trx, id)).map(attemptView),
    };
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
    const attempts = await store.bumpAttempt(trx, id, {
      status,
      last_attempt_at: now,
      last_note: note || null,
      updated_at: now,
    });
    await store.insertAttempt(trx, {
      id: `${id}-${String(attempts).padStart(4, '0')}`,
      task_id: id,
      outcome: body.outcome,
      note,
      actor_id: actor.userId,
      at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'call.attempt',
      objectType: 'call_task',
      objectId: id,
      reason: note,
      detail: {
        personId: row.person_id,
        caseId: row.case_id,
        outcome: body.outcome,
        from: row.status,
        to: status,
        attempts,
      },
    });
    return {
      task: toView(s, (await store.taskById(trx, id))!, (await activeChoice(s, trx)).ruleSet),
      attempts: (await store.attemptsOf(trx, id)).map(attemptView),
    };
  });
}

function requireReason(reason: string | undefined): string {
  const why = (reason ?? '').trim();
  if (!why)
    throw new AppError('CALL_REASON_REQUIRED', {}, { faults: [{ field: 'reason', code: 'CALL_REASON_REQUIRED' }] });
  return why;
}

/** The full phone of the task's contact, for the caller who may see it, with a reason; audited. */
export async function revealPhone(
  s: Services,
  actor: Actor,
  id: string,
  reason: string | undefined,
): Promise<{ phone: string }> {
  assertCan(actor, 'contact.call');
  assertCan(actor, 'person.reveal');
  const why = requireReason(reason);
  return s.db.transaction().execute(async (trx) => {
    const row = await taskInScope(trx, actor, id);
    if (!row.phone_enc) throw new AppError('CALL_NO_PHONE');
    await s.audit(trx, auditActor(actor), {
      action: 'call.reveal',
      objectType: 'person',
      objectId: row.person_id,
      reason: why,
      detail: { taskId: id, fields: ['phone'] },
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
  { key: 'lastExposure', zh: '末次暴露日期', en: 'Last exposure' },
  { key: 'instructions', zh: '管理要求', en: 'What to do' },
  { key: 'caseId', zh: '关联病例', en: 'Case' },
  { key: 'status', zh: '通知状态', en: 'Call status' },
  { key: 'attempts', zh: '拨打次数', en: 'Attempts' },
  { key: 'lastAttemptAt', zh: '最近拨打', en: 'Last call' },
  { key: 'lastNote', zh: '备注', en: 'Note' },
  { key: 'taskId', zh: '任务编号', en: 'Task' },
];

interface ExportValues {
  no: string;
  community: string;
  area: string;
  address: string;
  name: string;
  phone: string;
  class: string;
  lastExposure: string;
  instructions: string;
  caseId: string;
  status: string;
  attempts: string;
  lastAttemptAt: string;
  lastNote: string;
  taskId: string;
}

const LABELS: Record<Lang, Record<string, string>> = {
  zh: {
    close: '密切接触者',
    secondary: '次密切接触者',
    general: '一般接触者',
    pending: '待拨打',
    reached: '已接通',
    not_reached: '未接通',
    refused: '拒绝',
    withdrawn: '已撤销',
  },
  en: {
    close: 'close',
    secondary: 'secondary',
    general: 'general',
    pending: 'pending',
    reached: 'reached',
    not_reached: 'not reached',
    refused: 'refused',
    withdrawn: 'withdrawn',
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
    const f = await filterOf(s, trx, actor, q);
    const n = await store.countTasks(trx, f);
    await s.audit(trx, auditActor(actor), {
      action: 'call.export',
      objectType: 'call_task',
      objectId: null,
      reason,
      detail: { format, rows: n, revealed: reveal, ...auditedFilter(q) },
    });
    return { filter: f, rows: n };
  });
  const records = exportRecords(s, filter, lang, reveal, orderOf(q));
  return {
    rows,
    fileName: `call-list.${format}`,
    contentType: CONTENT_TYPES[format],
    stream: tabularStream(records, format, lang === 'en' ? 'Call list' : '通知名单'),
  };
}

/** The rule set's schedule in words, as the call team reads it out (the rule set's figures, the zone's dates). */
export function instructionsText(i: CallInstructions, lang: Lang, timeZone: string): string {
  const p = i.plan;
  if (!p) {
    const name = ruleSetById(i.ruleSetId).name[lang];
    if (i.group === null)
      return lang === 'en' ? `No quarantine for this class under ${name}` : `${name}对此类接触者无隔离要求`;
    return lang === 'en' ? `Managed as ${i.group}; last exposure unknown` : '须隔离管理，末次暴露时间不详';
  }
  const last = (ms: number) => dateInZone(ms - 1, timeZone);
  const parts: string[] = [];
  const home =
    p.homeKind === 'home_quarantine'
      ? lang === 'en'
        ? 'home quarantine'
        : '居家隔离'
      : lang === 'en'
        ? 'home health monitoring'
        : '居家健康监测';
  if (p.centralisedDays > 0)
    parts.push(
      lang === 'en'
        ? `centralised quarantine ${p.centralisedDays} d until ${last(p.centralisedUntil)}`
        : `集中隔离${p.centralisedDays}天至${last(p.centralisedUntil)}`,
    );
  if (p.homeDays > 0)
    parts.push(
      lang === 'en'
        ? `${home} ${p.homeDays} d until ${last(p.homeUntil)}`
        : `${home}${p.homeDays}天至${last(p.homeUntil)}`,
    );
  const tests = p.testDates.map((t) => t.date);
  if (tests.length) parts.push(lang === 'en' ? `tests on ${tests.join(', ')}` : `核酸检测：${tests.join('、')}`);
  return parts.join(lang === 'en' ? '; ' : '；');
}

async function* exportRecords(
  s: Services,
  f: store.TaskFilter,
  lang: Lang,
  reveal: boolean,
  order: store.TaskOrder,
): AsyncGenerator<string[]> {
  yield COLUMNS.map((c) => (lang === 'en' ? c.en : c.zh));
  const label = (k: string) => LABELS[lang][k] ?? k;
  const { ruleSet } = await activeChoice(s);
  const PAGE = 1000;
  let n = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.exportPage(s.db, f, offset, PAGE, order);
    for (const r of page) {
      const phone = r.phone_enc ? s.cipher.decrypt(r.phone_enc) : '';
      const values: ExportValues = {
        no: String(++n),
        community: r.community_name,
        area: r.person_area_name,
        address: r.address ?? '',
        name: reveal ? r.person_name : maskName(r.person_name),
        phone: reveal ? phone : (maskPhone(phone) ?? ''),
        class: label(r.class),
        lastExposure: r.last_exposure_at === null ? '' : dateInZone(Number(r.last_exposure_at), s.config.timeZone),
        instructions: instructionsText(
          callInstructions(
            ruleSet,
            r.class,
            r.last_exposure_at === null ? null : Number(r.last_exposure_at),
            s.config.timeZone,
          ),
          lang,
          s.config.timeZone,
        ),
        caseId: r.case_id,
        status: label(r.status),
        attempts: String(r.attempts),
        lastAttemptAt: r.last_attempt_at === null ? '' : isoInZone(Number(r.last_attempt_at), s.config.timeZone),
        lastNote: r.last_note ?? '',
        taskId: r.id,
      };
      yield COLUMNS.map((c) => values[c.key]);
    }
    if (page.length < PAGE) return;
  }
}
