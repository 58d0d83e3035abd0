// The client for health status codes (健康码, issue 4 §5): a person's colour with reasons, end
// conditions, latest test and history; manual changes (two-person rule); appeals; command-centre
// approvals of mass recolouring (circuit breaker). Times are epoch milliseconds.
import { json } from '../shared/api.ts';

const id = (v: string) => encodeURIComponent(v);

export type Colour = 'green' | 'yellow' | 'red';
export type EndCondition =
  | { kind: 'quarantine_end' }
  | { kind: 'released' }
  | { kind: 'negative_tests'; count: number; minHoursApart: number }
  | { kind: 'days'; days: number };

export interface HealthReason {
  rule: string;
  fact: string;
  colour: 'yellow' | 'red';
  since: number;
  endsWhen: EndCondition;
  endsAt: number | null;
  source: { type: string; id: string };
  detail: Record<string, unknown>;
}

export interface HealthTest {
  sampledAt: number;
  reportedAt: number;
  result: 'negative' | 'positive';
  pooled: boolean;
}

export interface HealthHistory {
  id: string;
  at: number;
  from: Colour;
  to: Colour;
  /** The English sentence of the record; readers see basisKind with basisParams in their language. */
  basis: string;
  basisKind: string;
  basisParams: Record<string, string | number>;
  actor: { id: string | null; name: string; role: string };
  manual: boolean;
  ruleSet: { id: string; version: string };
  rules: string[];
  overrideId: string | null;
  approvalId: string | null;
  auditSeq: number | null;
}

export type AppealStatus = 'open' | 'upheld' | 'correction_pending' | 'corrected' | 'correction_rejected';

export interface Appeal {
  id: string;
  personId: string;
  maskedName: string;
  filedAt: number;
  dueAt: number;
  overdue: boolean;
  colour: Colour;
  statement: string;
  status: AppealStatus;
  reviewer: string | null;
  answeredAt: number | null;
  answer: string | null;
  overrideId: string | null;
}

export interface HealthView {
  person: { id: string; maskedName: string; areaId: string };
  colour: Colour;
  ruleSet: { id: string; version: string };
  computedAt: number | null;
  changedAt: number | null;
  nextChangeAt: number | null;
  reasons: HealthReason[];
  override: { id: string; colour: Colour; until: number } | null;
  latestTest: HealthTest | null;
  tests: HealthTest[];
  facts: Array<{
    kind: string;
    source: { type: string; id: string };
    since: number;
    until: number | null;
    endedAt: number | null;
    detail: Record<string, unknown>;
  }>;
  history: HealthHistory[];
  appeals: Appeal[];
}

export type OverrideStatus = 'pending' | 'approved' | 'rejected' | 'held';

export interface Override {
  id: string;
  persons: Array<{ id: string; maskedName: string }>;
  people: number;
  colour: Colour;
  legalBasis: string;
  reason: string;
  endsAt: number;
  status: OverrideStatus;
  requestedBy: { id: string; name: string };
  requestedAt: number;
  decidedBy: { id: string; name: string } | null;
  decidedAt: number | null;
  decisionReason: string | null;
  /** The command centre's decision when the circuit breaker held the override. */
  commandDecision: { approved: boolean; name: string; at: number | null; reason: string | null } | null;
  appealId: string | null;
  approvalId: string | null;
  ruleSet: { id: string; version: string };
}

export interface Approval {
  id: string;
  kind: 'add_facts' | 'end_facts' | 'override';
  people: number;
  threshold: number;
  reason: string;
  basisKind: string;
  basisParams: Record<string, string | number>;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: { id: string | null; name: string; role: string };
  requestedAt: number;
  decidedBy: { id: string; name: string } | null;
  decidedAt: number | null;
  decisionReason: string | null;
  ruleSet: { id: string; version: string };
  changes?: number;
}

export interface OverrideRequest {
  personIds: string[];
  colour: Colour;
  legalBasis: string;
  reason: string;
  endsAt: number;
}
export interface AppealAnswer {
  decision: 'uphold' | 'correct';
  answer: string;
  colour?: Colour;
  legalBasis?: string;
  endsAt?: number;
}

export const healthApi = {
  person: (personId: string) => json<HealthView>('GET', `/persons/${id(personId)}/health`),
  mine: () => json<HealthView>('GET', '/me/health'),
  myAppeals: () => json<{ items: Appeal[] }>('GET', '/me/appeals'),
  fileAppeal: (statement: string) => json<Appeal>('POST', '/me/appeals', { json: { statement } }),
  appeals: (status?: string) => json<{ items: Appeal[] }>('GET', '/health/appeals', { query: { status } }),
  answerAppeal: (appealId: string, body: AppealAnswer) =>
    json<Appeal>('POST', `/health/appeals/${id(appealId)}/answer`, { json: body }),
  overrides: (status?: string) => json<{ items: Override[] }>('GET', '/health/overrides', { query: { status } }),
  requestOverride: (body: OverrideRequest) => json<Override>('POST', '/health/overrides', { json: body }),
  decideOverride: (overrideId: string, approve: boolean, reason: string) =>
    json<Override>('POST', `/health/overrides/${id(overrideId)}/decision`, { json: { approve, reason } }),
  approvals: (status?: string) => json<{ items: Approval[] }>('GET', '/health/approvals', { query: { status } }),
  decideApproval: (approvalId: string, approve: boolean, reason: string) =>
    json<Approval>('POST', `/health/approvals/${id(approvalId)}/decision`, { json: { approve, reason } }),
};
