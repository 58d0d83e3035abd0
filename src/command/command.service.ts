// The command centre's home page summary: a few figures of the actor's area, each read through the
// service of the module that owns it, so the home page never says other than that module's page.
import { can, type Actor } from '../access/access.rules.ts';
import { assertCan } from '../access/auth.ts';
import { startOfDayPlus } from '../platform/calendar.ts';
import type { Services } from '../services.ts';
import { colourCounts } from '../health/health.service.ts';
import { listRounds } from '../testing/testing.service.ts';
import { coverage } from '../testing/testing.coverage.ts';
import { listPools } from '../testing/testing.pools.ts';
import { caseCounts } from '../tracing/tracing.service.ts';
import { pendingReviewCount } from '../tracing/tracing.review.service.ts';
import type { CommandSummary } from './command.schema.ts';

/** Rounds in progress shown on the home page (the testing pages list them all). */
const ROUNDS_SHOWN = 5;

export async function commandSummary(s: Services, actor: Actor): Promise<CommandSummary> {
  assertCan(actor, 'command.view');
  const dayStart = startOfDayPlus(s.clock.now(), 0, s.config.timeZone);
  const mayRead = (permission: Parameters<typeof can>[1]) => can(actor.role, permission);
  const [cases, pendingReview, colours, rounds, openPools] = await Promise.all([
    mayRead('case.read') ? caseCounts(s, actor, dayStart).then((c) => ({ total: c.total, today: c.since })) : null,
    mayRead('case.read') ? pendingReviewCount(s, actor) : null,
    mayRead('health.read') ? colourCounts(s, actor) : null,
    mayRead('testing.view') ? roundsInProgress(s, actor) : null,
    mayRead('testing.view')
      ? listPools(s, actor, { status: 'open' }, { limit: 0, offset: 0 }).then((p) => p.total)
      : null,
  ]);
  return { dayStart, cases, pendingReview, colours, rounds, openPools };
}

async function roundsInProgress(s: Services, actor: Actor): Promise<NonNullable<CommandSummary['rounds']>> {
  const page = { limit: ROUNDS_SHOWN, offset: 0 };
  const listed = [
    ...(await listRounds(s, actor, 'open', page)).items,
    ...(await listRounds(s, actor, 'overdue', page)).items,
  ].slice(0, ROUNDS_SHOWN);
  // A round spanning several districts is counted inside the actor's area only: the figures are the
  // round's coverage page (its totals) and its pools page for this actor, not the whole round's.
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
