// In Chromium, the chain graph at the scale of one real case: two linked cases with ~2,000 contacts (a
// supermarket crowd, a gym, a household). The page opens on the summary (cases and confirmed close
// contacts, the crowd counted per venue); the class, one-by-one, date and cluster filters ask the server
// again; the legend hides and shows a kind; a group opens into its ~2,000 people around its venue; focus
// narrows to a node's neighbourhood; at desktop and phone sizes.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { demoInBrowser, PHONE } from '../support/browser.ts';
import { personRow } from '../support/tracing.city.ts';
import type { ContactTable } from '../../src/db/database.ts';

const DAY = 86_400_000;
const MIN = 60_000;
const CROWD = 1_950;
const SHOTS = process.env.CORDON_SHOTS ?? '';

/** The date (Asia/Shanghai) of an instant, as the date inputs take it. */
const dateOf = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

interface GraphState {
  nodes: number;
  visible: number;
  loading: boolean;
}

describe('the chain graph at scale in the browser', () => {
  const demo = demoInBrowser();
  const { errors, signIn } = demo;

  const market = Date.parse(`${dateOf(Date.now() - 3 * DAY)}T14:00:00+08:00`);
  const gym = Date.parse(`${dateOf(Date.now() - DAY)}T09:00:00+08:00`);

  /** 文苑 and its parents below the city: the page is narrowed to 文苑's cases (the demo city's own outbreak lies elsewhere). */
  let wenyuanChain: string[] = [];

  before(async () => {
    const { db } = demo.server.s;
    const area = await db.selectFrom('area').select('id').where('name', '=', '文苑社区').executeTakeFirstOrThrow();
    wenyuanChain = [area.id];
    for (;;) {
      const { parent_id } = await db
        .selectFrom('area')
        .select('parent_id')
        .where('id', '=', wenyuanChain[0]!)
        .executeTakeFirstOrThrow();
      const parent = parent_id
        ? await db.selectFrom('area').select(['id', 'parent_id']).where('id', '=', parent_id).executeTakeFirstOrThrow()
        : null;
      if (!parent?.parent_id) break;
      wenyuanChain.unshift(parent.id);
    }
    const people = ['e2e-a', 'e2e-b', 'e2e-home', ...Array.from({ length: CROWD + 40 }, (_, i) => `e2e-p${i}`)];
    const rows = people.map((id, i) => ({
      ...personRow(id, area.id, null, i < 3 ? ['赵立新', '钱海燕', '赵小雨'][i]! : `居民${i}`),
      created_at: Date.now(),
      updated_at: Date.now(),
    }));
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto('person')
        .values(rows.slice(i, i + 200))
        .execute();
    for (const [id, name] of [
      ['e2e-market', '文苑生鲜超市'],
      ['e2e-gym', '文苑健身中心'],
    ]) {
      await db
        .insertInto('venue')
        .values({
          id: id!,
          name: name!,
          category: 'supermarket',
          address: '',
          area_id: area.id,
          capacity: 3000,
          operator_user_id: null,
          status: 'approved',
          approved_by: null,
          approved_at: null,
          code_version: 1,
          requires_presence: 0,
          dwell_minutes: null,
          created_at: market - 30 * DAY,
          updated_at: market - 30 * DAY,
        })
        .execute();
    }
    const kase = (id: string, personId: string, onsetAt: number) => ({
      id,
      person_id: personId,
      classification: 'confirmed',
      onset_at: onsetAt,
      first_positive_sampled_at: null,
      source: 'fever_clinic',
      isolated_at: null,
      status: 'confirmed',
      ruleset_id: '9th-edition',
      ruleset_version: 'e2e',
      traced_at: Date.now(),
      created_by: null,
      created_at: onsetAt,
      updated_at: onsetAt,
    });
    await db
      .insertInto('case_record')
      .values([kase('e2e-case-a', 'e2e-a', market - DAY), kase('e2e-case-b', 'e2e-b', gym)])
      .execute();
    let n = 0;
    const contact = (
      caseId: string,
      personId: string,
      basis: string,
      cls: string,
      at: number,
      extra: Partial<ContactTable> = {},
    ): ContactTable => ({
      id: `e2e-k${++n}`,
      case_id: caseId,
      person_id: personId,
      class: cls,
      candidate: 0,
      basis,
      reason_code: basis,
      evidence: '{}',
      ruleset_id: '9th-edition',
      ruleset_version: 'e2e',
      rule: `closeContact.${basis}`,
      first_exposure_at: at,
      last_exposure_at: at + 30 * MIN,
      review_status: 'pending',
      reviewed_by: null,
      review_reason: null,
      reviewed_at: null,
      source_contact_id: null,
      source_key: '',
      created_at: Date.now(),
      updated_at: Date.now(),
      ...extra,
    });
    const atVenue = (
      caseId: string,
      personId: string,
      cls: string,
      venueId: string,
      venueName: string,
      at: number,
      extra: Partial<ContactTable> = {},
    ) =>
      contact(caseId, personId, 'venue', cls, at, {
        evidence: JSON.stringify({
          encounters: [
            {
              venueId,
              venueName,
              overlapStart: at,
              overlapEnd: at + 30 * MIN,
              overlapMinutes: 30,
              caseVisit: { checkinId: `${caseId}-${venueId}`, enteredAt: at, exitedAt: at + 60 * MIN },
            },
          ],
        }),
        ...extra,
      });
    const contacts: ContactTable[] = [
      contact('e2e-case-a', 'e2e-home', 'household', 'close', market - DAY),
      atVenue('e2e-case-a', 'e2e-b', 'close', 'e2e-market', '文苑生鲜超市', market, {
        candidate: 1,
        review_status: 'confirmed',
      }),
      // The crowd: a dozen confirmed close contacts, 30 candidates awaiting review, the rest general.
      ...Array.from({ length: CROWD }, (_, i) =>
        atVenue(
          'e2e-case-a',
          `e2e-p${i}`,
          i < 42 ? 'close' : 'general',
          'e2e-market',
          '文苑生鲜超市',
          market + (i % 40) * MIN,
          i < 12 ? { candidate: 1, review_status: 'confirmed' } : i < 42 ? { candidate: 1 } : {},
        ),
      ),
      ...Array.from({ length: 40 }, (_, i) =>
        atVenue('e2e-case-b', `e2e-p${CROWD + i}`, 'general', 'e2e-gym', '文苑健身中心', gym),
      ),
    ];
    for (let i = 0; i < contacts.length; i += 200)
      await db
        .insertInto('contact')
        .values(contacts.slice(i, i + 200))
        .execute();
  });

  async function state(page: Page): Promise<GraphState> {
    return page.evaluate(() => {
      const el = document.querySelector('[data-testid="chain-graph"]') as HTMLElement & {
        cy?: { nodes(sel?: string): { length: number } };
      };
      return {
        nodes: Number(el.dataset.nodes),
        visible: el.cy ? el.cy.nodes(':visible').length : -1,
        loading: el.dataset.loading === 'true',
      };
    });
  }

  /** Waits until the graph drawn has its node count within [min, max]. */
  async function drawn(page: Page, min: number, max: number): Promise<GraphState> {
    await page.waitForFunction(
      ([lo, hi]) => {
        const el = document.querySelector('[data-testid="chain-graph"]') as
          (HTMLElement & { cy?: { nodes(): { length: number } } }) | null;
        if (!el || el.dataset.loading === 'true' || !el.cy) return false;
        const n = el.cy.nodes().length;
        return Number(el.dataset.nodes) === n && n >= lo! && n <= hi!;
      },
      [min, max],
      { timeout: 30_000 },
    );
    return state(page);
  }

  /** Waits until the graph shows between min and max nodes (a legend click hides or shows a kind on the next render). */
  async function visibleWithin(page: Page, min: number, max: number): Promise<void> {
    await page.waitForFunction(
      ([lo, hi]) => {
        const el = document.querySelector('[data-testid="chain-graph"]') as
          (HTMLElement & { cy?: { nodes(sel: string): { length: number } } }) | null;
        const n = el?.cy?.nodes(':visible').length ?? -1;
        return n >= lo! && n <= hi!;
      },
      [min, max],
      { timeout: 10_000 },
    );
  }

  /** Sets a checkbox and waits until the page (its URL) has taken it. */
  async function tick(page: Page, testId: string, on: boolean): Promise<void> {
    const box = page.getByTestId(testId);
    if ((await box.isChecked()) !== on) await box.click();
    await page.waitForFunction(
      ([id, want]) => (document.querySelector(`[data-testid="${id}"]`) as HTMLInputElement | null)?.checked === want,
      [testId, on] as const,
    );
  }

  /** Opens the chains page narrowed to 文苑, level by level in the area picker, as a user does. */
  async function openWenyuan(page: Page): Promise<void> {
    await page.goto(`${demo.server.url}/chains`);
    for (const [i, id] of wenyuanChain.entries()) {
      const select = page.getByTestId(`chains-area-${i}`);
      await page.waitForFunction(
        ([testId, value]) =>
          [...((document.querySelector(`[data-testid="${testId}"]`) as HTMLSelectElement | null)?.options ?? [])].some(
            (o) => o.value === value,
          ),
        [`chains-area-${i}`, id] as const,
      );
      await select.selectOption(id);
    }
    await page.waitForURL((u) => u.searchParams.get('area') === wenyuanChain[wenyuanChain.length - 1]);
  }

  async function tapNode(page: Page, id: string): Promise<void> {
    await page.evaluate((nodeId) => {
      const el = document.querySelector('[data-testid="chain-graph"]') as HTMLElement & {
        cy: { $id(id: string): { emit(e: string): void } };
      };
      el.cy.$id(nodeId).emit('tap');
    }, id);
  }

  test('summary by default; class, one-by-one, date and cluster filters; legend; a group opened; focus', async () => {
    const context = await demo.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await signIn(page, 'investigator');
      await openWenyuan(page);
      // Cases, the household member, the confirmed close contacts, two venues, and the crowd as counts.
      const summary = await drawn(page, 15, 40);
      const collapsed = Number(await page.getByTestId('chains-summary').getAttribute('data-collapsed'));
      assert.equal(collapsed, CROWD - 12 + 40, 'the general contacts and candidates are counted, not drawn');
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/chains-desktop.png`, fullPage: true });

      // The legend hides and shows a kind.
      await page.getByTestId('chains-legend-venue').click();
      await visibleWithin(page, summary.nodes - 2, summary.nodes - 2);
      assert.equal(await page.getByTestId('chains-legend-venue').getAttribute('aria-pressed'), 'false');
      await page.getByTestId('chains-legend-venue').click();
      await visibleWithin(page, summary.nodes, summary.nodes);
      await page.getByTestId('chains-legend-toggle').click();
      await page.getByTestId('chains-legend').waitFor({ state: 'detached' });
      await page.getByTestId('chains-legend-toggle').click();

      // By class: without general contacts the gym's crowd goes, and the gym with it.
      await tick(page, 'chains-class-general', false);
      await page.waitForFunction(
        (n) => Number(document.querySelector('[data-testid="chains-summary"]')?.getAttribute('data-collapsed')) === n,
        30,
      );
      await drawn(page, 10, summary.nodes - 2);
      await tick(page, 'chains-class-general', true);
      await drawn(page, summary.nodes, summary.nodes);

      // One by one: every general contact drawn — about 2,000 nodes, still laid out and drawn.
      await tick(page, 'chains-expand-general', true);
      await tick(page, 'chains-expand-candidate', true);
      const everyone = await drawn(page, CROWD + 40, CROWD + 60);
      assert.equal(everyone.visible, everyone.nodes);
      await page.getByTestId('chains-legend-general').click();
      await visibleWithin(page, 0, 99); // hiding the general contacts leaves the chain readable
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/chains-desktop-2000.png` });
      await page.getByTestId('chains-legend-general').click();
      await tick(page, 'chains-expand-general', false);
      await tick(page, 'chains-expand-candidate', false);
      await drawn(page, summary.nodes, summary.nodes);

      // By date: up to the market day, the gym is not there yet.
      await page.getByTestId('chains-to').fill(dateOf(market));
      await drawn(page, 5, summary.nodes - 2);
      assert.equal(
        await page.evaluate(() =>
          Boolean(
            (
              document.querySelector('[data-testid="chain-graph"]') as HTMLElement & {
                cy: { $id(id: string): { length: number } };
              }
            ).cy.$id('venue:e2e-gym').length,
          ),
        ),
        false,
      );
      await page.getByTestId('chains-to').fill('');
      await drawn(page, summary.nodes, summary.nodes);

      // By cluster: the two cases are one cluster.
      await page.getByTestId('chains-cluster').selectOption('e2e-case-a');
      await drawn(page, summary.nodes, summary.nodes);
      assert.equal(
        await page.locator('[data-testid="cluster-row"].selected').getAttribute('data-cluster-id'),
        'e2e-case-a',
      );

      // A group opens into its people around the venue.
      await tapNode(page, 'group:venue:e2e-market');
      await page.getByTestId('chain-group-breakdown').waitFor();
      assert.match(await page.getByTestId('chain-group-breakdown').innerText(), new RegExp(String(CROWD - 12)));
      await page.getByTestId('chain-open-group').click();
      await drawn(page, CROWD + 1, CROWD + 5);
      assert.match(await page.getByTestId('chains-focus').innerText(), /文苑生鲜超市/);

      // Focus on one case's neighbourhood, then clear it.
      await page.getByTestId('chains-unfocus').click();
      await tick(page, 'chains-expand-general', false);
      await tick(page, 'chains-expand-candidate', false);
      await tick(page, 'chains-expand-secondary', false);
      await drawn(page, summary.nodes, summary.nodes);
      await tapNode(page, 'person:e2e-b');
      await page.getByTestId('chain-focus').click();
      const near = await drawn(page, 2, 6);
      assert.ok(near.nodes < summary.nodes);
      await page.getByTestId('chains-unfocus').click();
      await drawn(page, summary.nodes, summary.nodes);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('on a phone: the filters wrap, the graph and legend fit the screen', async () => {
    const context = await demo.browser.newContext(PHONE);
    const page = await context.newPage();
    try {
      await signIn(page, 'investigator');
      await openWenyuan(page);
      await drawn(page, 15, 40);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
      const box = await page.getByTestId('chain-graph').boundingBox();
      assert.ok(box && box.width <= 390);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/chains-phone.png`, fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
