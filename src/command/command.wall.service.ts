// The situation wall's figures for one actor's area: each module is asked through its own store or
// service (the same query its page runs), the answers are put together by command.figures (pure). A
// module the role may not read is left out (`forbidden`); a module that fails to answer does not fail
// the wall: its panel is reported as empty for this read and the next read tries again.
import { can, type Actor } from '../access/access.rules.ts';
import { assertCan } from '../access/auth.ts';
import { areasUnder } from '../db/sql.ts';
import { startOfDayPlus } from '../platform/calendar.ts';
import type { Services } from '../services.ts';
import { colourCounts } from '../health/health.store.ts';
import { activeRiskAreas } from '../riskareas/riskareas.store.ts';
import { listRounds } from '../testing/testing.service.ts';
import { coverage } from '../testing/testing.coverage.ts';
import { listPools, poolTargetHours } from '../testing/testing.pools.ts';
import { openReadablePools } from '../testing/testing.pools.store.ts';
import { caseWallFigures, contactWallFigures } from '../tracing/tracing.store.ts';
import { activeOrdersUnder } from '../quarantine/capacity.store.ts';
import { capacityView } from '../quarantine/capacity.service.ts';
import { activeAlertCounts } from './alerts.service.ts';
import { assembleWall, CURVE_DAYS, type WallFigures, type WallInputs } from './command.figures.ts';

/** Rounds in progress shown on the wall (the testing pages list them all). */
const ROUNDS_SHOWN = 5;
/** Open pools read for their ages, oldest first (the count of all open pools is exact regardless). */
const POOLS_AGED = 500;
const CONTACT_ORDER_KINDS = new Set(['close_contact', 'secondary_contact']);

/** The actor's wall: figures of the actor's area at the clock's now. */
export async function wallFigures(s: Services, actor: Actor): Promise<WallFigures> {
  assertCan(actor, 'command.view');
  return assembleWall(await wallInputs(s, actor));
}

export async function wallInputs(s: Services, actor: Actor): Promise<WallInputs> {
  const now = s.clock.now();
  const tz = s.config.timeZone;
  const path = actor.areaPath;
  const may = (p: Parameters<typeof can>[1]) => can(actor.role, p);
  const since = startOfDayPlus(now, -(CURVE_DAYS - 1), tz);

  const [alerts, cases, contacts, contactOrders, colours, riskAreas, rounds, pools, quarantine] = await Promise.all([
    activeAlertCounts(s, actor),
    may('case.read')
      ? caseWallFigures(s.db, path, since).then((c) => ({
          total: c.total,
          recent: c.recent.map((r) => ({
            classification: r.classification,
            source: r.source,
            createdAt: r.created_at,
          })),
        }))
      : null,
    may('case.read')
      ? contactWallFigures(s.db, path).then((rows) => rows.map((r) => ({ reviewStatus: r.review_status, n: r.n })))
      : null,
    may('quarantine.read')
      ? activeOrdersUnder(s.db, path).then((rows) =>
          rows
            .filter((o) => CONTACT_ORDER_KINDS.has(o.kind))
            .map((o) => ({ placed: o.place !== 'centralised' || o.placed })),
        )
      : null,
    may('health.read') ? coloursByDistrict(s, path) : null,
    may('case.read') || may('riskarea.manage')
      ? activeRiskAreas(s.db, undefined, path).then((rows) => rows.map((r) => ({ level: r.level })))
      : null,
    may('testing.view') ? roundsInProgress(s, actor) : null,
    may('testing.view')
      ? Promise.all([
          listPools(s, actor, { status: 'open' }, { limit: 0, offset: 0 }),
          openReadablePools(s.db, path, undefined, POOLS_AGED),
        ]).then(([page, rows]) => ({
          total: page.total,
          oldest: rows.map((p) => ({ id: p.id, detectedAt: Number(p.detected_at), status: p.status })),
        }))
      : null,
    may('quarantine.read')
      ? capacityView(s, actor, {}).then((c) => ({
          total: c.totals.total,
          usable: c.totals.usable,
          free: c.totals.free,
          reserved: c.totals.reserved,
          occupied: c.totals.occupied,
          cleaning: c.totals.cleaning,
          districts: c.districts.map((d) => ({ areaId: d.areaId, name: d.name, rooms: d.rooms, free: d.free })),
        }))
      : null,
  ]);
  return {
    now,
    timeZone: tz,
    alerts,
    cases,
    contacts,
    contactOrders,
    colours,
    riskAreas,
    rounds,
    pools,
    poolTargetHours: poolTargetHours(),
    quarantine,
  };
}

/** People by colour in each district under the path (or the path's own area when it lies below a district). */
async function coloursByDistrict(s: Services, path: string): Promise<NonNullable<WallInputs['colours']>> {
  let districts = await areasUnder(s.db, path, ['district']);
  if (!districts.length) districts = (await areasUnder(s.db, path)).slice(0, 1);
  return Promise.all(
    districts.map(async (d) => ({ areaId: d.id, name: d.name, counts: await colourCounts(s.db, d.path) })),
  );
}

async function roundsInProgress(s: Services, actor: Actor): Promise<NonNullable<WallInputs['rounds']>> {
  const page = { limit: ROUNDS_SHOWN, offset: 0 };
  const listed = [
    ...(await listRounds(s, actor, 'open', page)).items,
    ...(await listRounds(s, actor, 'overdue', page)).items,
  ].slice(0, ROUNDS_SHOWN);
  return Promise.all(
    listed.map(async (r) => {
      const [{ totals }, pools] = await Promise.all([
        coverage(s, actor, r.id, undefined),
        listPools(s, actor, { roundId: r.id, status: 'open' }, { limit: 0, offset: 0 }),
      ]);
      return {
        id: r.id,
        name: r.name,
        status: r.status,
        deadlineAt: r.deadlineAt,
        target: totals.target,
        sampled: totals.sampled,
        resulted: totals.resulted,
        openPools: pools.total,
      };
    }),
  );
}
