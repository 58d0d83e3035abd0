// In Chromium: the command centre opens 研判 on the demo's seeded outbreak, sees the Rt curve with its
// latest estimate, the projection fan, the demand table and the scores of past projections, and makes a
// new projection.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP } from '../support/browser.ts';

describe('decision support in the browser', () => {
  const demo = demoInBrowser();

  test('Rt curve, projection fan, demand and scores', async () => {
    const page = await demo.open(await demo.browser.newContext(DESKTOP));
    await demo.signIn(page, 'command');
    await page.getByTestId('nav-decision').click();
    await page.getByTestId('dec-rt-chart').locator('canvas').waitFor();
    // The latest window's estimate, or the page saying the window holds too few cases (the outbreak is waning).
    assert.match(await page.getByTestId('dec-latest').innerText(), /^\d+\.\d\d$|病例太少/);
    assert.match(await page.getByTestId('dec-si-source').innerText(), /传播链/);
    await page.getByTestId('dec-fan-chart').locator('canvas').waitFor();
    assert.equal(await page.getByTestId('dec-demand').locator('tbody tr').count(), 2);
    assert.ok((await page.getByTestId('dec-scores').locator('tbody tr').count()) >= 1);
    const before = await demo.server.s.db
      .selectFrom('decision_projection')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await page.getByTestId('dec-project').click();
    await page.waitForFunction(
      () => !(document.querySelector('[data-testid="dec-project"]') as HTMLButtonElement | null)?.disabled,
    );
    assert.equal(await page.getByTestId('error').count(), 0);
    const after = await demo.server.s.db
      .selectFrom('decision_projection')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n) + 1);
  });
});
