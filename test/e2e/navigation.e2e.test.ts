// In Chromium: the side navigation groups the pages by module. Each demo role sees only its groups and
// pages, every link it shows opens a page without an error and is marked current there; on a 1024 px
// laptop the navigation sits beside the page without pushing it sideways and its groups fold (and stay
// folded on this device); on a 390 px phone it is a drawer behind the menu button that closes on
// navigation, on Escape and on a tap beside it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { demoInBrowser, PHONE } from '../support/browser.ts';

const LAPTOP = { viewport: { width: 1024, height: 768 }, locale: 'zh-CN' } as const;
/** A wide desktop: every group of the navigation unfolded beside the page. */
const WIDE = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' } as const;

/** What each demo account should see: its groups in order, each with its entries in order. */
const EXPECTED: Record<string, Record<string, string[]>> = {
  admin: {
    population: ['registry', 'search', 'import'],
    venues: ['venues'],
    testing: ['testingRounds', 'poolAdvisor'],
    quarantine: ['quarantineOrders', 'quarantineSites', 'quarantineCapacity', 'hospitals'],
    decision: ['decision'],
    command: ['commandWall', 'commandAlerts'],
    system: ['audit', 'users'],
  },
  command: {
    population: ['registry', 'search', 'import'],
    venues: ['venues'],
    tracing: ['cases', 'review', 'chains', 'calls'],
    health: ['healthChanges', 'appeals', 'recolourApprovals'],
    riskAreas: ['riskAreas'],
    testing: ['testingRounds', 'doorKnock', 'poolAdvisor'],
    quarantine: [
      'quarantineOrders',
      'quarantineSites',
      'quarantineAllocation',
      'quarantineRounds',
      'quarantineSiteOps',
      'homeQuarantine',
      'quarantineCapacity',
      'hospitals',
    ],
    logistics: [
      'logisticsPortal',
      'logisticsReview',
      'logisticsTrips',
      'logisticsCheckpoint',
      'logisticsStations',
      'warehouses',
      'reserves',
    ],
    decision: ['decision'],
    volunteers: ['volunteerBoard', 'volunteerVetting', 'volunteerNeeds'],
    command: ['commandWall', 'commandAlerts'],
  },
  investigator: {
    population: ['registry', 'search'],
    tracing: ['cases', 'review', 'chains', 'calls'],
    health: ['healthChanges', 'appeals'],
    quarantine: ['quarantineOrders', 'quarantineSites', 'quarantineCapacity', 'hospitals'],
  },
  wenyuan: {
    population: ['registry', 'search', 'import'],
    venues: ['venues', 'guard'],
    tracing: ['cases', 'chains', 'calls'],
    testing: ['testingRounds', 'doorKnock'],
    quarantine: ['quarantineOrders', 'quarantineSites', 'homeQuarantine', 'quarantineCapacity', 'hospitals'],
    volunteers: ['volunteerNeeds'],
  },
  lab: {
    population: ['registry', 'search'],
    testing: ['testingRounds', 'lab', 'poolAdvisor'],
  },
  sampler: { testing: ['sampler', 'testingRounds'] },
  auditor: { population: ['registry', 'search'], system: ['audit'] },
  operator: { venues: ['venues', 'guard'] },
  quarantine: {
    population: ['registry', 'search'],
    quarantine: [
      'quarantineOrders',
      'quarantineSites',
      'quarantineRounds',
      'quarantineSiteOps',
      'quarantineCapacity',
      'hospitals',
    ],
    volunteers: ['volunteerNeeds'],
  },
  logistics: {
    logistics: [
      'logisticsReview',
      'logisticsTrips',
      'logisticsCheckpoint',
      'logisticsStations',
      'warehouses',
      'reserves',
    ],
  },
  warehouse: { logistics: ['warehouses', 'reserves'] },
  enterprise: { logistics: ['logisticsPortal', 'logisticsTrips'] },
  coordinator: {
    population: ['registry', 'search'],
    volunteers: ['volunteerBoard', 'volunteerVetting', 'volunteerNeeds'],
  },
  volunteer: { volunteers: ['myVolunteer'] },
  resident: { mine: ['myCode', 'scanHint', 'myQuarantine'] },
};

