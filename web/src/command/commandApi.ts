// The client for the command centre's home page summary (GET /command/summary).
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

export const commandApi = {
  summary: () => json<CommandSummary>('GET', '/command/summary'),
};
