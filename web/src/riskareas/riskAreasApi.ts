// The client for risk areas (中高风险区): the public list, and the command centre's list, tree, detail
// with history, designation and lifting. Same fetch, CSRF and problem+json handling as api.ts.
import { json } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';

export type RiskLevel = 'high' | 'medium' | 'low';
export type RiskUnit = 'building' | 'community' | 'street';
export type RiskStatus = 'pending' | 'active' | 'lifted' | 'rejected';
export type RiskTarget = RiskLevel | 'lifted';

export interface LiftingRule {
  to: RiskLevel;
  daysWithoutCase: number;
  minDaysAtLevel: number | null;
  negativeRoundOnDay: number | null;
}

export interface RiskArea {
  id: string;
  unit: RiskUnit;
  targetId: string;
  buildingId: string | null;
  areaId: string;
  areaName: string;
  /** District, street and community names above the unit, top first. */
  place: string[];
  /** As a citizen knows the place: "瑞景家园 1号楼" for a building. */
  name: string;
  /** A building's compound (小区) and own name; null for an area. */
  compound: string | null;
  building: string | null;
  status: RiskStatus;
  level: RiskLevel | null;
  levelSince: number | null;
  episodeStart: number | null;
  reason: string;
  legalBasis: string;
  ruleSet: { id: string; version: string };
  /** A manual change held for a command-centre approval (circuit breaker). */
  pending: {
    level: RiskTarget;
    approvalId: string;
    reason: string;
    legalBasis: string;
    by: string | null;
    at: number;
  } | null;
  liftingRule: LiftingRule | null;
  arrivals: { total: number; active: number };
  createdAt: number;
  updatedAt: number;
}

export interface RiskHistory {
  kind: 'designate' | 'downgrade' | 'lift' | 'held' | 'approved' | 'rejected';
  from: string | null;
  to: string;
  at: number;
  actorName: string;
  manual: boolean;
  reason: string;
  legalBasis: string;
  ruleSet: { id: string; version: string };
  rule: string | null;
  evidence: Record<string, unknown>;
}

export interface RiskOutcome {
  applied: boolean;
  pendingApprovalId: string | null;
  people: number;
  colourChanges: number;
  healthAvailable: boolean;
}

export interface RiskTreeNode {
  id: string;
  code: string;
  name: string;
  level: string;
  parentId: string | null;
  riskAreaId: string | null;
  riskLevel: RiskLevel | null;
  status: RiskStatus | null;
  below: { high: number; medium: number; low: number };
}

export interface RiskTree {
  items: RiskTreeNode[];
  /** What the active rule set lets the command centre designate. */
  ruleSet: { id: string; version: string };
  units: RiskUnit[];
  levels: RiskLevel[];
}

export interface PublicRiskArea {
  id: string;
  unit: RiskUnit;
  /** As a citizen knows the place: "瑞景家园 1号楼" for a building. */
  name: string;
  /** A building's compound (小区) and own name; null for an area. */
  compound: string | null;
  building: string | null;
  areaNames: string[];
  level: RiskLevel;
  since: number;
  liftingRule: LiftingRule | null;
}

export interface PublicRiskList {
  ruleSet: { id: string; version: string; name: { zh: string; en: string } };
  items: PublicRiskArea[];
  updatedAt: number;
}

export interface DowngradeRun {
  ruleSet: { id: string; version: string };
  at: number;
  checked: number;
  changes: Array<{ id: string; name: string; from: RiskLevel; to: RiskLevel; rule: string }>;
  waiting: Array<{ id: string; name: string; level: RiskLevel; reason: string }>;
  newArrivals: number;
  resolved: number;
}

export interface Designation {
  unit: RiskUnit;
  targetId: string;
  level: RiskLevel;
  reason: string;
  legalBasis: string;
}

const id = (v: string) => encodeURIComponent(v);

export const riskAreasApi = {
  publicList: () => json<PublicRiskList>('GET', '/risk-areas/public'),
  list: (query: { limit: number; offset: number; status?: RiskStatus | ''; level?: RiskLevel | ''; q?: string }) =>
    json<Page<RiskArea>>('GET', '/risk-areas', { query }),
  tree: () => json<RiskTree>('GET', '/risk-areas/tree'),
  detail: (riskAreaId: string) =>
    json<{ riskArea: RiskArea; history: RiskHistory[] }>('GET', `/risk-areas/${id(riskAreaId)}`),
  designate: (body: Designation) =>
    json<{ riskArea: RiskArea; outcome: RiskOutcome }>('POST', '/risk-areas', { json: body }),
  lift: (riskAreaId: string, body: { reason: string; legalBasis: string }) =>
    json<{ riskArea: RiskArea; outcome: RiskOutcome }>('POST', `/risk-areas/${id(riskAreaId)}/lift`, { json: body }),
  downgrade: () => json<DowngradeRun>('POST', '/risk-areas/downgrade'),
};
