// In Chromium: an investigator opens a close contact's quarantine order on its last centralised day
// (every test of the schedule negative), sees the schedule ticked and releases it; the certificate PDF
// downloads; on a phone the community worker finds the home phase that follows on the home list, seals
// the door and records the day's temperature by phone.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP, PHONE } from '../support/browser.ts';
import { addDays, dateInZone, startOfDate } from '../../src/platform/calendar.ts';
import { recordTestResults } from '../../src/health/health.facts.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { createOrder } from '../../src/quarantine/orders.service.ts';
import { activeChoice } from '../../src/rules/ruleset.service.ts';
import type { Actor } from '../../src/access/access.rules.ts';

const DAY = 86_400_000;

describe('quarantine orders in the browser', () => {
  const demo = demoInBrowser();
  const { signIn } = demo;

  test('release a close contact on schedule, print the certificate, seal the home phase and report by phone', async () => {
    const s = demo.server.s;
    const tz = s.config.timeZone;
    const community = await s.db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('name', '=', '文苑社区')
      .executeTakeFirstOrThrow();
    const person = await s.db
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .leftJoin('case_record', 'case_record.person_id', 'person.id')
      .select('person.id')
      .where('area.path', 'like', `${community.path}%`)
      .where('case_record.id', 'is', null)
      .where('person.household_id', 'is not', null)
      .orderBy('person.id')
      .executeTakeFirstOrThrow();
    const command: Actor = {
      userId: 'e2e-command',
      username: 'command',
      displayName: 'command',
      role: 'command',
      areaId: community.id,
      areaPath: community.path,
      via: 'session',
    };
    const today = dateInZone(s.clock.now(), tz);
    // Day 0 so that today is the last centralised day of the rule set in force.
    const { ruleSet } = await activeChoice(s);
    const days = ruleSet.management.close_contact!.centralisedDays;
    const start = startOfDate(addDays(today, -days), tz) + 10 * 3_600_000;
    const order = await createOrder(s, command, { personId: person.id, kind: 'close_contact', startAt: start });
    const centralised = order.testDays.filter((d) => d.phase === 'centralised');
    assert.ok(centralised.length > 0);
    await s.db.transaction().execute(async (trx) => {
      await recordTestResults(
        s,
        trx,
        centralised.map((d) => ({
          personId: person.id,
          sampledAt: startOfDate(d.date, tz) + 9 * 3_600_000,
          reportedAt: startOfDate(d.date, tz) + 15 * 3_600_000,
          result: 'negative' as const,
          pooled: false,
          source: { type: 'tube' as const, id: `e2e-${order.id}-${d.day}` },
        })),
        { actor: SYSTEM_ACTOR, reason: 'lab results e2e' },
      );
    });
    assert.ok(order.centralisedUntil <= s.clock.now() + DAY, 'the last centralised day is reached');
    assert.ok(centralised.every((d) => d.date <= today));

    const desk = await demo.open(await demo.browser.newContext(DESKTOP));
    await signIn(desk, 'investigator');
    await desk.getByTestId('nav-quarantineOrders').click();
    await desk.locator(`[data-testid="order-row"][data-order-id="${order.id}"] a`).click();
    await desk.getByTestId('order-page').waitFor();
    assert.equal(await desk.locator('[data-testid="tick"][data-state="negative"]').count(), centralised.length);
    await desk.getByTestId('release-ready').waitFor();
    await desk.getByTestId('order-release').click();
    await desk.getByTestId('order-certificate').waitFor();
    assert.match(await desk.getByTestId('order-status').innerText(), /已解除/);
    const href = await desk.getByTestId('order-certificate').getAttribute('href');
    const pdf = await desk.request.get(`${demo.server.url}${href}`);
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    await desk.getByTestId('order-follow-on').click();
    await desk.waitForURL(/\/quarantine\/orders\//);

    const follow = await s.db
      .selectFrom('quarantine_order')
      .select('follow_order_id')
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    assert.ok(follow.follow_order_id, 'the home phase follows as an order of its own');
    const phone = await demo.open(await demo.browser.newContext(PHONE));
    await signIn(phone, 'wenyuan');
    await phone.goto(`${demo.server.url}/quarantine/home`);
    const card = phone.locator(`[data-testid="home-card"][data-order-id="${follow.follow_order_id}"]`);
    await card.waitFor();
    await card.getByTestId('home-door-seal').click();
    await card.getByTestId('home-door').filter({ hasText: '已贴封条' }).waitFor();
    await card.getByTestId('home-temp').fill('36.6');
    await card.getByTestId('home-report').click();
    await card.getByTestId('home-report-state').filter({ hasText: '36.6' }).waitFor();
    assert.deepEqual(demo.errors, []);
  });
});
