// In Chromium, the loose ends of the "at real scale" issue: the case page's header reads as labelled
// cells at desktop and phone widths (no label wrapped one character per line); the public live page
// is filtered on the server by area and name and laid out as a grid on a desktop; a page with one
// round in progress picks it; the venue page reveals the operator's phone with a reason (audited);
// the door says what is wrong with a mistyped ID number, and counts a queued scan refused entry as
// refused; the sampler resumes and voids the table's open tubes; the round dashboard shows a custody gap.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP, PHONE } from '../support/browser.ts';
import { signIn as sessionFor, type SignedIn } from '../support/services.ts';
import { addUser } from '../../src/access/access.service.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';

const SAMPLER = { username: 'caiyang02', password: 'sampler-pass-2022' };

describe('layout and loose ends in the browser', () => {
  const demo = demoInBrowser();
  const { errors, open, signIn } = demo;
  /** /api/v1 through the server's app, as a session made for the role in the area. */
  async function api(method: 'GET' | 'POST', url: string, who: SignedIn, payload?: unknown) {
    return demo.server.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who.headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
  async function area(name: string, level: string) {
    return demo.server.s.db
      .selectFrom('area')
      .select(['id', 'code', 'path', 'parent_id'])
      .where('name', '=', name)
      .where('level', '=', level)
      .executeTakeFirstOrThrow();
  }
  async function cityCode(): Promise<string> {
    return (
      await demo.server.s.db.selectFrom('area').select('code').where('parent_id', 'is', null).executeTakeFirstOrThrow()
    ).code;
  }
  async function wenyuanPeople(n: number) {
    const community = await area('文苑社区', 'community');
    return demo.server.s.db
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .select(['person.id', 'person.id_enc', 'person.name'])
      .where('area.path', 'like', `${community.path}%`)
      .where('person.id_type', '=', 'resident_id')
      .where('person.id_enc', 'is not', null)
      .orderBy('person.id')
      .limit(n)
      .execute();
  }

  test('a page with one round in progress picks it for the user', async () => {
    const lab = await sessionFor(demo.server.s, 'lab', await cityCode());
    const rounds = (await api('GET', '/testing/rounds?limit=100', lab)).json().items as Array<{
      id: string;
      status: string;
    }>;
    const inProgress = rounds.filter((r) => r.status === 'open' || r.status === 'overdue');
    assert.equal(inProgress.length, 1, 'the demo city has one round in progress');
    const page = await open(await demo.browser.newContext(DESKTOP));
    await signIn(page, 'lab');
    await page.goto(`${demo.server.url}/testing/lab`);
    await page.waitForFunction(
      (id) => (document.querySelector('[data-testid="lab-round"]') as HTMLSelectElement | null)?.value === id,
      inProgress[0]!.id,
    );
    // The user may still go back to "pick a round": it is not chosen again.
    await page.getByTestId('lab-round').selectOption('');
    await page.waitForTimeout(300);
    assert.equal(await page.getByTestId('lab-round').inputValue(), '');
    assert.deepEqual(errors, []);
  });

  test('the case page header: labelled cells on one line each, at desktop and phone widths', async () => {
    const [patient] = await wenyuanPeople(1);
    const investigator = await sessionFor(demo.server.s, 'investigator', await cityCode());
    const made = await api('POST', '/cases', investigator, {
      personId: patient!.id,
      classification: 'confirmed',
      source: 'fever_clinic',
      onsetAt: Date.now() - 48 * 3_600_000,
    });
    assert.equal(made.statusCode, 201, made.body);
    const caseId = made.json().case.id as string;
    for (const options of [DESKTOP, PHONE]) {
      const page = await open(await demo.browser.newContext(options));
      await signIn(page, 'investigator');
      await page.goto(`${demo.server.url}/cases/${caseId}`);
      await page.getByTestId('case-facts').waitFor();
      const cells = await page
        .getByTestId('case-facts')
        .locator(':scope > div > dt')
        .evaluateAll((els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            return {
              text: el.textContent ?? '',
              width: r.width,
              height: r.height,
              line: parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.5,
            };
          }),
        );
      assert.equal(cells.length, 9);
      for (const c of cells) {
        assert.ok(
          c.height < c.line * 1.5,
          `"${c.text}" is on one line at ${options.viewport.width} px (${c.height} px tall)`,
        );
        assert.ok(c.width >= 24, `"${c.text}" has room (${c.width} px)`);
      }
      const title = await page.locator('.case-page .page-title').boundingBox();
      assert.ok(title && title.width > 150, `the case title has room at ${options.viewport.width} px`);
      await page.context().close();
    }
    assert.deepEqual(errors, []);
  });

  test('the live page: filtered on the server by district, street, community and name; a grid on a desktop', async () => {
    const community = await area('文苑社区', 'community');
    const street = await demo.server.s.db
      .selectFrom('area')
      .select(['id', 'parent_id'])
      .where('id', '=', community.parent_id!)
      .executeTakeFirstOrThrow();
    const district = street.parent_id!;
    const count = async (path: string, name = '') =>
      Number(
        (
          await demo.server.s.db
            .selectFrom('venue')
            .innerJoin('area', 'area.id', 'venue.area_id')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('venue.status', '=', 'approved')
            .where('area.path', 'like', `${path}%`)
            .where((eb) =>
              name
                ? eb.or([eb('venue.name', 'like', `%${name}%`), eb('area.name', 'like', `%${name}%`)])
                : eb.lit(true),
            )
            .executeTakeFirstOrThrow()
        ).n,
      );
    const all = await count('');
    assert.ok(all > 12, `the demo city has venues (${all})`);
    const page = await open(await demo.browser.newContext(DESKTOP));
    await page.goto(`${demo.server.url}/live`);
    await page.locator(`[data-testid="live-total"][data-total="${all}"]`).waitFor();
    // Several cards side by side on a desktop, not one long column.
    const lefts = await page
      .getByTestId('live-venue-row')
      .evaluateAll((els) => [...new Set(els.slice(0, 12).map((e) => Math.round(e.getBoundingClientRect().left)))]);
    assert.ok(lefts.length >= 3, `cards in ${lefts.length} columns`);

    const pick = async (depth: number, id: string) => {
      await page.getByTestId(`live-area-${depth}`).locator(`option[value="${id}"]`).waitFor({ state: 'attached' });
      await page.getByTestId(`live-area-${depth}`).selectOption(id);
    };
    await pick(0, district);
    const districtPath = (
      await demo.server.s.db.selectFrom('area').select('path').where('id', '=', district).executeTakeFirstOrThrow()
    ).path;
    await page.locator(`[data-testid="live-total"][data-total="${await count(districtPath)}"]`).waitFor();
    await pick(1, street.id);
    await pick(2, community.id);
    const inCommunity = await count(community.path);
    await page.locator(`[data-testid="live-total"][data-total="${inCommunity}"]`).waitFor();
    const shown = await page
      .getByTestId('live-venue-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-venue-id')));
    const expected = (
      await demo.server.s.db
        .selectFrom('venue')
        .innerJoin('area', 'area.id', 'venue.area_id')
        .select('venue.id')
        .where('venue.status', '=', 'approved')
        .where('area.path', 'like', `${community.path}%`)
        .execute()
    ).map((v) => v.id);
    assert.deepEqual([...shown].sort(), expected.slice(0, 100).sort(), 'the community’s venues, from the server');
    // The name filter is the server's too: the total counts every match, not the page shown.
    const word = (
      await demo.server.s.db
        .selectFrom('venue')
        .select('name')
        .where('status', '=', 'approved')
        .executeTakeFirstOrThrow()
    ).name.slice(0, 2);
    await page.getByTestId('live-area-0').selectOption('');
    await page.getByTestId('live-search').fill(word);
    await page.locator(`[data-testid="live-total"][data-total="${await count('', word)}"]`).waitFor();
    assert.deepEqual(errors, []);
  });

  test('the venue page reveals the operator’s phone with a reason, audited', async () => {
    const community = await area('文苑社区', 'community');
    const grid = await demo.server.s.db
      .selectFrom('area')
      .select('id')
      .where('parent_id', '=', community.id)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const worker = await sessionFor(demo.server.s, 'community_worker', community.code);
    const made = await api('POST', '/venues', worker, {
      areaId: grid.id,
      name: '文苑便民超市',
      category: 'supermarket',
      capacity: 80,
      contactPhone: '13904371234',
      responsiblePerson: '刘建华',
    });
    assert.equal(made.statusCode, 201, made.body);
    const venueId = made.json().id as string;
    const page = await open(await demo.browser.newContext(DESKTOP));
    await signIn(page, 'command');
    await page.goto(`${demo.server.url}/venues/${venueId}`);
    const phone = page.getByTestId('venue-contact-phone');
    await phone.waitFor();
    assert.equal(await phone.textContent(), '139****1234');
    await page.getByTestId('venue-contact-reveal').click();
    await page.getByTestId('venue-contact-submit').click();
    await page.getByTestId('venue-contact-dialog').locator('.field-error').waitFor(); // a reason is required
    await page.getByTestId('venue-contact-reason').fill('核实场所经营者信息');
    await page.getByTestId('venue-contact-submit').click();
    await page.locator('[data-testid="venue-contact-phone"][data-revealed="true"]').waitFor();
    assert.equal(await phone.textContent(), '13904371234');
    const audited = await demo.server.s.db
      .selectFrom('audit_event')
      .select(['reason'])
      .where('action', '=', 'venue.contact.reveal')
      .where('object_id', '=', venueId)
      .execute();
    assert.deepEqual(
      audited.map((a) => a.reason),
      ['核实场所经营者信息'],
    );
    await page.getByTestId('venue-contact-hide').click();
    assert.equal(await phone.textContent(), '139****1234');
    assert.deepEqual(errors, []);
  });

  test('the door: a mistyped ID number is said as such; a queued scan refused entry counts as refused', async () => {
    const community = await area('文苑社区', 'community');
    const grid = await demo.server.s.db
      .selectFrom('area')
      .select('id')
      .where('parent_id', '=', community.id)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const worker = await sessionFor(demo.server.s, 'community_worker', community.code);
    // A supermarket wants a negative test within 72 h; 文苑's residents were left out of the demo round.
    const made = await api('POST', '/venues', worker, {
      areaId: grid.id,
      name: '文苑生鲜超市',
      category: 'supermarket',
      capacity: 80,
    });
    assert.equal(made.statusCode, 201, made.body);
    const venueId = made.json().id as string;
    assert.equal(
      (await api('POST', `/venues/${venueId}/approve`, await sessionFor(demo.server.s, 'command', await cityCode())))
        .statusCode,
      200,
    );
    const [, person] = await wenyuanPeople(2);
    const idNumber = demo.server.s.cipher.decrypt(person!.id_enc!);
    const wrong = idNumber.slice(0, 17) + (idNumber[17] === '0' ? '1' : '0');

    const context = await demo.browser.newContext(PHONE);
    const gp = await open(context);
    await signIn(gp, 'wenyuan');
    await gp.goto(`${demo.server.url}/guard`);
    await gp.getByTestId('guard-venue').locator(`option[value="${venueId}"]`).waitFor({ state: 'attached' });
    await gp.getByTestId('guard-venue').selectOption(venueId);
    await gp.waitForFunction(() => !!localStorage.getItem('cordon.guard.venue'));
    await gp.getByTestId('guard-id-number').fill(wrong);
    await gp.getByTestId('guard-submit').click();
    await gp.getByTestId('error').getByText('CHECKIN_ID_CHECK_DIGIT').waitFor();
    assert.match((await gp.getByTestId('error').textContent()) ?? '', /校验位/);

    // Offline: the same mistake is said on the device; the right number is queued, sent when back, refused entry.
    await gp.waitForFunction(() => document.documentElement.dataset.offlineReady === '1');
    await gp.waitForFunction(() => !!localStorage.getItem('cordon.guard.queueKey'));
    await context.setOffline(true);
    await gp.getByTestId('guard-id-number').fill(wrong);
    await gp.getByTestId('guard-submit').click();
    await gp.getByTestId('error').getByText('CHECKIN_ID_CHECK_DIGIT').waitFor();
    await gp.locator('[data-testid="guard-queue-count"][data-count="0"]').waitFor();
    await gp.getByTestId('guard-id-number').fill(idNumber);
    await gp.getByTestId('guard-submit').click();
    await gp.locator('[data-testid="guard-queue-count"][data-count="1"]').waitFor();
    await context.setOffline(false);
    const done = gp.getByTestId('guard-queue-done');
    await done.waitFor({ timeout: 30_000 });
    const rows = await demo.server.s.db
      .selectFrom('checkin')
      .select(['decision'])
      .where('venue_id', '=', venueId)
      .execute();
    assert.deepEqual(
      rows.map((r) => r.decision),
      ['refused'],
      'the queued scan was stored, refused entry',
    );
    assert.deepEqual(
      [
        await done.getAttribute('data-sent'),
        await done.getAttribute('data-denied'),
        await done.getAttribute('data-refused'),
      ],
      ['1', '1', '0'],
    );
    assert.match((await done.textContent()) ?? '', /拒绝进入 1 条/);
    assert.deepEqual(errors, []);
  });

  test('the sampler resumes and voids the table’s open tubes; the round dashboard shows a custody gap', async () => {
    const s = demo.server.s;
    const community = await area('文苑社区', 'community');
    const grid = await s.db
      .selectFrom('area')
      .select('id')
      .where('parent_id', '=', community.id)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const city = await s.db
      .selectFrom('area')
      .select(['id', 'code'])
      .where('parent_id', 'is', null)
      .executeTakeFirstOrThrow();
    const command = await sessionFor(s, 'command', city.code);
    const round = await api('POST', '/testing/rounds', command, {
      name: '文苑社区加测',
      startsAt: Date.now() - 600_000,
      autoReport: false,
      areas: [{ areaId: community.id, controlLevel: 'controlled' }],
    });
    assert.equal(round.statusCode, 201, round.body);
    const roundId = round.json().id as string;
    const site = await api('POST', '/testing/sites', command, { areaId: grid.id, name: '文苑加测点' });
    assert.equal(site.statusCode, 201, site.body);
    const table = await api('POST', `/testing/sites/${site.json().id}/tables`, command, { name: '2号台' });
    const tableId = table.json().id as string;
    const { user } = await addUser(s, SYSTEM_ACTOR, {
      username: SAMPLER.username,
      displayName: '采样员乙',
      role: 'sampler',
      areaId: city.id,
      password: SAMPLER.password,
    });
    assert.equal(
      (
        await api('POST', `/testing/rounds/${roundId}/staff`, command, {
          userId: user.id,
          siteId: site.json().id,
          tableId,
          duty: 'sampler',
        })
      ).statusCode,
      201,
    );

    // Another phone of the sampler's left a tube with two people open, and an empty one.
    const sampler = await sessionFor(s, 'sampler', city.code);
    assert.equal(
      (
        await api('POST', `/testing/rounds/${roundId}/staff`, command, {
          userId: sampler.userId,
          siteId: site.json().id,
          tableId,
          duty: 'sampler',
        })
      ).statusCode,
      201,
    );
    const people = await wenyuanPeople(5);
    const full = await api('POST', '/testing/tubes', sampler, { roundId, tableId, barcode: 'WYJ0001' });
    assert.equal(full.statusCode, 201, full.body);
    for (const p of people.slice(2, 4))
      assert.equal(
        (await api('POST', `/testing/tubes/${full.json().id}/members`, sampler, { personId: p.id })).statusCode,
        200,
      );
    const empty = await api('POST', '/testing/tubes', sampler, { roundId, tableId, barcode: 'WYJ0002' });
    assert.equal(empty.statusCode, 201, empty.body);
    // And a closed tube never boxed, whose result the lab sends anyway: a custody gap.
    const gap = await api('POST', '/testing/tubes', sampler, { roundId, tableId, barcode: 'WYJ0003' });
    assert.equal(
      (await api('POST', `/testing/tubes/${gap.json().id}/members`, sampler, { personId: people[4]!.id })).statusCode,
      200,
    );
    assert.equal((await api('POST', `/testing/tubes/${gap.json().id}/close`, sampler, {})).statusCode, 200);
    const lab = await sessionFor(s, 'lab', city.code);
    const up = await api('POST', '/testing/lab/results', lab, {
      roundId,
      results: [{ barcode: 'WYJ0003', result: 'negative', testedAt: Date.now() }],
    });
    assert.equal(up.statusCode, 200, up.body);

    const phone = await demo.browser.newContext(PHONE);
    const sp = await open(phone);
    sp.on('dialog', (d) => void d.accept());
    await signIn(sp, SAMPLER.username, SAMPLER.password);
    await sp.goto(`${demo.server.url}/testing/sample`);
    await sp.getByTestId('sampler-assignment').filter({ hasText: '2号台' }).first().click();
    const openTubes = sp.getByTestId('sampler-open-tube');
    await sp.locator('[data-testid="sampler-open-tube"][data-barcode="WYJ0002"]').waitFor();
    assert.equal(await openTubes.count(), 2);
    // The empty one is voided (audited); the other is resumed with its two people.
    await sp.locator('[data-testid="sampler-open-tube"][data-barcode="WYJ0002"]').getByTestId('sampler-void').click();
    await sp.locator('[data-testid="sampler-open-tube"][data-barcode="WYJ0002"]').waitFor({ state: 'detached' });
    assert.equal(
      (await s.db.selectFrom('testing_tube').select('id').where('barcode', '=', 'WYJ0002').execute()).length,
      0,
      'the empty tube is gone',
    );
    const audit = await s.db
      .selectFrom('audit_event')
      .select('object_id')
      .where('action', '=', 'testing.tube.void')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.object_id),
      [empty.json().id],
      'the void is audited',
    );
    await sp.locator('[data-testid="sampler-open-tube"][data-barcode="WYJ0001"]').getByTestId('sampler-resume').click();
    await sp.locator('[data-testid="sampler-count"][data-count="2"]').waitFor();

    // The round's dashboard: one tube resulted without its chain of custody.
    const desk = await open(await demo.browser.newContext(DESKTOP));
    await signIn(desk, 'command');
    await desk.goto(`${demo.server.url}/testing/rounds/${roundId}`);
    const tile = desk.getByTestId('summary-custody-gaps');
    await desk.locator('[data-testid="summary-custody-gaps"][data-value="1"]').waitFor();
    assert.match((await tile.locator('xpath=..').getAttribute('class')) ?? '', /stat-alarm/);
    assert.deepEqual(errors, []);
  });
});
