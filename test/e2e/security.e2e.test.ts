// In Chromium: the web app's pages and the API docs load under the server's Content-Security-Policy
// with no violation (the policy allows no inline script and no inline style but Cytoscape's, by hash),
// and a weak password is refused on the users page with the reason beside the field.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { demoInBrowser, DESKTOP, signInAs } from '../support/browser.ts';

describe('the web app under its Content-Security-Policy', () => {
  const demo = demoInBrowser(300);

  /** A page that records every CSP violation it sees (reported by the browser as an event and a console error). */
  async function watched(violations: string[]): Promise<Page> {
    const context = await demo.browser.newContext(DESKTOP);
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
      });
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|CSP violation/i.test(m.text()))
        violations.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => violations.push(`${page.url()}: ${e.message}`));
    return page;
  }

  test('sign-in, the staff pages, the chains graph, the public pages and the API docs: no violation', async () => {
    const violations: string[] = [];
    const page = await watched(violations);
    await signInAs(page, demo.server.url, 'command', demo.server.passwords.command!);
    for (const path of ['/', '/registry', '/cases', '/chains', '/testing/rounds', '/risk-areas', '/venues']) {
      await page.goto(`${demo.server.url}${path}`);
      await page.getByTestId('user-name').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
    }
    for (const path of ['/live', '/risk-areas/public', '/v/not-a-venue-code']) {
      await page.goto(`${demo.server.url}${path}`);
      await page.waitForLoadState('networkidle');
    }
    await page.goto(`${demo.server.url}/api/v1/docs`);
    await page.locator('.swagger-ui .info').waitFor();
    await page.waitForLoadState('networkidle');
    await page.context().close();
    assert.deepEqual(violations, []);
  });

  test('the users page refuses "password12" and says why beside the password field', async () => {
    const violations: string[] = [];
    const page = await watched(violations);
    await signInAs(page, demo.server.url, 'admin', demo.server.passwords.admin!);
    await page.goto(`${demo.server.url}/users`);
    const form = page.getByTestId('create-user-form');
    await form.waitFor();
    await page.getByTestId('user-username').fill('weak.user');
    await page.getByTestId('user-displayName').fill('弱密码');
    await page.getByTestId('user-password').fill('password12');
    await page.getByTestId('user-create').click();
    const reason = form.locator('.field-error');
    await reason.first().waitFor();
    assert.match(await reason.first().innerText(), /太容易被猜到/);
    assert.match(await page.getByTestId('error').innerText(), /PASSWORD_GUESSABLE/);
    await page.context().close();
    assert.deepEqual(violations, []);
  });
});
