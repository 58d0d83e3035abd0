// Hardening: security headers on API answers, the web app and the API docs; a session checked before a
// large body is read; the SQLite file and its WAL readable by their owner only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices } from '../support/services.ts';
import { build, WEB_DIST } from '../../src/app.ts';
import { connect, migrateToLatest } from '../../src/db/connect.ts';
import { needsActor } from '../../src/access/auth.ts';

/** Just over the server's 10 MB body limit, and not JSON: parsing it first would answer 413 or 400. */
const HUGE = `{"name":"${'x'.repeat(10 * 1024 * 1024)}`;

function assertSecurityHeaders(res: LightMyRequestResponse, what: string): void {
  const csp = String(res.headers['content-security-policy'] ?? '');
  assert.match(csp, /default-src 'self'/, `${what}: CSP`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  assert.match(csp, /script-src 'self'(;|$)/, `${what}: no inline or foreign scripts`);
  assert.match(csp, /object-src 'none'/, `${what}: object-src`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${what}: nothing unsafe`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
}

for (const { dialect, skip } of await dialects()) {
  describe(`hardening HTTP [${dialect}]`, { skip }, () => {
    test('security headers on API answers (success and problem), the API docs and the web app', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const webBuilt = fs.existsSync(path.join(WEB_DIST, 'index.html'));
      const app = await build(s, { serveWeb: webBuilt });
      try {
        const health = await app.inject({ method: 'GET', url: '/api/v1/health' });
        assert.equal(health.statusCode, 200);
        assertSecurityHeaders(health, 'health');
        assert.equal(health.headers['strict-transport-security'], undefined, 'no HSTS without HTTPS');
        const problem = await app.inject({ method: 'GET', url: '/api/v1/users' });
        assert.equal(problem.statusCode, 401);
        assertSecurityHeaders(problem, 'a problem answer');
        const docs = await app.inject({ method: 'GET', url: '/api/v1/docs' });
        assert.equal(docs.statusCode, 200);
        assertSecurityHeaders(docs, 'API docs');
        if (webBuilt) {
          for (const url of ['/', '/login', '/users']) {
            const page = await app.inject({ method: 'GET', url });
            assert.equal(page.statusCode, 200, url);
            assert.match(String(page.headers['content-type']), /text\/html/);
            assertSecurityHeaders(page, `web page ${url}`);
          }
        }
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('HSTS is sent when the deployment runs behind HTTPS', async () => {
      const s = await testServices(dialect);
      s.config.secureCookies = true;
      const app = await build(s, { serveWeb: false });
      try {
        const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
        assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('a 10 MB body to a route that needs a session, without one, is 401 before the body is parsed', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const admin = await signIn(s, 'admin', AREAS.city);
        const routes: Array<['POST' | 'PATCH', string]> = [
          ['POST', '/api/v1/users'],
          ['PATCH', `/api/v1/users/${admin.userId}`],
          ['POST', '/api/v1/households'],
          ['POST', '/api/v1/checkins'],
          ['POST', '/api/v1/tokens'],
        ];
        for (const [method, url] of routes) {
          for (const headers of [{}, { cookie: 'cordon_session=forged' }]) {
            const res = await app.inject({
              method,
              url,
              payload: HUGE,
              headers: { ...headers, 'content-type': 'application/json' },
            });
            assert.equal(res.statusCode, 401, `${method} ${url}`);
            assert.equal(res.json().code, 'UNAUTHENTICATED', `${method} ${url}`);
          }
        }
        // With a session the same body is read, and refused for its size.
        const signedIn = await app.inject({
          method: 'POST',
          url: '/api/v1/users',
          payload: HUGE,
          headers: { ...admin.headers, 'content-type': 'application/json' },
        });
        assert.equal(signedIn.statusCode, 413);
        assert.equal(signedIn.json().code, 'PAYLOAD_TOO_LARGE');
        // Public routes stay public.
        const login = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'nobody', password: 'whatever pw' },
        });
        assert.equal(login.json().code, 'LOGIN_FAILED');
        assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode, 204);
        assert.equal((await app.inject({ method: 'GET', url: '/api/v1/codes/public-key' })).statusCode, 200);
        assert.equal((await app.inject({ method: 'GET', url: '/api/v1/risk-areas/public' })).statusCode, 200);
        assert.equal((await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode, 200);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}

test('needsActor: guarded and undeclared API routes need a session; declared-public, hidden and non-API ones do not', () => {
  assert.equal(needsActor({ url: '/api/v1/things', schema: { tags: ['x'] } }), true);
  assert.equal(needsActor({ url: '/api/v1/things' }), true);
  assert.equal(needsActor({ url: '/api/v1/public', schema: { security: [] } as never }), false);
  assert.equal(needsActor({ url: '/api/v1/openapi.json', schema: { hide: true } as never }), false);
  assert.equal(needsActor({ url: '/index.html' }), false);
});

test(
  'the SQLite file, its WAL and shared memory are created 0600, and narrowed to 0600 when found wider',
  { skip: process.platform === 'win32' && 'no POSIX modes' },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-mode-'));
    const umask = process.umask(0o022);
    try {
      const file = path.join(dir, 'cordon.db');
      const handle = connect({ sqlitePath: file });
      await migrateToLatest(handle);
      await handle.db
        .insertInto('login_failure')
        .values({ account_key: 'k', source: 's', failures: 1, locked_until: null, last_failure_at: 1 })
        .execute();
      const mode = (f: string) => fs.statSync(f).mode & 0o777;
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        assert.ok(fs.existsSync(f), `${path.basename(f)} exists`);
        assert.equal(mode(f).toString(8), '600', path.basename(f));
      }
      await handle.close();

      fs.chmodSync(file, 0o644);
      const again = connect({ sqlitePath: file });
      assert.equal(mode(file).toString(8), '600', 'an older, wider file is narrowed');
      await again.close();
    } finally {
      process.umask(umask);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
