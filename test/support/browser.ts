// End-to-end support: a real server on a temporary SQLite city, and Debian's Chromium via playwright-core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { build } from '../../src/app.ts';
import { LogSmsSender } from '../../src/platform/sms.ts';
import { seedDemoDeployment } from '../../src/cli/first-start.ts';
import type { App } from '../../src/platform/http.ts';

export const CHROMIUM = process.env.CORDON_CHROMIUM ?? '/usr/bin/chromium';

export interface E2eServer {
  url: string;
  s: Services;
  app: App;
  /** Demo logins by username. */
  passwords: Record<string, string>;
  close(): Promise<void>;
}

export async function startDemoServer(people = 1500): Promise<E2eServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-e2e-'));
  // Text messages stay in memory: a test reads a resident's one-time code from s.sms.
  const s = await createServices(loadConfig({}, { dataDir }), { sms: new LogSmsSender() });
  const accounts = await seedDemoDeployment(s, people, () => {});
  const app = await build(s, { serveWeb: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    s,
    app,
    passwords: Object.fromEntries(accounts.map((a) => [a.username, a.password])),
    async close() {
      await app.close();
      await s.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** Signs in through the login page and waits until the signed-in frame shows the user. */
export async function signInAs(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-name').waitFor({ state: 'attached' });
}
