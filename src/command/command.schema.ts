// The command centre's home page: one summary of the actor's area. Each figure is read through the
// module that owns it (the same query as that module's page); a section the actor may not read is null.
import { Type, type Static } from '@sinclair/typebox';
import { Literals, Nullable } from '../platform/http.ts';
import { PANEL_STATES, WALL_PANELS, type WallPanel } from './command.figures.ts';

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

// ---- the situation wall (大屏) ---------------------------------------------------------------------

const Tally = Type.Array(Type.Object({ key: Type.String(), n: Type.Integer() }));
const WallRound = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  deadlineAt: Type.Number(),
  target: Type.Integer(),
  sampled: Type.Integer(),
  resulted: Type.Integer(),
  openPools: Type.Integer(),
});

/** The wall's figures of the actor's area: counts only, nothing about any person. */
export const WallFiguresSchema = Type.Object({
  at: Type.Integer(),
  today: Type.String(),
  /** Each panel's state: ok, empty (the module holds nothing yet), forbidden (role), pending (module to come). */
  panels: Type.Object(
    Object.fromEntries(WALL_PANELS.map((p) => [p, Literals(PANEL_STATES)])) as Record<
      WallPanel,
      ReturnType<typeof Literals<typeof PANEL_STATES>>
    >,
  ),
  /** Alerts not closed (open or acknowledged) of the area, by severity. */
  alerts: Type.Object({
    critical: Type.Integer(),
    high: Type.Integer(),
    medium: Type.Integer(),
    total: Type.Integer(),
  }),
  cases: Nullable(
    Type.Object({
      total: Type.Integer(),
      today: Type.Integer(),
      byClassification: Tally,
      bySource: Tally,
      curve: Type.Array(Type.Object({ date: Type.String(), n: Type.Integer(), cumulative: Type.Integer() })),
    }),
  ),
  contacts: Nullable(
    Type.Object({
      found: Type.Integer(),
      reviewed: Type.Integer(),
      pending: Type.Integer(),
      placed: Type.Integer(),
      unplaced: Type.Integer(),
    }),
  ),
  colours: Nullable(
    Type.Object({
      totals: Type.Object({ green: Type.Integer(), yellow: Type.Integer(), red: Type.Integer() }),
      districts: Type.Array(
        Type.Object({
          areaId: Type.String(),
          name: Type.String(),
          green: Type.Integer(),
          yellow: Type.Integer(),
          red: Type.Integer(),
        }),
      ),
    }),
  ),
  riskAreas: Nullable(
    Type.Object({ high: Type.Integer(), medium: Type.Integer(), low: Type.Integer(), total: Type.Integer() }),
  ),
  testing: Nullable(
    Type.Object({
      rounds: Type.Array(WallRound),
      openPools: Type.Integer(),
      overTarget: Type.Integer(),
      targetHours: Type.Number(),
      oldestAgeMs: Nullable(Type.Number()),
    }),
  ),
  quarantine: Nullable(
    Type.Object({
      rooms: Type.Integer(),
      usable: Type.Integer(),
      free: Type.Integer(),
      used: Type.Integer(),
      cleaning: Type.Integer(),
      freeShare: Nullable(Type.Number()),
      districts: Type.Array(
        Type.Object({ areaId: Type.String(), name: Type.String(), rooms: Type.Integer(), free: Type.Integer() }),
      ),
    }),
  ),
});
