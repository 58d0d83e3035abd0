// In Chromium, in zh: every main page each demo login reaches shows Chinese — the rendered text
// (document.body.innerText) carries no Latin word of three letters or more outside a short
// allow-list, and no half-width colon after Chinese words. Codes, ids, barcodes, versions and file
// names hold digits or punctuation and pass as what they are. A word found here is a string missing
// from the zh catalogues or a key shown raw. Besides its navigation, each login walks the pages it
// reaches from a list: a case with contacts (one confirmed, its colour changed), the health pages of
// the case and of that contact, and the demo round with its suspected-positive pool. Each login signs
// in once; its pages are opened inside the app (no reload), each read once its requests are answered.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDemoServer, type E2eServer, signInAs } from '../support/browser.ts';
import { foreignNameParts } from '../../src/sim/names.ts';

/**
 * Latin words a Chinese reader meets as they are: the product's name, file kinds (CSV, XLSX, JSON,
 * GraphML) and the names of programs they open with, text messages, the pooling method's name and
 * its formula (Dorfman, log), and the language switch, which names English in English.
 */
const ALLOWED = new Set([
  'Cordon',
  'CSV',
  'XLSX',
  'Excel',
  'PDF',
  'SMS',
  'JSON',
  'GraphML',
  'Dorfman',
  'log',
  'English',
  // Foreign residents' names as their passports spell them (the demo city has some): data, not words.
  ...foreignNameParts(),
]);
/** Text shown verbatim as data, not as words: login names, ids and the audit record's JSON (monospaced). */
const VERBATIM = '.mono, pre, code, .audit-detail';

/** Latin words outside the allow-list; tokens with digits or -_./: are codes, ids or names to type. */
export function latinWords(text: string): string[] {
  const found = new Set<string>();
  for (const token of text.match(/[A-Za-z0-9_./:@-]*[A-Za-z][A-Za-z0-9_./:@-]*/g) ?? []) {
    if (/[-_./:@0-9]/.test(token)) continue;
    if (token.length < 3 || ALLOWED.has(token)) continue;
    found.add(token);
  }
  return [...found];
}

/** Half-width colons after Chinese words (“依据: …”), each with the characters around it. */
export function halfWidthColons(text: string): string[] {
  return [...new Set(text.match(/[\u4e00-\u9fff）」”][:;](?!\/\/).{0,6}/g) ?? [])];
}

/** Requests a page has in flight (its live streams aside), to read it once they are answered. */
function watchRequests(page: Page): () => number {
  let open = 0;
  const counted = new WeakSet<object>();
  page.on('request', (r) => {
    if (r.resourceType() === 'eventsource') return;
    counted.add(r);
    open++;
  });
  const done = (r: object) => {
    if (counted.delete(r)) open--;
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return () => open;
}

/** Waits until the page has no request in flight and no loading indicator for a moment. */
async function settled(page: Page, inFlight: () => number): Promise<void> {
  const quiet = 120;
  const deadline = Date.now() + 8000;
  let since = Date.now();
  while (Date.now() < deadline) {
    const busy = inFlight() > 0 || (await page.locator('.loading').count()) > 0;
    if (busy) since = Date.now();
    else if (Date.now() - since >= quiet) return;
    await page.waitForTimeout(30);
  }
}

/** Opens an address of the app inside it (its router, no reload). */
async function goTo(page: Page, href: string): Promise<void> {
  await page.evaluate((to) => {
    window.history.pushState({}, '', to);
    window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
  }, href);
}

async function visibleText(page: Page): Promise<string> {
  return page.evaluate((verbatim) => {
    // Hidden for the reading (innerText leaves out what is not displayed), then shown again.
    const hidden = [...document.body.querySelectorAll<HTMLElement>(verbatim)].map((el) => {
      const was = el.style.getPropertyValue('display');
      el.style.setProperty('display', 'none', 'important');
      return [el, was] as const;
    });
    const text = document.body.innerText;
    for (const [el, was] of hidden) {
      if (was) el.style.setProperty('display', was);
      else el.style.removeProperty('display');
    }
    return text;
  }, VERBATIM);
}

/** Signs in through the API: the session's cookie and the CSRF header. */
async function apiSession(server: E2eServer, username: string): Promise<Record<string, string>> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: server.passwords[username] },
  });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return { cookie, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
}

