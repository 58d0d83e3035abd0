// In Chromium: a resident signs up as a volunteer on a phone, the coordinator approves the sign-up (an
// account is made) and, on the dispatch board, proposes and confirms tomorrow's needs; the volunteer signs
// in on the phone, accepts the task, and the coordinator sees the seat filled and the volunteer's hours.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoInBrowser, DESKTOP, PHONE } from '../support/browser.ts';
import { rid } from '../support/ids.ts';
import { createNeeds } from '../../src/volunteers/volunteers.service.ts';
import type { Actor } from '../../src/access/access.rules.ts';

const ZONE = 'Asia/Shanghai';

describe('volunteers in the browser', () => {
  const demo = demoInBrowser();

  test('sign up on a phone, vetted, matched, accepts; the coordinator sees the hours', async () => {
    const s = demo.server.s;
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date(Date.now() + 86_400_000));
    const weekday = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(`${tomorrow}T00:00:00Z`).getUTCDay()]!;
    const team = '文苑浏览器测试突击队';

    // 1. The sign-up, on a phone, without an account.
    const phone = await demo.open(await demo.browser.newContext(PHONE));
    await phone.goto(`${demo.server.url}/volunteer/signup`);
    await phone.getByTestId('vol-name').fill('范志远');
    await phone.getByTestId('vol-id').fill(rid('22040219950505123'));
    await phone.getByTestId('vol-phone').fill('13904375555');
    const area = phone.getByTestId('vol-area');
    await area.locator('option', { hasText: '文苑社区' }).waitFor({ state: 'attached' });
    const value = await area.locator('option', { hasText: '文苑社区' }).first().getAttribute('value');
    await area.selectOption(value!);
    await phone.getByTestId('vol-team').fill(team);
    await phone.getByTestId('vol-skill-data_entry').check();
    await phone.getByTestId(`vol-avail-${weekday}_am`).check();
    await phone.getByTestId(`vol-avail-${weekday}_pm`).check();
    await phone.getByTestId('vol-consent').check();
    await phone.getByTestId('vol-submit').click();
    await phone.getByTestId('vol-signup-done').waitFor();

    // 2. The coordinator approves it: the account's first password is shown once.
    const desk = await demo.open(await demo.browser.newContext(DESKTOP));
    await demo.signIn(desk, 'coordinator');
    await desk.getByTestId('nav-volunteerVetting').click();
    const row = desk.getByTestId('vol-vet-row').filter({ hasText: '范志远' });
    await row.getByTestId('vol-approve').click();
    const account = await desk.getByTestId('vol-account').innerText();
    const [, username, password] = /：(\S+)，初始密码 (\S+)（/.exec(account) ?? [];
    assert.ok(username && password, account);

    // 3. A need of 文苑社区 for tomorrow morning that prefers the volunteer's team.
    const coordinator = await s.db
      .selectFrom('app_user')
      .innerJoin('area', 'area.id', 'app_user.area_id')
      .select(['app_user.id', 'area.id as area_id', 'area.path'])
      .where('username', '=', 'coordinator')
      .executeTakeFirstOrThrow();
    const wenyuan = await s.db
      .selectFrom('area')
      .select('id')
      .where('name', '=', '文苑社区')
      .where('level', '=', 'community')
      .executeTakeFirstOrThrow();
    const actor: Actor = {
      userId: coordinator.id,
      username: 'coordinator',
      displayName: '龙山区志愿者协调员',
      role: 'volunteer_coordinator',
      areaId: coordinator.area_id,
      areaPath: coordinator.path,
      via: 'token',
    };
    const [need] = await createNeeds(s, actor, {
      unitKind: 'community',
      unitName: '文苑社区入户排查点',
      taskType: 'door_knocking',
      areaId: wenyuan.id,
      date: tomorrow,
      startTime: '08:00',
      endTime: '11:00',
      people: 1,
      skills: ['data_entry'],
      health: 'none',
      team,
      contactName: '王站长',
      contactPhone: '13904379999',
    });

    // 4. Propose and confirm tomorrow on the board.
    await desk.getByTestId('nav-volunteerBoard').click();
    await desk.getByTestId('vol-board-date').fill(tomorrow);
    await desk.getByTestId('vol-need').filter({ hasText: '文苑社区入户排查点' }).waitFor();
    await desk.getByTestId('vol-propose').click();
    const card = desk.getByTestId('vol-need').filter({ hasText: '文苑社区入户排查点' });
    await card.getByTestId('vol-proposal').filter({ hasText: '范志远' }).waitFor();
    await desk.getByTestId('vol-confirm').click();
    await desk.getByTestId('vol-booked').waitFor();

    // 5. The volunteer signs in on the phone and accepts.
    await demo.signIn(phone, username!, password!);
    await phone.goto(`${demo.server.url}/volunteers/me`);
    const task = phone.getByTestId('vol-task').filter({ hasText: '文苑社区入户排查点' });
    await task.getByTestId('vol-accept').click();
    await task.locator('.vol-badge-accepted').waitFor();
    assert.match(await phone.getByTestId('vol-hours').innerText(), /累计 3 小时/);

    // 6. The coordinator sees the seat filled.
    await desk.reload();
    await desk.getByTestId('vol-board-date').fill(tomorrow);
    await desk
      .getByTestId('vol-need')
      .filter({ hasText: '文苑社区入户排查点' })
      .getByTestId('vol-fill')
      .filter({ hasText: '已接受 1' })
      .waitFor();
    const booking = await s.db
      .selectFrom('volunteer_booking')
      .select(['status'])
      .where('need_id', '=', need!.id)
      .executeTakeFirstOrThrow();
    assert.equal(booking.status, 'accepted');
    assert.deepEqual(demo.errors, []);
  });
});
