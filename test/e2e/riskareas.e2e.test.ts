// In Chromium: the command centre finds a building by compound and number inside a community and
// designates it high risk with a reason and a legal basis, sees it in the list with its history; a
// phone without signing in sees it on the public list named as residents know it ("瑞景家园 1号楼",
// under its community, no grid label), finds it by its compound, reads the rule that lifts it and
// nothing about any person; the command centre lifts it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser } from '../support/browser.ts';

describe('risk areas in the browser', () => {
  const demo = demoInBrowser();
  const { signIn } = demo;

  test('designate a building, see it public, read its history, lift it', async () => {
    const context = await demo.browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const phone = await (
      await demo.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', isMobile: true })
    ).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    phone.on('pageerror', (e) => errors.push(e.message));
    try {
      await signIn(page, 'command');
      await page.getByTestId('nav-riskAreas').click();
      await page.getByTestId('risk-tree').waitFor();

      // The demo city's smallest building (under the mass-recolour threshold): its number repeats in
      // every community, its compound tells it apart.
      const db = demo.server.s.db;
      const target = await db
        .selectFrom('building')
        .innerJoin('area as grid', 'grid.id', 'building.area_id')
        .innerJoin('household', 'household.building_id', 'building.id')
        .innerJoin('person', 'person.household_id', 'household.id')
        .select(['building.id', 'building.name', 'building.compound', 'grid.parent_id as community'])
        .groupBy(['building.id', 'building.name', 'building.compound', 'grid.parent_id'])
        .orderBy((eb) => eb.fn.countAll(), 'asc')
        .orderBy('building.id')
        .executeTakeFirstOrThrow();
      assert.ok(target.compound, 'the demo city names compounds');
      const buildingName = `${target.compound} ${target.name}`;
      const number = /^\d+/.exec(target.name)![0];
      const chain: Array<{ id: string; name: string }> = [];
      for (let id: string | null = target.community; id;) {
        const a = await db
          .selectFrom('area')
          .select(['id', 'name', 'parent_id', 'level'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        if (a.level === 'city') break;
        chain.unshift({ id: a.id, name: a.name });
        id = a.parent_id;
      }
      const community = chain[chain.length - 1]!;

      await page.getByTestId('risk-designate-open').click();
      await page.getByTestId('risk-form-unit').selectOption('building');
      for (const [i, a] of chain.entries()) {
        const select = page.getByTestId(`risk-form-area-${i}`);
        await select.locator(`option[value="${a.id}"]`).waitFor({ state: 'attached' });
        await select.selectOption(a.id);
      }
      await page.getByTestId('risk-form-building-search').fill(`${target.compound} ${number}`);
      const option = page.locator(`[data-testid="risk-form-building-option"][data-building-id="${target.id}"]`);
      // The search narrows the community's buildings to the one of that compound and number.
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="risk-form-building-option"]').length === 1,
      );
      await option.waitFor();
      assert.match(await option.innerText(), new RegExp(buildingName));
      await option.click();
      assert.match(await page.getByTestId('risk-form-building-chosen').innerText(), new RegExp(buildingName));
      await page.getByTestId('risk-form-level').selectOption('high');
      await page.getByTestId('risk-form-reason').fill('该楼栋报告确诊病例 1 例');
      await page.getByTestId('risk-form-basis').fill('市指挥部通告(2022 年第 12 号)');
      await page.getByTestId('risk-form-submit').click();
      const outcome = page.getByTestId('risk-outcome');
      await outcome.waitFor();
      assert.equal(await outcome.getAttribute('data-applied'), 'true', await outcome.innerText());

      await page.getByTestId('risk-tab-list').click();
      await page.getByTestId('risk-row').first().waitFor();
      // The list finds it by its compound.
      await page.getByTestId('risk-filter-q').fill(target.compound);
      await page.waitForFunction((id) => {
        const rows = document.querySelectorAll('[data-testid="risk-row"]');
        return rows.length === 1 && rows[0]!.textContent!.includes(id);
      }, target.compound);
      const row = page.getByTestId('risk-row').first();
      assert.match(await row.innerText(), new RegExp(buildingName));
      assert.equal(await row.getByTestId('risk-level').getAttribute('data-level'), 'high');

      // The public list on a phone, signed out.
      await phone.goto(`${demo.server.url}/risk-areas/public`);
      const pub = phone.getByTestId('risk-public-row').first();
      await pub.waitFor();
      const text = await phone.getByTestId('risk-public-list').innerText();
      assert.equal(await pub.getByTestId('risk-public-name').innerText(), buildingName);
      assert.match(await pub.getByTestId('risk-public-place').innerText(), new RegExp(`${community.name}$`));
      assert.doesNotMatch(text, /网格/, 'no grid label on the public page');
      await phone.getByTestId('risk-public-search').fill(target.compound);
      assert.equal(await phone.getByTestId('risk-public-row').count(), 1);
      await phone.getByTestId('risk-public-search').fill('没有这个小区');
      await phone.getByTestId('risk-public-nomatch').waitFor();
      await phone.getByTestId('risk-public-search').fill('');
      assert.match(text, /高风险/);
      assert.match(text, /连续 5 天无新增感染者/);
      assert.doesNotMatch(text, /通告|确诊病例 1 例/, 'no reason or basis on the public page');
      const scrollWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= 360, `fits a phone (${scrollWidth}px)`);

      // History and lifting.
      await row.getByTestId('risk-open').click();
      const detail = page.getByTestId('risk-detail');
      await detail.locator('[data-kind="designate"]').first().waitFor();
      assert.equal(await detail.locator('[data-kind="designate"]').count(), 1);
      await page.getByTestId('risk-lift-reason').fill('连续 5 天无新增');
      await page.getByTestId('risk-lift-basis').fill('市指挥部通告(2022 年第 15 号)');
      await page.getByTestId('risk-lift-submit').click();
      await detail.locator('[data-kind="lift"]').waitFor();
      assert.equal(await page.getByTestId('risk-detail-status').getAttribute('data-status'), 'lifted');

      await phone.reload();
      await phone.getByTestId('risk-public-none').waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
