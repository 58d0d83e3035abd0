// The client for the command centre's alerts (预警): the duty officer's list, acknowledge, close with a note.
import { json } from '../shared/api.ts';
import type { Role } from '../shared/types.ts';

export type AlertRule =
  'pool_unresolved' | 'contact_unplaced' | 'rooms_low' | 'fever_unanswered' | 'venue_over_capacity';
export type Severity = 'critical' | 'high' | 'medium';
export type AlertStatus = 'open' | 'acknowledged' | 'closed';

export interface Alert {
  id: string;
  rule: AlertRule;
  severity: Severity;
  subjectType: string;
  subjectId: string;
  areaId: string;
  areaName: string;
  evidence: Record<string, string | number | boolean | null>;
  notify: Role[];
  rulesVersion: string;
  status: AlertStatus;
  openedAt: number;
  seenAt: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  closeReason: 'cleared' | 'note' | null;
  closeNote: string | null;
  closedBy: string | null;
  closedAt: number | null;
}

export interface AlertList {
  at: number;
  items: Alert[];
  total: number;
  limit: number;
  offset: number;
}

export const alertsApi = {
  list: (status: 'active' | AlertStatus, offset = 0) =>
    json<AlertList>('GET', '/command/alerts', { query: { status, limit: 100, offset } }),
  acknowledge: (id: string) =>
    json<Alert>('POST', `/command/alerts/${encodeURIComponent(id)}/acknowledge`, { json: {} }),
  close: (id: string, note: string) =>
    json<Alert>('POST', `/command/alerts/${encodeURIComponent(id)}/close`, { json: { note } }),
};
