// The audit log for auditors: filter and page through events (by seq), export them (audited), verify the chain (and against the signed anchors
// in the server's anchor directory, when it has one).
import { Type, type Static } from '@sinclair/typebox';
import {
  AuditEventPage,
  AuditExportQuery,
  AuditFilterQuery,
  AuditPageQuery,
  AuditVerifyResult,
} from './audit.schema.ts';
import type { Services } from '../services.ts';
import { areaById } from '../db/sql.ts';
import type { App } from '../platform/http.ts';
import { maskPhonesIn } from '../platform/mask.ts';
import { isoInZone } from '../platform/clock.ts';
import { actorOf, auditActor, guard } from '../access/auth.ts';
import type { ChainVerdict } from '../platform/audit.ts';
import { verifyWithAnchors } from '../platform/audit.anchors.ts';
import { ProblemSchema, sendDownload, TABLE_MEDIA_TYPES } from '../platform/http.ts';
import { storedReason } from './audit.rules.ts';
import { AppError, langFrom, type Lang } from '../platform/errors.ts';
import { can } from '../access/access.rules.ts';
import type { FastifyRequest } from 'fastify';
import { CONTENT_TYPES, tabularStream } from '../platform/tabular.ts';
import { uiTexts } from '../platform/ui-texts.ts';
import { ruleSets } from '../rules/ruleset.load.ts';
import { auditActionLabel, objectTypeLabel, reasonSentence } from '../../common/labels.ts';
import {
  auditEventBatches,
  auditEventsPage,
  parseAuditTime,
  type AuditFilter,
  type AuditRow,
} from './audit.service.ts';

/** An event as the auditor reads it: mobile numbers masked, the object named by what it is. */
function eventView(r: AuditRow, labels: Map<string, string>, timeZone: string) {
  const reason = maskPhonesIn(r.reason);
  const read = storedReason(r.action, reason, JSON.parse(maskPhonesIn(r.detail)) as unknown);
  return {
    // Mobile numbers are masked on the way out: events written before resident phones were sealed
    // named a resident by their phone (the stored text stays as it was, for the chain's hashes).
    seq: Number(r.seq),
    at: isoInZone(Number(r.at), timeZone),
    actorId: r.actor_id,
    actorName: maskPhonesIn(r.actor_name),
    actorRole: r.actor_role,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    objectLabel: r.object_id ? (labels.get(`${r.object_type}:${r.object_id}`) ?? null) : null,
    reason,
    reasonKind: read.kind,
    reasonParams: read.params,
    detail: read.rest,
    hash: r.hash,
  };
}

const EXPORT_COLUMNS: Array<{ zh: string; en: string }> = [
  { zh: '序号', en: 'Seq' },
  { zh: '时间', en: 'Time' },
  { zh: '操作人', en: 'Actor' },
  { zh: '角色', en: 'Role' },
  { zh: '操作', en: 'Action' },
  { zh: '操作代码', en: 'Action code' },
  { zh: '对象类型', en: 'Object type' },
  { zh: '对象编号', en: 'Object id' },
  { zh: '对象', en: 'Object' },
  { zh: '原因', en: 'Reason' },
  { zh: '详情', en: 'Detail' },
  { zh: '哈希', en: 'Hash' },
];

/**
 * The log as rows of the export, in the reader's language as the audit page shows it: roles, actions,
 * object types and the reasons the services wrote (common/labels.ts over the web app's texts); the
 * action's code stays in a column of its own for filtering, a user's own words stay as written.
 */
