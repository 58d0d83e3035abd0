// Request and response schemas of the audit log's routes (responses are a whitelist).
import { Type } from '@sinclair/typebox';
import { IsoTime, Literals } from '../platform/http.ts';
import { REASON_KINDS } from './audit.rules.ts';
import { defineErrors } from '../platform/errors.ts';

export const AuditErrors = defineErrors({
  AUDIT_TIME_INVALID: {
    status: 400,
    zh: '{field} 时间“{value}”无效：请填写日期 YYYY-MM-DD、带时区的 ISO 时间或毫秒时间戳',
    en: 'The {field} time "{value}" is not valid: give a date YYYY-MM-DD, an ISO time with offset, or epoch milliseconds',
  },
});

const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/** The auditor's filters, shared by the page and the export. */
export const AuditFilterQuery = Type.Object({
  /** An action, or a family of them: "user.*". */
  action: Text(64),
  actorId: Text(64),
  /** The actor's name as recorded (a username), exactly. */
  actor: Text(64),
  objectType: Text(64),
  objectId: Text(64),
  /** A date YYYY-MM-DD (from its start), an ISO time with offset, or epoch ms; inclusive. */
  from: Text(40),
  /** The same; exclusive, and a date means up to that day's end. */
  to: Text(40),
  /** Words in the reason, the detail or the actor's name. */
  q: Text(100),
});

export const AuditPageQuery = Type.Composite([
  AuditFilterQuery,
  Type.Object({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    /** The next page: the events before this sequence number (the previous page's nextBeforeSeq). */
    beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
]);

export const AuditExportQuery = Type.Composite([
  AuditFilterQuery,
  Type.Object({
    format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
    /** The language of the file (headers, actions, roles, reasons); else the request's Accept-Language. */
    lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
  }),
]);

export const AuditEventSchema = Type.Object({
  seq: Type.Integer(),
  at: IsoTime,
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  actorRole: Type.String(),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.Union([Type.String(), Type.Null()]),
  /** What the object is (a household's address, a person's masked name, a username); null when unknown. */
  objectLabel: Type.Union([Type.String(), Type.Null()]),
  /** The reason as written: the English sentence of a service, or a user's own words. */
  reason: Type.String(),
  /** The reason as data when a service wrote it (audit.rules.ts REASON_KINDS); null for a user's own words. */
  reasonKind: Type.Union([Literals(REASON_KINDS), Type.Null()]),
  /** The kind's parameters (for colour_basis: the basis's, with its kind as basisKind). */
  reasonParams: Type.Union([Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])), Type.Null()]),
  /** The event's detail, without the reason's kind and params. */
  detail: Type.Unknown(),
  hash: Type.String(),
});

export const AuditEventPage = Type.Object({
  items: Type.Array(AuditEventSchema),
  limit: Type.Integer(),
  /** Pass as beforeSeq for the next (older) page; null on the last one. */
  nextBeforeSeq: Type.Union([Type.Integer(), Type.Null()]),
});

export const AuditVerifyResult = Type.Object({
  ok: Type.Boolean(),
  events: Type.Integer(),
  brokenAt: Type.Optional(Type.Integer()),
  problem: Type.Optional(Type.String()),
  /** The anchor that found the break, or that was refused (file:line). */
  anchor: Type.Optional(Type.String()),
  headHash: Type.Optional(Type.String()),
  /** The first event hashed with the audit key; the ones before it are plain SHA-256. */
  keyedFrom: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  /** The check against the anchor directory; absent when the server has none. */
  anchors: Type.Optional(
    Type.Object({
      checked: Type.Integer(),
      newestSeq: Type.Union([Type.Integer(), Type.Null()]),
      newestAt: Type.Union([IsoTime, Type.Null()]),
    }),
  ),
});
