// What risk areas read from domains built beside them, behind small ports so that the rules can be
// tested with any answer and each port can follow its domain as it grows:
// - mass-testing rounds (全员核酸, src/testing): the 9th edition's high → medium step needs a negative
//   round on the seventh day without a case;
// - command-centre approvals of manual changes held by the circuit breaker (src/health): a held
//   designation or lifting takes effect once the approval is decided (the health module tells us in
//   the deciding transaction; the scheduled run also reads the state, in case a decision was missed).
import { sql } from 'kysely';
import type { Db, Dialect } from '../db/database.ts';
import type { UnitRef } from './riskareas.store.ts';
import { approvalStatus } from './riskareas.health.ts';

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

/**
 * Reads the testing domain's rounds (src/testing, migration 0007). A round counts for a unit when it
 * is closed, one of its areas covers the unit, it sampled somebody there (tubes of the unit's
 * subtree; for a building, tubes with a member living in it), every one of those tubes has its
 * result, and none is positive — except a pooled positive whose members were all re-tested negative
 * (its pool released). It completed when it closed or when the last of those results came in,
 * whichever is later.
 */
export const storedRounds: RoundsPort = {
  async negativeRoundsCompletedAt(s, unit, since) {
    const rounds = await s.db.selectFrom('testing_round as r')
      .select(['r.id', 'r.closed_at'])
      .where('r.closed_at', 'is not', null)
      .where((eb) => eb.exists(eb.selectFrom('testing_round_area as ra').select('ra.round_id')
        .whereRef('ra.round_id', '=', 'r.id')
        .where(sql<boolean>`${unit.area_path} like ${sql.ref('ra.area_path')} || '%'`)))
      .execute();
    const out: number[] = [];
    for (const round of rounds) {
      let tubes = s.db.selectFrom('testing_tube as t')
        .leftJoin('testing_result as res', 'res.tube_id', 't.id')
        .leftJoin('testing_pool as p', 'p.tube_id', 't.id')
        .select(['t.id', 'res.result', 'res.resulted_at', 'p.status as pool_status'])
        .where('t.round_id', '=', round.id);
      if (unit.unit === 'building') {
        tubes = tubes.where((eb) => eb.exists(eb.selectFrom('testing_tube_member as m').innerJoin('household as h', 'h.id', 'm.household_id')
          .select('m.tube_id').whereRef('m.tube_id', '=', 't.id').where('h.building_id', '=', unit.target_id)));
      } else {
        tubes = tubes.where('t.area_path', 'like', `${unit.area_path}%`);
      }
      const rows = await tubes.execute();
      if (rows.length === 0) continue;
      if (rows.some((t) => t.result === null || t.result === undefined)) continue;
      if (rows.some((t) => t.result === 'positive' && t.pool_status !== 'released')) continue;
      const completedAt = Math.max(Number(round.closed_at), ...rows.map((t) => Number(t.resulted_at ?? 0)));
      if (completedAt >= since) out.push(completedAt);
    }
    return out.sort((a, b) => a - b);
  },
};

/** The latest all-negative round over the unit, or null (the port function the rules rest on). */
export async function lastNegativeRoundCompletedAt(s: PortDb, unit: UnitRef, rounds: RoundsPort = storedRounds): Promise<number | null> {
  const all = await rounds.negativeRoundsCompletedAt(s, unit, 0);
  return all.length ? Math.max(...all) : null;
}

/** Reads the approval's state from the health module's held recolourings (unknown = pending). */
export const storedApprovals: ApprovalsPort = {
  async approvalState(s, approvalId) {
    return (await approvalStatus(s.db, approvalId)) ?? 'pending';
  },
};
