// The quarantine and logistics screenshots of the README: the hotel's site board as the command centre sees
// it, the staff's morning round on a phone as the demo login `quarantine`, and an issued vehicle pass as the
// enterprise that applied for it. The demo seeds the hotel's day (people in rooms, checks, a fever).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { E2eServer } from '../test/support/browser.ts';

export async function quarantineScreenshots(server: E2eServer, browser: Browser, signIn: (page: Page, username: string) => Promise<void>, out: string): Promise<void> {
  const db = server.s.db;
  const hotel = await db.selectFrom('quarantine_site').select('id').where('kind', '=', 'hotel').orderBy('id').executeTakeFirstOrThrow();

  const desktop = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
  const page = await desktop.newPage();
  await signIn(page, 'command');
  await page.goto(`${server.url}/quarantine/sites/${hotel.id}`);
  await page.getByTestId('qboard').waitFor();
  await page.screenshot({ path: path.join(out, 'quarantine-board.png') });
  await desktop.close();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' });
  const mobile = await phone.newPage();
  await signIn(mobile, 'quarantine');
  await mobile.goto(`${server.url}/quarantine/rounds`);
  await mobile.getByTestId('rounds-room').first().waitFor();
  await mobile.screenshot({ path: path.join(out, 'quarantine-rounds-phone.png') });
  await phone.close();

  const pass = await db.selectFrom('vehicle_pass').select('id').where('status', '=', 'issued').orderBy('id').executeTakeFirst()
    ?? await db.selectFrom('vehicle_pass').select('id').orderBy('id').executeTakeFirstOrThrow();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const lp = await ctx.newPage();
  await signIn(lp, 'enterprise');
  await lp.goto(`${server.url}/logistics/passes/${pass.id}`);
  await lp.getByTestId('lg-pass-number').waitFor();
  await lp.screenshot({ path: path.join(out, 'logistics-pass.png') });
  await ctx.close();
}
