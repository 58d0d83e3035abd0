// In Chromium: the command centre opens the demo hotel's site board, clicks an occupied room and, on the
// occupant's card, routes the person to a designated hospital that takes their colour (need, hospital,
// vehicle, escort); the room awaits its terminal disinfection and the order continues at the hospital.
// Then, on the order page, the person comes back from the hospital to a free room of the site.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP } from '../support/browser.ts';

describe('quarantine transfer to a designated hospital in the browser', () => {
  const demo = demoInBrowser();

  test('occupant card: transfer to a hospital; order page: back to a room', async () => {
    const s = demo.server.s;
    const page = await demo.open(await demo.browser.newContext(DESKTOP));
    await demo.signIn(page, 'command');
    await page.getByTestId('nav-quarantineSites').click();
    await page.getByTestId('qsite-row').filter({ hasText: '龙山宾馆' }).locator('a').click();
    await page.getByTestId('qboard').waitFor();
    await page.locator('[data-testid="qboard-room"][data-state="occupied"]').first().click();
    const card = page.getByTestId('occupant-card').first();
    await card.getByTestId('occupant-name').waitFor();
    const orderId = await card.getAttribute('data-order-id');
    assert.ok(orderId);
    const stay = await s.db
      .selectFrom('quarantine_stay')
      .select(['room_id'])
      .where('order_id', '=', orderId)
      .where('status', '=', 'current')
      .executeTakeFirstOrThrow();

    await card.getByTestId('transfer-open').click();
    await card.getByTestId('transfer-colour').waitFor();
    await card.getByTestId('transfer-need').selectOption('fever');
    // The hospitals offered are the server's for the person's colour and the need, with a free bed.
    const options = await page.request.get(
      `${demo.server.url}/api/v1/quarantine/transfers/hospital-options?orderId=${orderId}&need=fever`,
    );
    const offered = ((await options.json()) as { items: Array<{ id: string; name: string }> }).items;
    assert.ok(offered.length > 0, 'a demo hospital takes the person with a fever');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="transfer-hospital"] option').length === n,
      offered.length,
    );
    await card.getByTestId('transfer-hospital').selectOption(offered[0]!.id);
    await card.locator('[data-testid="transfer-form"] input').nth(0).fill('吉D·12345 负压救护车');
    await card.locator('[data-testid="transfer-form"] input').nth(1).fill('王护士');
    await card.getByTestId('transfer-submit').click();
    await card.getByTestId('transfer-done').filter({ hasText: offered[0]!.name }).waitFor();

    const leg = await s.db
      .selectFrom('quarantine_transfer')
      .select(['hospital_id', 'vehicle', 'escort', 'status'])
      .where('order_id', '=', orderId)
      .where('kind', '=', 'hospital')
      .executeTakeFirstOrThrow();
    assert.deepEqual(leg, {
      hospital_id: offered[0]!.id,
      vehicle: '吉D·12345 负压救护车',
      escort: '王护士',
      status: 'done',
    });
    const order = await s.db
      .selectFrom('quarantine_order')
      .select('status')
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    assert.equal(order.status, 'active', 'the order continues at the hospital');
    const left = await s.db
      .selectFrom('quarantine_stay')
      .select('id')
      .where('order_id', '=', orderId)
      .where('status', '=', 'current')
      .execute();
    assert.equal(left.length, 0, 'the room stay ended');

    // On the order page the person is at the hospital: the way back to a free room of the site.
    await page.goto(`${demo.server.url}/quarantine/orders/${orderId}`);
    await page.getByTestId('order-page').waitFor();
    await page.getByTestId('event-hospital').first().waitFor();
    assert.equal(await page.getByTestId('transfer-open').count(), 0);
    await page.getByTestId('return-open').click();
    const form = page.getByTestId('return-form');
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="return-room"]') as HTMLSelectElement | null)?.value,
    );
    const roomId = await form.getByTestId('return-room').inputValue();
    assert.notEqual(roomId, stay.room_id, 'the old room awaits its terminal disinfection');
    await form.getByTestId('return-vehicle').fill('吉D·12345');
    await form.getByTestId('return-escort').fill('王护士');
    await form.getByTestId('return-submit').click();
    // Back in a room: the order's timeline says so, and the transfer is offered again.
    await page.getByTestId('event-returned').waitFor();
    await page.getByTestId('transfer-open').waitFor();
    const back = await s.db
      .selectFrom('quarantine_stay')
      .select('room_id')
      .where('order_id', '=', orderId)
      .where('status', '=', 'current')
      .executeTakeFirstOrThrow();
    assert.equal(back.room_id, roomId);
    assert.deepEqual(demo.errors, []);
  });
});
