// In Chromium, a mass testing round from end to end: the command centre creates a round over 文苑社区
// (controlled area, 10:1), registers a sampling site and table and assigns a sampler; the sampler, on a
// phone, fills a tube with ten people — the eleventh is refused with the server's message — and,
// offline, fills a second tube — the page reloaded without network in the middle (service worker) —
// that is sent once when the network returns (even when the first answer is lost). The lab uploads a
// positive for the first tube, the one-click report (一键即报) fires, the squad re-samples every member
// at home, the re-tests come back negative and control is lifted. A grid worker marks a visit on the
// door-knock list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DESKTOP, demoInBrowser, PHONE } from '../support/browser.ts';
import { addUser } from '../../src/access/access.service.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { issuePersonalCode } from '../../src/venues/venue.codes.ts';

const SAMPLER = { username: 'caiyang01', password: 'sampler-pass-2022' };

describe('mass testing round in the browser', () => {
  const demo = demoInBrowser();
  const { errors, signIn, open } = demo;

  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-lab-'));
  });
  after(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function choose(page: Page, testId: string, value: string): Promise<void> {
    await page.getByTestId(testId).locator(`option[value="${value}"]`).waitFor({ state: 'attached' });
    await page.getByTestId(testId).selectOption(value);
  }

  /** A results file as the lab's software writes it. */
  function resultsFile(name: string, rows: Array<[string, '阴性' | '阳性', string, string]>): string {
    const file = path.join(tmp, name);
    const at = new Date().toISOString();
    fs.writeFileSync(
      file,
      ['管码,结果,N基因Ct,ORF1ab基因Ct,检测时间', ...rows.map((r) => `${r[0]},${r[1]},${r[2]},${r[3]},${at}`)].join(
        '\n',
      ) + '\n',
    );
    return file;
  }

  async function upload(page: Page, file: string): Promise<void> {
    await page.getByTestId('lab-file').setInputFiles(file);
    await page.getByTestId('lab-submit').click();
    await page
      .locator('[data-testid="lab-summary"], [data-testid="error"], [data-testid="import-errors"]')
      .first()
      .waitFor();
    if (!(await page.getByTestId('lab-summary').count()))
      assert.fail(`upload refused: ${await page.locator('.lab-page').innerText()}`);
  }

  test('sample → positive pool → one-click report → re-tests negative → control lifted', async () => {
    const s = demo.server.s;
    const community = await s.db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('name', '=', '文苑社区')
      .where('level', '=', 'community')
      .executeTakeFirstOrThrow();
    const chain: string[] = [];
    for (let id: string | null = community.id; id;) {
      const a: { id: string; parent_id: string | null } = await s.db
        .selectFrom('area')
        .select(['id', 'parent_id'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      chain.unshift(a.id);
      id = a.parent_id;
    }
    const people = await s.db
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .select(['person.id', 'person.id_enc'])
      .where('area.path', 'like', `${community.path}%`)
      .where('person.id_type', '=', 'resident_id')
      .where('person.id_enc', 'is not', null)
      .orderBy('person.id')
      .limit(13)
      .execute();
    assert.equal(people.length, 13, 'the demo community has people to sample');
    const city = await s.db.selectFrom('area').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
    const sampler = await addUser(s, SYSTEM_ACTOR, {
      username: SAMPLER.username,
      displayName: '采样员甲',
      role: 'sampler',
      areaId: city.id,
      password: SAMPLER.password,
    });

    // The command centre: a round over 文苑社区 as a controlled area (10:1), reported by hand.
    const desk = await demo.browser.newContext(DESKTOP);
    const cp = await open(desk);
    await signIn(cp, 'command');
    await cp.getByTestId('nav-testingRounds').click();
    await cp.getByTestId('round-create-open').click();
    await cp.getByTestId('round-name').fill('第一轮全员核酸');
    for (let i = 1; i < chain.length; i++) await choose(cp, `round-area-${i - 1}`, chain[i]!);
    await cp.getByTestId('round-area-level').selectOption('controlled');
    await cp.getByTestId('round-area-add').click();
    await cp.getByTestId('round-auto-report').selectOption('off');
    await cp.getByTestId('round-submit').click();
    await cp.getByTestId('round-page').waitFor();
    const roundId = (await cp.getByTestId('round-page').getAttribute('data-round-id'))!;
    const target = Number(
      await cp.getByTestId('round-summary').locator('.stat-value').first().getAttribute('data-value'),
    );
    assert.ok(target > 13, `the round targets the community's residents (${target})`);

    // Planner: what is short, then a site with a table and the sampler assigned to it.
    await cp.getByTestId('round-tab-plan').click();
    await cp.getByTestId('plan-total').waitFor();
    assert.ok(
      Number(await cp.getByTestId('plan-short-samplers').getAttribute('data-value')) > 0,
      'no sampler yet: samplers are short',
    );
    // The pool-size advisor on this round: at a typed prevalence, 10:1 in the controlled area.
    await cp.getByTestId('pooling-prevalence').fill('0.2%');
    await cp.getByTestId('pooling-apply').click();
    await cp.locator('[data-testid="pooling-source"][data-source="typed"]').waitFor();
    assert.equal(await cp.getByTestId('pooling-row').first().getAttribute('data-recommended'), '10');
    for (let i = 1; i < chain.length; i++) await choose(cp, `site-area-${i - 1}`, chain[i]!);
    await cp.getByTestId('site-name').fill('文苑广场采样点');
    await cp.getByTestId('site-submit').click();
    const site = cp.getByTestId('site-row').filter({ hasText: '文苑广场采样点' });
    await site.getByTestId('table-name').fill('1号台');
    await site.getByTestId('table-add').click();
    await site.filter({ hasText: '1号台' }).waitFor();
    // The sampler is found by name among the sampler accounts of the planner's area, not typed in as an id.
    await cp.getByTestId('staff-search').fill('采样员');
    await cp.locator(`[data-testid="staff-candidate"][data-user-id="${sampler.user.id}"]`).click();
    await cp.locator(`[data-testid="staff-picked"][data-user-id="${sampler.user.id}"]`).waitFor();
    const tableOption = cp.getByTestId('staff-table').locator('option').filter({ hasText: '1号台' });
    await tableOption.waitFor({ state: 'attached' });
    await cp.getByTestId('staff-table').selectOption((await tableOption.getAttribute('value'))!);
    await cp.getByTestId('staff-submit').click();
    await cp.getByTestId('staff-row').filter({ hasText: '采样员甲' }).waitFor();
    // The round's settings: the deadline moved two hours later, levels kept.
    await cp.getByTestId('round-settings').locator('summary').click();
    const deadline = await cp.getByTestId('round-deadline').inputValue();
    const later = new Date(Date.parse(deadline) + 2 * 3_600_000 - new Date().getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    await cp.getByTestId('round-deadline').fill(later);
    await cp.getByTestId('round-settings-save').click();
    await cp.getByTestId('round-settings').locator('.alert-ok').waitFor();
    const stored = await s.db
      .selectFrom('testing_round')
      .select(['deadline_at', 'starts_at'])
      .where('id', '=', roundId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(stored.deadline_at) - Number(stored.starts_at) > 25 * 3_600_000, true, 'the deadline moved');

    // The sampler's phone: the assignment, a tube, ten people; the eleventh is refused by the server.
    const phone = await demo.browser.newContext(PHONE);
    const sp = await open(phone);
    await signIn(sp, SAMPLER.username, SAMPLER.password);
    await sp.goto(`${demo.server.url}/testing/sample`);
    await sp.getByTestId('sampler-assignment').first().click();
    await sp.getByTestId('sampler-barcode').fill('WY0001');
    await sp.getByTestId('sampler-open').click();
    await sp.locator('[data-testid="sampler-tube"][data-state="ok"]').waitFor();
    const code = (personId: string) => issuePersonalCode(s.signing.personalPrivateKey, personId, s.clock.now()).token;
    for (let i = 0; i < 11; i++) {
      if (i === 3) await sp.getByTestId('sampler-id-number').fill(s.cipher.decrypt(people[i]!.id_enc!));
      else await sp.getByTestId('sampler-code').fill(code(people[i]!.id));
      await sp.getByTestId('sampler-add').click();
      if (i < 10) await sp.locator(`[data-testid="sampler-count"][data-count="${i + 1}"]`).waitFor();
    }
    const refusal = sp.locator('[data-testid="sampler-notice"][data-code="TUBE_FULL"]');
    await refusal.waitFor();
    assert.equal(await sp.getByTestId('sampler-count').getAttribute('data-capacity'), '10');
    assert.equal(await sp.locator('[data-testid="sampler-person"][data-state="ok"]').count(), 10);
    assert.doesNotMatch(await sp.getByTestId('sampler-people').innerText(), /\d{17}[\dX]/, 'no ID number on the phone');
    // A wrong scan is taken back, and the person scanned again.
    await sp.getByTestId('sampler-undo').last().click();
    await sp.locator('[data-testid="sampler-count"][data-count="9"]').waitFor();
    await sp.getByTestId('sampler-code').fill(code(people[9]!.id));
    await sp.getByTestId('sampler-add').click();
    await sp.locator('[data-testid="sampler-count"][data-count="10"]').waitFor();
    await sp.getByTestId('sampler-close').click();
    await sp.locator('[data-testid="sampler-recent-row"][data-state="ok"]').waitFor();

    // Offline: a second tube with two people, kept on the phone; nothing reaches the server. The page
    // has its service worker and the answers it needs for a reload without network first.
    await sp.waitForFunction(() => document.documentElement.dataset.offlineReady === '1');
    await phone.setOffline(true);
    await sp.getByTestId('sampler-barcode').fill('WY0002');
    await sp.getByTestId('sampler-open').click();
    await sp.getByTestId('sampler-code').fill(code(people[11]!.id));
    await sp.getByTestId('sampler-add').click();
    await sp.locator('[data-testid="sampler-count"][data-count="1"]').waitFor();
    // Still offline, the page is reloaded (the phone's browser dropped it): the service worker serves it,
    // and the station, the tube in hand and the queued ops are still there; sampling goes on.
    await sp.reload();
    await sp.getByTestId('sampler-station').waitFor();
    await sp.locator('[data-testid="sampler-tube"][data-barcode="WY0002"][data-state="queued"]').waitFor();
    await sp.locator('[data-testid="sampler-count"][data-count="1"]').waitFor();
    await sp.locator('[data-testid="sampler-queue-count"][data-count="2"]').waitFor();
    assert.equal(await sp.getByTestId('sampler-network').textContent(), '离线');
    await sp.getByTestId('sampler-code').fill(code(people[12]!.id));
    await sp.getByTestId('sampler-add').click();
    await sp.locator('[data-testid="sampler-count"][data-count="2"]').waitFor();
    await sp.getByTestId('sampler-close').click();
    await sp.locator('[data-testid="sampler-queue-count"][data-count="4"]').waitFor();
    assert.equal(
      (await s.db.selectFrom('testing_tube').select('id').where('barcode', '=', 'WY0002').execute()).length,
      0,
    );

    // Back online, the first answer is lost on its way back: the phone sends the same ops again.
    const sent: string[] = [];
    let dropped = false;
    await sp.route('**/api/v1/testing/sync', async (route) => {
      sent.push(...(route.request().postDataJSON() as { ops: Array<{ clientId: string }> }).ops.map((o) => o.clientId));
      if (!dropped) {
        dropped = true;
        await route.fetch();
        await route.abort('failed');
      } else await route.continue();
    });
    await phone.setOffline(false);
    await sp.locator('[data-testid="sampler-queue-count"][data-count="0"]').waitFor({ timeout: 30_000 });
    assert.ok(sent.length >= 8, `the queue was sent again after the lost answer (${sent.length} ops sent)`);
    const offlineTube = await s.db
      .selectFrom('testing_tube')
      .select(['id', 'status'])
      .where('barcode', '=', 'WY0002')
      .execute();
    assert.equal(offlineTube.length, 1, 'one tube for the queued ops');
    const offlineMembers = await s.db
      .selectFrom('testing_tube_member')
      .select('person_id')
      .where('tube_id', '=', offlineTube[0]!.id)
      .execute();
    assert.deepEqual(
      offlineMembers.map((m) => m.person_id).sort(),
      people
        .slice(11)
        .map((p) => p.id)
        .sort(),
      'each queued person once',
    );
    assert.notEqual(offlineTube[0]!.status, 'open', 'the queued close was applied');

    // Chain of custody: both tubes into a box, handed to transport.
    await sp.getByTestId('sampler-tab-boxes').click();
    await sp.getByTestId('box-code').fill('BX0001');
    await sp.getByTestId('box-create').click();
    const box = sp.locator('[data-testid="box-row"][data-status="packing"]');
    await box.getByTestId('box-barcodes').fill('WY0001\nWY0002');
    await box.getByTestId('box-add').click();
    await box.filter({ hasText: '2 管' }).waitFor();
    await box.getByTestId('box-carrier').fill('转运车 吉D12345');
    await box.getByTestId('box-handover').click();
    await sp.locator('[data-testid="box-row"][data-status="in_transit"]').waitFor();
    await sp.getByTestId('sampler-tab-sample').click();

    // The lab: WY0001 positive, WY0002 negative.
    const lab = await demo.browser.newContext(DESKTOP);
    const lp = await open(lab);
    await signIn(lp, 'lab');
    await lp.getByTestId('nav-lab').click();
    await choose(lp, 'lab-round', roundId);
    await lp.getByTestId('lab-name').fill('市疾控中心实验室');
    await lp.getByTestId('lab-receive').click();
    await lp.getByTestId('lab-boxes').waitFor({ state: 'detached' });
    const custody = await s.db
      .selectFrom('testing_box')
      .select(['status', 'lab'])
      .where('code', '=', 'BX0001')
      .executeTakeFirstOrThrow();
    assert.deepEqual(custody, { status: 'received', lab: '市疾控中心实验室' });
    await upload(
      lp,
      resultsFile('results-1.csv', [
        ['WY0001', '阳性', '31.2', '32.5'],
        ['WY0002', '阴性', '', ''],
      ]),
    );
    assert.equal(await lp.getByTestId('lab-summary').getAttribute('data-positive'), '1');
    await lp.getByTestId('lab-new-pools').waitFor();

    // One-click report: the squad, the community and the police notified, all ten under control.
    const poolRow = lp.locator('[data-testid="pool-row"][data-barcode="WY0001"]');
    await poolRow.locator('[data-status="detected"]').first().waitFor();
    await poolRow.getByTestId('pool-report').click();
    await lp.getByTestId('pool-reported').waitFor();
    assert.match(await lp.getByTestId('pool-reported').innerText(), /10/);
    await lp.locator('[data-testid="pool-row"][data-barcode="WY0001"][data-status="reported"]').waitFor();
    await lp.locator('[data-testid="pool-row"][data-barcode="WY0001"]').getByTestId('pool-detail-toggle').click();
    await lp.locator('[data-testid="pool-notification"][data-kind="police"]').waitFor();
    const kinds = await lp
      .getByTestId('pool-notification')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    assert.deepEqual([...new Set(kinds)].sort(), ['community', 'police', 'squad']);
    assert.equal(
      await lp.locator('[data-testid="pool-member"][data-task-status="open"]').count(),
      10,
      'nobody re-sampled yet',
    );
    const poolId = (await lp.locator('[data-testid="pool-row"][data-barcode="WY0001"]').getAttribute('data-pool-id'))!;
    const underControl = () =>
      s.db
        .selectFrom('health_fact')
        .select('person_id')
        .where('source_type', '=', 'pool')
        .where('source_id', '=', poolId)
        .where('ended_at', 'is', null)
        .execute();
    assert.deepEqual(
      (await underControl()).map((f) => f.person_id).sort(),
      people
        .slice(0, 10)
        .map((p) => p.id)
        .sort(),
      'every member under in-place control',
    );

    // The squad (the sampler's phone): ten single-tube re-tests at home.
    await sp.getByTestId('sampler-tab-tasks').click();
    await sp.getByTestId('sampler-tasks-refresh').click();
    const tasks = sp.locator('[data-testid="sampler-task"][data-state="open"]');
    await tasks.first().waitFor();
    assert.equal(await tasks.count(), 10);
    const retests: string[] = [];
    for (let i = 0; i < 10; i++) {
      const barcode = `RT${String(i + 1).padStart(4, '0')}`;
      retests.push(barcode);
      const task = tasks.first();
      const taskId = (await task.getAttribute('data-task-id'))!;
      await task.getByTestId('sampler-task-barcode').fill(barcode);
      await task.getByTestId('sampler-task-sample').click();
      await sp.locator(`[data-testid="sampler-task"][data-task-id="${taskId}"][data-state="ok"]`).waitFor();
    }

    // The re-tests come back negative: control is lifted at once.
    await upload(
      lp,
      resultsFile(
        'results-2.csv',
        retests.map((b) => [b, '阴性', '', ''] as [string, '阴性', string, string]),
      ),
    );
    await lp.getByTestId('lab-released').waitFor();
    await lp.getByTestId('pools-filter-all').click();
    await lp.locator('[data-testid="pool-row"][data-barcode="WY0001"][data-status="released"]').waitFor();
    assert.deepEqual(await underControl(), [], 'control lifted for every member');

    // The command centre's dashboard shows it: no open pool, one positive pool in the round.
    await cp.getByTestId('round-tab-pools').click();
    await cp.getByTestId('pools-empty').waitFor();
    await cp.getByTestId('round-tab-coverage').click();
    await cp.getByTestId('coverage-row').first().waitFor();

    // A grid worker knocks on a door: the list of a building with people not yet sampled.
    const grid = await demo.browser.newContext(PHONE);
    const gp = await open(grid);
    await signIn(gp, 'wenyuan');
    await gp.goto(`${demo.server.url}/testing/door-knock?round=${roundId}`);
    for (let depth = 0; depth < 4; depth++) {
      // Down through the first area with people missing, reading the level of the row clicked.
      const area = gp.locator('[data-testid="doorknock-area"]:has(.knock-missing.has)').first();
      await area.waitFor();
      const level = (await area.getAttribute('data-level'))!;
      await area.click();
      if (level === 'building') break;
      // The rows of the next level (never of the clicked row's level) have replaced these.
      await gp.locator(`[data-testid="doorknock-area"]:not([data-level="${level}"])`).first().waitFor();
    }
    const person = gp.getByTestId('doorknock-person').first();
    await person.waitFor();
    assert.doesNotMatch(
      await gp.getByTestId('doorknock-building').innerText(),
      /\d{17}[\dX]/,
      'no ID number on the list',
    );
    await person.getByTestId('visit-away').click();
    await gp.locator('[data-testid="doorknock-person"][data-mark="away"][data-state="ok"]').first().waitFor();

    assert.deepEqual(errors, []);
  });
});
