// The demo city's quarantine orders, one person at each stage: just ordered (day 0), day 3 with its
// first tests negative, on the last centralised day with every test negative (due for release), and
// released with the home phase that follows (door sealed, today's temperature taken by phone). The
// centralised ones are placed in the demo login's hotel first, so the released one leaves a room
// awaiting its terminal disinfection. Drawn
// from a community without a demo account, so the demo accounts' tours start clean. Everything goes
// through the orders' own services, so it is audited like any other order.
import type { Actor } from '../access/access.rules.ts';
import { recordTestResults } from '../health/health.facts.ts';
import { SYSTEM_ACTOR } from '../platform/audit.ts';
import { addDays, dateInZone, startOfDate } from '../platform/calendar.ts';
import { activeChoice } from '../rules/ruleset.service.ts';
import { rootArea } from '../db/sql.ts';
import type { Services } from '../services.ts';
import { homeReport, setDoor } from './home.service.ts';
import { createOrder, releaseOrder } from './orders.service.ts';
import { placeDemoOrders } from './care.demo.ts';

const HOUR = 3_600_000;

export interface DemoOrdersSummary {
  orders: number;
  released: number;
}

export async function seedDemoOrders(
  s: Services,
  options: { quietCommunities?: string[] } = {},
): Promise<DemoOrdersSummary> {
  const root = await rootArea(s.db);
  if (!root) return { orders: 0, released: 0 };
  const quiet = new Set(options.quietCommunities ?? []);
  const communities = (
    await s.db
      .selectFrom('area')
      .select(['id', 'name', 'path'])
      .where('level', '=', 'community')
      .orderBy('code')
      .execute()
  ).filter((c) => !quiet.has(c.name));
  const community = communities[0];
  if (!community) return { orders: 0, released: 0 };
  const people = await s.db
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .leftJoin('case_record', 'case_record.person_id', 'person.id')
    .select('person.id')
    .where('area.path', 'like', `${community.path}%`)
    .where('case_record.id', 'is', null)
    .where('person.household_id', 'is not', null)
    .orderBy('person.id')
    .limit(4)
    .execute();
  if (people.length < 4) return { orders: 0, released: 0 };
  const actor: Actor = {
    userId: 'demo',
    username: 'demo',
    displayName: 'demo',
    role: 'command',
    areaId: root.id,
    areaPath: '',
    via: 'token',
  };
  const tz = s.config.timeZone;
  const now = s.clock.now();
  const today = dateInZone(now, tz);
  const { ruleSet } = await activeChoice(s);
  const c = ruleSet.management.close_contact?.centralisedDays ?? 7;
  const at10 = (daysAgo: number) => Math.min(now - HOUR, startOfDate(addDays(today, -daysAgo), tz) + 10 * HOUR);
  const stages = [0, 3, c, c];
  let released = 0;
  const orderIds: string[] = [];
  for (const [i, p] of people.entries()) {
    const order = await createOrder(s, actor, {
      personId: p.id,
      kind: 'close_contact',
      startAt: at10(stages[i]!),
      reason: '演示数据',
    });
    orderIds.push(order.id);
    const done = order.testDays.filter((d) => d.phase === 'centralised' && d.date <= today);
    if (done.length)
      await s.db.transaction().execute(async (trx) =>
        recordTestResults(
          s,
          trx,
          done.map((d) => {
            const sampledAt = Math.min(now - HOUR, startOfDate(d.date, tz) + 8 * HOUR);
            return {
              personId: p.id,
              sampledAt,
              reportedAt: Math.min(now, sampledAt + 6 * HOUR),
              result: 'negative' as const,
              pooled: false,
              source: { type: 'tube' as const, id: `demo-${order.id}-${d.day}` },
            };
          }),
          { actor: SYSTEM_ACTOR, reason: 'demo lab results' },
        ),
      );
  }
  await placeDemoOrders(s, orderIds);
  const leaving = orderIds[3]!;
  const out = await releaseOrder(s, actor, leaving, { note: '演示数据' });
  released++;
  if (out.followOn && out.followOn.place !== 'centralised') {
    await setDoor(s, actor, out.followOn.id, { measure: 'seal' });
    await homeReport(s, actor, out.followOn.id, { temperature: 36.5, by: 'phone' });
  }
  return { orders: people.length, released };
}
