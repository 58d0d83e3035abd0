// Regenerates the README's screenshots from a fresh demo city: node --import tsx scripts/screenshots.ts
// (one part only: node --import tsx scripts/screenshots.ts quarantine)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, startDemoServer } from '../test/support/browser.ts';
import { testingScreenshots } from './screenshots.testing.ts';
import { tracingScreenshots } from './screenshots.tracing.ts';
import { riskAreaScreenshots } from './screenshots.riskareas.ts';
import { quarantineScreenshots } from './screenshots.quarantine.ts';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const server = await startDemoServer(3000);
const browser = await launchBrowser();

async function signIn(page: Page, username: string) {
  await page.goto(server.url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(server.passwords[username]!);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-name').waitFor({ state: 'attached' });
}

const only = process.argv[2];

try {
  if (only === 'quarantine') await quarantineScreenshots(server, browser, signIn, OUT);
  else await all();
  console.log(`screenshots written to ${OUT}`);
} finally {
  await browser.close();
  await server.close();
}

async function all() {
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await desktop.newPage();
  await signIn(page, 'wenyuan');
  const community = await server.s.db.selectFrom('area').select(['code']).where('name', '=', '文苑社区').executeTakeFirstOrThrow();
  await page.getByTestId('nav-registry').click();
  await page.getByTestId(`area-node-${community.code}`).click();
  await page.getByTestId('building-list').waitFor();
  await page.screenshot({ path: path.join(OUT, 'registry.png') });

  // A household with an elderly member living alone or a bedridden member: the page a grid worker opens most.
  const household = await server.s.db.selectFrom('person').innerJoin('area', 'area.id', 'person.area_id')
    .select('person.household_id').where('area.code', 'like', `${community.code}%`).where('person.bedridden', '=', 1)
    .executeTakeFirst() ?? await server.s.db.selectFrom('person').innerJoin('area', 'area.id', 'person.area_id')
    .select('person.household_id').where('area.code', 'like', `${community.code}%`).executeTakeFirstOrThrow();
  const bigger = await server.s.db.selectFrom('person').innerJoin('area', 'area.id', 'person.area_id')
    .select(['person.household_id', (eb) => eb.fn.countAll<number>().as('n')]).where('area.code', 'like', `${community.code}%`)
    .groupBy('person.household_id').having((eb) => eb.fn.countAll(), '>=', 4).executeTakeFirst();
  await page.goto(`${server.url}/households/${bigger?.household_id ?? household.household_id}`);
  await page.getByTestId('household-members').waitFor();
  await page.screenshot({ path: path.join(OUT, 'household.png') });

  await page.getByTestId('nav-import').click();
  await page.getByTestId('import-file').setInputFiles(fileURLToPath(new URL('../test/fixtures/roster-mixed.csv', import.meta.url)));
  await page.getByTestId('import-validate').click();
  await page.getByTestId('import-summary').waitFor();
  await page.screenshot({ path: path.join(OUT, 'import.png'), fullPage: true });
  await desktop.close();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const mobile = await phone.newPage();
  await signIn(mobile, 'wenyuan');
  await mobile.goto(`${server.url}/households/${household.household_id}`);
  await mobile.getByTestId('household-members').waitFor();
  await mobile.screenshot({ path: path.join(OUT, 'household-phone.png') });
  await phone.close();

  const auditor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const ap = await auditor.newPage();
  await signIn(ap, 'auditor');
  await ap.getByTestId('nav-audit').click();
  await ap.getByTestId('audit-verify').click();
  await ap.getByTestId('audit-verify-result').waitFor();
  await ap.screenshot({ path: path.join(OUT, 'audit.png') });
  await auditor.close();

  await tracingScreenshots(server, browser, signIn, OUT);
  await testingScreenshots(server, browser, OUT);
  await riskAreaScreenshots(server, browser, signIn, OUT);
  await quarantineScreenshots(server, browser, signIn, OUT);
}
