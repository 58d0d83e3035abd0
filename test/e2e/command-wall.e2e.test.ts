// In Chromium at 1920×1080: the command centre's situation wall shows a case registered after it opened
// within seconds (live, no reload), an alert raised by the rules is on the wall and acknowledged on the
// duty page.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser } from '../support/browser.ts';
import { registerCase } from '../../src/tracing/tracing.service.ts';
import { runAlerts } from '../../src/command/alerts.service.ts';
import { rootArea } from '../../src/db/sql.ts';
import type { Actor } from '../../src/access/access.rules.ts';

const WALL = { viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' } as const;

describe('the situation wall in the browser', () => {
  const demo = demoInBrowser();

  test('a new case shows live; an alert is raised and acknowledged', async () => {
    const s = demo.server.s;
    const page = await demo.open(await demo.browser.newContext(WALL));
    await demo.signIn(page, 'command');
    await page.getByTestId('nav-commandWall').click();
    await page.getByTestId('wall').waitFor();
    // The command room's screen: the same wall, full screen.
    await page.getByTestId('wall-screen-link').click();
    await page.waitForURL((u) => u.pathname === '/command/screen');
    await page.getByTestId('wall').waitFor();
    const today = page.getByTestId('wall-cases-today-value');
    await today.waitFor();
    const before = Number((await today.innerText()).replace(/,/g, ''));
    // Every panel is on the screen, none fails; the panels still to come say so.
    assert.equal(await page.getByTestId('wall-logistics').getAttribute('data-state'), 'pending');
    assert.match(await page.getByTestId('wall-logistics').innerText(), /尚未接入/);
    const box = await page.getByTestId('wall-quarantine').boundingBox();
    assert.ok(box && box.y + box.height <= 1080, 'the wall fits the screen');

    // A case registered now (another officer's desk) shows on the open wall without a reload.
    const root = (await rootArea(s.db))!;
    const user = await s.db
      .selectFrom('app_user')
      .select(['id', 'username', 'display_name'])
      .where('username', '=', 'command')
      .executeTakeFirstOrThrow();
    const actor: Actor = {
      userId: user.id,
      username: user.username,
      displayName: user.display_name,
      role: 'command',
      areaId: root.id,
      areaPath: root.path,
      via: 'token',
    };
    const person = await s.db
      .selectFrom('person')
      .select('id')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('case_record').select('case_record.id').whereRef('case_record.person_id', '=', 'person.id'),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    await registerCase(s, actor, {
      personId: person.id,
      classification: 'confirmed',
      source: 'fever_clinic',
      onsetAt: Date.now() - 24 * 3_600_000,
    });
    await page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-testid="wall-cases-today-value"]')?.textContent?.replace(/,/g, '')) === n,
      before + 1,
      { timeout: 15_000 },
    );

    // An alert: a venue of the city over its capacity.
    await runAlerts(s, {
      now: Date.now(),
      venues: [{ id: 'e2e-venue', areaId: root.id, areaPath: root.path, name: '万达广场', count: 120, capacity: 100 }],
    });
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="wall-alerts-total-value"]')?.textContent) > 0,
      undefined,
      { timeout: 15_000 },
    );
    await page.getByTestId('wall-alerts-total').click();
    const row = page.locator('[data-testid="alert-row"][data-rule="venue_over_capacity"]').first();
    await row.waitFor();
    assert.match(await row.innerText(), /万达广场/);
    await row.getByTestId('alert-ack').click();
    await page.waitForFunction(
      () =>
        document
          .querySelector('[data-testid="alert-row"][data-rule="venue_over_capacity"]')
          ?.getAttribute('data-status') === 'acknowledged',
    );
    assert.deepEqual(demo.errors, []);
  });
});
