// In Chromium, a case with many contacts: the case page is paged and short, the contacts come in
// review groups (venue and slot, with counts and overlap), a whole group is dismissed with one reason
// in one request, the evidence is one line per encounter with the rest on demand, and the keyboard
// works without a click first (↓/↑ move the selection, C / D decide the selected row).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP, PHONE } from '../support/browser.ts';
import { registerCase } from '../../src/tracing/tracing.service.ts';
import type { Actor } from '../../src/access/access.rules.ts';

const MARKET = 700;
const OFFICE = 40;

describe('review by group in the browser', () => {
  const demo = demoInBrowser();
  const { errors, signIn } = demo;

  /** A case of 文苑社区 who shopped for an hour yesterday among 700 people and sat in an office with 40. */
  async function bigCase(): Promise<string> {
    const { db } = demo.server.s;
    const area = await db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('name', '=', '文苑社区')
      .executeTakeFirstOrThrow();
    const me = await db
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .select(['person.id', 'person.area_id'])
      .where('area.path', 'like', `${area.path}%`)
      .where('person.household_id', 'is not', null)
      .orderBy('person.id')
      .executeTakeFirstOrThrow();
    const others = await db
      .selectFrom('person')
      .select('id')
      .where('id', '<>', me.id)
      .orderBy('id')
      .limit(MARKET + OFFICE)
      .execute();
    assert.equal(others.length, MARKET + OFFICE);
    const now = Date.now();
    const at = now - 20 * 3_600_000;
    const venue = (id: string, name: string, category: string) => ({
      id,
      name,
      category,
      address: '',
      area_id: me.area_id,
      capacity: 2000,
      operator_user_id: null,
      status: 'approved',
      approved_by: null,
      approved_at: null,
      code_version: 1,
      requires_presence: 0,
      dwell_minutes: null,
      created_at: now,
      updated_at: now,
    });
    await db
      .insertInto('venue')
      .values([venue('e2e-market', '文苑超市', 'supermarket'), venue('e2e-office', '文苑写字楼', 'office')])
      .execute();
    const visit = (id: string, venueId: string, personId: string, from: number, minutes: number) => ({
      id,
      venue_id: venueId,
      person_id: personId,
      client_id: null,
      method: 'assisted',
      entered_at: from,
      exited_at: from + minutes * 60_000,
      exit_kind: 'scan',
      decision: 'admitted',
      refusal_code: null,
      colour: 'green',
      reasons: null,
      test_sampled_at: null,
      test_result: null,
      vaccinated: null,
      created_at: from,
    });
    await db.deleteFrom('checkin').where('person_id', '=', me.id).execute();
    const rows = [
      visit('e2e-me-m', 'e2e-market', me.id, at, 60),
      visit('e2e-me-o', 'e2e-office', me.id, at - 5 * 3_600_000, 120),
    ];
    others.forEach((o, i) =>
      rows.push(
        i < MARKET
          ? visit(`e2e-m-${i}`, 'e2e-market', o.id, at + [0, 30, 55, 70][i % 4]! * 60_000, 20)
          : visit(`e2e-o-${i}`, 'e2e-office', o.id, at - 5 * 3_600_000, 120),
      ),
    );
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto('checkin')
        .values(rows.slice(i, i + 200))
        .execute();
    const user = await db
      .selectFrom('app_user')
      .innerJoin('area', 'area.id', 'app_user.area_id')
      .select([
        'app_user.id',
        'app_user.username',
        'app_user.display_name',
        'app_user.role',
        'area.id as area_id',
        'area.path',
      ])
      .where('username', '=', 'investigator')
      .executeTakeFirstOrThrow();
    const actor: Actor = {
      userId: user.id,
      username: user.username,
      displayName: user.display_name,
      role: 'investigator',
      areaId: user.area_id,
      areaPath: user.path,
      via: 'session',
    };
    const detail = await registerCase(demo.server.s, actor, {
      personId: me.id,
      classification: 'confirmed',
      source: 'fever_clinic',
      onsetAt: now - 86_400_000,
    });
    assert.ok(detail.contacts.total >= MARKET + OFFICE, String(detail.contacts.total));
    return detail.case.id;
  }

  const reviewOf = async (contactId: string) =>
    (
      await demo.server.s.db
        .selectFrom('contact')
        .select('review_status')
        .where('id', '=', contactId)
        .executeTakeFirstOrThrow()
    ).review_status;

  test('groups with counts, a group dismissed at once, one-line evidence, keys without a click, at desktop and phone sizes', async () => {
    const caseId = await bigCase();
    const context = await demo.browser.newContext(DESKTOP);
    const page = await context.newPage();
    try {
      await signIn(page, 'investigator');
      await page.goto(`${demo.server.url}/cases/${caseId}`);
      await page.getByTestId('contacts-table').waitFor();
      assert.equal(await page.getByTestId('contact-row').count(), 50, 'one page of contacts, not all');
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(height < 30_000, `the case page is ${height} px tall`);

      // The market slot is one group: its count and overlap range.
      const market = page.locator('[data-testid="review-group"][data-group-key^="venue:e2e-market:"]');
      await market.waitFor();
      assert.equal(await market.getAttribute('data-count'), String(MARKET));
      assert.match(
        await market.innerText(),
        new RegExp(`文苑超市[\\s\\S]*${MARKET} 人[\\s\\S]*重叠 \\d+(–\\d+)? 分钟`),
      );
      await page.screenshot({ path: '/tmp/review-groups-desktop.png', fullPage: false });

      // The evidence: one line per encounter, both visits on demand.
      const first = page.getByTestId('contact-row').first();
      await market.getByTestId('group-show').click();
      await page.locator('[data-testid="bulk-target"]', { hasText: `本组 ${MARKET} 人` }).waitFor();
      const row = page.getByTestId('contact-row').first();
      assert.match(await row.getByTestId('evidence-line').first().innerText(), /文苑超市 · .* · 重叠 \d+ 分钟/);
      assert.equal(await row.getByTestId('evidence-details').first().isVisible(), false);
      await row.getByTestId('evidence-toggle').click();
      assert.match(await row.getByTestId('evidence-details').first().innerText(), /病例到访[\s\S]*接触者到访/);

      // The whole group dismissed with one reason, in one request.
      await page.getByTestId('bulk-reason').fill('超市同场，时间短，未近距离接触');
      await page.getByTestId('bulk-dismiss').click();
      await page.locator('[data-testid="bulk-done"]', { hasText: `已研判 ${MARKET} 人` }).waitFor();
      const dismissed = await demo.server.s.db
        .selectFrom('contact')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('case_id', '=', caseId)
        .where('review_status', '=', 'dismissed')
        .where('review_reason', '=', '超市同场，时间短，未近距离接触')
        .executeTakeFirstOrThrow();
      assert.equal(Number(dismissed.n), MARKET);
      await page.getByTestId('group-clear').click();
      await market.waitFor({ state: 'detached' }); // the pending groups no longer hold it

      // Keys with no click first: ↓ selects the first row, ↓ the second, C confirms it.
      await page.getByTestId('review-status').first().waitFor();
      await page.locator('h1.page-title').click(); // focus on the page, not on a row
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      const second = page.getByTestId('contact-row').nth(1);
      assert.equal(await second.getAttribute('data-selected'), '');
      const secondId = (await second.getAttribute('data-contact-id'))!;
      assert.equal(await reviewOf(secondId), 'pending');
      await page.keyboard.press('c');
      await page
        .locator(
          `[data-testid="contact-row"][data-contact-id="${secondId}"] [data-testid="review-status"][data-status="confirmed"]`,
        )
        .waitFor();
      assert.equal(await reviewOf(secondId), 'confirmed');
      // ↑ goes back to the first; D dismisses it.
      await page.keyboard.press('ArrowUp');
      const firstId = (await page.getByTestId('contact-row').first().getAttribute('data-contact-id'))!;
      await page.keyboard.press('d');
      await page
        .locator(
          `[data-testid="contact-row"][data-contact-id="${firstId}"] [data-testid="review-status"][data-status="dismissed"]`,
        )
        .waitFor();
      assert.equal(await reviewOf(firstId), 'dismissed');
      assert.ok(first);

      // The review queue: C right after the page loads decides the first (selected) row.
      await page.getByTestId('nav-review').click();
      const queueFirst = page.getByTestId('queue-row').first();
      await queueFirst.waitFor();
      const queueId = (await queueFirst.getAttribute('data-contact-id'))!;
      await page.keyboard.press('c');
      await queueFirst.getByTestId('queue-done').waitFor();
      assert.equal(await reviewOf(queueId), 'confirmed');

      const phone = await demo.browser.newContext(PHONE);
      const small = await phone.newPage();
      try {
        await signIn(small, 'investigator');
        await small.goto(`${demo.server.url}/cases/${caseId}`);
        await small.getByTestId('review-groups').waitFor();
        await small.getByTestId('contacts-table').waitFor();
        const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `the phone page scrolls sideways by ${overflow} px`);
        await small.getByTestId('review-groups').scrollIntoViewIfNeeded();
        await small.screenshot({ path: '/tmp/review-groups-phone.png' });
        await small.getByTestId('contact-row').first().scrollIntoViewIfNeeded();
        await small.screenshot({ path: '/tmp/review-contacts-phone.png' });
      } finally {
        await phone.close();
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
