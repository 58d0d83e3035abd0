// The README's screenshots of mass testing rounds (全员核酸): a previous round and a current one over
// two communities, sampled through the API, one suspected-positive pool reported and partly re-sampled;
// then the dashboard, the pools, the planner, the sampler's phone, a lab upload with faults and the
// door-knock list. Called by scripts/screenshots.ts; alone: node --import tsx scripts/screenshots.testing.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startDemoServer, type E2eServer } from '../test/support/browser.ts';
import { addUser } from '../src/access/access.service.ts';
import { SYSTEM_ACTOR } from '../src/platform/audit.ts';
import { issuePersonalCode } from '../src/venues/venue.codes.ts';

type Call = <T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => Promise<T>;

async function session(server: E2eServer, username: string, password: string): Promise<Call> {
  const login = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (login.statusCode !== 200) throw new Error(`login ${username}: ${login.body}`);
  const cookie = login.cookies.find((c) => c.name === 'cordon_session')!.value;
  const csrf = (login.json() as { csrfToken: string }).csrfToken;
  return async (method, url, payload) => {
    const res = await server.app.inject({ method, url: `/api/v1${url}`, payload: payload as never, headers: { cookie: `cordon_session=${cookie}`, 'x-csrf-token': csrf } });
    if (res.statusCode >= 400) throw new Error(`${method} ${url}: ${res.body}`);
    return res.json();
  };
}

