// In Chromium: the demo warehouse login opens its vegetable store, records an inbound truck in boxes,
// sees the stock grow and the movement on top of the list, and the reserves page shows the days of
// supply as charts with the antigen kits' critical alert.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP } from '../support/browser.ts';

describe('supply reserves in the browser', () => {
  const demo = demoInBrowser();

  test('record an inbound truck, then read the days of supply', async () => {
    const page = await demo.open(await demo.browser.newContext(DESKTOP));
    await demo.signIn(page, 'warehouse');
    await page.getByTestId('nav-warehouses').click();
    await page.getByTestId('ls-warehouse').first().waitFor();
    await page.getByRole('link', { name: '龙山区蔬菜保供仓' }).click();
    const stock = page.getByTestId('ls-stock-vegetables');
    await stock.waitFor();
    const before = await stock.innerText();
    await page.getByTestId('ls-item').selectOption('vegetables');
    await page.getByTestId('ls-unit').selectOption('box');
    await page.getByTestId('ls-quantity').fill('400');
    await page.getByTestId('ls-reference').fill('报备车次 9001');
    await page.getByTestId('ls-submit').click();
    await page.getByTestId('ls-done').waitFor();
    // 400 boxes of 5 kg: 2 t more on hand, and the truck first in the list.
    await page.waitForFunction(
      (old) => document.querySelector('[data-testid="ls-stock-vegetables"]')?.textContent !== old,
      before,
    );
    assert.match(await page.getByTestId('ls-movement').first().innerText(), /报备车次 9001/);
    assert.equal(await page.getByTestId('error').count(), 0);

    await page.getByTestId('nav-reserves').click();
    await page.getByTestId('ls-days-chart').locator('canvas').waitFor();
    await page.getByTestId('ls-alert-antigen_kits').waitFor();
    assert.match(await page.getByTestId('ls-alert-antigen_kits').innerText(), /告急/);
    assert.ok((await page.getByTestId('ls-row-vegetables').count()) >= 2);
    assert.deepEqual(demo.errors, []);
  });
});
