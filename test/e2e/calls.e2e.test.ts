// In Chromium on a phone: the community worker of 文苑社区 narrows a call list of a few hundred
// contacts by grid, building, class, exposure date and name, sorts it, reads each row's exposure and
// what to do, with names on one line, and opens the building's print view. Desktop and phone
// screenshots go to CORDON_SCREENSHOTS when it is set.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { demoInBrowser, DESKTOP, PHONE } from '../support/browser.ts';
import type { ContactTable } from '../../src/db/database.ts';
import { syncCallTasks } from '../../src/notify/notify.service.ts';
import { isolatedCase } from '../support/tracing.city.ts';

const DAY = 86_400_000;
const shots = process.env.CORDON_SCREENSHOTS;

describe('the call list of a grid worker in the browser', () => {
  const demo = demoInBrowser();
  const { errors, signIn } = demo;

  /** A case with every person of 文苑社区 living in a building as a contact: close, secondary and general in turn. */
  async function bigCase() {
    const db = demo.server.s.db;
    const area = await db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('name', '=', '文苑社区')
      .executeTakeFirstOrThrow();
    const people = await db
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .innerJoin('household', 'household.id', 'person.household_id')
      .select(['person.id', 'person.name', 'household.building_id', 'person.area_id'])
      .where('area.path', 'like', `${area.path}%`)
      .where('household.building_id', 'is not', null)
      .orderBy('person.id')
      .limit(600)
      .execute();
    assert.ok(people.length > 100, `${people.length} people in buildings`);
    const [index, ...rest] = people;
    const now = Date.now();
    await db
      .insertInto('case_record')
      .values(isolatedCase('e2e-case', index!.id, now))
      .execute();
    const classes = ['close', 'secondary', 'general'];
    const rows: ContactTable[] = rest.map((p, i) => ({
      id: `e2e-ct-${i}`,
      case_id: 'e2e-case',
      person_id: p.id,
      class: classes[i % 3]!,
      candidate: 0,
      basis: 'manual',
      reason_code: 'other',
      evidence: '{}',
      ruleset_id: '9th-edition',
      ruleset_version: 'e2e',
      rule: 'manual',
      first_exposure_at: now - (1 + (i % 5)) * DAY - 3_600_000,
      last_exposure_at: now - (1 + (i % 5)) * DAY,
      review_status: 'confirmed',
      reviewed_by: null,
      review_reason: null,
      reviewed_at: null,
      source_contact_id: null,
      source_key: '',
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto('contact')
        .values(rows.slice(i, i + 200))
        .execute();
    await syncCallTasks(demo.server.s, db, 'e2e-case');
    const target = rest[0]!;
    return {
      target,
      total: rest.length,
      inBuilding: rest.filter((p) => p.building_id === target.building_id),
      buildingId: target.building_id!,
      gridId: target.area_id,
    };
  }

  const total = async (page: Page) => Number(await page.getByTestId('calls-total').getAttribute('data-total'));
  const waitTotal = async (page: Page, n: number) => {
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="calls-total"]')?.getAttribute('data-total') === String(want),
      n,
    );
  };

  test('filters, search and sort on a phone; names on one line; the print view of a building', async () => {
    const c = await bigCase();
    const phone = await demo.browser.newContext(PHONE);
    const page = await phone.newPage();
    try {
      await signIn(page, 'wenyuan');
      await page.goto(`${demo.server.url}/calls?status=all`);
      await page.getByTestId('calls-table').waitFor();
      assert.ok((await total(page)) >= c.total, 'the whole list is counted on the server');
      assert.equal(await page.getByTestId('call-row').count(), 50, 'one page at a time');

      // The filters fold away on a phone; open them and narrow down.
      assert.equal(await page.getByTestId('calls-grid').isVisible(), false);
      await page.getByTestId('calls-filters-toggle').click();
      await page.getByTestId('calls-grid').selectOption(c.gridId);
      await page.getByTestId('calls-building').selectOption(c.buildingId);
      await waitTotal(page, c.inBuilding.length);
      await page.getByTestId('calls-class').selectOption('close');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="contact-class"]')].every(
          (e) => e.getAttribute('data-class') === 'close',
        ),
      );
      const closeCount = await total(page);
      assert.ok(closeCount > 0 && closeCount < c.inBuilding.length);
      if (shots) await page.screenshot({ path: `${shots}/calls-phone-filters.png`, fullPage: false });

      // Every row says when and what: the exposure date and the rule set's schedule.
      const first = page.getByTestId('call-row').first();
      assert.match(await first.getByTestId('call-exposure').innerText(), /^\d{4}-\d{2}-\d{2}$/);
      assert.match(await first.getByTestId('call-instructions').innerText(), /集中隔离 \d+ 天，至 \d{4}-\d{2}-\d{2}/);

      // Names stay on one line on a phone.
      for (const name of await page.getByTestId('call-name').all()) {
        const box = (await name.boundingBox())!;
        const fits = await name.evaluate((e) => e.scrollWidth <= e.clientWidth && e.clientWidth > 0);
        assert.ok(
          box.height < 30 && box.width >= 28 && fits,
          `a name on one line and whole (${box.width}×${box.height}px)`,
        );
      }

      // Sort by exposure, newest first; then search by the name of the target person.
      await page.getByTestId('calls-sort').selectOption('exposure');
      await page.getByTestId('calls-dir').click();
      await page.waitForURL(/dir=desc/);
      await page.waitForFunction(() => {
        const d = [...document.querySelectorAll('[data-testid="call-exposure"]')].map((e) => e.textContent!);
        return d.length > 1 && d[0]! > d[d.length - 1]!;
      });
      const dates = await page.getByTestId('call-exposure').allInnerTexts();
      assert.deepEqual(dates, [...dates].sort().reverse());
      await page.getByTestId('calls-class').selectOption('');
      await page.getByTestId('calls-search').fill(c.target.name);
      await page.waitForURL(/q=/);
      await page.waitForFunction(
        (n) => [...document.querySelectorAll('[data-testid="call-name"]')].every((e) => e.textContent!.includes(n)),
        c.target.name,
      );
      assert.ok((await total(page)) >= 1);
      await page.getByTestId('calls-search').fill('');
      await page.waitForURL((u) => !u.searchParams.has('q'));

      // Exposure dates: a day with no exposures gives an empty list.
      await page.getByTestId('calls-from').fill('2000-01-01');
      await page.getByTestId('calls-to').fill('2000-01-02');
      await page.getByTestId('calls-empty').waitFor();
      await page.getByTestId('calls-clear').click();
      await page.waitForFunction(() => !location.search.includes('buildingId'));
      if (shots) await page.screenshot({ path: `${shots}/calls-phone-list.png`, fullPage: false });
      assert.deepEqual(errors, []);
    } finally {
      await phone.close();
    }

    // On a desktop: the building's list printed, in door order, every person of the building.
    const desk = await demo.browser.newContext(DESKTOP);
    const dp = await desk.newPage();
    try {
      await signIn(dp, 'wenyuan');
      await dp.goto(`${demo.server.url}/calls?status=all&areaId=${c.gridId}&buildingId=${c.buildingId}`);
      await dp.getByTestId('calls-table').waitFor();
      if (shots) await dp.screenshot({ path: `${shots}/calls-desktop.png`, fullPage: false });
      await dp.getByTestId('calls-print').click();
      await dp.getByTestId('calls-print-table').waitFor();
      assert.equal(await dp.getByTestId('calls-print-row').count(), c.inBuilding.length);
      assert.match(await dp.getByTestId('calls-print-title').innerText(), /文苑社区/);
      await dp.emulateMedia({ media: 'print' });
      assert.equal(await dp.locator('.topbar').isVisible(), false, 'the navigation is not printed');
      if (shots) await dp.screenshot({ path: `${shots}/calls-print.png`, fullPage: false });
      assert.deepEqual(errors, []);
    } finally {
      await desk.close();
    }
  });
});
