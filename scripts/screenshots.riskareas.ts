// The risk-area screenshots of the README: the command centre's area tree and the public list on a phone,
// under the 9th edition with a community high (approved past the breaker), a building medium and a street
// low. Called by screenshots.ts; the deployment's rule-set choice is put back afterwards.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Actor } from '../src/access/access.rules.ts';
import type { E2eServer } from '../test/support/browser.ts';
import { SYSTEM_ACTOR } from '../src/platform/audit.ts';
import { setActiveRuleSet } from '../src/rules/ruleset.service.ts';
import { readActiveRuleSetId } from '../src/rules/ruleset.store.ts';
import { designate } from '../src/riskareas/riskareas.service.ts';
import { decideApproval } from '../src/health/health.service.ts';

export async function riskAreaScreenshots(server: E2eServer, browser: Browser, signIn: (page: Page, username: string) => Promise<void>, out: string): Promise<void> {
  const s = server.s;
  const db = s.db;
  const user = await db.selectFrom('app_user').innerJoin('area', 'area.id', 'app_user.area_id')
    .select(['app_user.id', 'app_user.username', 'app_user.display_name', 'app_user.area_id', 'area.path']).where('username', '=', 'command').executeTakeFirstOrThrow();
  const actor: Actor = { userId: user.id, username: user.username, displayName: user.display_name, role: 'command', areaId: user.area_id, areaPath: user.path, via: 'session' };
  const approver: Actor = { ...actor, userId: 'screenshot-approver', username: 'command-2', displayName: '指挥部值班长' };
  const previous = await readActiveRuleSetId(db);
  await setActiveRuleSet(s, SYSTEM_ACTOR, '9th-edition', 'README screenshots');
  const why = { reason: '3月23日报告确诊病例1例', legalBasis: '辽源市疫情防控指挥部通告(2022年第12号)' };
  const approve = async (r: Awaited<ReturnType<typeof designate>>) => {
    if (!r.outcome.applied) await decideApproval(s, approver, r.outcome.pendingApprovalId!, { approve: true, reason: '指挥部会商同意' });
  };
  const community = await db.selectFrom('area').select('id').where('name', '=', '文苑社区').executeTakeFirstOrThrow();
  await approve(await designate(s, actor, { unit: 'community', targetId: community.id, level: 'high', ...why }));
  const other = await db.selectFrom('building').innerJoin('area', 'area.id', 'building.area_id').select('building.id')
    .where('area.path', 'not like', `${(await db.selectFrom('area').select('path').where('id', '=', community.id).executeTakeFirstOrThrow()).path}%`)
    .orderBy('building.id').executeTakeFirstOrThrow();
  await approve(await designate(s, actor, { unit: 'building', targetId: other.id, level: 'medium', ...why }));
  const street = await db.selectFrom('area').select('id').where('level', '=', 'street').orderBy('code', 'desc').executeTakeFirstOrThrow();
  await approve(await designate(s, actor, { unit: 'street', targetId: street.id, level: 'low', ...why }));

  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, 'command');
  await page.goto(`${server.url}/risk-areas`);
  await page.getByTestId('risk-node').first().waitFor();
  await page.screenshot({ path: path.join(out, 'risk-areas.png') });
  await context.close();

  const phone = await browser.newContext({ viewport: { width: 390, height: 760 }, deviceScaleFactor: 2, isMobile: true, locale: 'zh-CN' });
  const mobile = await phone.newPage();
  await mobile.goto(`${server.url}/risk-areas/public`);
  await mobile.getByTestId('risk-public-row').first().waitFor();
  await mobile.screenshot({ path: path.join(out, 'risk-areas-public.png') });
  await phone.close();

  if (previous) await setActiveRuleSet(s, SYSTEM_ACTOR, previous, 'README screenshots done');
  else await db.deleteFrom('setting').where('key', '=', 'ruleset.active').execute();
}