async function signIn(page: Page, server: E2eServer, username: string, password = server.passwords[username]!) {
  await page.goto(server.url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-name').waitFor({ state: 'attached' });
}

export async function testingScreenshots(server: E2eServer, browser: Browser, out: string): Promise<void> {
  const s = server.s;
  const now = Date.now();
  const H = 3_600_000;
  const city = await s.db.selectFrom('area').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const samplerPassword = 'sampler-pass-2022';
  const samplerUser = await addUser(s, SYSTEM_ACTOR, { username: 'caiyang01', displayName: '采样员 王敏', role: 'sampler', areaId: city.id, password: samplerPassword });
  const command = await session(server, 'command', server.passwords.command!);
  const sampler = await session(server, 'caiyang01', samplerPassword);
  const lab = await session(server, 'lab', server.passwords.lab!);

  const communities: Array<{ name: string; id: string; path: string; people: string[]; controlLevel: string; size: number }> = [];
  for (const name of ['文苑社区', '兴阳社区']) {
    const area = await s.db.selectFrom('area').select(['id', 'path']).where('name', '=', name).where('level', '=', 'community').executeTakeFirstOrThrow();
    const people = await s.db.selectFrom('person').innerJoin('area', 'area.id', 'person.area_id').select(['person.id', 'person.household_id'])
      .where('area.path', 'like', `${area.path}%`).orderBy('person.household_id').orderBy('person.id').execute();
    communities.push({ name, ...area, people: people.map((p) => p.id), controlLevel: name === '文苑社区' ? 'controlled' : 'prevention', size: name === '文苑社区' ? 10 : 20 });
  }
  const tables: Record<string, string[]> = {};
  for (const c of communities) {
    const site = await command<{ id: string }>('POST', '/testing/sites', { areaId: c.id, name: `${c.name.replace('社区', '')}广场采样点`, address: `${c.name.replace('社区', '')}路 1 号` });
    tables[c.id] = [];
    for (const n of ['1号台', '2号台']) tables[c.id]!.push((await command<{ id: string }>('POST', `/testing/sites/${site.id}/tables`, { name: n })).id);
  }
  const areas = communities.map((c) => ({ areaId: c.id, controlLevel: c.controlLevel }));

  let serial = 0;
  /** Fills tubes for a share of each community's people; returns the barcodes by community. */
  async function sample(roundId: string, prefix: string, share: Record<string, number>, at: number) {
    const barcodes: Record<string, string[]> = {};
    for (const c of communities) {
      const chosen = c.people.slice(0, Math.floor(c.people.length * share[c.name]!));
      const ops = [];
      barcodes[c.id] = [];
      for (let i = 0; i < chosen.length; i += c.size) {
        const barcode = `${prefix}${String(++serial).padStart(5, '0')}`;
        barcodes[c.id]!.push(barcode);
        ops.push({
          type: 'tube.fill', clientId: `shot-${barcode}`, at, roundId, tableId: tables[c.id]![(i / c.size) % 2]!, barcode,
          people: chosen.slice(i, i + c.size).map((personId) => ({ personId, at })),
        });
      }
      for (let i = 0; i < ops.length; i += 400) {
        const r = await sampler<{ results: Array<{ ok: boolean; error?: { code: string } }> }>('POST', '/testing/sync', { ops: ops.slice(i, i + 400) });
        const bad = r.results.find((x) => !x.ok);
        if (bad) throw new Error(`sampling refused: ${bad.error?.code}`);
      }
    }
    return barcodes;
  }

  // The previous round: nearly everyone sampled and negative, closed.
  const previous = await command<{ id: string }>('POST', '/testing/rounds', { name: '第二轮全员核酸', areas, startsAt: now - 20 * H, deadlineAt: now + 4 * H, autoReport: false });
  const before = await sample(previous.id, 'LS2', { 文苑社区: 0.96, 兴阳社区: 0.93 }, now - 19 * H);
  await lab('POST', '/testing/lab/results', { roundId: previous.id, results: Object.values(before).flat().map((barcode) => ({ barcode, result: 'negative', testedAt: now - 12 * H })) });
  await command('POST', `/testing/rounds/${previous.id}/close`, {});

  // The current round: under way, one pool positive and reported, some re-tests done.
  const round = await command<{ id: string }>('POST', '/testing/rounds', { name: '第三轮全员核酸', areas, startsAt: now - 3 * H, previousRoundId: previous.id, autoReport: false });
  await command('POST', `/testing/rounds/${round.id}/staff`, { userId: samplerUser.user.id, siteId: undefined, tableId: tables[communities[0]!.id]![0], duty: 'sampler' });
  const current = await sample(round.id, 'LS3', { 文苑社区: 0.74, 兴阳社区: 0.88 }, now - 2 * H);
  const wenyuan = current[communities[0]!.id]!;
  const resulted = Object.values(current).flat().filter((_, i) => i % 5 !== 4);
  const positive = wenyuan[3]!;
  await lab('POST', '/testing/lab/results', {
    roundId: round.id,
    results: resulted.map((barcode) => (barcode === positive
      ? { barcode, result: 'positive', ctN: 33.1, ctOrf1ab: 34.6, testedAt: now - 100 * 60_000 }
      : { barcode, result: 'negative', testedAt: now - 100 * 60_000 })),
  });
  const pools = await command<{ items: Array<{ id: string }> }>('GET', `/testing/pools?roundId=${round.id}`);
  await command('POST', `/testing/pools/${pools.items[0]!.id}/report`, {});
  const tasks = await sampler<{ items: Array<{ id: string }> }>('GET', `/testing/tasks?roundId=${round.id}&status=open`);
  await sampler('POST', '/testing/sync', { ops: tasks.items.slice(0, 6).map((task, i) => ({ type: 'task.sample', clientId: `shot-task-${i}`, at: now - 30 * 60_000, taskId: task.id, barcode: `RT3${String(i + 1).padStart(5, '0')}` })) });

  // The command centre's dashboard, drilled down to 文苑社区's grids.
  const desk = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN', deviceScaleFactor: 1 });
  const cp = await desk.newPage();
  await signIn(cp, server, 'command');
  await cp.goto(`${server.url}/testing/rounds/${round.id}`);
  await cp.getByTestId('coverage-row').first().waitFor();
  await cp.getByTestId('coverage-open').filter({ hasText: '文苑社区' }).click();
  await cp.locator('[data-testid="coverage-row"][data-level="grid"]').first().waitFor();
  await cp.screenshot({ path: path.join(out, 'testing-round.png'), fullPage: true });
  await cp.getByTestId('round-tab-pools').click();
  await cp.getByTestId('pool-detail-toggle').first().click();
  await cp.getByTestId('pool-notification').first().waitFor();
  await cp.screenshot({ path: path.join(out, 'testing-pools.png'), fullPage: true });
  await cp.getByTestId('round-tab-plan').click();
  await cp.getByTestId('plan-total').waitFor();
  await cp.getByTestId('staff-row').first().waitFor();
  await cp.screenshot({ path: path.join(out, 'testing-plan.png'), fullPage: true });
  await desk.close();

  // A lab upload with a wrong row: nothing written, each fault named.
  const labDesk = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
  const lp = await labDesk.newPage();
  await signIn(lp, server, 'lab');
  await lp.goto(`${server.url}/testing/lab`);
  await lp.getByTestId('lab-round').locator(`option[value="${round.id}"]`).waitFor({ state: 'attached' });
  await lp.getByTestId('lab-round').selectOption(round.id);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-shots-'));
  const file = path.join(tmp, '检测结果-0324.csv');
  const pending = Object.values(current).flat().filter((_, i) => i % 5 === 4);
  const t = new Date(now - 20 * 60_000).toISOString();
  fs.writeFileSync(file, ['管码,结果,N基因Ct,ORF1ab基因Ct,检测时间', `${pending[0]},阴性,,,${t}`, `${pending[1]},阳性,62,33.0,${t}`, `XX99999,阴性,,,${t}`, `${pending[2]},待定,,,${t}`].join('\n') + '\n');
  await lp.getByTestId('lab-file').setInputFiles(file);
  await lp.getByTestId('lab-validate').click();
  await lp.getByTestId('import-errors').waitFor();
  await lp.screenshot({ path: path.join(out, 'testing-lab.png'), fullPage: true });
  fs.rmSync(tmp, { recursive: true, force: true });
  await labDesk.close();

  // The sampler's phone, seven people into a 10:1 tube.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' });
  const sp = await phone.newPage();
  await signIn(sp, server, 'caiyang01', samplerPassword);
  await sp.goto(`${server.url}/testing/sample`);
  await sp.getByTestId('sampler-assignment').first().click();
  await sp.getByTestId('sampler-barcode').fill('LS300901');
  await sp.getByTestId('sampler-open').click();
  await sp.locator('[data-testid="sampler-tube"][data-state="ok"]').waitFor();
  const wenyuanPeople = communities[0]!.people;
  const unsampled = wenyuanPeople.slice(Math.floor(wenyuanPeople.length * 0.74) + 5);
  for (let i = 0; i < 7; i++) {
    await sp.getByTestId('sampler-code').fill(issuePersonalCode(s.signing.personalPrivateKey, unsampled[i]!, s.clock.now()).token);
    await sp.getByTestId('sampler-add').click();
    await sp.locator(`[data-testid="sampler-count"][data-count="${i + 1}"]`).waitFor();
  }
  await sp.evaluate(() => window.scrollTo(0, 0));
  await sp.screenshot({ path: path.join(out, 'testing-sampler-phone.png') });
  await phone.close();

  // The grid worker's door-knock list of a building with people missing.
  const grid = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' });
  const gp = await grid.newPage();
  await signIn(gp, server, 'wenyuan');
  await gp.goto(`${server.url}/testing/door-knock?round=${round.id}`);
  for (let depth = 0; depth < 5; depth++) {
    const first = gp.getByTestId('doorknock-area').first();
    await first.waitFor();
    const atBuildings = (await first.getAttribute('data-level')) === 'building';
    await gp.locator('[data-testid="doorknock-area"]:has(.knock-missing.has)').first().click();
    if (atBuildings) break;
  }
  await gp.getByTestId('doorknock-person').first().waitFor();
  await gp.getByTestId('doorknock-person').first().getByTestId('visit-away').click();
  await gp.locator('[data-testid="doorknock-person"][data-state="ok"]').first().waitFor();
  await gp.screenshot({ path: path.join(out, 'testing-doorknock-phone.png') });
  await grid.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
  const server = await startDemoServer(3000);
  const browser = await launchBrowser();
  try {
    await testingScreenshots(server, browser, out);
    console.log(`testing screenshots written to ${out}`);
  } finally {
    await browser.close();
    await server.close();
  }
}
