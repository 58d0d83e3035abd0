// The client for the command centre: the home page summary (GET /command/summary) and the situation
// wall's figures (GET /command/wall; live at /command/wall/stream).
import { json } from '../shared/api.ts';

export interface CommandSummary {
  dayStart: number;
  cases: { total: number; today: number } | null;
  pendingReview: number | null;
  colours: { green: number; yellow: number; red: number } | null;
  rounds: Array<{
    id: string;
    name: string;
    status: string;
    deadlineAt: number;
    target: number;
    sampled: number;
    resulted: number;
    openPools: number;
  }> | null;
  openPools: number | null;
}

export type PanelState = 'ok' | 'empty' | 'forbidden' | 'pending';
export type WallPanel =
  'alerts' | 'cases' | 'contacts' | 'colours' | 'riskAreas' | 'testing' | 'quarantine' | 'logistics' | 'volunteers';
export type WallRound = NonNullable<CommandSummary['rounds']>[number];

export interface WallFigures {
  at: number;
  today: string;
  panels: Record<WallPanel, PanelState>;
  alerts: { critical: number; high: number; medium: number; total: number };
  cases: {
    total: number;
    today: number;
    byClassification: Array<{ key: string; n: number }>;
    bySource: Array<{ key: string; n: number }>;
    curve: Array<{ date: string; n: number; cumulative: number }>;
  } | null;
  contacts: { found: number; reviewed: number; pending: number; placed: number; unplaced: number } | null;
  colours: {
    totals: { green: number; yellow: number; red: number };
    districts: Array<{ areaId: string; name: string; green: number; yellow: number; red: number }>;
  } | null;
  riskAreas: { high: number; medium: number; low: number; total: number } | null;
  testing: {
    rounds: WallRound[];
    openPools: number;
    overTarget: number;
    targetHours: number;
    oldestAgeMs: number | null;
  } | null;
  quarantine: {
    rooms: number;
    usable: number;
    free: number;
    used: number;
    cleaning: number;
    freeShare: number | null;
    districts: Array<{ areaId: string; name: string; rooms: number; free: number }>;
  } | null;
}

export const WALL_STREAM_URL = '/api/v1/command/wall/stream';

export const commandApi = {
  summary: () => json<CommandSummary>('GET', '/command/summary'),
  wall: () => json<WallFigures>('GET', '/command/wall'),
};
