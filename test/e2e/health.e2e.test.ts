// In Chromium: an investigator opens a household member's health code from the household page (red,
// with the rule and how it ends) and asks for a manual change with a legal basis; a command-centre user
// approves it from the changes queue and the colour follows; the resident, on a phone, sees their colour
// and latest test on their code page and files an appeal, which a reviewer finds in the appeals queue.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP, PHONE } from '../support/browser.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { newId } from '../../src/platform/crypto.ts';
import { TEST_PASSWORD, testPasswordHash } from '../support/password.ts';
import { addFacts, recordTestResults } from '../../src/health/health.facts.ts';

const HOUR = 3_600_000;

describe('health codes in the browser', () => {
  const demo = demoInBrowser();
  const { errors, signIn } = demo;

  test('household → red with reason → manual change approved by a second user → resident appeals from their code page', async () => {
    const s = demo.server.s;
    const area = await s.db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('name', '=', '文苑社区')
      .executeTakeFirstOrThrow();
    const person = await s.db
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .select(['person.id', 'person.name', 'person.household_id'])
      .where('area.path', 'like', `${area.path}%`)
      .where('person.household_id', 'is not', null)
      .where('person.birth_date', '<', '1995-01-01')
      // Not the demo resident (first start gives one household head of 文苑社区 an account).
      .where(
        'person.id',
        'not in',
        s.db
          .selectFrom('app_user')
          .select('person_id')
          .where('person_id', 'is not', null)
          .$narrowType<{ person_id: string }>(),
      )
      .orderBy('person.id')
      .executeTakeFirstOrThrow();
    const now = Date.now();
    await s.db.transaction().execute(async (trx) => {
      await addFacts(
        s,
        trx,
        [
          {
            personId: person.id,
            kind: 'close_contact',
            since: now - HOUR,
            until: now + 5 * 24 * HOUR,
            source: { type: 'contact', id: 'e2e-contact' },
            detail: { caseId: 'e2e-case' },
          },
        ],
        { actor: SYSTEM_ACTOR, reason: 'e2e contact confirmed' },
      );
      await recordTestResults(
        s,
        trx,
        [
          {
            personId: person.id,
            sampledAt: now - 2 * HOUR,
            reportedAt: now - HOUR,
            result: 'negative',
            pooled: true,
            source: { type: 'tube', id: 'e2e-tube' },
          },
        ],
        { actor: SYSTEM_ACTOR, reason: 'e2e lab upload' },
      );
    });

    const staff = await demo.browser.newContext(DESKTOP);
    const page = await staff.newPage();
    try {
      await signIn(page, 'investigator');
      await page.goto(`${demo.server.url}/households/${person.household_id}`);
      await page
        .locator(`[data-testid="member-row"][data-person-id="${person.id}"] [data-testid="member-health"]`)
        .click();
      await page.getByTestId('person-health').waitFor();
      assert.equal(await page.getByTestId('health-colour').first().getAttribute('data-colour'), 'red');
      const reasons = await page.getByTestId('health-reasons').innerText();
      assert.match(reasons, /密切接触者/);
      assert.match(reasons, /隔离期满/);
      assert.match(await page.getByTestId('health-latest-test').innerText(), /阴性/);
      assert.match(await page.getByTestId('health-history').innerText(), /e2e contact confirmed/);

      await page.getByTestId('override-open').click();
      await page.getByTestId('override-colour').selectOption('yellow');
      await page.getByTestId('override-basis').fill('《传染病防治法》第三十九条');
      await page.getByTestId('override-reason').fill('复核后改为居家健康监测');
      await page.getByTestId('override-submit').click();
      await page.getByTestId('override-sent').waitFor();
      assert.equal(
        await page.getByTestId('health-colour').first().getAttribute('data-colour'),
        'red',
        'nothing changes before a second user approves',
      );
    } finally {
      await staff.close();
    }

    const command = await demo.browser.newContext(DESKTOP);
    const cp = await command.newPage();
    try {
      await signIn(cp, 'command');
      await cp.getByTestId('nav-healthChanges').click();
      const row = cp.locator('[data-testid="override-row"][data-status="pending"]').first();
      await row.waitFor();
      await row.getByTestId('override-decide-reason').fill('已核实');
      await row.getByTestId('override-decide-approve').click();
      await cp.locator('[data-testid="override-row"][data-status="pending"]').first().waitFor({ state: 'detached' });
      await cp.goto(`${demo.server.url}/persons/${person.id}/health`);
      await cp.getByTestId('health-override').waitFor();
      assert.equal(await cp.getByTestId('health-colour').first().getAttribute('data-colour'), 'yellow');
    } finally {
      await command.close();
    }

    // The resident, on a phone: colour and latest test with the code, then an appeal.
    const password = TEST_PASSWORD;
    await s.db
      .insertInto('app_user')
      .values({
        id: newId(now),
        username: 'e2e-resident',
        display_name: person.name,
        password_hash: await testPasswordHash(),
        role: 'resident',
        area_id: area.id,
        failed_logins: 0,
        locked_until: null,
        disabled: 0,
        created_at: now,
        updated_at: now,
        person_id: person.id,
      })
      .execute();
    const phone = await demo.browser.newContext(PHONE);
    const pp = await phone.newPage();
    try {
      await signIn(pp, 'e2e-resident', password);
      await pp.goto(`${demo.server.url}/me/code`);
      await pp.getByTestId('my-code-qr').waitFor();
      await pp.locator('.my-code-colour [data-testid="health-colour"][data-colour="yellow"]').waitFor();
      assert.match(await pp.getByTestId('my-code-test').innerText(), /阴性/);
      await pp.getByTestId('my-health').waitFor();
      await pp.getByTestId('appeal-statement').fill('我已完成隔离,请核实');
      await pp.getByTestId('appeal-file').click();
      await pp.getByTestId('appeal-filed').waitFor();
      assert.match(await pp.getByTestId('appeal-list').innerText(), /待答复/);
      const width = await pp.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`);
    } finally {
      await phone.close();
    }

    const reviewer = await demo.browser.newContext(DESKTOP);
    const rp = await reviewer.newPage();
    try {
      await signIn(rp, 'investigator');
      await rp.getByTestId('nav-appeals').click();
      const row = rp.locator('[data-testid="appeal-row"][data-status="open"]').first();
      await row.waitFor();
      assert.match(await row.innerText(), /我已完成隔离/);
      await row.getByTestId('appeal-answer').fill('隔离期未满,维持原码');
      await row.getByTestId('appeal-submit').click();
      await rp.locator('[data-testid="appeal-row"][data-status="open"]').first().waitFor({ state: 'detached' });
    } finally {
      await reviewer.close();
    }
    assert.deepEqual(errors, []);
  });
});
