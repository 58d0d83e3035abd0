// The demo's day at the hotel the demo login `quarantine` works at: the demo's centralised orders placed
// in its rooms (a plan confirmed, as the command centre does it), then today's morning round recorded by
// that login — most occupants checked, one with a fever (which raises its alert) — an open meal request
// for a dietary need, two disinfections and a stored bag of medical waste. Everything goes through the
// module's own services, on the services' clock, so it is audited and dated like any other day; a
// second run on the same database adds nothing.
import type { Actor } from '../access/access.rules.ts';
import { rootArea } from '../db/sql.ts';
import { userByUsername } from '../access/access.store.ts';
import { siteIdsOfUser } from './sites.store.ts';
import type { Services } from '../services.ts';
import { confirmPlan, planAllocation } from './allocation.service.ts';
import { createRequest, recordCheck, rounds } from './care.service.ts';
import { logDisinfection, logWaste } from './siteops.service.ts';
import { DEMO_QUARANTINE_LOGIN } from './sites.demo.ts';

export interface DemoSiteDaySummary {
  checks: number;
  fevers: number;
  requests: number;
  disinfections: number;
  waste: number;
}

/** The hotel whose roster names the demo login, and that login as the actor working there. */
async function demoSite(s: Services): Promise<{ siteId: string; worker: Actor } | null> {
  const user = await userByUsername(s.db, DEMO_QUARANTINE_LOGIN);
  if (!user) return null;
  const siteId = (await siteIdsOfUser(s.db, user.id))[0];
  if (!siteId) return null;
  return {
    siteId,
    worker: {
      userId: user.id,
      username: user.username,
      displayName: user.display_name,
      role: user.role as Actor['role'],
      areaId: user.area_id,
      areaPath: user.area_path,
      via: 'session',
    },
  };
}

/** Places the orders named in the demo login's hotel (planned and confirmed); returns how many were placed. */
export async function placeDemoOrders(s: Services, orderIds: readonly string[]): Promise<number> {
  const root = await rootArea(s.db);
  const site = await demoSite(s);
  if (!root || !site || !orderIds.length) return 0;
  const command: Actor = {
    userId: 'demo',
    username: 'demo',
    displayName: 'demo',
    role: 'command',
    areaId: root.id,
    areaPath: '',
    via: 'token',
  };
  const plan = await planAllocation(s, command, { orderIds: [...orderIds], siteIds: [site.siteId] });
  if (!plan.placed.length) return 0;
  await confirmPlan(s, command, plan.planId, { note: '演示数据' });
  return plan.placed.length;
}

const NONE: DemoSiteDaySummary = { checks: 0, fevers: 0, requests: 0, disinfections: 0, waste: 0 };

/** Seeds today's round and site operations at the demo login's hotel once (zeros on a second run). */
export async function seedDemoSiteDay(s: Services): Promise<DemoSiteDaySummary> {
  const site = await demoSite(s);
  if (!site) return NONE;
  const logged = await s.db
    .selectFrom('quarantine_disinfection')
    .select('id')
    .where('site_id', '=', site.siteId)
    .executeTakeFirst();
  if (logged) return NONE;
  const { worker, siteId } = site;
  const today = await rounds(s, worker, siteId);
  const occupants = today.rooms.flatMap((r) => r.occupants.map((o) => o.orderId));
  const summary = { ...NONE };
  // The round is not over: the last occupant's morning check is still to be taken.
  const checked = occupants.length > 1 ? occupants.slice(0, -1) : occupants;
  for (const [i, orderId] of checked.entries()) {
    const fever = i === 0;
    const r = await recordCheck(s, worker, {
      orderId,
      slot: 'morning',
      date: today.date,
      temperature: fever ? 37.8 : 36.4 + (i % 4) * 0.1,
      by: 'staff',
    });
    summary.checks++;
    if (r.alerts.includes('fever')) summary.fevers++;
  }
  const fed = occupants[1] ?? occupants[0];
  if (fed) {
    await createRequest(s, worker, { orderId: fed, kind: 'meal', detail: '清真饮食，午餐请送清真餐' });
    summary.requests++;
  }
  const now = s.clock.now();
  await logDisinfection(s, worker, siteId, {
    item: 'surfaces',
    zone: 'observation',
    agent: '含氯消毒剂',
    concentrationMgL: 500,
    contactMinutes: 30,
    operator: '王秀兰',
    at: now,
  });
  await logDisinfection(s, worker, siteId, {
    item: 'corridors',
    zone: 'sanitation',
    agent: '含氯消毒剂',
    concentrationMgL: 500,
    contactMinutes: 30,
    operator: '王秀兰',
    at: now,
  });
  summary.disinfections += 2;
  await logWaste(s, worker, siteId, { bags: 3, weightKg: 4.5, sealed: true, storedAt: now });
  summary.waste++;
  return summary;
}
