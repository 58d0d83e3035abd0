// In Chromium: a community worker signs in, opens the community, a building and a household, sees
// masked members, reveals one with a reason, cannot reach another community, and switches language.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser } from '../support/browser.ts';

describe('registry in the browser', () => {
  const demo = demoInBrowser();
  const { signIn } = demo;

  test('log in, open a community, a building and a household; reveal; switch language', async () => {
    const context = await demo.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await signIn(page, 'wenyuan');
      const community = await demo.server.s.db
        .selectFrom('area')
        .select(['id', 'code'])
        .where('name', '=', '文苑社区')
        .executeTakeFirstOrThrow();
      await page.getByTestId('nav-registry').click();
      await page.getByTestId(`area-node-${community.code}`).click();
      await page.getByTestId('area-detail').waitFor();
      assert.match(await page.getByTestId('area-detail').innerText(), /文苑社区/);

      const firstBuilding = page.locator('[data-testid^="building-link-"]').first();
      await firstBuilding.click();
      const firstHousehold = page.locator('[data-testid^="household-link-"]').first();
      await firstHousehold.click();
      const members = page.getByTestId('household-members');
      await members.waitFor();
      const rows = page.getByTestId('member-row');
      assert.ok((await rows.count()) >= 1, 'the household has members');
      const tableText = await members.innerText();
      assert.doesNotMatch(tableText, /\d{17}[\dX]/, 'no full ID number on the page');
      const maskedIds = await page.getByTestId('member-id-number').allInnerTexts();
      assert.ok(
        maskedIds.some((t) => /^\d{6}\*{8}[\dX*]{4}$/.test(t.trim())) ||
          maskedIds.every((t) => t.trim() === '' || t.trim() === '—'),
        `IDs are masked: ${maskedIds.join(', ')}`,
      );

      // Reveal one member with a reason: the clear value appears for that member only, and is audited.
      const withId = rows.filter({ has: page.getByTestId('member-id-number').filter({ hasText: /\*{8}/ }) }).first();
      assert.equal(await withId.count(), 1, 'the household has a member with an ID number');
      {
        const personId = await withId.getAttribute('data-person-id');
        await withId.getByTestId('member-reveal').click();
        await page.getByTestId('reveal-reason').fill('核对入户排查信息');
        await page.getByTestId('reveal-submit').click();
        const row = page.locator(`[data-testid="member-row"][data-person-id="${personId}"]`);
        await row
          .getByTestId('member-id-number')
          .filter({ hasText: /^\s*\d{17}[\dX]\s*$/ })
          .waitFor();
        const others = await page
          .locator(`[data-testid="member-row"]:not([data-person-id="${personId}"]) [data-testid="member-id-number"]`)
          .allInnerTexts();
        assert.ok(
          others.every((t) => !/\d{17}[\dX]/.test(t)),
          'only the revealed member is shown in clear',
        );
        const audited = await demo.server.s.db
          .selectFrom('audit_event')
          .select(['reason'])
          .where('action', '=', 'person.reveal')
          .where('object_id', '=', personId)
          .execute();
        assert.deepEqual(
          audited.map((a) => a.reason),
          ['核对入户排查信息'],
        );
      }

      // Another community's household is out of reach, even by URL.
      const other = await demo.server.s.db
        .selectFrom('household')
        .innerJoin('area', 'area.id', 'household.area_id')
        .select('household.id')
        .where(
          'area.path',
          'like',
          `${(await demo.server.s.db.selectFrom('area').select('path').where('name', '=', '兴阳社区').executeTakeFirstOrThrow()).path}%`,
        )
        .executeTakeFirstOrThrow();
      await page.goto(`${demo.server.url}/households/${other.id}`);
      await page.getByTestId('error').waitFor();
      assert.match(await page.getByTestId('error').innerText(), /OUT_OF_SCOPE/);

      // Switch to English and back.
      await page.getByTestId('nav-registry').click();
      const navBefore = await page.getByTestId('nav-registry').innerText();
      await page.getByTestId('lang-switch').click();
      await page.waitForFunction(
        (zh) => document.querySelector('[data-testid="nav-registry"]')?.textContent !== zh,
        navBefore,
      );
      assert.match(await page.getByTestId('nav-registry').innerText(), /Registry/i);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a phone-sized screen shows the menu button and the household page', async () => {
    const context = await demo.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    try {
      await signIn(page, 'wenyuan');
      const household = await demo.server.s.db
        .selectFrom('household')
        .innerJoin('area', 'area.id', 'household.area_id')
        .select('household.id')
        .where('area.name', '=', '第一网格')
        .where(
          'area.path',
          'like',
          `${(await demo.server.s.db.selectFrom('area').select('path').where('name', '=', '文苑社区').executeTakeFirstOrThrow()).path}%`,
        )
        .executeTakeFirstOrThrow();
      await page.goto(`${demo.server.url}/households/${household.id}`);
      await page.getByTestId('household-members').waitFor();
      assert.equal(await page.getByTestId('nav-menu').isVisible(), true);
    } finally {
      await context.close();
    }
  });
});