interface Walk {
  caseId: string;
  casePersonId: string;
  contactPersonId: string;
  roundId: string;
}

/**
 * Through the API, as the investigator: a confirmed case in 文苑社区 whose household mate is a close
 * contact and whose colleague sat with them in an office yesterday; the colleague confirmed as a
 * contact, so their colour changes with a reviewer's reason. The demo round already has a pool
 * reported suspected positive.
 */
async function seedWalk(server: E2eServer): Promise<Walk> {
  const { db } = server.s;
  const area = await db
    .selectFrom('area')
    .select(['id', 'path'])
    .where('name', '=', '文苑社区')
    .executeTakeFirstOrThrow();
  const adults = await db
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select(['person.id', 'person.household_id', 'person.area_id'])
    .where('area.path', 'like', `${area.path}%`)
    .where('person.household_id', 'is not', null)
    .where('person.birth_date', '<', '2000-01-01')
    .orderBy('person.id')
    .execute();
  const households = new Map<string, number>();
  for (const a of adults) households.set(a.household_id!, (households.get(a.household_id!) ?? 0) + 1);
  const person = adults.find((a) => households.get(a.household_id!)! >= 2);
  const colleague = adults.find((c) => person && c.household_id !== person.household_id);
  assert.ok(person && colleague, 'the demo community has a household of two adults and a neighbour');

  const now = Date.now();
  const at = now - 20 * 3_600_000;
  await db
    .insertInto('venue')
    .values({
      id: 'e2e-office',
      name: '文苑写字楼',
      category: 'office',
      address: '',
      area_id: person.area_id,
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
  await db.deleteFrom('checkin').where('person_id', '=', person.id).execute();
  await db
    .insertInto('checkin')
    .values([visit('e2e-c1', person.id), visit('e2e-c2', colleague.id)])
    .execute();

  const headers = await apiSession(server, 'investigator');
  const created = await server.app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers,
    payload: { personId: person.id, classification: 'confirmed', source: 'fever_clinic', onsetAt: now - 86_400_000 },
  });
  assert.equal(created.statusCode, 201, created.body);
  const caseId = (created.json() as { case: { id: string } }).case.id;
  const contacts = await server.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/contacts`, headers });
  assert.equal(contacts.statusCode, 200, contacts.body);
  const items = (contacts.json() as { items: Array<{ id: string; person: { id: string } }> }).items;
  const office = items.find((c) => c.person.id === colleague.id);
  assert.ok(office, `the colleague is a contact (${items.length} found)`);
  const reviewed = await server.app.inject({
    method: 'POST',
    url: `/api/v1/contacts/${office.id}/review`,
    headers,
    payload: { decision: 'confirm', reason: '同一办公室共处两小时' },
  });
  assert.equal(reviewed.statusCode, 200, reviewed.body);

  const round = await db.selectFrom('testing_round').select('id').orderBy('id').executeTakeFirstOrThrow();
  return { caseId, casePersonId: person.id, contactPersonId: colleague.id, roundId: round.id };
}

describe('rendered pages in zh carry no English', () => {
  let server: E2eServer;
  let browser: Browser;
  let walk: Walk;

  before(async () => {
    const t0 = Date.now();
    server = await startDemoServer(300);
    const t1 = Date.now();
    browser = await launchBrowser();
    const t2 = Date.now();
    walk = await seedWalk(server);
    if (process.env.CORDON_E2E_TIMES)
      console.log(`server ${t1 - t0} ms, browser ${t2 - t1} ms, seed ${Date.now() - t2} ms`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the checker: words found, codes and allowed words pass; half-width colons after Chinese found', () => {
    assert.deepEqual(latinWords('按规则集 recomputed 重算 · 9th-edition v9.0.0 · T2203240001 · CSV · 流调员'), [
      'recomputed',
    ]);
    assert.deepEqual(halfWidthColons('依据: 病例 · 依据：病例 · 时间 08:00 · 网址 https://x'), ['据: 病例 · ']);
  });

  test('each demo login walks its navigation and the case, health and pool pages in zh', async () => {
    const faults: string[] = [];
    const logins = Object.keys(server.passwords);
    assert.ok(logins.length >= 8, logins.join(', '));
    type Stop = { href: string; as?: string; tab?: string; shows?: string };
    const extra = (nav: string[]): Stop[] => [
      // The colour changes and reads of the set-up, whatever came after them.
      ...(nav.includes('/audit')
        ? [
            { href: '/audit?action=health.*', shows: '[data-testid="audit-row"] [data-basis-kind="case_registered"]' },
            { href: '/audit?action=person.*' },
          ]
        : []),
      ...(nav.includes('/cases')
        ? [
            { href: `/cases/${walk.caseId}`, as: '/cases/:id' },
            { href: `/persons/${walk.casePersonId}/health`, as: '/persons/:id/health' },
            { href: `/persons/${walk.contactPersonId}/health`, as: '/persons/:id/health' },
          ]
        : []),
      ...(nav.includes('/testing/rounds')
        ? [
            { href: `/testing/rounds/${walk.roundId}`, as: '/testing/rounds/:id' },
            { href: `/testing/rounds/${walk.roundId}`, as: '/testing/rounds/:id', tab: 'round-tab-pools' },
          ]
        : []),
    ];
    const walked = new Set<string>();
    const walkAs = async (username: string) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
      const page = await context.newPage();
      const inFlight = watchRequests(page);
      const started = Date.now();
      try {
        await signInAs(page, server.url, username, server.passwords[username]!);
        const nav = [
          '/',
          ...(await page.locator('#main-nav a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))),
        ].filter((href, i, all) => href.startsWith('/') && all.indexOf(href) === i);
        for (const { href, as, tab, shows } of [...nav.map((href): Stop => ({ href })), ...extra(nav)]) {
          const where = `${username} ${href}${tab ? `#${tab}` : ''}`;
          await goTo(page, href);
          await settled(page, inFlight);
          if (tab) {
            await page.getByTestId(tab).click();
            await settled(page, inFlight);
          }
          // Waited for, not counted at once: on a busy machine the page may fetch after the quiet spell.
          if (shows)
            await page
              .locator(shows)
              .first()
              .waitFor({ timeout: 15_000 })
              .catch(() => assert.fail(`${where} shows ${shows}`));
          walked.add(`${as ?? href}${tab ? `#${tab}` : ''}`);
          const text = await visibleText(page);
          assert.match(text, /[\u4e00-\u9fff]{4}/, `${where} shows its text`);
          for (const word of latinWords(text)) faults.push(`${where}: "${word}"`);
          for (const colon of halfWidthColons(text)) faults.push(`${where}: half-width "${colon}"`);
        }
      } finally {
        await context.close();
        if (process.env.CORDON_E2E_TIMES) console.log(`${username}: ${Date.now() - started} ms`);
      }
    };
    // Two logins at a time, each in its own browser context.
    const queue = [...logins];
    const worker = async () => {
      for (let u = queue.shift(); u !== undefined; u = queue.shift()) await walkAs(u);
    };
    await Promise.all([worker(), worker()]);
    for (const page of [
      '/audit',
      '/audit?action=health.*',
      '/cases/:id',
      '/persons/:id/health',
      '/testing/rounds/:id#round-tab-pools',
    ])
      assert.ok(walked.has(page), `${page} walked (${[...walked].join(', ')})`);
    assert.deepEqual(faults, []);
  });
});
