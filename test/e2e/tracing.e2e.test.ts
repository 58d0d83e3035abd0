// In Chromium: an investigator registers a case by finding the person, sees the contacts appear with
// their evidence, confirms one with a reason in one click and sees its colour turn red with the reason;
// the review queue, the chain graph (click a node to open its case) and the community worker's call
// list with its status buttons.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP } from '../support/browser.ts';
import { purgeCheckins } from '../../src/venues/venue.service.ts';

describe('cases and contact tracing in the browser', () => {
  const demo = demoInBrowser();
  const { errors, signIn } = demo;

  /**
   * An adult of 文苑社区 with a phone whose household has another member with a phone, and a colleague
   * from another household who sat with them in an office yesterday for two hours.
   */
  async function caseAndContacts() {
    const area = await demo.server.s.db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('name', '=', '文苑社区')
      .executeTakeFirstOrThrow();
    const adults = await demo.server.s.db
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .select(['person.id', 'person.name', 'person.phone_enc', 'person.household_id', 'person.area_id'])
      .where('area.path', 'like', `${area.path}%`)
      .where('person.phone_enc', 'is not', null)
      .where('person.household_id', 'is not', null)
      .where('person.birth_date', '<', '1995-01-01')
      .where('person.birth_date', '>', '1960-01-01')
      .orderBy('person.id')
      .limit(400)
      .execute();
    for (const a of adults) {
      const mate = await demo.server.s.db
        .selectFrom('person')
        .select(['id', 'name'])
        .where('household_id', '=', a.household_id!)
        .where('id', '!=', a.id)
        .where('phone_enc', 'is not', null)
        .orderBy('id')
        .executeTakeFirst();
      const colleague = adults.find((c) => c.household_id !== a.household_id && c.id !== a.id);
      if (!mate || !colleague) continue;
      const now = Date.now();
      const at = now - 20 * 3_600_000;
      await demo.server.s.db
        .insertInto('venue')
        .values({
          id: 'e2e-office',
          name: '文苑写字楼',
          category: 'office',
          address: '',
          area_id: a.area_id,
          capacity: 100,
          operator_user_id: null,
          status: 'approved',
          approved_by: null,
          approved_at: null,
          code_version: 1,
          requires_presence: 0,
          dwell_minutes: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const visit = (id: string, personId: string) => ({
        id,
        venue_id: 'e2e-office',
        person_id: personId,
        client_id: null,
        method: 'assisted',
        entered_at: at,
        exited_at: at + 120 * 60_000,
        exit_kind: 'scan',
        decision: 'admitted',
        refusal_code: null,
        colour: 'green',
        reasons: null,
        test_sampled_at: null,
        test_result: null,
        vaccinated: null,
        created_at: at,
      });
      // The demo movements would give the case dozens of co-present strangers: keep only the office visit.
      await demo.server.s.db.deleteFrom('checkin').where('person_id', '=', a.id).execute();
      await demo.server.s.db
        .insertInto('checkin')
        .values([visit('e2e-c1', a.id), visit('e2e-c2', colleague.id)])
        .execute();
      return {
        id: a.id,
        name: a.name,
        phone: demo.server.s.cipher.decrypt(a.phone_enc!),
        mateId: mate.id,
        mateName: mate.name,
        colleagueId: colleague.id,
        colleagueName: colleague.name,
        visitedAt: at,
      };
    }
    throw new Error('the demo city has no household of two with phones in 文苑社区');
  }

  test('register a case → contacts appear → confirm one → its colour turns red with the reason; queue, chain, call list', async () => {
    const who = await caseAndContacts();
    const context = await demo.browser.newContext(DESKTOP);
    const page = await context.newPage();
    try {
      await signIn(page, 'investigator');
      await page.getByTestId('nav-cases').click();
      await page.getByTestId('case-register-open').click();
      await page.getByTestId('case-person-search').fill(who.phone);
      await page.locator(`[data-testid="case-person-result"][data-person-id="${who.id}"]`).click();
      await page.getByTestId('case-person-chosen').waitFor();
      await page.getByTestId('case-classification').selectOption('confirmed');
      await page.getByTestId('case-source').selectOption('fever_clinic');
      const onset = new Date(Date.now() - 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16); // yesterday, Beijing time
      await page.getByTestId('case-onset').fill(onset);
      await page.getByTestId('case-register-submit').click();

      // The case page: the contacts were traced in the same request.
      await page.getByTestId('case-page').waitFor();
      assert.match(await page.locator('h1.page-title').innerText(), new RegExp(who.name));
      const mateRow = page.locator(`[data-testid="contact-row"][data-person-id="${who.mateId}"]`);
      await mateRow.waitFor();
      assert.match(await mateRow.getByTestId('contact-class').innerText(), /密切接触者/);
      assert.match(await mateRow.getByTestId('contact-evidence').innerText(), /同住/);
      // The rule by its label; its key stays on the element.
      assert.match(await mateRow.getByTestId('contact-rule').innerText(), /同住人员为密切接触者/);
      assert.doesNotMatch(await mateRow.getByTestId('contact-rule').innerText(), /closeContact|9th-edition/);
      await mateRow
        .locator('[data-testid="contact-rule"] [data-rule-key="closeContact.sameHousehold"]')
        .waitFor({ state: 'attached' });
      assert.doesNotMatch(await page.getByTestId('contacts-table').innerText(), /1[3-9]\d{9}/, 'phones are masked');
      assert.match(await page.getByTestId('case-timeline').innerText(), /确诊在治/);

      // The office colleague is a close-contact candidate: green until an investigator confirms.
      const colleagueRow = () => page.locator(`[data-testid="contact-row"][data-person-id="${who.colleagueId}"]`);
      await colleagueRow().waitFor();
      assert.match(await colleagueRow().getByTestId('contact-evidence').innerText(), /文苑写字楼[\s\S]*重叠 150 分钟/);
      assert.equal(await colleagueRow().getByTestId('review-status').getAttribute('data-status'), 'pending');
      await colleagueRow().locator('[data-testid="person-colour"][data-colour="green"]').waitFor();

      // Confirm in one click, with our own reason in the box.
      await colleagueRow().getByTestId('review-reason').fill('同一办公室,未戴口罩');
      await colleagueRow().getByTestId('review-confirm').click();
      await colleagueRow().locator('[data-testid="review-status"][data-status="confirmed"]').waitFor();
      assert.match(await colleagueRow().getByTestId('review-reason-shown').innerText(), /同一办公室,未戴口罩/);

      // The colour (health module) turns red, with the reason: a close contact by the venue rule.
      await colleagueRow().locator('[data-testid="person-colour"][data-colour="red"]').waitFor();
      const reasons = await colleagueRow().getByTestId('person-colour-reasons').innerText();
      assert.match(reasons, /密切接触者/);
      assert.match(reasons, /密闭场所同时段共处/);
      await colleagueRow()
        .locator('[data-testid="person-colour-reasons"] [data-rule-key="venueCoPresence.closeCategories"]')
        .waitFor({ state: 'attached' });

      // The review queue: the other contacts of the case wait there (or it says nothing is left).
      await page.getByTestId('nav-review').click();
      await page.getByTestId('queue-table').or(page.getByTestId('queue-empty')).first().waitFor();
      assert.equal(
        await page.locator('[data-testid="queue-row"]').filter({ hasText: who.colleagueName }).count(),
        0,
        'a confirmed contact left the queue',
      );
      // The housemate waits there; the keyboard decides: focus the row, press C.
      const mateInQueue = page.locator('[data-testid="queue-row"]').filter({ hasText: who.mateName }).first();
      await mateInQueue.focus();
      await page.keyboard.press('c');
      await mateInQueue.locator('[data-testid="queue-done"]').waitFor();
      const mateContact = await demo.server.s.db
        .selectFrom('contact')
        .select(['review_status', 'review_reason'])
        .where('person_id', '=', who.mateId)
        .executeTakeFirstOrThrow();
      assert.equal(mateContact.review_status, 'confirmed');
      assert.match(mateContact.review_reason ?? '', /同住/);

      // The chain graph: the case and its household; clicking the case's node opens the case.
      await page.getByTestId('nav-chains').click();
      const graph = page.getByTestId('chain-graph');
      await page.waitForFunction(
        () => Number(document.querySelector('[data-testid="chain-graph"]')?.getAttribute('data-nodes')) >= 2,
      );
      await page.waitForFunction(() =>
        Boolean((document.querySelector('[data-testid="chain-graph"]') as { cy?: unknown } | null)?.cy),
      );
      await graph.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      const point = await page.evaluate((personId) => {
        type Node = { renderedPosition(): { x: number; y: number } };
        const el = document.querySelector('[data-testid="chain-graph"]') as HTMLElement & {
          cy: { $id(id: string): Node; zoom(level: number): void; center(node: Node): void };
        };
        // The city's graph may hold many chains (the demo's seeded outbreak): bring the case's node into view.
        const node = el.cy.$id(`person:${personId}`);
        el.cy.zoom(1.5);
        el.cy.center(node);
        const p = node.renderedPosition();
        const box = el.getBoundingClientRect();
        return { x: box.left + p.x, y: box.top + p.y };
      }, who.id);
      await page.mouse.click(point.x, point.y);
      await page.getByTestId('chain-selected-label').waitFor();
      assert.equal((await page.getByTestId('chain-selected-label').innerText()).trim(), who.name);
      assert.ok((await page.getByTestId('cluster-row').count()) >= 1);
      await page.getByTestId('chain-open-case').click();
      await page.getByTestId('case-page').waitFor();

      // The case moves on with a reason; the timeline shows it.
      await page.getByTestId('case-status-to').selectOption('recovered');
      await page.getByTestId('case-status-reason').fill('症状消失');
      await page.getByTestId('case-status-submit').click();
      await page.locator('[data-testid="case-facts"] [data-testid="case-status"][data-status="recovered"]').waitFor();
      assert.match(await page.getByTestId('case-timeline').innerText(), /确诊在治 → 已治愈[\s\S]*症状消失/);

      // The office visits are purged; tracing again keeps the colleague, its evidence saying the visits are gone.
      await purgeCheckins(demo.server.s, who.visitedAt + 1);
      await page.getByTestId('case-retrace').click();
      await page.getByTestId('trace-purged').waitFor();
      assert.match(await page.getByTestId('trace-kept-purged').innerText(), /\d+ 名接触者/);
      await colleagueRow().getByTestId('evidence-purged').waitFor();
      assert.match(
        await colleagueRow().getByTestId('contact-evidence').innerText(),
        /文苑写字楼[\s\S]*扫码记录已删除[\s\S]*重叠 150 分钟/,
      );
      assert.equal(await colleagueRow().getByTestId('evidence-visit-purged').count(), 2);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }

    // The community worker of 文苑社区 calls the housemate from their list.
    const worker = await demo.browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      isMobile: true,
      hasTouch: true,
    });
    const wp = await worker.newPage();
    try {
      await signIn(wp, 'wenyuan');
      await wp.goto(`${demo.server.url}/calls`);
      const row = wp.locator('[data-testid="call-row"]').filter({ hasText: who.mateName }).first();
      await row.waitFor();
      assert.match(await row.getByTestId('call-phone').innerText(), /^\d{3}\*{4}\d{4}$/);
      await row.getByTestId('call-note-input').fill('已通知,居家等待转运');
      await row.getByTestId('call-reached').click();
      await row.getByTestId('call-status').and(wp.locator('[data-status="reached"]')).waitFor();
      const task = await demo.server.s.db
        .selectFrom('call_task')
        .select(['status', 'attempts'])
        .where('person_id', '=', who.mateId)
        .executeTakeFirstOrThrow();
      assert.equal(task.status, 'reached');
      assert.equal(Number(task.attempts), 1);
      assert.deepEqual(errors, []);
    } finally {
      await worker.close();
    }
  });
});
