// In Chromium at a phone's size: a community worker registers and approves a venue; a resident opens
// the venue's poster URL, registers against the registry (a code texted to the registry's phone),
// checks in with a dependant and sees the door verification screen with its running clock; a guard
// checks a person in by personal code, then, offline, queues a scan that is sent when the network
// returns — once, even when the first answer is lost on the way back; offline, a forged personal code is refused on the device (signature checked
// with the cached public key) and the page opens again after a reload without network (service worker).
// The public live page shows its crowd levels, says when its figures may be stale and polls meanwhile.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP, PHONE } from '../support/browser.ts';
import type { LogSmsSender } from '../../src/platform/sms.ts';

const VENUE = '文苑小区南门';

describe('venue check-in in the browser', () => {
  const demo = demoInBrowser();
  const { errors, signIn, open } = demo;

  /** An adult of 文苑社区 with an ID number and a registry phone whose household has someone they may check in. */
  async function residentWithDependant(): Promise<{ id: string; name: string; idNumber: string; phone: string }> {
    const area = await demo.server.s.db
      .selectFrom('area')
      .select('path')
      .where('name', '=', '文苑社区')
      .executeTakeFirstOrThrow();
    const adults = await demo.server.s.db
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .select(['person.id', 'person.name', 'person.id_enc', 'person.phone_enc', 'person.household_id'])
      .where('area.path', 'like', `${area.path}%`)
      .where('person.id_type', '=', 'resident_id')
      .where('person.id_enc', 'is not', null)
      .where('person.phone_enc', 'is not', null)
      .where('person.birth_date', '>', '1960-01-01')
      .where('person.birth_date', '<', '1995-01-01')
      .where('person.no_smartphone', '=', 0)
      .orderBy('person.id')
      .limit(300)
      .execute();
    for (const a of adults) {
      if (!a.household_id) continue;
      const others = await demo.server.s.db
        .selectFrom('person')
        .select('id')
        .where('household_id', '=', a.household_id)
        .where('id', '!=', a.id)
        .where((eb) =>
          eb.or([
            eb('birth_date', '>', '2012-01-01'),
            eb('birth_date', '<', '1945-01-01'),
            eb('no_smartphone', '=', 1),
          ]),
        )
        .execute();
      if (others.length)
        return {
          id: a.id,
          name: a.name,
          idNumber: demo.server.s.cipher.decrypt(a.id_enc!),
          phone: demo.server.s.cipher.decrypt(a.phone_enc!),
        };
    }
    throw new Error('the demo city has no adult with a dependant in 文苑社区');
  }

  test('poster → register → check in → verification; guard queues offline and sends once', async () => {
    // A community worker registers the venue and approves it; its code URL is what the poster carries.
    const staff = await demo.browser.newContext(DESKTOP);
    const sp = await open(staff);
    await signIn(sp, 'wenyuan');
    await sp.getByTestId('nav-venues').click();
    await sp.getByTestId('venue-register-open').click();
    await sp.getByTestId('venue-register-name').fill(VENUE);
    await sp.getByTestId('venue-register-category').selectOption('residential_gate');
    await sp.getByTestId('venue-register-address').fill('文苑路 8 号');
    await sp.getByTestId('venue-register-capacity').fill('40');
    await sp.getByTestId('venue-register-submit').click();
    await sp.getByTestId('venue-created').waitFor();
    const row = sp.getByTestId('venue-row').filter({ hasText: VENUE });
    // Two-person rule: the registrant is told another person approves; the command centre does.
    await row.getByTestId('venue-self-approval').waitFor();
    assert.equal(await row.getByTestId('venue-approve').count(), 0);
    const commandContext = await demo.browser.newContext(DESKTOP);
    const cp = await open(commandContext);
    await signIn(cp, 'command');
    await cp.goto(`${demo.server.url}/venues`);
    const commandRow = cp.getByTestId('venue-row').filter({ hasText: VENUE });
    await commandRow.getByTestId('venue-approve').click();
    await commandRow.locator('[data-status="approved"]').waitFor();
    await commandContext.close();
    await sp.reload();
    await row.locator('[data-status="approved"]').waitFor();
    await row.getByRole('link', { name: VENUE }).click();
    const codeUrl = (await sp.getByTestId('venue-code-url').innerText()).trim();
    const venueId = new URL(sp.url()).pathname.split('/').pop()!;
    assert.match(codeUrl, /\/v\/[0-9a-z]+\.1\.[A-Za-z0-9_-]{22}$/);

    // A resident scans the poster: first-time registration, then one tap for self and a dependant.
    const resident = await residentWithDependant();
    const phone = await demo.browser.newContext(PHONE);
    const pp = await open(phone);
    await pp.goto(`${demo.server.url}${new URL(codeUrl).pathname}`);
    await pp.getByTestId('checkin-tab-register').click();
    await pp.getByTestId('checkin-register-name').fill(resident.name);
    await pp.getByTestId('checkin-register-id-number').fill(resident.idNumber);
    await pp.getByTestId('checkin-register-phone').fill(resident.phone);
    await pp.getByTestId('checkin-register-send').click();
    await pp.getByTestId('checkin-register-sent').waitFor();
    const sms = (demo.server.s.sms as LogSmsSender).lastTo(resident.phone);
    assert.ok(sms, 'a code was texted to the registry phone');
    await pp.getByTestId('checkin-register-code').fill(/\d{6}/.exec(sms.text)![0]);
    await pp.getByTestId('checkin-register-password').fill('door-pass-2022');
    await pp.getByTestId('checkin-register-submit').click();
    await pp.getByTestId('checkin-submit').waitFor();
    const dependantBox = pp.locator('[data-testid^="dependant-"]').first();
    const dependantId = (await dependantBox.getAttribute('data-testid'))!.slice('dependant-'.length);
    await dependantBox.check();
    await pp.getByTestId('checkin-submit').click();

    const screen = pp.getByTestId('verify-screen');
    await screen.waitFor();
    assert.equal(await screen.getAttribute('data-decision'), 'admitted');
    assert.equal(await screen.getAttribute('data-colour'), 'green');
    assert.match(await pp.getByTestId('verify-venue').innerText(), new RegExp(VENUE));
    assert.doesNotMatch(await screen.innerText(), new RegExp(resident.name), 'the name is masked');
    // The clock runs: its text changes while the screen is shown (a screenshot would not).
    const clock = pp.getByTestId('verify-clock');
    const first = await clock.innerText();
    assert.match(first, /\d{2}:\d{2}:\d{2}/);
    await pp.waitForFunction(
      (before) => document.querySelector('[data-testid="verify-clock"]')?.textContent !== before,
      await clock.textContent(),
      { timeout: 5000 },
    );
    const stored = await demo.server.s.db
      .selectFrom('checkin')
      .select(['person_id', 'method', 'decision'])
      .where('venue_id', '=', venueId)
      .execute();
    assert.deepEqual(
      stored.map((c) => `${c.person_id}:${c.method}:${c.decision}`).sort(),
      [`${resident.id}:self:admitted`, `${dependantId}:dependant:admitted`].sort(),
    );

    // The dependant's personal code, as the guard's scanner would read it from the resident's page.
    await pp.goto(`${demo.server.url}/me/code`);
    await pp.getByTestId(`my-code-person-${dependantId}`).click();
    const qr = pp.getByTestId('my-code-qr');
    await qr.waitFor();
    const dependantToken = (await qr.getAttribute('data-text'))!;
    assert.match(dependantToken, /^p1\./);

    // The guard: online, the scan answers with the verification screen.
    const guardCtx = await demo.browser.newContext(PHONE);
    const gp = await open(guardCtx);
    await signIn(gp, 'wenyuan');
    await gp.goto(`${demo.server.url}/guard`);
    await gp.getByTestId('guard-venue').locator(`option[value="${venueId}"]`).waitFor({ state: 'attached' });
    await gp.getByTestId('guard-venue').selectOption(venueId);
    await gp.waitForFunction(() => !!localStorage.getItem('cordon.guard.venue'));
    await gp.getByTestId('guard-code').fill(dependantToken);
    await gp.getByTestId('guard-submit').click();
    await gp.getByTestId('verify-screen').waitFor();
    assert.equal(await gp.getByTestId('verify-screen').getAttribute('data-decision'), 'admitted');
    await gp.getByTestId('verify-done').click();

    // The same code scanned again at this door during its minute is the same scan: no second visit.
    await gp.getByTestId('guard-code').fill(dependantToken);
    await gp.getByTestId('guard-submit').click();
    await gp.getByTestId('verify-screen').waitFor();
    await gp.getByTestId('verify-done').click();
    await gp.getByTestId('guard-notice').waitFor();
    assert.equal(
      (
        await demo.server.s.db
          .selectFrom('checkin')
          .select('id')
          .where('person_id', '=', dependantId)
          .where('venue_id', '=', venueId)
          .where('method', '=', 'assisted')
          .execute()
      ).length,
      1,
    );

    // A fresh code from the resident's page for the scans below.
    await pp.reload();
    await pp.getByTestId(`my-code-person-${dependantId}`).click();
    await pp.waitForFunction((old) => {
      const t = document.querySelector('[data-testid="my-code-qr"]')?.getAttribute('data-text');
      return !!t && t !== old;
    }, dependantToken);
    const freshToken = (await pp.getByTestId('my-code-qr').getAttribute('data-text'))!;
    await gp.waitForFunction(() => document.documentElement.dataset.offlineReady === '1');
    // The device's queue key, fetched while online: the scans it queues are signed with it.
    await gp.waitForFunction(() => !!localStorage.getItem('cordon.guard.queueKey'));

    // Offline: a forged code is refused on the device; a genuine one is verified there and queued.
    await guardCtx.setOffline(true);
    const forged = `${freshToken.slice(0, -2)}${freshToken.endsWith('AA') ? 'BB' : 'AA'}`;
    await gp.getByTestId('guard-code').fill(forged);
    await gp.getByTestId('guard-submit').click();
    await gp.getByText('离线验签未通过', { exact: false }).waitFor();
    await gp.locator('[data-testid="guard-queue-count"][data-count="0"]').waitFor();
    await gp.getByTestId('guard-code').fill(freshToken);
    await gp.getByTestId('guard-submit').click();
    await gp.locator('[data-testid="guard-queue-count"][data-count="1"]').waitFor();
    await gp.getByText('个人码验签通过（离线）', { exact: false }).waitFor();
    const queuedItem = await gp.evaluate(
      () =>
        (
          JSON.parse(localStorage.getItem('cordon.guard.queue') ?? '[]') as Array<{
            clientId: string;
            deviceId?: string;
            scanSig?: string;
          }>
        )[0]!,
    );
    const clientId = queuedItem.clientId;
    assert.ok(queuedItem.deviceId && queuedItem.scanSig, 'the queued scan is signed by the device queue');
    await gp.getByTestId('guard-queue-window').waitFor();
    assert.equal(
      (await demo.server.s.db.selectFrom('checkin').select('id').where('client_id', '=', clientId).execute()).length,
      0,
    );

    // Still offline, the page is reloaded: the service worker serves it, the queue is still there.
    await gp.reload();
    await gp.locator('[data-testid="guard-queue-count"][data-count="1"]').waitFor();
    assert.equal(await gp.getByTestId('guard-network').textContent(), '离线');

    // Back online, the first answer is lost on its way back (the server stored the scan): the device
    // sends the same scan again and gets "duplicate", which counts as sent.
    const sent: string[] = [];
    let dropped = false;
    await gp.route('**/api/v1/checkins', async (route) => {
      sent.push((route.request().postDataJSON() as { clientId: string }).clientId);
      if (!dropped) {
        dropped = true;
        await route.fetch();
        await route.abort('failed');
      } else await route.continue();
    });
    await guardCtx.setOffline(false);
    await gp.locator('[data-testid="guard-queue-count"][data-count="0"]').waitFor({ timeout: 30_000 });
    assert.ok(
      sent.length >= 2 && sent.every((id) => id === clientId),
      `the same scan was sent again: ${sent.join(', ')}`,
    );
    const rows = await demo.server.s.db
      .selectFrom('checkin')
      .select(['person_id', 'method', 'scan_gap_ms'])
      .where('client_id', '=', clientId)
      .execute();
    assert.deepEqual(
      rows.map(({ scan_gap_ms: _, ...r }) => r),
      [{ person_id: dependantId, method: 'assisted' }],
      'exactly one check-in for the queued scan',
    );
    assert.ok(
      rows[0]!.scan_gap_ms !== null && rows[0]!.scan_gap_ms >= 0,
      'the time it waited in the queue is recorded',
    );
    await gp.getByTestId('guard-recent-row').first().waitFor();

    assert.deepEqual(errors, []);
  });

  test('the public live page lists approved venues with their crowd levels', async () => {
    const context = await demo.browser.newContext(PHONE);
    const page = await open(context);
    await page.goto(`${demo.server.url}/login`);
    await page.getByTestId('login-live-link').click();
    const rows = page.getByTestId('live-venue-row');
    await rows.first().waitFor();
    const levels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-level')));
    assert.ok(
      levels.length > 0 && levels.every((l) => ['relaxed', 'moderate', 'crowded', 'full'].includes(l ?? '')),
      levels.join(','),
    );
    const approved = await demo.server.s.db
      .selectFrom('venue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'approved')
      .executeTakeFirstOrThrow();
    assert.equal(levels.length, Math.min(100, Number(approved.n)));
    assert.deepEqual(errors, []);
  });

  test('the live page says its figures may be stale while the server hears no other process, and polls meanwhile', async () => {
    const context = await demo.browser.newContext(PHONE);
    const page = await open(context);
    const events = demo.server.s.events;
    const health = events.health.bind(events);
    try {
      await page.goto(`${demo.server.url}/live`);
      const row = page.getByTestId('live-venue-row').first();
      await row.waitFor();
      const venueId = (await row.getAttribute('data-venue-id'))!;
      assert.equal(await page.getByTestId('live-stale').count(), 0, 'no banner while the stream is live');

      // Redis down, as the bus reports it: the stream says so and the page shows the banner at once.
      events.health = () => ({ redis: 'down', detail: 'connect ECONNREFUSED' });
      const banner = page.getByTestId('live-stale');
      await banner.waitFor();
      assert.match(await banner.innerText(), /数据可能已过时/);
      assert.match(await banner.innerText(), /最后更新/);
      // A change no notice tells of (as one made on another process) shows up by polling.
      await demo.server.s.db.updateTable('venue').set({ capacity: 4321 }).where('id', '=', venueId).execute();
      await page
        .locator(`[data-testid="live-venue-row"][data-venue-id="${venueId}"]`)
        .filter({ hasText: '4321' })
        .waitFor();

      // Redis back: the banner goes.
      events.health = health;
      await banner.waitFor({ state: 'detached' });
      assert.deepEqual(errors, []);
    } finally {
      events.health = health;
      await context.close();
    }
  });

  test('the live page says its figures may be stale while its stream is lost, and polls until it is back', async () => {
    const context = await demo.browser.newContext(PHONE);
    const page = await open(context);
    try {
      await page.goto(`${demo.server.url}/live`);
      const row = page.getByTestId('live-venue-row').first();
      await row.waitFor();
      const venueId = (await row.getAttribute('data-venue-id'))!;
      assert.equal(await page.getByTestId('live-stale').count(), 0);

      // The stream breaks and cannot be opened again (a proxy or network in between): the banner shows.
      await page.route('**/api/v1/live/occupancy**', (route) => route.abort());
      demo.server.app.server.closeAllConnections();
      const banner = page.getByTestId('live-stale');
      await banner.waitFor();
      await demo.server.s.db.updateTable('venue').set({ capacity: 8765 }).where('id', '=', venueId).execute();
      await page
        .locator(`[data-testid="live-venue-row"][data-venue-id="${venueId}"]`)
        .filter({ hasText: '8765' })
        .waitFor();

      // The stream can be opened again: it reconnects and the banner goes.
      await page.unroute('**/api/v1/live/occupancy**');
      await banner.waitFor({ state: 'detached' });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
