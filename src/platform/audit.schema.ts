// Request and response schemas of the audit log's routes (responses are a whitelist).
import { Type } from '@sinclair/typebox';
import { IsoTime } from './http.ts';

export const AuditEventSchema = Type.Object({
  seq: Type.Integer(),
  at: IsoTime,
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  actorRole: Type.String(),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  detail: Type.Unknown(),
  hash: Type.String(),
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
  anchors: Type.Optional(Type.Object({
    checked: Type.Integer(),
    newestSeq: Type.Union([Type.Integer(), Type.Null()]),
    newestAt: Type.Union([IsoTime, Type.Null()]),
  })),
});
