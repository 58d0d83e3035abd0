// The command centre's alerts over HTTP: the duty officer's list, acknowledging and closing, and the
// error codes. Evidence is figures only (counts, ages, thresholds, ids): no personal data.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NoteText, Nullable } from '../platform/http.ts';
import { PageQuery } from '../platform/pagination.ts';
import { ROLES } from '../access/access.rules.ts';
import { ALERT_RULES, ALERT_STATUSES, CLOSE_REASONS, SEVERITIES } from './alerts.rules.ts';

export const AlertErrors = defineErrors({
  COMMAND_ALERT_NOT_FOUND: { status: 404, zh: '找不到预警 {id}', en: 'Alert {id} not found' },
  COMMAND_ALERT_ALREADY_ACKNOWLEDGED: {
    status: 409,
    zh: '该预警已由 {by} 于 {at} 签收，不能重复签收',
    en: 'This alert was acknowledged by {by} at {at}: it cannot be acknowledged twice',
  },
  COMMAND_ALERT_CLOSED: { status: 409, zh: '该预警已关闭', en: 'This alert is closed' },
});

export const AlertView = Type.Object({
  id: Type.String(),
  rule: Literals(ALERT_RULES),
  severity: Literals(SEVERITIES),
  subjectType: Type.String(),
  subjectId: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  evidence: Type.Record(Type.String(), Nullable(Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
  notify: Type.Array(Literals(ROLES)),
  rulesVersion: Type.String(),
  status: Literals(ALERT_STATUSES),
  openedAt: Type.Number(),
  seenAt: Type.Number(),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedAt: Nullable(Type.Number()),
  closeReason: Nullable(Literals(CLOSE_REASONS)),
  closeNote: Nullable(Type.String()),
  closedBy: Nullable(Type.String()),
  closedAt: Nullable(Type.Number()),
});
export type AlertView = Static<typeof AlertView>;

export const AlertList = Type.Object({
  /** The server's now, for the alerts' ages. */
  at: Type.Number(),
  items: Type.Array(AlertView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type AlertList = Static<typeof AlertList>;

export const AlertListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    /** active (open or acknowledged, the default), open, acknowledged, closed. */
    status: Type.Optional(Type.Union([Type.Literal('active'), ...ALERT_STATUSES.map((s) => Type.Literal(s))])),
    rule: Type.Optional(Literals(ALERT_RULES)),
  }),
]);
export type AlertListQuery = Static<typeof AlertListQuery>;

export const AlertIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const CloseAlertBody = Type.Object({ note: NoteText({ minLength: 2, maxLength: 500 }) });
export type CloseAlertBody = Static<typeof CloseAlertBody>;
