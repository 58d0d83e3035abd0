// The administrator's account actions over HTTP: unlock, password reset (the user must then choose
// their own password before anything else), disable, role and area, each audited, only inside the
// administrator's area and only with user.manage.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { TEST_PASSWORD as PASSWORD } from '../support/password.ts';

interface Harness {
  s: TestServices;
  app: App;
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
  login(username: string, password?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

async function harness(dialect: 'sqlite' | 'postgres'): Promise<Harness> {
  const s = await testServices(dialect);
  await seedTestAreas(s);
  const app = await build(s, { serveWeb: false });
  const call = (o: InjectOptions) => app.inject(o);
  return {
    s,
    app,
    call,
    login: (username, password = PASSWORD) =>
      call({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } }),
    close: async () => {
      await app.close();
      await s.close();
    },
  };
}

function browser(res: LightMyRequestResponse): Record<string, string> {
  const cookie = res.cookies.find((c) => c.name === 'cordon_session');
  assert.ok(cookie, 'no session cookie');
  return { cookie: `cordon_session=${cookie.value}`, 'x-csrf-token': res.json().csrfToken };
}

async function events(
  s: TestServices,
  action: string,
): Promise<Array<{ actor_name: string; object_id: string | null; detail: Record<string, unknown> }>> {
  const rows = await s.db
    .selectFrom('audit_event')
    .select(['actor_name', 'object_id', 'detail'])
    .where('action', '=', action)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

for (const { dialect, skip } of await dialects()) {
  describe(`administrator's account actions [${dialect}]`, { skip }, () => {
    test('a reset password must be changed at the next sign-in before anything else; the change is audited', async () => {
      const h = await harness(dialect);
      try {
        const admin = await signIn(h.s, 'admin', AREAS.wenyuan, 'wenyuan.admin');
        const worker = await signIn(h.s, 'community_worker', AREAS.wenyuanGrid, 'grid.worker');
        const reset = await h.call({
          method: 'POST',
          url: `/api/v1/users/${worker.userId}/password`,
          headers: admin.headers,
          payload: {},
        });
        assert.equal(reset.statusCode, 200);
        const handed = reset.json().password as string;
        assert.equal(
          (await h.call({ method: 'GET', url: '/api/v1/auth/me', headers: worker.headers })).statusCode,
          401,
          'the old session ended',
        );

        const signedIn = await h.login('grid.worker', handed);
        assert.equal(signedIn.statusCode, 200);
        assert.equal(signedIn.json().user.mustChangePassword, true);
        const headers = browser(signedIn);
        const me = await h.call({ method: 'GET', url: '/api/v1/auth/me', headers });
        assert.equal(me.statusCode, 200);
        assert.equal(me.json().user.mustChangePassword, true);
        const blocked = await h.call({ method: 'GET', url: '/api/v1/tokens', headers });
        assert.equal(blocked.statusCode, 403);
        assert.equal(blocked.json().code, 'PASSWORD_CHANGE_REQUIRED');
        const blockedWrite = await h.call({ method: 'POST', url: '/api/v1/tokens', headers, payload: { name: 'x' } });
        assert.equal(blockedWrite.json().code, 'PASSWORD_CHANGE_REQUIRED');

        const wrong = await h.call({
          method: 'POST',
          url: '/api/v1/auth/password',
          headers,
          payload: { currentPassword: 'not it at all', newPassword: 'a fresh passphrase' },
        });
        assert.equal(wrong.statusCode, 400);
        assert.equal(wrong.json().code, 'PASSWORD_CURRENT_WRONG');
        const same = await h.call({
          method: 'POST',
          url: '/api/v1/auth/password',
          headers,
          payload: { currentPassword: handed, newPassword: handed },
        });
        assert.equal(same.json().code, 'PASSWORD_UNCHANGED');
        const weak = await h.call({
          method: 'POST',
          url: '/api/v1/auth/password',
          headers,
          payload: { currentPassword: handed, newPassword: 'short' },
        });
        assert.equal(weak.json().code, 'PASSWORD_WEAK');
        const noCsrf = await h.call({
          method: 'POST',
          url: '/api/v1/auth/password',
          headers: { cookie: headers.cookie },
          payload: { currentPassword: handed, newPassword: 'a fresh passphrase' },
        });
        assert.equal(noCsrf.json().code, 'CSRF_TOKEN_INVALID');

        const changed = await h.call({
          method: 'POST',
          url: '/api/v1/auth/password',
          headers,
          payload: { currentPassword: handed, newPassword: 'a fresh passphrase' },
        });
        assert.equal(changed.statusCode, 200);
        assert.equal(changed.json().mustChangePassword, false);
        assert.equal((await h.call({ method: 'GET', url: '/api/v1/tokens', headers })).statusCode, 200);
        assert.equal((await h.login('grid.worker', handed)).statusCode, 401);
        const again = await h.login('grid.worker', 'a fresh passphrase');
        assert.equal(again.json().user.mustChangePassword, false);

        const [resetEvent] = await events(h.s, 'user.password_reset');
        assert.equal(resetEvent.actor_name, 'wenyuan.admin');
        assert.equal(resetEvent.object_id, worker.userId);
        assert.equal(resetEvent.detail.mustChangePassword, true);
        const [changeEvent] = await events(h.s, 'auth.password_change');
        assert.equal(changeEvent.actor_name, 'grid.worker');
        assert.equal(changeEvent.detail.wasRequired, true);
        for (const e of [
          ...(await events(h.s, 'user.password_reset')),
          ...(await events(h.s, 'auth.password_change')),
        ]) {
          assert.equal(
            JSON.stringify(e.detail).includes(handed) || JSON.stringify(e.detail).includes('fresh passphrase'),
            false,
          );
        }
        const list = await h.call({ method: 'GET', url: '/api/v1/users?q=grid', headers: admin.headers });
        assert.equal(list.json().items[0].mustChangePassword, false);
      } finally {
        await h.close();
      }
    });

    test('the administrator unlocks, disables and enables, and changes role and area; each change is audited', async () => {
      const h = await harness(dialect);
      try {
        const admin = await signIn(h.s, 'admin', AREAS.wenyuan, 'wenyuan.admin');
        const worker = await signIn(h.s, 'community_worker', AREAS.wenyuanGrid, 'grid.worker');
        for (let i = 0; i < h.s.config.lockout.maxFailures; i++) await h.login('grid.worker', 'a wrong passphrase');
        assert.equal((await h.login('grid.worker')).json().code, 'ACCOUNT_LOCKED');
        const listed = await h.call({ method: 'GET', url: '/api/v1/users?q=grid', headers: admin.headers });
        assert.notEqual(listed.json().items[0].lockedUntil, null);

        const unlock = await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${worker.userId}`,
          headers: admin.headers,
          payload: { unlock: true },
        });
        assert.equal(unlock.statusCode, 200);
        assert.equal(unlock.json().lockedUntil, null);
        assert.equal((await h.login('grid.worker')).statusCode, 200);

        const change = await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${worker.userId}`,
          headers: admin.headers,
          payload: { role: 'volunteer_coordinator', areaCode: AREAS.wenyuan },
        });
        assert.equal(change.statusCode, 200);
        assert.equal(change.json().role, 'volunteer_coordinator');
        assert.equal(change.json().areaCode, AREAS.wenyuan);
        const off = await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${worker.userId}`,
          headers: admin.headers,
          payload: { disabled: true },
        });
        assert.equal(off.json().disabled, true);
        const on = await h.call({
          method: 'PATCH',
          url: `/api/v1/users/${worker.userId}`,
          headers: admin.headers,
          payload: { disabled: false },
        });
        assert.equal(on.json().disabled, false);

        const updates = await events(h.s, 'user.update');
        assert.equal(updates.length, 4);
        assert.ok(updates[0].detail.unlocked);
        assert.deepEqual(updates[1].detail.role, { from: 'community_worker', to: 'volunteer_coordinator' });
        assert.deepEqual(updates[1].detail.areaCode, { from: AREAS.wenyuanGrid, to: AREAS.wenyuan });
        assert.deepEqual(updates[2].detail.disabled, { from: false, to: true });
        assert.deepEqual(updates[3].detail.disabled, { from: true, to: false });
        for (const u of updates) assert.equal(u.actor_name, 'wenyuan.admin');
      } finally {
        await h.close();
      }
    });

    test('an administrator of another area and a role without user.manage are refused every account action', async () => {
      const h = await harness(dialect);
      try {
        const other = await signIn(h.s, 'admin', AREAS.xingyang, 'xingyang.admin');
        const worker = await signIn(h.s, 'community_worker', AREAS.wenyuanGrid, 'grid.worker');
        const actions: InjectOptions[] = [
          { method: 'PATCH', url: `/api/v1/users/${worker.userId}`, payload: { unlock: true } },
          { method: 'PATCH', url: `/api/v1/users/${worker.userId}`, payload: { disabled: true } },
          { method: 'PATCH', url: `/api/v1/users/${worker.userId}`, payload: { role: 'admin' } },
          { method: 'POST', url: `/api/v1/users/${worker.userId}/password`, payload: {} },
        ];
        for (const a of actions) {
          const res = await h.call({ ...a, headers: other.headers });
          assert.equal(res.statusCode, 403, `${a.method} ${a.url}`);
          assert.equal(res.json().code, 'OUT_OF_SCOPE');
        }
        for (const role of ['community_worker', 'auditor', 'command'] as const) {
          const user = await signIn(h.s, role, AREAS.city);
          for (const a of actions) {
            const res = await h.call({ ...a, headers: user.headers });
            assert.equal(res.statusCode, 403, `${role} ${a.method} ${a.url}`);
            assert.equal(res.json().code, 'FORBIDDEN');
          }
        }
        const row = await h.s.db
          .selectFrom('app_user')
          .select(['role', 'disabled', 'must_change_password'])
          .where('id', '=', worker.userId)
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          { ...row, must_change_password: Number(row.must_change_password) },
          { role: 'community_worker', disabled: 0, must_change_password: 0 },
        );
        assert.equal((await events(h.s, 'user.update')).length + (await events(h.s, 'user.password_reset')).length, 0);
      } finally {
        await h.close();
      }
    });
  });
}
