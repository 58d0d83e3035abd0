// In Chromium: the demo enterprise applies for a pass for its free tractor-trailer, the department
// issues it from the review queue, and the enterprise opens the pass with its number, QR and PDF.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP } from '../support/browser.ts';

describe('vehicle passes in the browser', () => {
  const demo = demoInBrowser();

  test('apply, issue, open the pass', async () => {
    const enterprise = await demo.open(await demo.browser.newContext(DESKTOP));
    const reviewer = await demo.open(await demo.browser.newContext(DESKTOP));
    await demo.signIn(enterprise, 'enterprise');
    await enterprise.getByTestId('nav-logisticsPortal').click();
    await enterprise.getByTestId('lg-enterprise').waitFor();
    assert.match(await enterprise.getByTestId('lg-enterprise').innerText(), /民生保供/);
    const vehicle = enterprise.getByTestId('lg-apply-vehicle');
    await vehicle.locator('option', { hasText: '吉D7K062' }).waitFor({ state: 'attached' });
    await vehicle.selectOption({ label: '吉D7K062' });
    await enterprise.getByTestId('lg-apply-origin').fill('210102');
    await enterprise.getByTestId('lg-apply-cargo').selectOption('food');
    await enterprise.getByTestId('lg-apply-note').fill('大米 28 吨');
    await enterprise.getByTestId('lg-apply-submit').click();
    // The form empties once the application is in.
    await enterprise.waitForFunction(
      () => (document.querySelector('[data-testid="lg-apply-note"]') as HTMLInputElement | null)?.value === '',
    );
    assert.equal(await enterprise.getByTestId('error').count(), 0);

    await demo.signIn(reviewer, 'logistics');
    await reviewer.getByTestId('nav-logisticsReview').click();
    const item = reviewer.getByTestId('lg-decide-吉D7K062');
    await item.waitFor();
    await item.getByTestId('lg-reason').fill('材料齐全');
    await item.getByTestId('lg-issue').click();
    await item.waitFor({ state: 'detached' });

    const pass = await demo.server.s.db
      .selectFrom('vehicle_pass')
      .innerJoin('vehicle', 'vehicle.id', 'vehicle_pass.vehicle_id')
      .select(['vehicle_pass.id', 'vehicle_pass.number'])
      .where('vehicle.plate', '=', '吉D7K062')
      .where('vehicle_pass.status', '=', 'issued')
      .executeTakeFirstOrThrow();
    assert.match(pass.number!, /^\d{12}$/);
    await enterprise.goto(`${demo.server.url}/logistics/passes/${pass.id}`);
    assert.equal(await enterprise.getByTestId('lg-pass-number').innerText(), pass.number);
    await enterprise.getByTestId('lg-pass-qr').waitFor();
    const [file] = await Promise.all([
      enterprise.waitForEvent('download'),
      enterprise.getByTestId('lg-pass-pdf').click(),
    ]);
    assert.match(file.suggestedFilename(), /\.pdf$/);
    assert.deepEqual(demo.errors, []);
  });
});
