import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { checkDigit } from '../../src/registry/registry.rules.ts';
import { verifyPersonalCode } from '../../src/venues/venue.codes.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';

/** A valid resident ID number from its first 17 digits. */
const idOf = (first17: string) => first17 + checkDigit(first17);
const PARENT_ID = idOf('22040219850506001');  // 李红, 36
const CHILD_ID = idOf('22040220150707002');   // 李小明, 6
const GRANNY_ID = idOf('22040219450101002');  // 王秀英, 77
const ADULT_ID = idOf('22040219920303001');   // 李强, 30, has a phone: not a dependant
const STRANGER_ID = idOf('22040219800808003'); // 赵刚, another household
const STRANGER_CHILD_ID = idOf('22040220160909004');
const PHONE = '13904371234';
const PASSWORD = 'spring-garden-42';

type Who = SignedIn | { headers: Record<string, string> } | undefined;

async function setup(dialect: 'sqlite' | 'postgres', rateLimit?: { max: number; timeWindowMs: number }) {
  const s = await testServices(dialect);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false, access: rateLimit ? { loginRateLimit: rateLimit } : undefined });
  async function call(method: 'GET' | 'POST', url: string, who?: Who, payload?: unknown) {
    return app.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload !== undefined ? { payload: payload as object } : {}) });
  }
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const household = async () => {
    const res = await call('POST', '/households', worker, { areaId: areas[AREAS.wenyuanGrid], buildingName: '3号楼', unit: '1', door: `${Math.random()}`.slice(2, 6) });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const person = async (householdId: string, body: Record<string, unknown>) => {
    const res = await call('POST', '/persons', worker, { householdId, ...body });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const home = await household();
  const parentId = await person(home, { name: '李红', idNumber: PARENT_ID, relation: '户主', phone: '13800000001' });
  const childId = await person(home, { name: '李小明', idNumber: CHILD_ID, relation: '子' });
  const grannyId = await person(home, { name: '王秀英', idNumber: GRANNY_ID, relation: '母亲' });
  const adultId = await person(home, { name: '李强', idNumber: ADULT_ID, relation: '子', phone: '13800000002' });
  const other = await household();
  const strangerId = await person(other, { name: '赵刚', idNumber: STRANGER_ID, relation: '户主' });
  const strangerChildId = await person(other, { name: '赵小雨', idNumber: STRANGER_CHILD_ID, relation: '女' });

  const venue = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/venues', worker, { areaId: areas[AREAS.wenyuanGrid], capacity: 100, ...body });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id as string;
    assert.equal((await call('POST', `/venues/${id}/approve`, worker)).statusCode, 200);
    return { id, code: (await call('GET', `/venues/${id}/code`, worker)).json().url as string };
  };
  /** Registers a resident and returns the session from the response (cookie + CSRF token). */
  const register = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/residents/register', undefined, body);
    const cookie = String(res.headers['set-cookie'] ?? '').split(';')[0]!;
    return { res, who: { headers: { cookie, 'x-csrf-token': res.statusCode === 201 ? res.json().csrfToken as string : '' } } };
  };
  return { s, app, call, worker, areas, venue, register, parentId, childId, grannyId, adultId, strangerId, strangerChildId };
}

