// In Chromium: the command centre opens the demo hotel's site board and sees its rooms as a grid
// coloured by state (free, being cleaned, out of service each its own colour), imports two rooms from a
// small CSV (checked first, then written) and finds them free on the board; the public page of
// designated hospitals lists by need exactly what the server answers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP } from '../support/browser.ts';

describe('quarantine sites in the browser', () => {
  const demo = demoInBrowser();

  test('site board coloured by state, rooms imported from a CSV, public hospitals by need', async () => {
    const page = await demo.open(await demo.browser.newContext(DESKTOP));
    await demo.signIn(page, 'command');
    await page.getByTestId('nav-quarantineSites').click();
    const hotel = page.getByTestId('qsite-row').filter({ hasText: '龙山宾馆' });
    await hotel.locator('a').click();
    await page.getByTestId('qboard').waitFor();

    const rooms = page.getByTestId('qboard-room');
    const before = await rooms.count();
    assert.ok(before >= 100, `the hotel's rooms are on the board (${before})`);
    const colourOf = async (state: string) =>
      page
        .locator(`[data-testid="qboard-room"][data-state="${state}"]`)
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    const colours = await Promise.all(['free', 'cleaning', 'out_of_service'].map(colourOf));
    assert.equal(new Set(colours).size, 3, `each state its own colour: ${colours.join(', ')}`);
    assert.ok(await page.locator('[data-testid="qboard-room"][data-state="out_of_service"]').count());

    const csv = '楼层,房间号,房型,床位\n9,901,单人间,1\n9,902,无障碍间,1\n';
    await page.getByTestId('qroom-import-file').setInputFiles({
      name: '新增房间.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await page.getByTestId('qroom-import-check').click();
    await page.getByTestId('qroom-import-outcome').waitFor();
    assert.equal(await rooms.count(), before, 'a check writes nothing');
    await page.getByTestId('qroom-import-run').click();
    await page.locator('[data-testid="qboard-room"]', { hasText: '902' }).waitFor();
    assert.equal(await rooms.count(), before + 2);
    assert.equal(
      await page.locator('[data-testid="qboard-room"]', { hasText: '901' }).getAttribute('data-state'),
      'free',
    );

    await page.goto(`${demo.server.url}/hospitals`);
    await page.getByTestId('qhospital-public-list').waitFor();
    await page.getByTestId('qhospital-public-need').selectOption('dialysis');
    const answer = await page.request.get(`${demo.server.url}/api/v1/quarantine/hospitals/public?need=dialysis`);
    const expected = ((await answer.json()) as { items: Array<{ name: string }> }).items.map((h) => h.name);
    assert.ok(expected.length > 0, 'the demo has a dialysis hospital');
    const rows = page.getByTestId('qhospital-public-row');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="qhospital-public-row"]').length === n,
      expected.length,
    );
    assert.deepEqual(await rows.locator('h2').allInnerTexts(), expected);
    assert.deepEqual(demo.errors, []);
  });
});
