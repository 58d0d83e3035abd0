// In Chromium: the administrator unlocks a locked account and resets its password on the users page;
// the user, signing in with the handed-over password, sees only the choose-a-new-password page until
// they set their own. The auditor filters the log by a family of actions and by actor, sees objects
// named by what they are, and exports the filtered log.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { demoInBrowser, DESKTOP, signInAs } from '../support/browser.ts';

const SHOTS = process.env.CORDON_SCREENSHOTS ?? path.join(os.tmpdir(), 'cordon-shots');

describe('accounts and audit in the browser', () => {
  const demo = demoInBrowser(300);

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  test('the administrator unlocks and resets; the user must choose a new password before anything else', async () => {
    for (let i = 0; i < demo.server.s.config.lockout.maxFailures; i++) {
      await demo.server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'xingyang', password: 'a wrong passphrase' },
      });
    }
    const admin = await demo.browser.newContext(DESKTOP);
    const page = await admin.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    try {
      await signInAs(page, demo.server.url, 'admin', demo.server.passwords.admin!);
      await page.goto(`${demo.server.url}/users`);
      await page.getByTestId('users-search').fill('xingyang');
      const row = page.locator('[data-testid="user-row"][data-username="xingyang"]');
      await row.getByTestId('user-unlock').click();
      await page.getByTestId('account-notice').waitFor();
      await row.getByTestId('user-unlock').waitFor({ state: 'detached' });

      await row.getByTestId('user-reset').click();
      const handed = (await page.getByTestId('reset-password').innerText()).trim();
      assert.match(handed, /^[2-9a-z]{4}(-[2-9a-z]{4}){3}$/);
      await row.getByTestId('user-must-change').waitFor();
      await shot(page, 'users-desktop');
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, 'users-phone');

      const user = await demo.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
      const phone = await user.newPage();
      phone.on('pageerror', (e) => errors.push(e.message));
      await phone.goto(demo.server.url);
      await phone.getByTestId('login-username').fill('xingyang');
      await phone.getByTestId('login-password').fill(handed);
      await phone.getByTestId('login-submit').click();
      await phone.getByTestId('password-change-form').waitFor();
      assert.equal(await phone.getByTestId('user-name').count(), 0, 'nothing but the change page');
      await shot(phone, 'password-change-phone');
      await phone.getByTestId('pw-current').fill(handed);
      await phone.getByTestId('pw-next').fill('my own passphrase 7');
      await phone.getByTestId('pw-repeat').fill('my own passphrase 7');
      await phone.getByTestId('pw-submit').click();
      await phone.getByTestId('user-name').waitFor({ state: 'attached' });
      await user.close();

      const events = await demo.server.s.db
        .selectFrom('audit_event')
        .select('action')
        .where('object_type', '=', 'user')
        .where('action', 'in', ['user.update', 'user.password_reset', 'auth.password_change'])
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => e.action),
        ['user.update', 'user.password_reset', 'auth.password_change'],
      );
      assert.deepEqual(errors, []);
    } finally {
      await admin.close();
    }
  });

  test('the auditor filters by a family of actions and by actor, sees objects by name, and exports', async () => {
    const context = await demo.browser.newContext(DESKTOP);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await signInAs(page, demo.server.url, 'auditor', demo.server.passwords.auditor!);
      await page.goto(`${demo.server.url}/audit`);
      await page.getByTestId('audit-action').fill('user.*');
      await page.getByTestId('audit-apply').click();
      await page.waitForURL(/action=user/);
      const rows = page.getByTestId('audit-row');
      await rows.first().waitFor();
      // The unfiltered page may still be shown for a moment: wait for the filtered one.
      await page.waitForFunction(() => {
        const shown = [...document.querySelectorAll('[data-testid="audit-row"]')];
        return shown.length > 0 && shown.every((r) => r.getAttribute('data-action')?.startsWith('user.'));
      });
      const actions = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
      assert.ok(actions.length > 0 && actions.every((a) => a!.startsWith('user.')), actions.join(','));
      const objects = await page.getByTestId('audit-object').allInnerTexts();
      assert.ok(
        objects.some((o) => /admin|auditor|wenyuan|xingyang/.test(o)),
        `objects named: ${objects.slice(0, 3).join(' | ')}`,
      );

      await page.getByTestId('audit-actor').fill('admin');
      await page.getByTestId('audit-apply').click();
      await page.waitForURL(/actor=admin/);
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="audit-row"]')].every((r) => r.textContent?.includes('admin')),
      );

      const href = await page.getByTestId('audit-export-csv').getAttribute('href');
      assert.ok(href && href.includes('action=user.*') && href.includes('actor=admin'), href ?? '');
      const file = await page.request.get(`${demo.server.url}${href}`);
      assert.equal(file.status(), 200);
      const lines = (await file.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/);
      assert.ok(lines.length >= 2);
      assert.ok(lines.slice(1).every((l) => l.includes(',user.')));
      await shot(page, 'audit-desktop');
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, 'audit-phone');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
