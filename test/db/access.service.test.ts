import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, testServices, type TestServices } from '../support/services.ts';
import { AppError } from '../../src/platform/errors.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../src/platform/audit.ts';
import * as access from '../../src/access/access.service.ts';
import { createSession, resolveApiToken, resolveSession } from '../../src/access/session.ts';

const admin = { id: 'admin-1', name: 'admin', role: 'admin' };
const street = `${AREAS.city}/${AREAS.district}/${AREAS.street}/`;
const wenyuanScope = `${street}${AREAS.wenyuan}/`;

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<AppError> {
  let caught: unknown;
  await assert.rejects(promise, (err) => {
    caught = err;
    return err instanceof AppError && err.code === code;
  });
  return caught as AppError;
}

async function userCount(s: TestServices): Promise<number> {
  const r = await s.db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function auditActions(
  s: TestServices,
): Promise<Array<{ action: string; detail: string; objectId: string | null }>> {
  const rows = await s.db.selectFrom('audit_event').select(['action', 'detail', 'object_id']).orderBy('seq').execute();
  return rows.map((r) => ({ action: r.action, detail: r.detail, objectId: r.object_id }));
}

async function setup(dialect: 'sqlite' | 'postgres'): Promise<TestServices> {
  const s = await testServices(dialect);
  await seedTestAreas(s);
  return s;
}

for (const { dialect, skip } of await dialects()) {
  describe(`access service [${dialect}]`, { skip }, () => {
    test('addUser generates a print-friendly password that signs in; the audit holds neither password nor hash', async () => {
      const s = await setup(dialect);
      try {
        const created = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'Wang.Li',
          role: 'community_worker',
          areaCode: AREAS.wenyuan,
        });
        assert.equal(created.user.username, 'wang.li');
        assert.equal(created.user.displayName, 'wang.li');
        assert.equal(created.user.areaName, '文苑社区');
        assert.match(created.password, /^[2-9a-z]{4}(-[2-9a-z]{4}){3}$/);
        assert.equal(JSON.stringify(created.user).includes('scrypt$'), false);
        const signedIn = await access.login(s, { username: 'wang.li', password: created.password });
        assert.equal(signedIn.user.id, created.user.id);
        assert.ok(signedIn.permissions.includes('registry.write'));
        const resolved = await resolveSession(s, signedIn.session.token);
        assert.equal(resolved?.actor.username, 'wang.li');
        const events = await auditActions(s);
        assert.deepEqual(
          events.map((e) => e.action),
          ['user.create', 'auth.login'],
        );
        for (const e of events) {
          assert.equal(e.detail.includes(created.password), false);
          assert.equal(e.detail.includes('scrypt$'), false);
        }
        assert.equal(JSON.parse(events[0]!.detail).generatedPassword, true);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await s.close();
      }
    });

    test('addUser refuses bad input and writes nothing', async () => {
      const s = await setup(dialect);
      try {
        await access.addUser(s, SYSTEM_ACTOR, {
          username: 'taken',
          role: 'lab',
          areaCode: AREAS.city,
          password: 'long enough pw',
        });
        const before = await userCount(s);
        const eventsBefore = (await auditActions(s)).length;
        await rejectsWith(
          access.addUser(s, SYSTEM_ACTOR, { username: 'no', role: 'lab', areaCode: AREAS.city }),
          'USERNAME_INVALID',
        );
        await rejectsWith(
          access.addUser(s, SYSTEM_ACTOR, { username: 'bad name', role: 'lab', areaCode: AREAS.city }),
          'USERNAME_INVALID',
        );
        await rejectsWith(
          access.addUser(s, SYSTEM_ACTOR, { username: 'TAKEN', role: 'lab', areaCode: AREAS.city }),
          'USERNAME_TAKEN',
        );
        await rejectsWith(
          access.addUser(s, SYSTEM_ACTOR, {
            username: 'shorty',
            role: 'lab',
            areaCode: AREAS.city,
            password: '123456789',
          }),
          'PASSWORD_WEAK',
        );
        await rejectsWith(
          access.addUser(s, SYSTEM_ACTOR, { username: 'roleless', role: 'root', areaCode: AREAS.city }),
          'ROLE_INVALID',
        );
        await rejectsWith(
          access.addUser(s, SYSTEM_ACTOR, { username: 'nowhere', role: 'lab', areaCode: '999999' }),
          'AREA_NOT_FOUND',
        );
        await rejectsWith(
          access.addUser(s, SYSTEM_ACTOR, { username: 'nowhere', role: 'lab', areaId: 'a_missing' }),
          'AREA_NOT_FOUND',
        );
        await rejectsWith(access.addUser(s, SYSTEM_ACTOR, { username: 'nowhere', role: 'lab' }), 'USER_AREA_REQUIRED');
        await rejectsWith(
          access.addUser(s, admin, { username: 'outside', role: 'lab', areaCode: AREAS.xingyang }, wenyuanScope),
          'OUT_OF_SCOPE',
        );
        assert.equal(await userCount(s), before);
        assert.equal((await auditActions(s)).length, eventsBefore);
        const inside = await access.addUser(
          s,
          admin,
          { username: 'inside', role: 'lab', areaCode: AREAS.wenyuanGrid },
          wenyuanScope,
        );
        assert.equal(inside.user.areaCode, AREAS.wenyuanGrid);
      } finally {
        await s.close();
      }
    });

    test('lockout after maxFailures, refused even with the right password, lifted when lockMs has passed', async () => {
      const s = await setup(dialect);
      try {
        const { maxFailures, lockMs } = s.config.lockout;
        const { password } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'guarded',
          role: 'lab',
          areaCode: AREAS.city,
        });
        for (let i = 1; i < maxFailures; i++) {
          await rejectsWith(access.login(s, { username: 'guarded', password: 'wrong password' }), 'LOGIN_FAILED');
        }
        const locked = await rejectsWith(
          access.login(s, { username: 'guarded', password: 'wrong password' }),
          'ACCOUNT_LOCKED',
        );
        assert.equal(locked.extra.lockedUntil, '2022-03-24T08:15:00+08:00');
        await rejectsWith(access.login(s, { username: 'guarded', password }), 'ACCOUNT_LOCKED');
        s.clock.advance(lockMs - 1);
        await rejectsWith(access.login(s, { username: 'guarded', password }), 'ACCOUNT_LOCKED');
        s.clock.advance(1);
        await access.login(s, { username: 'guarded', password });
        assert.deepEqual(
          await s.db.selectFrom('login_failure').selectAll().execute(),
          [],
          'a success forgets the failures',
        );
        const actions = (await auditActions(s)).map((e) => e.action);
        assert.equal(actions.filter((a) => a === 'auth.lockout').length, 1);
        assert.equal(actions.filter((a) => a === 'auth.login_failed').length, maxFailures + 2);
        assert.equal(actions.at(-1), 'auth.login');
      } finally {
        await s.close();
      }
    });

    test('a success resets the failure count, so only consecutive failures lock', async () => {
      const s = await setup(dialect);
      try {
        const { maxFailures } = s.config.lockout;
        const { password } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'sloppy',
          role: 'lab',
          areaCode: AREAS.city,
        });
        for (let round = 0; round < 2; round++) {
          for (let i = 1; i < maxFailures; i++)
            await rejectsWith(access.login(s, { username: 'sloppy', password: 'nope nope nope' }), 'LOGIN_FAILED');
          await access.login(s, { username: 'sloppy', password });
        }
      } finally {
        await s.close();
      }
    });

    test('failures lock an account only for the address they came from; counted in the database under a digest', async () => {
      const s = await setup(dialect);
      try {
        const { maxFailures } = s.config.lockout;
        const { password, user } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'colleague',
          role: 'lab',
          areaCode: AREAS.wenyuan,
        });
        for (let i = 1; i < maxFailures; i++)
          await rejectsWith(
            access.login(s, { username: 'colleague', password: 'wrong password', ip: '203.0.113.7' }),
            'LOGIN_FAILED',
          );
        await rejectsWith(
          access.login(s, { username: 'colleague', password: 'wrong password', ip: '203.0.113.7' }),
          'ACCOUNT_LOCKED',
        );
        await rejectsWith(access.login(s, { username: 'colleague', password, ip: '203.0.113.7' }), 'ACCOUNT_LOCKED');
        await access.login(s, { username: 'colleague', password, ip: '10.1.2.3' });

        const rows = await s.db.selectFrom('login_failure').selectAll().execute();
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.source, '203.0.113.7');
        assert.equal(rows[0]!.account_key, access.loginAccountKey(s, 'Colleague'));
        assert.equal(rows[0]!.account_key.includes('colleague'), false);
        const view = await access.userByUsername(s, 'colleague');
        assert.equal(view.failedLogins, maxFailures);
        assert.equal(view.lockedUntil, '2022-03-24T08:15:00+08:00');

        await access.updateUser(s, admin, user.id, { unlock: true });
        assert.equal((await s.db.selectFrom('login_failure').selectAll().execute()).length, 0);
        await access.login(s, { username: 'colleague', password, ip: '203.0.113.7' });
      } finally {
        await s.close();
      }
    });

    test('an unknown username locks after the same number of failures, with the same answer; phone-like usernames are masked in the log', async () => {
      const s = await setup(dialect);
      try {
        const { maxFailures } = s.config.lockout;
        await access.addUser(s, SYSTEM_ACTOR, { username: 'real.user', role: 'lab', areaCode: AREAS.wenyuan });
        const answers: Record<string, string[]> = {};
        for (const username of ['real.user', 'ghost.user', '13904371234']) {
          answers[username] = [];
          for (let i = 0; i <= maxFailures; i++) {
            const err = await rejectsWith(
              access.login(s, { username, password: 'wrong password', ip: '198.51.100.1' }),
              i < maxFailures - 1 ? 'LOGIN_FAILED' : 'ACCOUNT_LOCKED',
            );
            answers[username]!.push(`${err.code} ${err.status} ${JSON.stringify(err.extra)}`);
          }
        }
        assert.deepEqual(answers['ghost.user'], answers['real.user']);
        assert.deepEqual(answers['13904371234'], answers['real.user']);
        const events = await auditActions(s);
        assert.equal(events.filter((e) => e.action === 'auth.lockout').length, 3);
        assert.equal(
          events.some((e) => e.detail.includes('13904371234')),
          false,
          'a raw phone number in the audit log',
        );
        assert.ok(events.some((e) => e.detail.includes('139****1234')));
      } finally {
        await s.close();
      }
    });

    test('failures older than a day are forgotten and purged', async () => {
      const s = await setup(dialect);
      try {
        const { maxFailures } = s.config.lockout;
        const { password } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'forgetful',
          role: 'lab',
          areaCode: AREAS.wenyuan,
        });
        for (let i = 1; i < maxFailures; i++)
          await rejectsWith(access.login(s, { username: 'forgetful', password: 'wrong password' }), 'LOGIN_FAILED');
        await rejectsWith(access.login(s, { username: 'stranger', password: 'wrong password' }), 'LOGIN_FAILED');
        s.clock.advance(24 * 3600_000 + 1);
        await rejectsWith(access.login(s, { username: 'forgetful', password: 'wrong password' }), 'LOGIN_FAILED');
        await access.login(s, { username: 'forgetful', password, ip: '10.9.9.9' });
        assert.equal(
          (await s.db.selectFrom('login_failure').selectAll().execute()).length,
          1,
          "the stranger's row is purged",
        );
      } finally {
        await s.close();
      }
    });

    test('an administrator unlocks a locked account', async () => {
      const s = await setup(dialect);
      try {
        const { password, user } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'locked.out',
          role: 'lab',
          areaCode: AREAS.wenyuan,
        });
        for (let i = 0; i < s.config.lockout.maxFailures; i++)
          await access.login(s, { username: 'locked.out', password: 'x'.repeat(12) }).catch(() => {});
        await rejectsWith(access.login(s, { username: 'locked.out', password }), 'ACCOUNT_LOCKED');
        const view = await access.updateUser(s, admin, user.id, { unlock: true }, wenyuanScope);
        assert.equal(view.lockedUntil, null);
        assert.equal(view.failedLogins, 0);
        await access.login(s, { username: 'locked.out', password });
        const update = (await auditActions(s)).find((e) => e.action === 'user.update');
        assert.ok(update && JSON.parse(update.detail).unlocked);
      } finally {
        await s.close();
      }
    });

    test('unknown users and disabled users fail like a wrong password, and are audited', async () => {
      const s = await setup(dialect);
      try {
        await rejectsWith(access.login(s, { username: 'ghost', password: 'whatever pw' }), 'LOGIN_FAILED');
        const { password, user } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'gone',
          role: 'lab',
          areaCode: AREAS.city,
        });
        await access.updateUser(s, SYSTEM_ACTOR, user.id, { disabled: true });
        await rejectsWith(access.login(s, { username: 'gone', password }), 'LOGIN_FAILED');
        const failed = (await auditActions(s))
          .filter((e) => e.action === 'auth.login_failed')
          .map((e) => JSON.parse(e.detail));
        assert.deepEqual(
          failed.map((d) => [d.username, d.reason]),
          [
            ['ghost', 'unknown_user'],
            ['gone', 'disabled'],
          ],
        );
      } finally {
        await s.close();
      }
    });

    test('sessions expire after the session lifetime; expired ones are purged at the next sign-in', async () => {
      const s = await setup(dialect);
      try {
        const { password, user } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'timed',
          role: 'lab',
          areaCode: AREAS.city,
        });
        const old = await createSession(s, user.id);
        s.clock.advance(s.config.sessionTtlMs - 1);
        assert.ok(await resolveSession(s, old.token));
        s.clock.advance(1);
        assert.equal(await resolveSession(s, old.token), null);
        await access.login(s, { username: 'timed', password });
        const rows = await s.db.selectFrom('session').select('expires_at').execute();
        assert.equal(rows.length, 1);
        assert.ok(Number(rows[0]!.expires_at) > s.clock.now());
      } finally {
        await s.close();
      }
    });

    test('logout deletes the session row and is audited', async () => {
      const s = await setup(dialect);
      try {
        const { password } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'leaver',
          role: 'lab',
          areaCode: AREAS.city,
        });
        const { session } = await access.login(s, { username: 'leaver', password });
        await access.logout(s, null, session.token);
        assert.equal(await resolveSession(s, session.token), null);
        assert.equal((await s.db.selectFrom('session').select('id').execute()).length, 0);
        assert.equal((await auditActions(s)).at(-1)?.action, 'auth.logout');
      } finally {
        await s.close();
      }
    });

    test('disabling ends sessions and stops tokens; nobody disables or re-roles themselves', async () => {
      const s = await setup(dialect);
      try {
        const { password, user } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'worker',
          role: 'community_worker',
          areaCode: AREAS.wenyuan,
        });
        const { session } = await access.login(s, { username: 'worker', password });
        const { token } = await access.createToken(s, SYSTEM_ACTOR, user.id, { name: 'script' });
        assert.ok(await resolveApiToken(s, token));
        await access.updateUser(s, admin, user.id, { disabled: true }, wenyuanScope);
        assert.equal(await resolveSession(s, session.token), null);
        assert.equal(
          (await s.db.selectFrom('session').select('id').where('user_id', '=', user.id).execute()).length,
          0,
        );
        assert.equal(await resolveApiToken(s, token), null);
        await access.updateUser(s, admin, user.id, { disabled: false }, wenyuanScope);
        assert.ok(await resolveApiToken(s, token));

        const self = await access.addUser(s, SYSTEM_ACTOR, { username: 'boss', role: 'admin', areaCode: AREAS.city });
        const selfActor = { id: self.user.id, name: 'boss', role: 'admin' };
        await rejectsWith(access.updateUser(s, selfActor, self.user.id, { disabled: true }), 'OWN_ACCESS_CHANGE');
        await rejectsWith(access.updateUser(s, selfActor, self.user.id, { role: 'lab' }), 'OWN_ACCESS_CHANGE');
        const renamed = await access.updateUser(s, selfActor, self.user.id, { displayName: '王主任' });
        assert.equal(renamed.displayName, '王主任');
      } finally {
        await s.close();
      }
    });

    test("updateUser stays inside the administrator's subtree", async () => {
      const s = await setup(dialect);
      try {
        const outside = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'xy.worker',
          role: 'community_worker',
          areaCode: AREAS.xingyang,
        });
        const inside = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'wy.worker',
          role: 'community_worker',
          areaCode: AREAS.wenyuan,
        });
        await rejectsWith(
          access.updateUser(s, admin, outside.user.id, { displayName: 'x' }, wenyuanScope),
          'OUT_OF_SCOPE',
        );
        await rejectsWith(
          access.updateUser(s, admin, inside.user.id, { areaCode: AREAS.xingyang }, wenyuanScope),
          'OUT_OF_SCOPE',
        );
        await rejectsWith(
          access.updateUser(s, admin, inside.user.id, { role: 'superuser' }, wenyuanScope),
          'ROLE_INVALID',
        );
        await rejectsWith(access.updateUser(s, admin, 'missing', { displayName: 'x' }, wenyuanScope), 'USER_NOT_FOUND');
        const moved = await access.updateUser(
          s,
          admin,
          inside.user.id,
          { areaCode: AREAS.wenyuanGrid, role: 'volunteer_coordinator' },
          wenyuanScope,
        );
        assert.deepEqual([moved.areaCode, moved.role], [AREAS.wenyuanGrid, 'volunteer_coordinator']);
        const listed = await access.listUsers(s, wenyuanScope, {}, { limit: 50, offset: 0 });
        assert.deepEqual(
          listed.items.map((u) => u.username),
          ['wy.worker'],
        );
        assert.equal(listed.total, 1);
        const all = await access.listUsers(s, '', {}, { limit: 1, offset: 0 });
        assert.deepEqual([all.total, all.items.length], [2, 1]);
      } finally {
        await s.close();
      }
    });

    test('a password reset replaces the password, ends sessions and clears a lock', async () => {
      const s = await setup(dialect);
      try {
        const { password, user } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'forgetful',
          role: 'lab',
          areaCode: AREAS.city,
        });
        const { session } = await access.login(s, { username: 'forgetful', password });
        const reset = await access.resetPassword(s, admin, user.id, undefined);
        assert.equal(reset.generated, true);
        assert.notEqual(reset.password, password);
        assert.equal(await resolveSession(s, session.token), null);
        await rejectsWith(access.login(s, { username: 'forgetful', password }), 'LOGIN_FAILED');
        await access.login(s, { username: 'forgetful', password: reset.password });
        await rejectsWith(access.resetPassword(s, admin, user.id, 'short'), 'PASSWORD_WEAK');
        const chosen = await access.resetPassword(s, admin, user.id, 'a chosen passphrase');
        assert.equal(chosen.generated, false);
        await access.login(s, { username: 'forgetful', password: 'a chosen passphrase' });
      } finally {
        await s.close();
      }
    });

    test('API tokens: shown once, stored as a hash, expire, and are revoked', async () => {
      const s = await setup(dialect);
      try {
        const { user } = await access.addUser(s, SYSTEM_ACTOR, {
          username: 'robot',
          role: 'command',
          areaCode: AREAS.city,
        });
        const actor = { id: user.id, name: 'robot', role: 'command' };
        const short = await access.createToken(s, actor, user.id, { name: 'nightly export', expiresInDays: 1 });
        const forever = await access.createToken(s, actor, user.id, { name: 'dashboard' });
        assert.equal(forever.expiresAt, null);
        const stored = await s.db.selectFrom('api_token').select('token_hash').execute();
        assert.equal(
          stored.some((r) => r.token_hash === short.token),
          false,
        );
        assert.equal((await resolveApiToken(s, short.token))?.via, 'token');
        s.clock.advance(86_400_000);
        assert.equal(await resolveApiToken(s, short.token), null);
        await access.revokeToken(s, actor, user.id, forever.id);
        assert.equal(await resolveApiToken(s, forever.token), null);
        await rejectsWith(access.revokeToken(s, actor, 'someone-else', short.id), 'TOKEN_NOT_FOUND');
        await rejectsWith(access.createToken(s, actor, user.id, { name: '   ' }), 'TOKEN_NAME_REQUIRED');
        const listed = await access.listTokens(s, user.id, { limit: 50, offset: 0 });
        assert.equal(listed.total, 2);
        assert.equal(JSON.stringify(listed).includes(short.token), false);
        assert.ok(listed.items.find((t) => t.id === forever.id)?.revokedAt);
        const actions = (await auditActions(s)).map((e) => e.action);
        assert.deepEqual(
          actions.filter((a) => a.startsWith('token.')),
          ['token.create', 'token.create', 'token.revoke'],
        );
        for (const e of await auditActions(s)) assert.equal(e.detail.includes('cdn_'), false);
      } finally {
        await s.close();
      }
    });
  });
}