async function count(s: TestServices, table: 'checkin' | 'audit_event' | 'app_user', action?: string): Promise<number> {
  let q = s.db.selectFrom(table as 'audit_event');
  if (action) q = q.where('action', '=', action);
  return Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

for (const { dialect, skip } of await dialects()) {
  describe(`residents: registration, personal codes and self check-in [${dialect}]`, { skip }, () => {
    test('register → sign in by phone → personal code → self check-in → verification → second scan exits', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        const { res, who } = await t.register({ phone: '+86 139-0437-1234', password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        assert.equal(res.statusCode, 201, res.body);
        assert.equal(res.json().user.username, PHONE);
        assert.equal(res.json().user.role, 'resident');
        assert.equal(res.json().user.areaId, t.areas[AREAS.wenyuanGrid]);
        assert.deepEqual(res.json().permissions, []);
        const cookie = String(res.headers['set-cookie']);
        assert.match(cookie, /cordon_session=.*HttpOnly/i);
        assert.match(cookie, /Max-Age=2592000/, 'a 30-day device session');
        const user = await s.db.selectFrom('app_user').selectAll().where('username', '=', PHONE).executeTakeFirstOrThrow();
        assert.equal(user.person_id, t.parentId);
        const session = await s.db.selectFrom('session').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
        assert.equal(Number(session.expires_at) - s.clock.now(), 30 * 86_400_000);
        // The registry record is unchanged: its phone stays the one the community recorded.
        const reveal = await call('POST', `/persons/${t.parentId}/reveal`, t.worker, { reason: '核对' });
        assert.equal(reveal.json().phone, '13800000001');
        const audit = await s.db.selectFrom('audit_event').selectAll().where('action', '=', 'resident.register').executeTakeFirstOrThrow();
        assert.equal(audit.object_id, user.id);
        assert.equal(JSON.parse(audit.detail).personId, t.parentId);
        assert.ok(!audit.detail.includes(PARENT_ID), 'no ID number in the audit detail');
        const residentEvents = await s.db.selectFrom('audit_event').select(['actor_name']).where('actor_role', '=', 'resident').execute();
        assert.ok(residentEvents.length > 0 && residentEvents.every((e) => !e.actor_name.includes(PHONE)), 'a resident\'s phone is masked in the audit log');

        // Sign in again by phone number and password, from another phone.
        const login = await call('POST', '/auth/login', undefined, { username: PHONE, password: PASSWORD });
        assert.equal(login.statusCode, 200, login.body);

        const me = await call('GET', '/me/person', who);
        assert.equal(me.statusCode, 200, me.body);
        assert.deepEqual(me.json().person, { id: t.parentId, name: '李红', maskedName: '李*' });
        assert.deepEqual(me.json().dependants.map((d: { name: string }) => d.name).sort(), ['李小明', '王秀英'].sort(), 'the adult son with a phone is not a dependant');
        assert.deepEqual(me.json().dependants.find((d: { id: string }) => d.id === t.childId), { id: t.childId, name: '李小明', relation: '子', age: 6 });
        assert.equal(await count(s, 'audit_event', 'person.read'), 1);

        const code = await call('GET', '/me/personal-code', who);
        assert.equal(code.statusCode, 200, code.body);
        assert.equal(code.json().personId, t.parentId);
        assert.match(code.json().expiresAt, /\+08:00$/);
        const key = (await call('GET', '/codes/public-key')).json().publicKeyPem as string;
        const verdict = verifyPersonalCode(key, code.json().token, s.clock.now());
        assert.equal(verdict.ok && verdict.personId, t.parentId);

        // The guard scans the resident's personal code: same verification path (assisted).
        const gate = await t.venue({ name: '文苑小区北门', category: 'residential_gate' });
        const guard = await signIn(s, 'community_worker', AREAS.wenyuan);
        const assisted = await call('POST', '/checkins', guard, { code: gate.code, personalCode: code.json().token });
        assert.equal(assisted.statusCode, 201, assisted.body);
        assert.equal(assisted.json().method, 'assisted');

        // Self check-in at another venue: one tap, the verification screen's data comes back.
        const shop = await t.venue({ name: '文苑便利店', category: 'residential_gate', dwellMinutes: 120 });
        const self = await call('POST', '/checkins/self', who, { code: shop.code });
        assert.equal(self.statusCode, 200, self.body);
        assert.equal(self.json().results.length, 1);
        const v = self.json().results[0];
        assert.equal(v.decision, 'admitted');
        assert.equal(v.method, 'self');
        assert.equal(v.colour, 'green');
        assert.equal(v.maskedName, '李*');
        assert.equal(v.venueName, '文苑便利店');
        assert.equal((await call('GET', `/venues/${shop.id}/occupancy`)).json().count, 1);

        // A double tap a few seconds later answers with the same visit; it neither exits nor enters again.
        s.clock.advance(5_000);
        const again = (await call('POST', '/checkins/self', who, { code: shop.code })).json().results[0];
        assert.equal(again.decision, 'admitted');
        assert.equal(again.checkinId, v.checkinId);
        assert.equal(again.duplicate, true);

        // Scanning the same venue later closes the visit.
        s.clock.advance(20 * 60_000);
        const out = (await call('POST', '/checkins/self', who, { code: shop.code })).json().results[0];
        assert.equal(out.decision, 'exited');
        assert.equal(out.checkinId, v.checkinId);
        const row = await s.db.selectFrom('checkin').selectAll().where('id', '=', v.checkinId).executeTakeFirstOrThrow();
        assert.deepEqual({ exit_kind: row.exit_kind, exited_at: Number(row.exited_at) }, { exit_kind: 'scan', exited_at: s.clock.now() });
        assert.equal((await call('GET', `/venues/${shop.id}/occupancy`)).json().count, 0);
        // A retried exit is not a new entry; a scan after that is.
        assert.equal((await call('POST', '/checkins/self', who, { code: shop.code })).json().results[0].decision, 'exited');
        s.clock.advance(2 * 60_000);
        const back = (await call('POST', '/checkins/self', who, { code: shop.code })).json().results[0];
        assert.equal(back.decision, 'admitted');
        assert.notEqual(back.checkinId, v.checkinId);
        assert.equal(await count(s, 'checkin'), 3);

        // The same clientId from a phone's retry is stored once.
        const cafe = await t.venue({ name: '文苑茶室', category: 'residential_gate' });
        const first = (await call('POST', '/checkins/self', who, { code: cafe.code, clientId: 'phone-0000001' })).json().results[0];
        s.clock.advance(3 * 60_000);
        const retry = (await call('POST', '/checkins/self', who, { code: cafe.code, clientId: 'phone-0000001' })).json().results[0];
        assert.equal(retry.checkinId, first.checkinId);
        assert.equal(retry.duplicate, true);
        assert.equal(retry.decision, 'admitted');

        // Staff have no resident page; strangers are not signed in.
        assert.equal((await call('GET', '/me/person', t.worker)).json().code, 'RESIDENT_NOT_LINKED');
        assert.equal((await call('POST', '/checkins/self', undefined, { code: shop.code })).json().code, 'UNAUTHENTICATED');
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally { await t.app.close(); await s.close(); }
    });

    test('a parent checks in their child and grandmother; a stranger’s child is refused with 403', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        const { who } = await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        const school = await t.venue({ name: '文苑小学北门', category: 'residential_gate' });

        const both = await call('POST', '/checkins/self', who, { code: school.code, personIds: [t.parentId, t.childId, t.grannyId] });
        assert.equal(both.statusCode, 200, both.body);
        assert.deepEqual(both.json().results.map((r: { method: string; maskedName: string; decision: string }) => [r.method, r.maskedName, r.decision]),
          [['self', '李*', 'admitted'], ['dependant', '李*明', 'admitted'], ['dependant', '王*英', 'admitted']]);
        const rows = await s.db.selectFrom('checkin').select(['person_id', 'method']).orderBy('person_id').execute();
        assert.deepEqual(rows, [
          { person_id: t.parentId, method: 'self' }, { person_id: t.childId, method: 'dependant' }, { person_id: t.grannyId, method: 'dependant' },
        ].sort((a, b) => (a.person_id < b.person_id ? -1 : 1)));

        const childCode = await call('GET', `/me/personal-code?personId=${t.childId}`, who);
        assert.equal(childCode.statusCode, 200, childCode.body);
        assert.equal(childCode.json().personId, t.childId);

        // Not dependants: another household's child, an adult of the own household with their own phone.
        const strangerChild = await call('POST', '/checkins/self', who, { code: school.code, personIds: [t.strangerChildId] });
        assert.equal(strangerChild.statusCode, 403);
        assert.equal(strangerChild.json().code, 'DEPENDANT_NOT_ALLOWED');
        assert.equal((await call('POST', '/checkins/self', who, { code: school.code, personIds: [t.childId, t.adultId] })).json().code, 'DEPENDANT_NOT_ALLOWED');
        assert.equal((await call('GET', `/me/personal-code?personId=${t.strangerChildId}`, who)).statusCode, 403);
        assert.equal(await count(s, 'checkin'), 3, 'a refused request stores nothing, not even its allowed persons');

        // The stranger registers too and cannot check in the first family's child either.
        const { who: stranger } = await t.register({ phone: '13712345678', password: PASSWORD, name: '赵刚', idNumber: STRANGER_ID });
        const res = await call('POST', '/checkins/self', stranger, { code: school.code, personIds: [t.childId] });
        assert.equal(res.statusCode, 403);
        assert.equal(res.json().code, 'DEPENDANT_NOT_ALLOWED');
        assert.equal((await call('POST', '/checkins/self', stranger, { code: school.code, personIds: [t.strangerChildId] })).json().results[0].method, 'dependant');
      } finally { await t.app.close(); await s.close(); }
    });

    test('registration refuses unknown persons, wrong names, a second account, bad phones and weak passwords', async () => {
      const t = await setup(dialect, { max: 12, timeWindowMs: 60_000 });
      const { s, call } = t;
      try {
        const notInRegistry = await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: idOf('22040219850506009') });
        assert.equal(notInRegistry.res.statusCode, 404);
        assert.equal(notInRegistry.res.json().code, 'RESIDENT_NOT_IN_REGISTRY');
        const wrongName = await t.register({ phone: PHONE, password: PASSWORD, name: '李虹', idNumber: PARENT_ID });
        assert.equal(wrongName.res.json().code, 'RESIDENT_NOT_IN_REGISTRY', 'the same answer as an unknown number');
        assert.equal((await t.register({ phone: '12345', password: PASSWORD, name: '李红', idNumber: PARENT_ID })).res.json().code, 'PHONE_FORMAT');
        assert.equal((await t.register({ phone: PHONE, password: 'short', name: '李红', idNumber: PARENT_ID })).res.json().code, 'PASSWORD_WEAK');
        for (const password of ['aaaaaaaaaa', '1234567890', 'password12', `${PHONE}a`]) {
          assert.equal((await t.register({ phone: PHONE, password, name: '李红', idNumber: PARENT_ID })).res.json().code, 'PASSWORD_GUESSABLE', password);
        }
        assert.equal((await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: '220402198505060019' })).res.json().code, 'ID_NUMBER_CHECKSUM');
        assert.equal(await count(s, 'app_user'), 1, 'only the worker');
        assert.equal(await count(s, 'audit_event', 'resident.register'), 0);

        assert.equal((await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID })).res.statusCode, 201);
        const twice = await t.register({ phone: '13600000000', password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        assert.equal(twice.res.statusCode, 409);
        assert.equal(twice.res.json().code, 'RESIDENT_ALREADY_REGISTERED');
        const phoneTaken = await t.register({ phone: PHONE, password: PASSWORD, name: '赵刚', idNumber: STRANGER_ID });
        assert.equal(phoneTaken.res.statusCode, 409);
        assert.equal(phoneTaken.res.json().code, 'USERNAME_TAKEN');
        assert.equal(await count(s, 'app_user'), 2);

        // Rate-limited like sign-in (12 per window here; 12 attempts were made above).
        const limited = await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        assert.equal(limited.res.statusCode, 429);
        assert.equal(limited.res.json().code, 'RATE_LIMITED');
        assert.equal((await call('POST', '/residents/register', undefined, { phone: PHONE })).statusCode, 429);
      } finally { await t.app.close(); await s.close(); }
    });
  });
}
