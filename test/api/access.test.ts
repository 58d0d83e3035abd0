import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type TestServices } from '../support/services.ts';
import { build, type BuildOptions } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { TEST_PASSWORD as PASSWORD } from '../support/password.ts';

interface Harness {
  s: TestServices;
  app: App;
  /** Every response body seen, to check that no password hash ever left the server. */
  bodies: string[];
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
  login(username: string, password?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

async function harness(
  dialect: 'sqlite' | 'postgres',
  options: BuildOptions = {},
  configure?: (s: TestServices) => void,
): Promise<Harness> {
  const s = await testServices(dialect);
  configure?.(s);
  await seedTestAreas(s);
  const app = await build(s, { serveWeb: false, ...options });
  const bodies: string[] = [];
  const call = async (o: InjectOptions) => {
    const res = await app.inject(o);
    bodies.push(res.body);
    return res;
  };
  return {
    s,
    app,
    bodies,
    call,
    login: (username, password = PASSWORD) =>
      call({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } }),
    close: async () => {
      for (const body of bodies) assert.equal(body.includes('scrypt$'), false, 'a response carried a password hash');
      await app.close();
      await s.close();
    },
  };
}

/** The cookie and CSRF headers of a signed-in browser, from a login response. */
function browser(res: LightMyRequestResponse): Record<string, string> {
  const cookie = res.cookies.find((c) => c.name === 'cordon_session');
  assert.ok(cookie, 'no session cookie');
  return { cookie: `cordon_session=${cookie.value}`, 'x-csrf-token': res.json().csrfToken };
}

async function actions(s: TestServices): Promise<string[]> {
  const rows = await s.db.selectFrom('audit_event').select('action').orderBy('seq').execute();
  return rows.map((r) => r.action);
}

for (const { dialect, skip } of await dialects()) {
  describe(`access HTTP [${dialect}]`, { skip }, () => {
    test('login sets an httpOnly SameSite=Strict session cookie and returns the CSRF token; /auth/me returns it again', async () => {
      const h = await harness(dialect);
      try {
        await signIn(h.s, 'community_worker', AREAS.wenyuan, 'wang.fang');
        const res = await h.login('Wang.Fang');
        assert.equal(res.statusCode, 200);
        const body = res.json();
        assert.equal(typeof body.csrfToken, 'string');
        assert.deepEqual(Object.keys(body.user).sort(), [
          'areaCode',
          'areaId',
          'areaName',
          'areaPath',
          'displayName',
          'id',
          'mustChangePassword',
          'role',
          'username',
        ]);
        assert.equal(body.user.areaName, '文苑社区');
        const cookie = res.cookies.find((c) => c.name === 'cordon_session')!;
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.sameSite, 'Strict');
        assert.equal(cookie.path, '/');
        assert.equal(cookie.secure, undefined);
        assert.equal(cookie.maxAge, h.s.config.sessionTtlMs / 1000);
        const me = await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: browser(res) });
        assert.equal(me.statusCode, 200);
        assert.equal(me.json().csrfToken, body.csrfToken);
        assert.equal(me.json().user.username, 'wang.fang');
        assert.ok(me.json().permissions.includes('registry.import'));
        assert.equal(me.json().permissions.includes('user.manage'), false);

        // Signing in again from a page that still holds the cookie needs no CSRF token and ends the old session.
        const again = await h.call({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { cookie: browser(res).cookie },
          payload: { username: 'wang.fang', password: PASSWORD },
        });
        assert.equal(again.statusCode, 200);
        assert.equal((await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: browser(res) })).statusCode, 401);
        assert.equal(
          (await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: browser(again) })).statusCode,
          200,
        );
      } finally {
        await h.close();
      }
    });

    test('/auth/session answers an anonymous visitor with user null (no 401), a stale cookie too, and a signed-in one as /auth/me does', async () => {
      const h = await harness(dialect);
      try {
        const anonymous = await h.call({ method: 'GET', url: '/api/v1/auth/session' });
        assert.equal(anonymous.statusCode, 200);
        assert.deepEqual(anonymous.json(), { user: null, csrfToken: null, permissions: [] });
        const stale = await h.call({
          method: 'GET',
          url: '/api/v1/auth/session',
          headers: { cookie: 'cordon_session=gone' },
        });
        assert.deepEqual(stale.json(), { user: null, csrfToken: null, permissions: [] });
        await signIn(h.s, 'lab', AREAS.city, 'lab.user');
        const res = await h.login('lab.user');
        const session = await h.call({ method: 'GET', url: '/api/v1/auth/session', headers: browser(res) });
        const me = await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: browser(res) });
        assert.equal(session.statusCode, 200);
        assert.deepEqual(session.json(), me.json());
        assert.equal(session.json().user.username, 'lab.user');
      } finally {
        await h.close();
      }
    });

    test('the cookie is Secure when the deployment says so', async () => {
      const h = await harness(dialect, {}, (s) => {
        s.config.secureCookies = true;
      });
      try {
        await signIn(h.s, 'lab', AREAS.city, 'lab.user');
        const res = await h.login('lab.user');
        assert.equal(res.cookies.find((c) => c.name === 'cordon_session')!.secure, true);
      } finally {
        await h.close();
      }
    });

    test('a wrong password or unknown user is 401 LOGIN_FAILED; signed out /auth/me is 401', async () => {
      const h = await harness(dialect);
      try {
        await signIn(h.s, 'lab', AREAS.city, 'lab.user');
        const wrong = await h.login('lab.user', 'not the password');
        assert.equal(wrong.statusCode, 401);
        assert.equal(wrong.json().code, 'LOGIN_FAILED');
        assert.equal(wrong.cookies.length, 0);
        const unknown = await h.login('nobody', 'not the password');
        assert.equal(unknown.json().code, 'LOGIN_FAILED');
        const me = await h.call({ method: 'GET', url: '/api/v1/auth/me' });
        assert.equal(me.statusCode, 401);
        assert.equal(me.json().code, 'UNAUTHENTICATED');
        const forged = await h.call({
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { cookie: 'cordon_session=forged' },
        });
        assert.equal(forged.statusCode, 401);
      } finally {
        await h.close();
      }
    });

    test('lockout: 423 ACCOUNT_LOCKED after N failures even with the right password, until lockMs passes or an admin unlocks', async () => {
      const h = await harness(dialect);
      try {
        const { maxFailures, lockMs } = h.s.config.lockout;
        const target = await signIn(h.s, 'investigator', AREAS.wenyuan, 'li.na');
        const lockOut = async () => {
          for (let i = 1; i < maxFailures; i++)
            assert.equal((await h.login('li.na', 'wrong wrong wrong')).statusCode, 401);
          const locked = await h.login('li.na', 'wrong wrong wrong');
          assert.equal(locked.statusCode, 423);
          assert.equal(locked.json().code, 'ACCOUNT_LOCKED');
          assert.match(locked.json().lockedUntil, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
        };
        await lockOut();
        const right = await h.login('li.na');
        assert.equal(right.statusCode, 423);
        assert.equal(right.json().code, 'ACCOUNT_LOCKED');
        h.s.clock.advance(lockMs + 1);
        assert.equal((await h.login('li.na')).statusCode, 200);

        await lockOut();
        const admin = await signIn(h.s, 'admin', AREAS.wenyuan);
        const unlock = await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${target.userId}`,
          headers: admin.headers,
          payload: { unlock: true },
        });
        assert.equal(unlock.statusCode, 200);
        assert.equal(unlock.json().lockedUntil, null);
        assert.equal((await h.login('li.na')).statusCode, 200);

        const seen = await actions(h.s);
        for (const a of ['auth.login', 'auth.login_failed', 'auth.lockout', 'user.update'])
          assert.ok(seen.includes(a), `no ${a} event`);
        assert.equal(seen.filter((a) => a === 'auth.lockout').length, 2);
      } finally {
        await h.close();
      }
    });

    test('lockout is per account and address: while address A is locked out, the colleague signs in from B', async () => {
      const h = await harness(dialect);
      try {
        const { maxFailures } = h.s.config.lockout;
        await signIn(h.s, 'community_worker', AREAS.wenyuan, 'colleague');
        const from = (remoteAddress: string, password = 'wrong wrong wrong') =>
          h.call({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { username: 'colleague', password },
            remoteAddress,
          });
        for (let i = 1; i < maxFailures; i++) assert.equal((await from('203.0.113.66')).statusCode, 401);
        assert.equal((await from('203.0.113.66')).json().code, 'ACCOUNT_LOCKED');
        assert.equal(
          (await from('203.0.113.66', PASSWORD)).json().code,
          'ACCOUNT_LOCKED',
          'A is locked even with the right password',
        );
        const b = await from('10.20.30.40', PASSWORD);
        assert.equal(b.statusCode, 200, 'B is not locked out by A');
        assert.equal(
          (await from('10.20.30.40', 'wrong wrong wrong')).json().code,
          'LOGIN_FAILED',
          'B has its own count',
        );
        assert.equal((await from('203.0.113.66', PASSWORD)).statusCode, 423, 'B signing in does not unlock A');
      } finally {
        await h.close();
      }
    });

    test('an unknown username gets the same answers as a known one, lock included', async () => {
      const h = await harness(dialect);
      try {
        const { maxFailures } = h.s.config.lockout;
        await signIn(h.s, 'lab', AREAS.city, 'known.user');
        const answers = async (username: string) => {
          const seen: string[] = [];
          for (let i = 0; i <= maxFailures; i++) {
            const res = await h.login(username, 'wrong wrong wrong');
            const { code, status, lockedUntil } = res.json();
            seen.push(
              JSON.stringify({
                statusCode: res.statusCode,
                code,
                status,
                lockedUntil,
                cookies: res.cookies.length,
                type: res.headers['content-type'],
              }),
            );
          }
          return seen;
        };
        const known = await answers('known.user');
        assert.equal(JSON.parse(known.at(-1)!).statusCode, 423);
        assert.deepEqual(await answers('no.such.user'), known);
      } finally {
        await h.close();
      }
    });

    test('too many sign-in attempts from one address → 429 RATE_LIMITED', async () => {
      const h = await harness(dialect, { access: { loginRateLimit: { max: 3, timeWindowMs: 60_000 } } });
      try {
        for (let i = 0; i < 3; i++) assert.equal((await h.login(`nobody${i}`, 'whatever pw')).statusCode, 401);
        const limited = await h.login('nobody', 'whatever pw');
        assert.equal(limited.statusCode, 429);
        assert.equal(limited.json().code, 'RATE_LIMITED');
        assert.match(String(limited.headers['content-type']), /application\/problem\+json/);
        assert.ok(Number(limited.headers['retry-after']) > 0);
        const other = await h.call({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'nobody', password: 'whatever pw' },
          remoteAddress: '10.0.0.9',
        });
        assert.equal(other.statusCode, 401, 'another address is not limited');
      } finally {
        await h.close();
      }
    });

    test('cookie requests that change things need the CSRF token; API tokens do not', async () => {
      const h = await harness(dialect);
      try {
        await signIn(h.s, 'command', AREAS.city, 'zhao.lei');
        const headers = browser(await h.login('zhao.lei'));
        const url = '/api/v1/tokens';
        const missing = await h.call({
          method: 'POST',
          url,
          headers: { cookie: headers.cookie },
          payload: { name: 'a' },
        });
        assert.equal(missing.statusCode, 403);
        assert.equal(missing.json().code, 'CSRF_TOKEN_INVALID');
        const wrong = await h.call({
          method: 'POST',
          url,
          headers: { ...headers, 'x-csrf-token': 'x'.repeat(32) },
          payload: { name: 'a' },
        });
        assert.equal(wrong.json().code, 'CSRF_TOKEN_INVALID');
        const created = await h.call({
          method: 'POST',
          url,
          headers,
          payload: { name: 'wall dashboard', expiresInDays: 30 },
        });
        assert.equal(created.statusCode, 201);
        const { id, token } = created.json();
        assert.match(token, /^cdn_/);

        const bearer = { authorization: `Bearer ${token}` };
        const me = await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: bearer });
        assert.equal(me.statusCode, 200);
        assert.equal(me.json().csrfToken, null);
        const mint = await h.call({ method: 'POST', url, headers: bearer, payload: { name: 'from a token' } });
        assert.equal(mint.json().code, 'TOKEN_NEEDS_SESSION');

        const list = await h.call({ method: 'GET', url, headers: bearer });
        assert.equal(list.statusCode, 200);
        assert.equal(list.json().total, 1);
        assert.equal(list.body.includes(token), false);
        assert.equal(list.body.includes(token.slice(4)), false);

        const revoked = await h.call({ method: 'DELETE', url: `${url}/${id}`, headers: bearer });
        assert.equal(revoked.statusCode, 204, 'a token request needs no CSRF token');
        const after = await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: bearer });
        assert.equal(after.statusCode, 401);
        const seen = await actions(h.s);
        assert.ok(seen.includes('token.create') && seen.includes('token.revoke'));
      } finally {
        await h.close();
      }
    });

    test("another user's token cannot be revoked", async () => {
      const h = await harness(dialect);
      try {
        const a = await signIn(h.s, 'lab', AREAS.city);
        const b = await signIn(h.s, 'lab', AREAS.city);
        const created = await h.call({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: a.headers,
          payload: { name: 'mine' },
        });
        const res = await h.call({ method: 'DELETE', url: `/api/v1/tokens/${created.json().id}`, headers: b.headers });
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().code, 'TOKEN_NOT_FOUND');
      } finally {
        await h.close();
      }
    });

    test('logout deletes the session and clears the cookie; an expired session is refused', async () => {
      const h = await harness(dialect);
      try {
        await signIn(h.s, 'lab', AREAS.city, 'lab.user');
        const headers = browser(await h.login('lab.user'));
        const out = await h.call({ method: 'POST', url: '/api/v1/auth/logout', headers });
        assert.equal(out.statusCode, 204);
        const cleared = out.cookies.find((c) => c.name === 'cordon_session');
        assert.ok(cleared && cleared.value === '');
        assert.equal((await h.call({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode, 401);
        assert.ok((await actions(h.s)).includes('auth.logout'));

        const again = browser(await h.login('lab.user'));
        h.s.clock.advance(h.s.config.sessionTtlMs);
        assert.equal((await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: again })).statusCode, 401);
      } finally {
        await h.close();
      }
    });

    test('only administrators manage users', async () => {
      const h = await harness(dialect);
      try {
        for (const role of ['command', 'auditor', 'community_worker', 'resident'] as const) {
          const user = await signIn(h.s, role, AREAS.city);
          const res = await h.call({ method: 'GET', url: '/api/v1/users', headers: user.headers });
          assert.equal(res.statusCode, 403, role);
          assert.equal(res.json().code, 'FORBIDDEN');
          const post = await h.call({
            method: 'POST',
            url: '/api/v1/users',
            headers: user.headers,
            payload: { username: 'sneaky', role: 'admin', areaCode: AREAS.city },
          });
          assert.equal(post.statusCode, 403, role);
        }
      } finally {
        await h.close();
      }
    });

    test('an administrator of 文苑社区 manages users only inside 文苑社区', async () => {
      const h = await harness(dialect);
      try {
        const admin = await signIn(h.s, 'admin', AREAS.wenyuan, 'wenyuan.admin');
        await signIn(h.s, 'community_worker', AREAS.xingyang, 'xingyang.worker');
        const outside = await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: 'new.worker', role: 'community_worker', areaCode: AREAS.xingyang },
        });
        assert.equal(outside.statusCode, 403);
        assert.equal(outside.json().code, 'OUT_OF_SCOPE');

        const created = await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: {
            username: 'new.worker',
            displayName: '刘洋',
            role: 'community_worker',
            areaCode: AREAS.wenyuanGrid,
          },
        });
        assert.equal(created.statusCode, 201);
        const { user, password } = created.json();
        assert.equal(user.displayName, '刘洋');
        assert.match(password, /^[2-9a-z]{4}(-[2-9a-z]{4}){3}$/);
        assert.equal((await h.login('new.worker', password)).statusCode, 200);

        const chosen = await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: {
            username: 'second',
            role: 'volunteer_coordinator',
            areaId: `a_${AREAS.wenyuan}`,
            password: 'chosen passphrase',
          },
        });
        assert.equal(chosen.statusCode, 201);
        assert.equal(chosen.json().password, null, 'a chosen password is not echoed');

        const bad = await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: 'x', role: 'lab', areaCode: AREAS.wenyuan },
        });
        assert.equal(bad.json().code, 'USERNAME_INVALID');
        const taken = await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: 'second', role: 'lab', areaCode: AREAS.wenyuan },
        });
        assert.equal(taken.statusCode, 409);
        assert.equal(taken.json().code, 'USERNAME_TAKEN');
        const role = await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: 'third', role: 'root', areaCode: AREAS.wenyuan },
        });
        assert.equal(role.json().code, 'ROLE_INVALID');
        const weak = await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: 'third', role: 'lab', areaCode: AREAS.wenyuan, password: 'short' },
        });
        assert.equal(weak.json().code, 'PASSWORD_WEAK');
        const area = await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: 'third', role: 'lab', areaCode: '000000' },
        });
        assert.equal(area.json().code, 'AREA_NOT_FOUND');

        const list = await h.call({ method: 'GET', url: '/api/v1/users?limit=2', headers: admin.headers });
        assert.equal(list.statusCode, 200);
        assert.equal(list.json().total, 3);
        assert.equal(list.json().items.length, 2);
        const all = await h.call({ method: 'GET', url: '/api/v1/users', headers: admin.headers });
        assert.deepEqual(
          all.json().items.map((u: { username: string }) => u.username),
          ['new.worker', 'second', 'wenyuan.admin'],
        );

        const xingyang = await h.s.db
          .selectFrom('app_user')
          .select('id')
          .where('username', '=', 'xingyang.worker')
          .executeTakeFirstOrThrow();
        const patch = await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${xingyang.id}`,
          headers: admin.headers,
          payload: { disabled: true },
        });
        assert.equal(patch.json().code, 'OUT_OF_SCOPE');
        const reset = await h.call({
          method: 'POST',
          url: `/api/v1/users/${xingyang.id}/password`,
          headers: admin.headers,
          payload: {},
        });
        assert.equal(reset.json().code, 'OUT_OF_SCOPE');
        const move = await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${user.id}`,
          headers: admin.headers,
          payload: { areaCode: AREAS.xingyang },
        });
        assert.equal(move.json().code, 'OUT_OF_SCOPE');

        const created_ = await h.s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'user.create')
          .execute();
        assert.equal(created_.length, 2);
        for (const e of created_)
          assert.equal(e.detail.includes(password) || e.detail.includes('chosen passphrase'), false);
      } finally {
        await h.close();
      }
    });

    test('common and patterned passwords are refused when an account is created or its password reset, with the reason on the field', async () => {
      const h = await harness(dialect);
      try {
        const admin = await signIn(h.s, 'admin', AREAS.city);
        const worker = await signIn(h.s, 'community_worker', AREAS.wenyuan, 'zhou.min');
        for (const password of ['aaaaaaaaaa', '1234567890', 'password12']) {
          const created = await h.call({
            method: 'POST',
            url: '/api/v1/users',
            headers: { ...admin.headers, 'accept-language': 'en' },
            payload: { username: 'weak.one', role: 'lab', areaCode: AREAS.wenyuan, password },
          });
          assert.equal(created.statusCode, 400, password);
          assert.equal(created.json().code, 'PASSWORD_GUESSABLE', password);
          assert.equal(typeof created.json().warning, 'string');
          assert.deepEqual(
            created.json().errors.map((f: { field: string; code: string }) => [f.field, f.code]),
            [['password', 'PASSWORD_GUESSABLE']],
          );
          const reset = await h.call({
            method: 'POST',
            url: `/api/v1/users/${worker.userId}/password`,
            headers: admin.headers,
            payload: { password },
          });
          assert.equal(reset.json().code, 'PASSWORD_GUESSABLE', password);
        }
        const own = await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: 'wang.fang', role: 'lab', areaCode: AREAS.wenyuan, password: 'wang.fang.2022' },
        });
        assert.equal(own.json().code, 'PASSWORD_GUESSABLE', 'the username is known to an attacker');
        assert.equal(own.json().warning, 'userInputs');
        const short = await h.call({
          method: 'POST',
          url: `/api/v1/users/${worker.userId}/password`,
          headers: admin.headers,
          payload: { password: 'x7#Qp' },
        });
        assert.equal(short.json().code, 'PASSWORD_WEAK');
        assert.equal(
          await h.s.db.selectFrom('app_user').select('id').where('username', '=', 'weak.one').executeTakeFirst(),
          undefined,
        );
        assert.equal((await h.login('zhou.min')).statusCode, 200, 'the refused resets changed nothing');
        const good = await h.call({
          method: 'POST',
          url: `/api/v1/users/${worker.userId}/password`,
          headers: admin.headers,
          payload: { password: 'spring-garden-42' },
        });
        assert.equal(good.statusCode, 200);
      } finally {
        await h.close();
      }
    });

    test("a disabled user's session stops working; a password reset hands over a new password", async () => {
      const h = await harness(dialect);
      try {
        const admin = await signIn(h.s, 'admin', AREAS.city);
        const worker = await signIn(h.s, 'community_worker', AREAS.wenyuan, 'soon.gone');
        assert.equal(
          (await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: worker.headers })).statusCode,
          200,
        );
        const disable = await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${worker.userId}`,
          headers: admin.headers,
          payload: { disabled: true },
        });
        assert.equal(disable.statusCode, 200);
        assert.equal(disable.json().disabled, true);
        assert.equal(
          (await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: worker.headers })).statusCode,
          401,
        );
        assert.equal((await h.login('soon.gone')).json().code, 'LOGIN_FAILED');

        await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${worker.userId}`,
          headers: admin.headers,
          payload: { disabled: false },
        });
        const reset = await h.call({
          method: 'POST',
          url: `/api/v1/users/${worker.userId}/password`,
          headers: admin.headers,
        });
        assert.equal(reset.statusCode, 200);
        const { password } = reset.json();
        assert.equal((await h.login('soon.gone')).statusCode, 401);
        assert.equal((await h.login('soon.gone', password)).statusCode, 200);

        const self = await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${admin.userId}`,
          headers: admin.headers,
          payload: { disabled: true },
        });
        assert.equal(self.json().code, 'OWN_ACCESS_CHANGE');
      } finally {
        await h.close();
      }
    });

    test('sign-in, failure, lockout and user creation are in the audit log, readable by an auditor', async () => {
      const h = await harness(dialect);
      try {
        const admin = await signIn(h.s, 'admin', AREAS.city);
        await h.call({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: 'audited', role: 'lab', areaCode: AREAS.city },
        });
        await signIn(h.s, 'lab', AREAS.city, 'lab.user');
        await h.login('lab.user');
        for (let i = 0; i < h.s.config.lockout.maxFailures; i++) await h.login('lab.user', 'bad password!');
        const auditor = await signIn(h.s, 'auditor', AREAS.city);
        const page = await h.call({ method: 'GET', url: '/api/v1/audit/events?limit=100', headers: auditor.headers });
        const events = page.json().items as Array<{ action: string; detail: Record<string, unknown> }>;
        for (const a of ['user.create', 'auth.login', 'auth.login_failed', 'auth.lockout']) {
          assert.ok(
            events.some((e) => e.action === a),
            `no ${a}`,
          );
        }
        const failed = events.find((e) => e.action === 'auth.login_failed')!;
        assert.equal(failed.detail.username, 'lab.user');
        assert.equal(failed.detail.reason, 'wrong_password');
        const verify = await h.call({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor.headers });
        assert.equal(verify.json().ok, true);
      } finally {
        await h.close();
      }
    });
  });
}