describe('side navigation in the browser', () => {
  const demo = demoInBrowser();

  function username(account: string): string {
    if (account !== 'resident') return account;
    return Object.keys(demo.server.passwords).find((u) => /^1\d{10}$/.test(u))!;
  }

  /** A page signed in as this account, collecting script errors and failed API answers. */
  async function open(
    options: BrowserContextOptions,
    account: string,
  ): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
    const context = await demo.browser.newContext(options);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`script: ${e.message}`));
    page.on('response', (r) => {
      if (r.url().includes('/api/') && r.status() >= 400)
        problems.push(`HTTP ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    await demo.signIn(page, username(account));
    return { page, problems, close: () => context.close() };
  }

  /** The groups and entries the side navigation shows, as data-testid keys. */
  async function shownGroups(page: Page): Promise<Record<string, string[]>> {
    return page.getByTestId('main-nav').evaluate((nav) => {
      const out: Record<string, string[]> = {};
      for (const g of nav.querySelectorAll<HTMLElement>(
        '[data-testid^="nav-group-"]:not([data-testid^="nav-group-toggle-"])',
      )) {
        const key = g.dataset.testid!.slice('nav-group-'.length);
        out[key] = [...g.querySelectorAll<HTMLElement>('a[data-testid^="nav-"]')].map((a) =>
          a.dataset.testid!.slice('nav-'.length),
        );
      }
      return out;
    });
  }

  /** Waits for the page in the content area to finish loading, then checks it shows no error. */
  async function settledWithoutError(page: Page, what: string): Promise<void> {
    await page.locator('#content > *').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#content .loading').length === 0, null, {
      timeout: 15_000,
    });
    for (const id of ['error', 'forbidden', 'not-found']) {
      assert.equal(await page.locator(`#content [data-testid="${id}"]`).count(), 0, `${what}: no ${id} box`);
    }
  }

  async function noSidewaysScroll(page: Page, what: string): Promise<void> {
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `${what}: the page is ${scroll} px wide in a ${width} px window`);
  }

  test('each demo role sees its groups, and every link opens its page, marked current (1440 px)', async () => {
    for (const account of Object.keys(EXPECTED)) {
      const { page, problems, close } = await open(WIDE, account);
      try {
        await page.getByTestId('main-nav').waitFor();
        assert.deepEqual(await shownGroups(page), EXPECTED[account], `${account}: groups and entries`);
        assert.equal(await page.getByTestId('nav-menu').isVisible(), false, `${account}: no menu button on a desk`);
        for (const [group, keys] of Object.entries(EXPECTED[account]!)) {
          for (const key of keys) {
            const link = page.getByTestId(`nav-${key}`);
            const href = (await link.getAttribute('href'))!;
            await link.click();
            await page.waitForURL((u) => u.pathname === href || u.pathname.startsWith(`${href}/`));
            await settledWithoutError(page, `${account} → ${key}`);
            assert.equal(await link.getAttribute('aria-current'), 'page', `${account} → ${key}: marked current`);
            assert.equal(
              await page.locator('#main-nav [aria-current="page"]').count(),
              1,
              `${account} → ${key}: one current entry`,
            );
            assert.match(
              (await page.getByTestId(`nav-group-${group}`).getAttribute('class')) ?? '',
              /\bcurrent\b/,
              `${account} → ${key}: its group marked`,
            );
          }
        }
        if (account === 'command') await page.screenshot({ path: '/tmp/nav-command-1440.png' });
        assert.deepEqual(problems, [], `${account}: no script errors or failed requests`);
      } finally {
        await close();
      }
    }
  });

  test('on a 1024 px laptop the navigation sits beside the page; groups fold and stay folded', async () => {
    const { page, problems, close } = await open(LAPTOP, 'command');
    try {
      await page.getByTestId('command-summary').waitFor();
      const nav = await page.getByTestId('main-nav').boundingBox();
      const content = await page.locator('#content').boundingBox();
      assert.ok(nav && content && nav.x + nav.width <= content.x + 1, 'the navigation is left of the page');
      await noSidewaysScroll(page, 'home');
      await page.screenshot({ path: '/tmp/nav-command-1024.png' });

      // Every entry is reachable in the navigation's own scroll.
      for (const keys of Object.values(EXPECTED.command!)) {
        for (const key of keys) {
          await page.getByTestId(`nav-${key}`).scrollIntoViewIfNeeded();
          assert.equal(await page.getByTestId(`nav-${key}`).isVisible(), true, `${key} reachable`);
        }
      }

      // A registry subpage marks the registry entry.
      await page.getByTestId('nav-registry').click();
      await settledWithoutError(page, 'registry');
      await noSidewaysScroll(page, 'registry');

      // Fold the health group: its entries hide, and it stays folded after a reload.
      const toggle = page.getByTestId('nav-group-toggle-health');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.equal(await page.getByTestId('nav-appeals').isVisible(), false);
      await page.reload();
      await page.getByTestId('nav-group-toggle-health').waitFor();
      assert.equal(
        await page.getByTestId('nav-group-toggle-health').getAttribute('aria-expanded'),
        'false',
        'still folded',
      );
      assert.equal(await page.getByTestId('nav-appeals').isVisible(), false);
      // Arriving at one of its pages opens it again, with the page marked.
      await page.goto(`${demo.server.url}/health/appeals`);
      await page.getByTestId('nav-appeals').waitFor();
      assert.equal(await page.getByTestId('nav-group-toggle-health').getAttribute('aria-expanded'), 'true');
      assert.equal(await page.getByTestId('nav-appeals').getAttribute('aria-current'), 'page');
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }

    // A community worker's building and household pages are under the registry entry.
    const worker = await open(LAPTOP, 'wenyuan');
    try {
      const community = await demo.server.s.db
        .selectFrom('area')
        .select('path')
        .where('name', '=', '文苑社区')
        .executeTakeFirstOrThrow();
      const household = await demo.server.s.db
        .selectFrom('household')
        .innerJoin('area', 'area.id', 'household.area_id')
        .select(['household.id', 'household.building_id'])
        .where('area.path', 'like', `${community.path}%`)
        .where('household.building_id', 'is not', null)
        .orderBy('household.id')
        .executeTakeFirstOrThrow();
      for (const path of [`/buildings/${household.building_id}`, `/households/${household.id}`]) {
        await worker.page.goto(`${demo.server.url}${path}`);
        await settledWithoutError(worker.page, path);
        assert.equal(
          await worker.page.getByTestId('nav-registry').getAttribute('aria-current'),
          'page',
          `${path}: registry marked`,
        );
        assert.equal(await worker.page.locator('#main-nav [aria-current="page"]').count(), 1);
      }
      assert.deepEqual(worker.problems, []);
    } finally {
      await worker.close();
    }
  });

  test('on a 390 px phone the navigation is a drawer behind the menu button', async () => {
    for (const account of ['command', 'sampler', 'resident']) {
      const { page, problems, close } = await open(PHONE, account);
      try {
        const menu = page.getByTestId('nav-menu');
        await menu.waitFor();
        const [first, second] = Object.values(EXPECTED[account]!).flat();
        assert.equal(await page.getByTestId(`nav-${first}`).isVisible(), false, `${account}: drawer shut at first`);
        assert.equal(await menu.getAttribute('aria-expanded'), 'false');
        await noSidewaysScroll(page, `${account} home`);

        // Open, look, and follow a link: the page opens and the drawer shuts.
        await menu.click();
        await page.getByTestId(`nav-${second}`).waitFor({ state: 'visible' });
        assert.equal(await menu.getAttribute('aria-expanded'), 'true');
        assert.equal(
          await page.getByTestId('user-name').isVisible(),
          true,
          `${account}: who is signed in, in the drawer`,
        );
        assert.deepEqual(await shownGroups(page), EXPECTED[account], `${account}: groups in the drawer`);
        if (account === 'command') await page.screenshot({ path: '/tmp/nav-command-390-open.png' });
        const href = (await page.getByTestId(`nav-${second}`).getAttribute('href'))!;
        await page.getByTestId(`nav-${second}`).click();
        await page.waitForURL((u) => u.pathname === href);
        await page.getByTestId(`nav-${second}`).waitFor({ state: 'hidden' });
        assert.equal(await menu.getAttribute('aria-expanded'), 'false');
        await settledWithoutError(page, `${account} → ${second}`);
        await noSidewaysScroll(page, `${account} → ${second}`);
        await menu.click();
        assert.equal(await page.getByTestId(`nav-${second}`).getAttribute('aria-current'), 'page');

        // Escape shuts it and gives the focus back to the menu button.
        await page.keyboard.press('Escape');
        await page.getByTestId(`nav-${second}`).waitFor({ state: 'hidden' });
        assert.equal(await menu.evaluate((el) => el === document.activeElement), true);

        // A tap beside it shuts it too; so does its close button.
        await menu.click();
        await page.getByTestId('nav-backdrop').click({ position: { x: 380, y: 400 } });
        await page.getByTestId(`nav-${second}`).waitFor({ state: 'hidden' });
        await menu.click();
        await page.getByTestId('nav-close').click();
        await page.getByTestId(`nav-${second}`).waitFor({ state: 'hidden' });
        assert.deepEqual(problems, [], `${account}: no script errors or failed requests`);
      } finally {
        await close();
      }
    }
  });
});
