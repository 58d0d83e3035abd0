// The command centre's home page: one summary of the actor's area. Each figure is read through the
// module that owns it (the same query as that module's page); a section the actor may not read is null.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../platform/http.ts';

export const CommandSummarySchema = Type.Object({
  /** Start of today in the deployment's time zone (epoch ms): "today" below counts from here. */
  dayStart: Type.Integer(),
  /** The cases page: all cases of the area, and those registered today. */
  cases: Nullable(Type.Object({ total: Type.Integer(), today: Type.Integer() })),
  /** The review queue (待研判): contacts waiting for an investigator. */
  pendingReview: Nullable(Type.Integer()),
  /** People of the area by health-code colour. */
  colours: Nullable(Type.Object({ green: Type.Integer(), yellow: Type.Integer(), red: Type.Integer() })),
  /**
   * Testing rounds in progress (open or overdue) reaching into the area, each counted inside the actor's
   * area: the round's coverage totals (target, sampled, resulted) and its open pools on the pools page.
   */
  rounds: Nullable(
    Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        status: Type.String(),
        deadlineAt: Type.Number(),
        target: Type.Integer(),
        sampled: Type.Integer(),
        resulted: Type.Integer(),
        openPools: Type.Integer(),
      }),
    ),
  ),
  /** The pools page's open pools (detected or reported, not yet settled). */
  openPools: Nullable(Type.Integer()),
});
export type CommandSummary = Static<typeof CommandSummarySchema>;
