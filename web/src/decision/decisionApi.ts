// The client of decision support (研判): Rt by day of an area, and the stored projections with their
// bands, demand and scores.
import { json } from '../shared/api.ts';

export interface RtEstimate {
  mean: number;
  sd: number;
  shape: number;
  scale: number;
  q025: number;
  q25: number;
  q50: number;
  q75: number;
  q975: number;
}

export type RtReason = 'too_few_cases' | 'no_infectiousness' | 'before_window';

export interface RtView {
  area: { id: string; name: string; level: string };
  areas: Array<{ id: string; name: string; level: string }>;
  ruleVersion: string;
  window: number;
  prior: { shape: number; scale: number };
  minCases: number;
  serialInterval: {
    source: 'rule' | 'pairs' | 'request';
    kind: 'parametric' | 'discrete';
    mean: number;
    sd: number;
    distribution: number[];
    pairs: { pairs: number; used: number; mean: number | null; sd: number | null; minPairs: number };
  };
  withoutOnset: number;
  days: Array<{
    date: string;
    local: number;
    imported: number;
    windowCases: number;
    infectiousness: number;
    rt: RtEstimate | null;
    reason: RtReason | null;
  }>;
  latest: { date: string; rt: RtEstimate } | null;
}

export interface DemandRow {
  cases: number;
  contacts: number;
  roomDays: number;
  beds: number;
}

export interface Projection {
  id: string;
  area: { id: string; name: string };
  createdAt: number;
  firstDay: string;
  horizon: number;
  seed: number;
  trajectories: number;
  rt: { date: string; mean: number; q025: number; q975: number };
  serialInterval: { source: string; mean: number; sd: number };
  days: Array<{
    date: string;
    median: number;
    q025: number;
    q25: number;
    q75: number;
    q975: number;
    observed: number | null;
  }>;
  demand: {
    lookBackDays: number;
    casesInLookBack: number;
    contactsPerCase: number;
    centralisedDays: number;
    bedShare: number;
    bedDays: number;
    median: DemandRow;
    high: DemandRow;
  };
  score: { scoredAt: number; days: number; coverage50: number; coverage95: number; wis: number } | null;
}

export const decisionApi = {
  rt: (areaId?: string) => json<RtView>('GET', '/decision/rt', { query: { areaId } }),
  projections: (areaId?: string) =>
    json<{ items: Projection[] }>('GET', '/decision/projections', { query: { areaId, limit: 20 } }),
  project: (areaId?: string) => json<Projection>('POST', '/decision/projections', { json: { areaId } }),
};
