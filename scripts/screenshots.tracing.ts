// The tracing screenshot of the README: two linked cases in the chain graph. Called by screenshots.ts.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Actor } from '../src/access/access.rules.ts';
import type { E2eServer } from '../test/support/browser.ts';
import { registerCase, reviewContact } from '../src/tracing/tracing.service.ts';

export async function tracingScreenshots(server: E2eServer, browser: Browser, signIn: (page: Page, username: string) => Promise<void>, out: string): Promise<void> {
  const db = server.s.db;
  const user = await db.selectFrom('app_user').innerJoin('area', 'area.id', 'app_user.area_id')
    .select(['app_user.id', 'app_user.username', 'app_user.display_name', 'app_user.area_id', 'area.path']).where('username', '=', 'investigator').executeTakeFirstOrThrow();
  const actor: Actor = { userId: user.id, username: user.username, displayName: user.display_name, role: 'investigator', areaId: user.area_id, areaPath: user.path, via: 'session' };
  const area = await db.selectFrom('area').select('path').where('name', '=', '文苑社区').executeTakeFirstOrThrow();
  const adults = await db.selectFrom('person').innerJoin('area', 'area.id', 'person.area_id').select(['person.id', 'person.household_id', 'person.area_id'])
    .where('area.path', 'like', `${area.path}%`).where('person.household_id', 'is not', null).where('person.birth_date', '<', '1990-01-01')
    .where('person.birth_date', '>', '1965-01-01').orderBy('person.id').limit(60).execute();
  // Three adults of three households: the first case, a colleague who becomes the second, another colleague.
  const picked: typeof adults = [];
  for (const p of adults) if (picked.length < 3 && !picked.some((q) => q.household_id === p.household_id)) picked.push(p);
  const [a, b, c] = picked as [typeof adults[number], typeof adults[number], typeof adults[number]];
  const now = server.s.clock.now();
  const at = now - 30 * 3_600_000;
  await db.insertInto('venue').values({
    id: 'shot-office', name: '文苑写字楼', category: 'office', address: '', area_id: a.area_id, capacity: 100, operator_user_id: null,
    status: 'approved', approved_by: null, approved_at: null, code_version: 1, requires_presence: 0, dwell_minutes: null, created_at: now, updated_at: now,
  }).execute();
  await db.deleteFrom('checkin').where('person_id', 'in', [a.id, b.id]).execute();
  const visit = (id: string, personId: string, from: number) => ({
    id, venue_id: 'shot-office', person_id: personId, client_id: null, method: 'assisted', entered_at: from, exited_at: from + 120 * 60_000,
    exit_kind: 'scan', decision: 'admitted', refusal_code: null, colour: 'green', reasons: null, test_sampled_at: null, test_result: null, vaccinated: null, created_at: from,
  });
  await db.insertInto('checkin').values([visit('shot-1', a.id, at), visit('shot-2', b.id, at), visit('shot-3', c.id, at + 60 * 60_000)]).execute();
  const first = await registerCase(server.s, actor, { personId: a.id, classification: 'confirmed', source: 'fever_clinic', onsetAt: now - 40 * 3_600_000 });
  const contacts = await db.selectFrom('contact').select(['id', 'person_id']).where('case_id', '=', first.case.id).where('candidate', '=', 1).execute();
  for (const k of contacts) await reviewContact(server.s, actor, k.id, { decision: 'confirm', reason: '同一办公室' });
  await registerCase(server.s, actor, { personId: b.id, classification: 'asymptomatic', source: 'contact_tracing', firstPositiveSampledAt: now - 3_600_000 });

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, 'investigator');
  await page.goto(`${server.url}/chains?cluster=${encodeURIComponent(first.case.id)}`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chain-graph"]')?.getAttribute('data-nodes')) >= 3);
  await page.waitForFunction(() => Boolean((document.querySelector('[data-testid="chain-graph"]') as { cy?: unknown } | null)?.cy));
  await page.getByTestId('chain-graph').scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  // Select the second case's node, so that the side panel shows how it links to the first.
  const point = await page.evaluate((personId) => {
    const el = document.querySelector('[data-testid="chain-graph"]') as HTMLElement & { cy: { $id(id: string): { renderedPosition(): { x: number; y: number } } } };
    const p = el.cy.$id(`person:${personId}`).renderedPosition();
    const box = el.getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, b.id);
  await page.mouse.click(point.x, point.y);
  await page.getByTestId('chain-selected-label').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(out, 'chains.png') });
  await context.close();
}
