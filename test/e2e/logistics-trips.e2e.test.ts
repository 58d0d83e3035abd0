// In Chromium: the demo enterprise pre-registers a trip for its refrigerated truck, the department
// approves it, two days pass (the trip's window is moved to now), the checkpoint's phone scans the
// pass — a forged code is refused on the phone with the network down — looks the vehicle up, and
// records the check while the network drops: the check waits on the phone and is sent once the
// network returns, decided by the server (to the transfer station); the station then moves the
// vehicle through its steps to delivery.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP, PHONE } from '../support/browser.ts';
import { passCode } from '../../src/logistics/passes.service.ts';

const H = 3_600_000;

describe('trips, the checkpoint and the station in the browser', () => {
  const demo = demoInBrowser();

  test('report, approve, check on a phone through a network drop, station steps', async () => {
    const s = demo.server.s;
    const enterprise = await demo.open(await demo.browser.newContext(DESKTOP));
    await demo.signIn(enterprise, 'enterprise');
    await enterprise.getByTestId('nav-logisticsTrips').click();
    await enterprise.getByTestId('lt-report').waitFor();
    const passSelect = enterprise.getByTestId('lt-pass');
    await passSelect.locator('option', { hasText: '吉D3A518' }).waitFor({ state: 'attached' });
    await passSelect.selectOption({ index: 0 });
    await enterprise.getByTestId('lt-cargo').fill('白菜');
    await enterprise.getByTestId('lt-quantity').fill('5');
    await enterprise.getByTestId('lt-submit-trip').click();
    await enterprise.waitForFunction(
      () => (document.querySelector('[data-testid="lt-cargo"]') as HTMLInputElement | null)?.value === '',
    );
    assert.equal(await enterprise.getByTestId('error').count(), 0);
    const trip = await s.db
      .selectFrom('trip')
      .select(['id', 'vehicle_id', 'pass_id'])
      .where('cargo_name', '=', '白菜')
      .executeTakeFirstOrThrow();

    const reviewer = await demo.open(await demo.browser.newContext(DESKTOP));
    await demo.signIn(reviewer, 'logistics');
    await reviewer.getByTestId('nav-logisticsTrips').click();
    const plate = (
      await s.db.selectFrom('vehicle').select('plate').where('id', '=', trip.vehicle_id).executeTakeFirstOrThrow()
    ).plate;
    const item = reviewer.getByTestId(`lt-decide-${plate}`);
    await item.waitFor();
    await item.getByTestId('lt-approve').click();
    await item.waitFor({ state: 'detached' });
    assert.equal(
      (await s.db.selectFrom('trip').select('status').where('id', '=', trip.id).executeTakeFirstOrThrow()).status,
      'approved',
    );
    // Two days on: the trip's window is now. (The demo's other trip of the vehicle stays in two days.)
    const now = Date.now();
    await s.db
      .updateTable('trip')
      .set({ arrive_from: now - H, arrive_until: now + 3 * H })
      .where('id', '=', trip.id)
      .execute();
    await s.db
      .updateTable('trip')
      .set({ status: 'withdrawn' })
      .where('id', '!=', trip.id)
      .where('vehicle_id', '=', trip.vehicle_id)
      .execute();
    const root = await s.db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('parent_id', 'is', null)
      .executeTakeFirstOrThrow();
    const { token } = await passCode(
      s,
      {
        userId: 'e2e',
        username: 'e2e',
        displayName: 'e2e',
        role: 'command',
        areaId: root.id,
        areaPath: root.path,
        via: 'token',
      },
      trip.pass_id!,
    );

    // The checkpoint's phone.
    const phoneCtx = await demo.browser.newContext(PHONE);
    const phone = await demo.open(phoneCtx);
    await demo.signIn(phone, 'logistics');
    await phone.goto(`${demo.server.url}/logistics/checkpoint`);
    await phone.getByTestId('lt-checkpoint').waitFor();
    await phone.waitForFunction(() => !!localStorage.getItem('cordon.guard.publicKey'));
    await phone.locator('[data-testid="lt-checkpoint-id"] option').first().waitFor({ state: 'attached' });

    // Offline, a forged pass is refused on the phone.
    await phoneCtx.setOffline(true);
    await phone.getByTestId('lt-input').fill(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`);
    await phone.getByTestId('lt-lookup').click();
    await phone.getByTestId('lt-offline-note').waitFor();
    assert.match(await phone.getByTestId('lt-offline-note').innerText(), /无效/);
    await phone.getByTestId('lt-input').fill(token);
    await phone.getByTestId('lt-lookup').click();
    await phone.waitForFunction(() =>
      /签名有效/.test(document.querySelector('[data-testid="lt-offline-note"]')?.textContent ?? ''),
    );

    // Online: the trip and the crew; then the network drops before the check is recorded.
    await phoneCtx.setOffline(false);
    await phone.getByTestId('lt-lookup').click();
    await phone.getByTestId('lt-trip').waitFor();
    const persons = phone.getByTestId('lt-person');
    const n = await persons.count();
    assert.ok(n >= 1);
    for (let i = 0; i < n; i++) {
      await persons.nth(i).getByTestId('lt-antigen').selectOption('negative');
      await persons.nth(i).getByTestId('lt-pcr').check();
    }
    await phoneCtx.setOffline(true);
    await phone.getByTestId('lt-record').click();
    await phone.locator('[data-testid="lt-queue-count"][data-count="1"]').waitFor();
    await phoneCtx.setOffline(false);
    await phone.locator('[data-testid="lt-queue-count"][data-count="0"]').waitFor({ timeout: 30_000 });
    await phone.getByTestId('lt-decision').waitFor();
    assert.equal(await phone.getByTestId('lt-decision').getAttribute('data-decision'), 'proceed');
    const check = await s.db
      .selectFrom('checkpoint_check')
      .select(['decision', 'path', 'trip_id'])
      .where('trip_id', '=', trip.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(check, { decision: 'proceed', path: 'transfer_station', trip_id: trip.id });

    // The station moves the vehicle through its steps.
    await reviewer.getByTestId('nav-logisticsStations').click();
    await reviewer.getByTestId('lt-station').waitFor();
    await reviewer.locator('[data-testid="lt-station-id"] option').first().waitFor({ state: 'attached' });
    await reviewer.getByTestId('lt-arrive-plate').fill(plate);
    await reviewer.getByTestId('lt-arrive').click();
    const visit = reviewer.getByTestId(`lt-visit-${plate}`);
    await visit.waitFor();
    const stepIs = (step: string) =>
      visit.locator(`[data-testid="lt-step"][data-step="${step}"]`).waitFor({ timeout: 10_000 });
    await stepIs('arrived');
    for (const [step, text] of [
      ['disinfected', ''],
      ['crew_tested', ''],
      ['crew_rested', ''],
      ['handed_over', ''],
      ['sealed', 'FT-E2E-01'],
      ['departed', '伊开高速—龙山区'],
      ['delivered', ''],
    ] as const) {
      if (text) await visit.getByTestId('lt-step-text').fill(text);
      await visit.getByTestId('lt-stamp').click();
      await stepIs(step);
    }
    const steps = await s.db
      .selectFrom('station_visit_step')
      .innerJoin('station_visit', 'station_visit.id', 'station_visit_step.visit_id')
      .select('station_visit_step.step')
      .where('station_visit.plate', '=', plate)
      .execute();
    assert.equal(steps.length, 8);
    assert.deepEqual(demo.errors, []);
  });
});
