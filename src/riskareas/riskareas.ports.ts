// What risk areas read from domains built beside them, behind small ports so that the rules can be
// tested with any answer and each port can follow its domain as it grows:
// - mass-testing rounds (全员核酸, src/testing): the 9th edition's high → medium step needs a negative
//   round on the seventh day without a case;
// - command-centre approvals of manual changes held by the circuit breaker (src/health): a held
//   designation or lifting takes effect once the approval is decided (the health module tells us in
//   the deciding transaction; the scheduled run also reads the state, in case a decision was missed).
import type { Db, Dialect } from '../db/database.ts';
import type { UnitRef } from './riskareas.store.ts';
import { approvalStatus } from './riskareas.health.ts';
import { negativeRoundsCompletedAt } from '../testing/testing.service.ts';

/** Ports read on the database, outside any change's transaction. */
export interface PortDb {
  db: Db;
  dialect: Dialect;
}

export interface RoundsPort {
  /** Completion times of all-negative mass-testing rounds covering the unit, completed at or after `since`. */
  negativeRoundsCompletedAt(s: PortDb, unit: UnitRef, since: number): Promise<number[]>;
}

export type ApprovalState = 'pending' | 'approved' | 'rejected';

export interface ApprovalsPort {
  approvalState(s: PortDb, approvalId: string): Promise<ApprovalState>;
}

/** Reads the testing domain's rounds (src/testing/testing.service.ts negativeRoundsCompletedAt). */
export const storedRounds: RoundsPort = {
  negativeRoundsCompletedAt: (s, unit, since) => negativeRoundsCompletedAt(s.db, unit, since),
};

/** The latest all-negative round over the unit, or null (the port function the rules rest on). */
export async function lastNegativeRoundCompletedAt(
  s: PortDb,
  unit: UnitRef,
  rounds: RoundsPort = storedRounds,
): Promise<number | null> {
  const all = await rounds.negativeRoundsCompletedAt(s, unit, 0);
  return all.length ? Math.max(...all) : null;
}

/** Reads the approval's state from the health module's held recolourings (unknown = pending). */
export const storedApprovals: ApprovalsPort = {
  async approvalState(s, approvalId) {
    return (await approvalStatus(s.db, approvalId)) ?? 'pending';
  },
};
