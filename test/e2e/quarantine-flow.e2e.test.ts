// In Chromium, from "contact found" to "released with a certificate": a case whose office colleagues
// sat with it a week ago; the command centre confirms the two candidates on the case page, orders every
// confirmed close contact of the case, allocates them to the hotel and confirms the plan (pick-up list
// shown); the site's staff, on a phone, record a fever on the rounds page and the alert appears; the lab
// uploads today's single tubes through the lab page; the command centre releases the colleague whose
// schedule is complete and the certificate PDF downloads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoInBrowser, DESKTOP, PHONE } from '../support/browser.ts';
import { addDays, dateInZone, startOfDate } from '../../src/platform/calendar.ts';
import { recordTestResults } from '../../src/health/health.facts.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { registerCase } from '../../src/tracing/tracing.service.ts';
import { sampleTubes } from '../../src/testing/testing.tubes.ts';
import { activeChoice } from '../../src/rules/ruleset.service.ts';
import type { Actor } from '../../src/access/access.rules.ts';

const HOUR = 3_600_000;

describe('quarantine from contact to release in the browser', () => {
  const demo = demoInBrowser();
  const { signIn } = demo;

  test('confirm contacts → order → allocate → fever on the rounds page → lab upload → release with a certificate', async () => {
    const s = demo.server.s;
    const db = s.db;
    const tz = s.config.timeZone;
    const now = s.clock.now();
    const today = dateInZone(now, tz);
    const { ruleSet } = await activeChoice(s);
    const days = ruleSet.management.close_contact!.centralisedDays;
    // The office visit on day 0, so that today is the colleagues' last centralised day.
    const visitAt = startOfDate(addDays(today, -days), tz) + 10 * HOUR;

    const community = await db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('name', '=', '文苑社区')
      .where('level', '=', 'community')
      .executeTakeFirstOrThrow();
    const adults = await db
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .leftJoin('case_record', 'case_record.person_id', 'person.id')
      .leftJoin('quarantine_order', 'quarantine_order.person_id', 'person.id')
      .select(['person.id', 'person.household_id', 'person.area_id'])
      .where('area.path', 'like', `${community.path}%`)
      .where('case_record.id', 'is', null)
      .where('quarantine_order.id', 'is', null)
      .where('person.household_id', 'is not', null)
      .where('person.birth_date', '<', '1995-01-01')
      .where('person.birth_date', '>', '1960-01-01')
      .orderBy('person.id')
      .limit(200)
      .execute();
    const byHousehold = new Map<string, (typeof adults)[number]>();
    for (const a of adults) if (!byHousehold.has(a.household_id!)) byHousehold.set(a.household_id!, a);
    const [patient, colleagueA, colleagueB] = [...byHousehold.values()];
    assert.ok(patient && colleagueA && colleagueB, 'three adults of three households');
    const command: Actor = {
      userId: 'e2e-command',
      username: 'command',
      displayName: 'command',
      role: 'command',
      areaId: community.id,
      areaPath: community.path,
      via: 'session',
    };
    await db
      .insertInto('venue')
      .values({
        id: 'e2e-qoffice',
        name: '文苑写字楼',
        category: 'office',
        address: '',
        area_id: patient.area_id,
        capacity: 100,
        operator_user_id: null,
        status: 'approved',
        approved_by: null,
        approved_at: null,
        code_version: 1,
        requires_presence: 0,
        dwell_minutes: null,
        created_at: visitAt,
        updated_at: visitAt,
      })
      .execute();
    await db.deleteFrom('checkin').where('person_id', 'in', [patient.id, colleagueA.id, colleagueB.id]).execute();
    await db
      .insertInto('checkin')
      .values(
        [patient, colleagueA, colleagueB].map((p, i) => ({
          id: `e2e-q${i}`,
          venue_id: 'e2e-qoffice',
          person_id: p.id,
          client_id: null,
          method: 'assisted',
          entered_at: visitAt,
          exited_at: visitAt + 3 * HOUR,
          exit_kind: 'scan',
          decision: 'admitted',
          refusal_code: null,
          colour: 'green',
          reasons: null,
          test_sampled_at: null,
          test_result: null,
          vaccinated: null,
          created_at: visitAt,
        })),
      )
      .execute();
    const { case: theCase } = await registerCase(s, command, {
      personId: patient.id,
      classification: 'confirmed',
      source: 'fever_clinic',
      onsetAt: visitAt + 24 * HOUR,
    });
    const hotel = await db
      .selectFrom('quarantine_staff')
      .innerJoin('app_user', 'app_user.id', 'quarantine_staff.user_id')
      .innerJoin('quarantine_site', 'quarantine_site.id', 'quarantine_staff.site_id')
      .select(['quarantine_site.id', 'quarantine_site.name'])
      .where('app_user.username', '=', 'quarantine')
      .executeTakeFirstOrThrow();

    // The command centre: confirm both candidates, order the case's close contacts, allocate them.
    const desk = await demo.open(await demo.browser.newContext(DESKTOP));
    desk.on('dialog', (d) => void d.accept());
    await signIn(desk, 'command');
    await desk.goto(`${demo.server.url}/cases/${theCase.id}`);
    await desk.getByTestId('case-page').waitFor();
    for (const who of [colleagueA, colleagueB]) {
      const row = desk.locator(`[data-testid="contact-row"][data-person-id="${who.id}"]`);
      await row.waitFor();
      await row.getByTestId('review-reason').fill('同一办公室，未戴口罩');
      await row.getByTestId('review-confirm').click();
      await row.locator('[data-testid="review-status"][data-status="confirmed"]').waitFor();
    }
    await desk.getByTestId('order-case-contacts').click();
    await desk.getByTestId('order-batch-result').waitFor();
    const orders = await db
      .selectFrom('quarantine_order')
      .select(['id', 'person_id', 'start_at'])
      .where('case_id', '=', theCase.id)
      .where('status', '=', 'active')
      .where('place', '=', 'centralised')
      .execute();
    const orderA = orders.find((o) => o.person_id === colleagueA.id);
    const orderB = orders.find((o) => o.person_id === colleagueB.id);
    assert.ok(orderA && orderB, 'both colleagues are under centralised orders');
    assert.equal(dateInZone(orderA.start_at, tz), dateInZone(visitAt, tz), 'day 0 is the last exposure');

    await desk.getByTestId('nav-quarantineAllocation').click();
    await desk.getByTestId('alloc-case').fill(theCase.id);
    await desk.getByTestId('alloc-case').press('Enter');
    await desk.locator(`[data-testid="alloc-order"][data-order-id="${orderA.id}"]`).waitFor();
    await desk.getByTestId('alloc-site').filter({ hasText: hotel.name }).locator('input').check();
    await desk.getByTestId('alloc-plan').click();
    await desk.getByTestId('alloc-plan-view').waitFor();
    const lineA = desk.locator(`[data-testid="alloc-line"][data-order-id="${orderA.id}"]`);
    await lineA.waitFor();
    assert.match(await lineA.innerText(), /\*/, 'names are masked');
    await desk.getByTestId('alloc-confirm').click();
    await desk.locator('[data-testid="alloc-plan-view"][data-status="confirmed"]').waitFor();
    await desk.getByTestId('alloc-vehicle').first().waitFor();
    assert.ok((await desk.getByTestId('alloc-pickup-person').count()) >= orders.length);

    // The site's staff on a phone: the next room first; a fever raises an alert.
    const phone = await demo.open(await demo.browser.newContext(PHONE));
    await signIn(phone, 'quarantine');
    await phone.goto(`${demo.server.url}/quarantine/rounds`);
    const check = phone.locator(`[data-testid="rounds-check"][data-order-id="${orderB.id}"]`).first();
    const roomOfB = phone.locator('[data-testid="rounds-room"]').filter({ has: phone.locator('.qc-room-row') });
    await phone.getByTestId('rounds-next').waitFor();
    if (!(await check.isVisible())) {
      // Not the next room: open B's room from the list.
      const stayRoom = await db
        .selectFrom('quarantine_stay')
        .innerJoin('quarantine_room', 'quarantine_room.id', 'quarantine_stay.room_id')
        .select('quarantine_room.number')
        .where('quarantine_stay.order_id', '=', orderB.id)
        .where('quarantine_stay.status', '=', 'current')
        .executeTakeFirstOrThrow();
      await roomOfB
        .and(phone.locator(`[data-room="${stayRoom.number}"]`))
        .locator('.qc-room-row')
        .click();
    }
    await check.getByTestId('rounds-temp').fill('38.2');
    await check.getByTestId('rounds-record').click();
    await phone.locator('[data-testid="rounds-notice"][data-kind="warn"]').waitFor();
    await phone.locator('[data-testid="rounds-alert"][data-kind="fever"]').first().waitFor();
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 420, `the rounds page fits a phone (${width}px)`);

    // Earlier test days resulted; today's single tubes go to the lab, which uploads them.
    const order = await db
      .selectFrom('quarantine_order')
      .selectAll()
      .where('id', '=', orderA.id)
      .executeTakeFirstOrThrow();
    const testDays = (JSON.parse(order.test_days) as Array<{ phase: string; day: number; date: string }>).filter(
      (d) => d.phase === 'centralised',
    );
    const earlier = testDays.filter((d) => d.date < today);
    await db.transaction().execute(async (trx) =>
      recordTestResults(
        s,
        trx,
        earlier.map((d) => ({
          personId: colleagueA.id,
          sampledAt: startOfDate(d.date, tz) + 9 * HOUR,
          reportedAt: startOfDate(d.date, tz) + 15 * HOUR,
          result: 'negative' as const,
          pooled: false,
          source: { type: 'tube' as const, id: `e2e-q-${d.day}` },
        })),
        { actor: SYSTEM_ACTOR, reason: 'lab results e2e' },
      ),
    );
    const round = await db
      .selectFrom('testing_round')
      .select('id')
      .where('closed_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    const table = await db
      .selectFrom('testing_tube')
      .select('table_id as id')
      .where('round_id', '=', round.id)
      .where('table_id', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const sampler: Actor = { ...command, userId: 'e2e-sampler', username: 'e2e-sampler', role: 'sampler' };
    await sampleTubes(
      s,
      sampler,
      round.id,
      [colleagueA, colleagueB].map((p, i) => ({
        barcode: `QE2E000${i + 1}`,
        tableId: table.id!,
        personIds: [p.id],
        sampledAt: now - HOUR,
        mode: 'single' as const,
      })),
    );
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-qlab-'));
    const file = path.join(tmp, 'results.csv');
    const at = new Date(now - 10 * 60_000).toISOString();
    fs.writeFileSync(file, `管码,结果,N基因Ct,ORF1ab基因Ct,检测时间\nQE2E0001,阴性,,,${at}\nQE2E0002,阴性,,,${at}\n`);
    const lab = await demo.open(await demo.browser.newContext(DESKTOP));
    await signIn(lab, 'lab');
    await lab.getByTestId('nav-lab').click();
    await lab.getByTestId('lab-round').locator(`option[value="${round.id}"]`).waitFor({ state: 'attached' });
    await lab.getByTestId('lab-round').selectOption(round.id);
    await lab.getByTestId('lab-file').setInputFiles(file);
    await lab.getByTestId('lab-submit').click();
    await lab.getByTestId('lab-summary').waitFor();
    fs.rmSync(tmp, { recursive: true, force: true });

    // Release the colleague whose schedule is complete; the certificate downloads.
    await desk.goto(`${demo.server.url}/quarantine/orders/${orderA.id}`);
    await desk.getByTestId('order-page').waitFor();
    await desk.getByTestId('release-ready').waitFor();
    await desk.getByTestId('order-release').click();
    await desk.getByTestId('order-certificate').waitFor();
    const href = await desk.getByTestId('order-certificate').getAttribute('href');
    const pdf = await desk.request.get(`${demo.server.url}${href}`);
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    assert.deepEqual(demo.errors, []);
  });
});
