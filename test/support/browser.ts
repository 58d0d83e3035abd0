// End-to-end support: a real server on a temporary SQLite city, and Debian's Chromium via playwright-core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Cookie, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { build } from '../../src/app.ts';
import { LogSmsSender } from '../../src/platform/sms.ts';
import { seedDemoDeployment } from '../../src/cli/first-start.ts';
import type { App } from '../../src/platform/http.ts';

export const CHROMIUM = process.env.CORDON_CHROMIUM ?? '/usr/bin/chromium';

/** A desktop browser window, in Chinese. */
export const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' } as const;
/** A phone, in Chinese. */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  locale: 'zh-CN',
  isMobile: true,
  hasTouch: true,
} as const;

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
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
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

/** A suite's demo server and browser, with the page helpers every browser test uses. */
export interface DemoInBrowser {
  /** The demo server (there from the suite's first before hook on). */
  readonly server: E2eServer;
  /** Chromium (there from the suite's first before hook on). */
  readonly browser: Browser;
  /** Uncaught errors of every page opened with open() or signed in with signIn(). */
  readonly errors: string[];
  /** A new page of the context whose uncaught errors go to errors. */
  open(context: BrowserContext): Promise<Page>;
  /**
   * Signs the page in as a demo user (with the demo password unless given); its uncaught errors go to
   * errors. The first time for a user it signs in through the login page; after that the page's context
   * gets that session's cookie and opens the app signed in (through the login page again should the
   * session have ended).
   */
  signIn(page: Page, username: string, password?: string): Promise<void>;
}

/**
 * For the describe() it is called in: a demo server of `people` residents and Chromium, started
 * before its tests and closed after them.
 */
export function demoInBrowser(people?: number): DemoInBrowser {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  const errors: string[] = [];
  const watched = new WeakSet<Page>();
  /** The cookies of each user's session, by user name and password: signing in once per user and file. */
  const sessions = new Map<string, Cookie[]>();
  const watch = (page: Page) => {
    if (watched.has(page)) return;
    watched.add(page);
    page.on('pageerror', (e) => errors.push(e.message));
  };
  before(async () => {
    server = await startDemoServer(people);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = (): E2eServer => {
    if (!server) throw new Error('the demo server starts in the before hook');
    return server;
  };
  return {
    get server() {
      return started();
    },
    get browser() {
      if (!browser) throw new Error('the browser starts in the before hook');
      return browser;
    },
    errors,
    async open(context) {
      const page = await context.newPage();
      watch(page);
      return page;
    },
    async signIn(page, username, password) {
      watch(page);
      const { url, passwords } = started();
      const secret = password ?? passwords[username]!;
      const key = JSON.stringify([username, secret]);
      const saved = sessions.get(key);
      if (saved) {
        await page.context().addCookies(saved);
        await page.goto(url);
        const shown = page.getByTestId('user-name').or(page.getByTestId('login-username'));
        await shown.first().waitFor({ state: 'attached' });
        if (await page.getByTestId('user-name').count()) return;
      }
      await signInAs(page, url, username, secret);
      sessions.set(key, await page.context().cookies(url));
    },
  };
}
