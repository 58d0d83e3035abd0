// In Chromium: the command centre designates a building high risk with a reason and a legal basis, sees
// it in the area tree and the list with its history; a phone without signing in sees it on the public
// list with the rule that lifts it and nothing about any person; the command centre lifts it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDemoServer, type E2eServer, signInAs } from '../support/browser.ts';

describe('risk areas in the browser', () => {
  let server: E2eServer;
  let browser: Browser;

  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(page: Page, username: string): Promise<void> {
    await signInAs(page, server.url, username, server.passwords[username]!);
  }

  test('designate a building, see it public, read its history, lift it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', isMobile: true })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    phone.on('pageerror', (e) => errors.push(e.message));
    try {
      await signIn(page, 'command');
      await page.getByTestId('nav-riskAreas').click();
      await page.getByTestId('risk-tree').waitFor();

      await page.getByTestId('risk-designate-open').click();
      const building = page.getByTestId('risk-form-building');
      await building.locator('option:not([disabled])').first().waitFor({ state: 'attached' });
      const value = await building.locator('option:not([disabled])').first().getAttribute('value');
      const buildingName = (await building.locator('option:not([disabled])').first().innerText()).split(' · ')[0]!;
      await building.selectOption(value!);
      await page.getByTestId('risk-form-level').selectOption('high');
      await page.getByTestId('risk-form-reason').fill('该楼栋报告确诊病例 1 例');
      await page.getByTestId('risk-form-basis').fill('市指挥部通告(2022 年第 12 号)');
      await page.getByTestId('risk-form-submit').click();
      const outcome = page.getByTestId('risk-outcome');
      await outcome.waitFor();
      assert.equal(await outcome.getAttribute('data-applied'), 'true', await outcome.innerText());

      await page.getByTestId('risk-tab-list').click();
      const row = page.getByTestId('risk-row').first();
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(buildingName));
      assert.equal(await row.getByTestId('risk-level').getAttribute('data-level'), 'high');

      // The public list on a phone, signed out.
      await phone.goto(`${server.url}/risk-areas/public`);
      const pub = phone.getByTestId('risk-public-row').first();
      await pub.waitFor();
      const text = await phone.getByTestId('risk-public-list').innerText();
      assert.match(text, new RegExp(buildingName));
      assert.match(text, /高风险/);
      assert.match(text, /连续 5 天无新增感染者/);
      assert.doesNotMatch(text, /通告|确诊病例 1 例/, 'no reason or basis on the public page');
      const scrollWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= 360, `fits a phone (${scrollWidth}px)`);

      // History and lifting.
      await row.getByTestId('risk-open').click();
      const detail = page.getByTestId('risk-detail');
      await detail.waitFor();
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
