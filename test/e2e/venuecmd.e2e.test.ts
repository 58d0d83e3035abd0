// In Chromium: the command centre's home page shows its area's figures (the same as the summary the
// server gives), at desktop and phone sizes; and the demo resident's check-in page names the venue
// before the tap, marks a repeat scan, and says check-out on the button and on the screen when the
// scan closes the visit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { demoInBrowser, PHONE } from '../support/browser.ts';
import { posterUrl } from '../../src/venues/venue.codes.ts';

describe('command home and check-in wording in the browser', () => {
  const demo = demoInBrowser();
  const { errors, signIn } = demo;

  test('the command home page shows the summary’s figures', async () => {
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const context = await demo.browser.newContext({ viewport, locale: 'zh-CN' });
      const page: Page = await context.newPage();
      await signIn(page, 'command');
      await page.getByTestId('command-summary').waitFor();
      const summary = await page.evaluate(() => fetch('/api/v1/command/summary').then((r) => r.json()));
      assert.equal(
        (await page.getByTestId('home-cases-total-value').innerText()).replace(/,/g, ''),
        String(summary.cases.total),
      );
      assert.equal(
        (await page.getByTestId('home-review-value').innerText()).replace(/,/g, ''),
        String(summary.pendingReview),
      );
      assert.equal(
        (await page.getByTestId('home-pools-value').innerText()).replace(/,/g, ''),
        String(summary.openPools),
      );
      assert.ok((await page.getByTestId('home-colour-red').innerText()).includes(summary.colours.red.toLocaleString()));
      assert.equal(await page.getByTestId('home-round').count(), summary.rounds.length);
      assert.ok(summary.rounds.length >= 1, 'the demo round is in progress');
      await page.screenshot({ path: `/tmp/venuecmd-home-${viewport.width}.png`, fullPage: true });
      await context.close();
    }
    assert.deepEqual(errors, []);
  });

  test('check-in: venue named before the tap; repeat; the button and the screen say check-out', async () => {
    const resident = Object.entries(demo.server.passwords).find(([u]) => /^1\d{10}$/.test(u))!;
    const area = await demo.server.s.db
      .selectFrom('area')
      .select('path')
      .where('name', '=', '文苑社区')
      .executeTakeFirstOrThrow();
    const venue = await demo.server.s.db
      .selectFrom('venue')
      .innerJoin('area', 'area.id', 'venue.area_id')
      .select(['venue.id', 'venue.name', 'venue.code_version'])
      .where('area.path', 'like', `${area.path}%`)
      .where('venue.category', '=', 'residential_gate')
      .where('venue.status', '=', 'approved')
      .orderBy('venue.id')
      .executeTakeFirstOrThrow();
    // The resident may enter a gate whatever the demo gave them: a green code with no test needed.
    const user = await demo.server.s.db
      .selectFrom('app_user')
      .select('person_id')
      .where('role', '=', 'resident')
      .executeTakeFirstOrThrow();
    await demo.server.s.db
      .updateTable('health_status')
      .set({ colour: 'green' })
      .where('person_id', '=', user.person_id!)
      .execute();
    const path = new URL(posterUrl(demo.server.url, demo.server.s.signing.venueCodeKey, venue.id, venue.code_version))
      .pathname;

    const context = await demo.browser.newContext(PHONE);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${demo.server.url}${path}`);
    assert.equal(
      (await page.getByTestId('checkin-venue-name').innerText()).trim(),
      venue.name,
      'named before signing in',
    );
    await page.getByTestId('checkin-login-phone').fill(resident[0]);
    await page.getByTestId('checkin-login-password').fill(resident[1]);
    await page.getByTestId('checkin-login-submit').click();
    const submit = page.getByTestId('checkin-submit');
    await page.locator('[data-testid="checkin-submit"][data-action="enter"]').waitFor();
    assert.equal((await submit.innerText()).trim(), '登记进入');
    await submit.click();
    await page.getByTestId('verify-screen').waitFor();
    const decision = await page.getByTestId('verify-screen').getAttribute('data-decision');
    if (decision === 'refused') {
      assert.equal((await page.getByTestId('verify-at-label').innerText()).trim(), '扫码时间');
      return;
    }
    assert.equal(decision, 'admitted');
    assert.equal((await page.getByTestId('verify-at-label').innerText()).trim(), '进入时间');
    await page.getByTestId('verify-done').click();
    await page.locator('[data-testid="checkin-repeat-lead"]').waitFor();
    await submit.click();
    await page.getByTestId('verify-repeat').waitFor();
    assert.match(await page.getByTestId('verify-repeat').innerText(), /重复扫码/);
    await page.getByTestId('verify-done').click();

    // A minute later (the visit moved back in time rather than waiting): the button says check-out.
    await demo.server.s.db
      .updateTable('checkin')
      .set((eb) => ({ entered_at: eb('entered_at', '-', 120_000) }))
      .where('venue_id', '=', venue.id)
      .where('person_id', '=', user.person_id!)
      .execute();
    await page.reload();
    await page.locator('[data-testid="checkin-submit"][data-action="exit"]').waitFor();
    assert.equal((await submit.innerText()).trim(), '扫码离场');
    await page.getByTestId('checkin-exit-lead').waitFor();
    await page.screenshot({ path: '/tmp/venuecmd-checkout-phone.png', fullPage: true });
    await submit.click();
    await page.locator('[data-testid="verify-screen"][data-decision="exited"]').waitFor();
    assert.match(await page.getByTestId('verify-decision').innerText(), /第二次扫码即登记离场/);
    await page.getByTestId('verify-exited-at').waitFor();
    await context.close();
    assert.deepEqual(errors, []);
  });
});