async function* exportRecords(s: Services, filter: AuditFilter, lang: Lang): AsyncGenerator<string[]> {
  const t = uiTexts(lang);
  const sets = new Map(ruleSets().map((r) => [r.id, r.name]));
  const ruleSetName = (id: string) => sets.get(id)?.[lang] ?? id;
  yield EXPORT_COLUMNS.map((c) => c[lang]);
  for await (const { rows, labels } of auditEventBatches(s, filter)) {
    for (const r of rows) {
      const e = eventView(r, labels, s.config.timeZone);
      const actor = e.actorRole === 'system' && e.actorName === 'system' ? t('role.system') : e.actorName;
      yield [
        String(e.seq),
        e.at,
        actor,
        t(`role.${e.actorRole}`, { defaultValue: e.actorRole }),
        auditActionLabel(t, e.action),
        e.action,
        objectTypeLabel(t, e.objectType),
        e.objectId ?? '',
        e.objectLabel ?? '',
        reasonSentence(t, e, ruleSetName),
        JSON.stringify(e.detail),
        e.hash,
      ];
    }
  }
}

function verdictView(v: ChainVerdict, timeZone: string) {
  const { anchors, ...rest } = v;
  return {
    ...rest,
    ...(anchors
      ? {
          anchors: {
            checked: anchors.checked,
            newestSeq: anchors.newest?.seq ?? null,
            newestAt: anchors.newest ? isoInZone(anchors.newest.at, timeZone) : null,
          },
        }
      : {}),
  };
}

export async function auditRoutes(app: App, s: Services): Promise<void> {
  const filterOf = (q: Static<typeof AuditFilterQuery>): AuditFilter => ({
    action: q.action || undefined,
    actorId: q.actorId || undefined,
    actor: q.actor || undefined,
    objectType: q.objectType || undefined,
    objectId: q.objectId || undefined,
    q: q.q?.trim() || undefined,
    from: parseAuditTime(q.from, s.config.timeZone, 'from'),
    to: parseAuditTime(q.to, s.config.timeZone, 'to'),
  });

  // The log names people and actions of every area, so only an actor over the whole tree (an area
  // without a parent, e.g. the city) reads it; an auditor or administrator of a district or a
  // community is refused OUT_OF_SCOPE.
  const wholeTree = async (request: FastifyRequest) => {
    const actor = actorOf(request);
    if (!can(actor.role, 'audit.read')) throw new AppError('FORBIDDEN', { permission: 'audit.read' });
    const area = await areaById(s.db, actor.areaId);
    if (!area || area.parent_id !== null) throw new AppError('OUT_OF_SCOPE');
  };

  app.get(
    '/audit/events',
    {
      preHandler: wholeTree,
      schema: {
        tags: ['audit'],
        querystring: AuditPageQuery,
        response: { 200: AuditEventPage, 400: ProblemSchema },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const { rows, labels, nextBeforeSeq } = await auditEventsPage(
        s,
        filterOf(request.query),
        limit,
        request.query.beforeSeq,
      );
      return { items: rows.map((r) => eventView(r, labels, s.config.timeZone)), limit, nextBeforeSeq };
    },
  );

  // The filtered log as a file, streamed page by page; the export itself is an audit event, written
  // (with its filters) before the first row leaves.
  app.get(
    '/audit/export',
    {
      preHandler: wholeTree,
      schema: {
        tags: ['audit'],
        produces: TABLE_MEDIA_TYPES,
        querystring: AuditExportQuery,
        response: { 200: Type.String({ format: 'binary' }), 400: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const format = request.query.format ?? 'csv';
      const filter = filterOf(request.query);
      const lang = request.query.lang ?? langFrom(request.headers['accept-language']);
      await s.db.transaction().execute((trx) =>
        s.audit(trx, auditActor(actor), {
          action: 'audit.export',
          objectType: 'audit_event',
          objectId: null,
          detail: { format, ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) },
        }),
      );
      const stream = tabularStream(exportRecords(s, filter, lang), format, lang === 'en' ? 'Audit log' : '审计日志');
      return sendDownload(reply, { contentType: CONTENT_TYPES[format], fileName: `audit-log.${format}`, body: stream });
    },
  );

  app.get(
    '/audit/verify',
    {
      preHandler: guard('audit.read'),
      schema: {
        tags: ['audit'],
        response: { 200: AuditVerifyResult },
      },
    },
    async () => verdictView(await verifyWithAnchors(s, s.config.auditAnchors.dir), s.config.timeZone),
  );
}
