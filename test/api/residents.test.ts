import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { checkDigit } from '../../src/registry/registry.rules.ts';
import { verifyPersonalCode } from '../../src/venues/venue.codes.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { HttpSmsSender } from '../../src/platform/sms.ts';

/** A valid resident ID number from its first 17 digits. */
const idOf = (first17: string) => first17 + checkDigit(first17);
const PARENT_ID = idOf('22040219850506001'); // 李红, 36
const CHILD_ID = idOf('22040220150707002'); // 李小明, 6
const GRANNY_ID = idOf('22040219450101002'); // 王秀英, 77
const ADULT_ID = idOf('22040219920303001'); // 李强, 30, has a phone: not a dependant
const STRANGER_ID = idOf('22040219800808003'); // 赵刚, another household
const STRANGER_CHILD_ID = idOf('22040220160909004');
const PHONE = '13904371234'; // 李红's phone in the registry
const STRANGER_PHONE = '13712345678'; // 赵刚's
const ATTACKER_PHONE = '13099998888';
const PASSWORD = 'spring-garden-42';

/** The one-time code in a text message. */
const codeIn = (text: string) => /\d{6}/.exec(text)![0];

type Who = SignedIn | { headers: Record<string, string> } | undefined;

async function setup(dialect: 'sqlite' | 'postgres', rateLimit?: { max: number; timeWindowMs: number }) {
  const s = await testServices(dialect);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false, access: rateLimit ? { loginRateLimit: rateLimit } : undefined });
  async function call(method: 'GET' | 'POST', url: string, who?: Who, payload?: unknown) {
    return app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const household = async () => {
    const res = await call('POST', '/households', worker, {
      areaId: areas[AREAS.wenyuanGrid],
      buildingName: '3号楼',
      unit: '1',
      door: `${Math.random()}`.slice(2, 6),
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const person = async (householdId: string, body: Record<string, unknown>) => {
    const res = await call('POST', '/persons', worker, { householdId, ...body });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const home = await household();
  const parentId = await person(home, { name: '李红', idNumber: PARENT_ID, relation: '户主', phone: PHONE });
  const childId = await person(home, { name: '李小明', idNumber: CHILD_ID, relation: '子' });
  const grannyId = await person(home, { name: '王秀英', idNumber: GRANNY_ID, relation: '母亲' });
  const adultId = await person(home, { name: '李强', idNumber: ADULT_ID, relation: '子', phone: '13800000002' });
  const other = await household();
  const strangerId = await person(other, {
    name: '赵刚',
    idNumber: STRANGER_ID,
    relation: '户主',
    phone: STRANGER_PHONE,
  });
  const strangerChildId = await person(other, { name: '赵小雨', idNumber: STRANGER_CHILD_ID, relation: '女' });

  const venue = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/venues', worker, { areaId: areas[AREAS.wenyuanGrid], capacity: 100, ...body });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id as string;
    assert.equal((await call('POST', `/venues/${id}/approve`, await signIn(s, 'command', AREAS.city))).statusCode, 200);
    return { id, code: (await call('GET', `/venues/${id}/code`, worker)).json().url as string };
  };
  /** Asks for a code (step one); returns the answer and the code texted to the phone, if one was. */
  const startCode = async (body: Record<string, unknown>) => {
    const before = s.sms.sent.length;
    const res = await call('POST', '/residents/register/start', undefined, body);
    const sent = s.sms.sent.slice(before);
    return { res, sent, code: sent.length ? codeIn(sent[sent.length - 1]!.text) : null };
  };
  /**
   * Registers a resident in two steps (code texted to the phone, then the code with a password) and
   * returns the last answer with the session from it (cookie + CSRF token). Without a texted code it
   * sends a made-up one.
   */
  const register = async (body: { phone: string; password: string; name: string; idNumber: string }) => {
    const started = await startCode({ phone: body.phone, name: body.name, idNumber: body.idNumber });
    let res = started.res;
    if (res.statusCode === 202) {
      res = await call('POST', '/residents/register/verify', undefined, {
        challengeId: res.json().challengeId,
        code: started.code ?? '123456',
        password: body.password,
      });
    }
    const cookie = String(res.headers['set-cookie'] ?? '').split(';')[0]!;
    return {
      res,
      started,
      who: { headers: { cookie, 'x-csrf-token': res.statusCode === 201 ? (res.json().csrfToken as string) : '' } },
    };
  };
  return {
    s,
    app,
    call,
    worker,
    areas,
    venue,
    startCode,
    register,
    household,
    person,
    parentId,
    childId,
    grannyId,
    adultId,
    strangerId,
    strangerChildId,
  };
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
        const { res, who } = await t.register({
          phone: '+86 139-0437-1234',
          password: PASSWORD,
          name: '李红',
          idNumber: PARENT_ID,
        });
        assert.equal(res.statusCode, 201, res.body);
        assert.notEqual(res.json().user.username, PHONE, 'the username is opaque, not the phone');
        assert.match(res.json().user.username, /^r\./);
        assert.equal(res.json().user.role, 'resident');
        assert.equal(res.json().user.areaId, t.areas[AREAS.wenyuanGrid]);
        assert.deepEqual(res.json().permissions, []);
        const cookie = String(res.headers['set-cookie']);
        assert.match(cookie, /cordon_session=.*HttpOnly/i);
        assert.match(cookie, /Max-Age=2592000/, 'a 30-day device session');
        const user = await s.db
          .selectFrom('app_user')
          .selectAll()
          .where('person_id', '=', t.parentId)
          .executeTakeFirstOrThrow();
        assert.equal(user.username, res.json().user.username);
        assert.ok(
          user.phone_enc && !user.phone_enc.includes(PHONE) && user.phone_hmac,
          'the phone is sealed with a lookup digest',
        );
        const session = await s.db
          .selectFrom('session')
          .selectAll()
          .where('user_id', '=', user.id)
          .executeTakeFirstOrThrow();
        assert.equal(Number(session.expires_at) - s.clock.now(), 30 * 86_400_000);
        // The registry record is unchanged.
        const reveal = await call('POST', `/persons/${t.parentId}/reveal`, t.worker, { reason: '核对' });
        assert.equal(reveal.json().phone, PHONE);
        const audit = await s.db
          .selectFrom('audit_event')
          .selectAll()
          .where('action', '=', 'resident.register')
          .executeTakeFirstOrThrow();
        assert.equal(audit.object_id, user.id);
        assert.equal(JSON.parse(audit.detail).personId, t.parentId);
        assert.ok(!audit.detail.includes(PARENT_ID), 'no ID number in the audit detail');
        const residentEvents = await s.db
          .selectFrom('audit_event')
          .select(['actor_name'])
          .where('actor_role', '=', 'resident')
          .execute();
        assert.ok(
          residentEvents.length > 0 && residentEvents.every((e) => !e.actor_name.includes(PHONE)),
          "a resident's phone is masked in the audit log",
        );

        // Sign in again by phone number and password, from another phone; a wrong password fails.
        const login = await call('POST', '/auth/login', undefined, {
          username: '+86 139-0437-1234',
          password: PASSWORD,
        });
        assert.equal(login.statusCode, 200, login.body);
        assert.equal(login.json().user.id, user.id);
        assert.equal(
          (await call('POST', '/auth/login', undefined, { username: PHONE, password: 'wrong-password-1' })).json().code,
          'LOGIN_FAILED',
        );
        assert.equal(
          (await call('POST', '/auth/login', undefined, { username: '13600000000', password: PASSWORD })).json().code,
          'LOGIN_FAILED',
        );
        // Nowhere in the audit log, nor in what the auditor reads of it, is the phone in clear.
        const events = await s.db.selectFrom('audit_event').select(['actor_name', 'detail']).execute();
        assert.ok(
          events.some((e) => e.actor_name === '139****1234'),
          'auth.login names the resident by the masked phone',
        );
        assert.ok(
          events.every(
            (e) => !e.actor_name.includes(PHONE) && !e.detail.includes(PHONE) && !e.detail.includes('13600000000'),
          ),
          'no phone in clear in the audit log',
        );
        const auditor = await signIn(s, 'auditor', AREAS.city);
        const read = await call('GET', '/audit/events?limit=200', auditor);
        assert.equal(read.statusCode, 200, read.body);
        assert.ok(read.body.includes('139****1234') && !read.body.includes(PHONE));

        const me = await call('GET', '/me/person', who);
        assert.equal(me.statusCode, 200, me.body);
        assert.deepEqual(me.json().person, { id: t.parentId, name: '李红', maskedName: '李*' });
        assert.deepEqual(
          me
            .json()
            .dependants.map((d: { name: string }) => d.name)
            .sort(),
          ['李小明', '王秀英'].sort(),
          'the adult son with a phone is not a dependant',
        );
        assert.deepEqual(
          me.json().dependants.find((d: { id: string }) => d.id === t.childId),
          { id: t.childId, name: '李小明', relation: '子', age: 6 },
        );
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
        const row = await s.db
          .selectFrom('checkin')
          .selectAll()
          .where('id', '=', v.checkinId)
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          { exit_kind: row.exit_kind, exited_at: Number(row.exited_at) },
          { exit_kind: 'scan', exited_at: s.clock.now() },
        );
        assert.equal((await call('GET', `/venues/${shop.id}/occupancy`)).json().count, 0);
        // A retried exit is not a new entry; a scan after that is.
        assert.equal(
          (await call('POST', '/checkins/self', who, { code: shop.code })).json().results[0].decision,
          'exited',
        );
        s.clock.advance(2 * 60_000);
        const back = (await call('POST', '/checkins/self', who, { code: shop.code })).json().results[0];
        assert.equal(back.decision, 'admitted');
        assert.notEqual(back.checkinId, v.checkinId);
        assert.equal(await count(s, 'checkin'), 3);

        // The same clientId from a phone's retry is stored once.
        const cafe = await t.venue({ name: '文苑茶室', category: 'residential_gate' });
        const first = (await call('POST', '/checkins/self', who, { code: cafe.code, clientId: 'phone-0000001' })).json()
          .results[0];
        s.clock.advance(3 * 60_000);
        const retry = (await call('POST', '/checkins/self', who, { code: cafe.code, clientId: 'phone-0000001' })).json()
          .results[0];
        assert.equal(retry.checkinId, first.checkinId);
        assert.equal(retry.duplicate, true);
        assert.equal(retry.decision, 'admitted');

        // Staff have no resident page; strangers are not signed in.
        assert.equal((await call('GET', '/me/person', t.worker)).json().code, 'RESIDENT_NOT_LINKED');
        assert.equal(
          (await call('POST', '/checkins/self', undefined, { code: shop.code })).json().code,
          'UNAUTHENTICATED',
        );
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('a parent checks in their child and grandmother; a stranger’s child is refused with 403', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        const { who } = await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        const school = await t.venue({ name: '文苑小学北门', category: 'residential_gate' });

        const both = await call('POST', '/checkins/self', who, {
          code: school.code,
          personIds: [t.parentId, t.childId, t.grannyId],
        });
        assert.equal(both.statusCode, 200, both.body);
        assert.deepEqual(
          both
            .json()
            .results.map((r: { method: string; maskedName: string; decision: string }) => [
              r.method,
              r.maskedName,
              r.decision,
            ]),
          [
            ['self', '李*', 'admitted'],
            ['dependant', '李*明', 'admitted'],
            ['dependant', '王*英', 'admitted'],
          ],
        );
        const rows = await s.db.selectFrom('checkin').select(['person_id', 'method']).orderBy('person_id').execute();
        assert.deepEqual(
          rows,
          [
            { person_id: t.parentId, method: 'self' },
            { person_id: t.childId, method: 'dependant' },
            { person_id: t.grannyId, method: 'dependant' },
          ].sort((a, b) => (a.person_id < b.person_id ? -1 : 1)),
        );

        const childCode = await call('GET', `/me/personal-code?personId=${t.childId}`, who);
        assert.equal(childCode.statusCode, 200, childCode.body);
        assert.equal(childCode.json().personId, t.childId);

        // Not dependants: another household's child, an adult of the own household with their own phone.
        const strangerChild = await call('POST', '/checkins/self', who, {
          code: school.code,
          personIds: [t.strangerChildId],
        });
        assert.equal(strangerChild.statusCode, 403);
        assert.equal(strangerChild.json().code, 'DEPENDANT_NOT_ALLOWED');
        assert.equal(
          (await call('POST', '/checkins/self', who, { code: school.code, personIds: [t.childId, t.adultId] })).json()
            .code,
          'DEPENDANT_NOT_ALLOWED',
        );
        assert.equal((await call('GET', `/me/personal-code?personId=${t.strangerChildId}`, who)).statusCode, 403);
        assert.equal(await count(s, 'checkin'), 3, 'a refused request stores nothing, not even its allowed persons');

        // The stranger registers too and cannot check in the first family's child either.
        const { who: stranger } = await t.register({
          phone: '13712345678',
          password: PASSWORD,
          name: '赵刚',
          idNumber: STRANGER_ID,
        });
        const res = await call('POST', '/checkins/self', stranger, { code: school.code, personIds: [t.childId] });
        assert.equal(res.statusCode, 403);
        assert.equal(res.json().code, 'DEPENDANT_NOT_ALLOWED');
        assert.equal(
          (await call('POST', '/checkins/self', stranger, { code: school.code, personIds: [t.strangerChildId] })).json()
            .results[0].method,
          'dependant',
        );
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('takeover: a name and an ID number with another phone get no code and no account; the person then registers', async () => {
      const t = await setup(dialect, { max: 100, timeWindowMs: 60_000 });
      const { s, call } = t;
      try {
        // The attacker knows 李红's name and ID number and sends their own phone.
        const attempt = await t.startCode({ phone: ATTACKER_PHONE, name: '李红', idNumber: PARENT_ID });
        assert.equal(attempt.res.statusCode, 202, attempt.res.body);
        assert.deepEqual(Object.keys(attempt.res.json()).sort(), ['challengeId', 'expiresAt', 'sentTo']);
        assert.equal(attempt.res.json().sentTo, '130****8888');
        assert.equal(attempt.sent.length, 0, 'no code is sent to a phone the registry does not hold');
        // Every guess fails, and the challenge is spent after five.
        const codes: string[] = [];
        for (let i = 0; i < 6; i++) {
          const res = await call('POST', '/residents/register/verify', undefined, {
            challengeId: attempt.res.json().challengeId,
            code: String(i).repeat(6),
            password: PASSWORD,
          });
          codes.push(res.json().code);
        }
        assert.deepEqual(codes, [
          'RESIDENT_CODE_INVALID',
          'RESIDENT_CODE_INVALID',
          'RESIDENT_CODE_INVALID',
          'RESIDENT_CODE_INVALID',
          'RESIDENT_CODE_ATTEMPTS',
          'RESIDENT_CODE_ATTEMPTS',
        ]);
        assert.equal(await count(s, 'app_user'), 1, 'only the worker: no account was created');

        // The same answer for a wrong name, an unknown number and a person without a registry phone.
        const shapes = [
          await t.startCode({ phone: ATTACKER_PHONE, name: '李虹', idNumber: PARENT_ID }),
          await t.startCode({ phone: ATTACKER_PHONE, name: '李红', idNumber: idOf('22040219850506009') }),
          await t.startCode({ phone: ATTACKER_PHONE, name: '王秀英', idNumber: GRANNY_ID }),
        ];
        for (const shape of shapes) {
          assert.equal(shape.res.statusCode, 202);
          assert.equal(shape.sent.length, 0);
          assert.equal(shape.res.json().sentTo, '130****8888');
        }
        const withheld = await s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'resident.otp_withheld')
          .execute();
        assert.deepEqual(withheld.map((e) => JSON.parse(e.detail).reason).sort(), [
          'name',
          'no_registry_phone',
          'phone',
          'unknown_id',
        ]);
        assert.equal(await count(s, 'audit_event', 'resident.otp_failed'), 6);

        // The real person, with the phone the registry holds, registers and can use their account.
        const real = await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        assert.equal(real.res.statusCode, 201, real.res.body);
        assert.equal(real.started.sent[0]!.to, PHONE);
        assert.equal((await call('GET', '/me/person', real.who)).json().person.id, t.parentId);
        // A code sent to 李红 does not open another challenge.
        const other = await t.startCode({ phone: STRANGER_PHONE, name: '赵刚', idNumber: STRANGER_ID });
        const crossed = await call('POST', '/residents/register/verify', undefined, {
          challengeId: attempt.res.json().challengeId,
          code: other.code,
          password: PASSWORD,
        });
        assert.equal(crossed.json().code, 'RESIDENT_CODE_ATTEMPTS');
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('a code expires after five minutes; five codes an hour per person; a used code is spent', async () => {
      const t = await setup(dialect, { max: 100, timeWindowMs: 60_000 });
      const { s, call } = t;
      try {
        const first = await t.startCode({ phone: PHONE, name: '李红', idNumber: PARENT_ID });
        assert.equal(first.res.statusCode, 202);
        assert.equal(first.res.json().sentTo, '139****1234');
        s.clock.advance(5 * 60_000);
        const late = await call('POST', '/residents/register/verify', undefined, {
          challengeId: first.res.json().challengeId,
          code: first.code,
          password: PASSWORD,
        });
        assert.equal(late.statusCode, 400);
        assert.equal(late.json().code, 'RESIDENT_CODE_EXPIRED');

        // Four more codes this hour are sent; the sixth is refused (per ID number), also from another phone.
        for (let i = 0; i < 4; i++)
          assert.equal((await t.startCode({ phone: PHONE, name: '李红', idNumber: PARENT_ID })).sent.length, 1);
        const sixth = await t.startCode({ phone: PHONE, name: '李红', idNumber: PARENT_ID });
        assert.equal(sixth.res.statusCode, 429);
        assert.equal(sixth.res.json().code, 'RESIDENT_CODE_LIMIT');
        assert.equal(sixth.sent.length, 0);
        assert.equal(
          (await t.startCode({ phone: ATTACKER_PHONE, name: '李红', idNumber: PARENT_ID })).res.json().code,
          'RESIDENT_CODE_LIMIT',
          'the limit counts the ID number whether or not the phone matches',
        );
        assert.equal(await count(s, 'audit_event', 'resident.otp_limited'), 2);

        // An hour later codes are sent again; the latest one registers, and cannot be used twice.
        s.clock.advance(60 * 60_000);
        const fresh = await t.startCode({ phone: PHONE, name: '李红', idNumber: PARENT_ID });
        const ok = await call('POST', '/residents/register/verify', undefined, {
          challengeId: fresh.res.json().challengeId,
          code: fresh.code,
          password: PASSWORD,
        });
        assert.equal(ok.statusCode, 201, ok.body);
        const again = await call('POST', '/residents/register/verify', undefined, {
          challengeId: fresh.res.json().challengeId,
          code: fresh.code,
          password: PASSWORD,
        });
        assert.equal(again.json().code, 'RESIDENT_CODE_INVALID');
        // Only a digest of each code is stored.
        const stored = await s.db.selectFrom('resident_challenge').select('code_hash').execute();
        assert.ok(stored.every((c) => !c.code_hash.includes(fresh.code!)));
        assert.equal(await count(s, 'audit_event', 'resident.otp_sent'), 6);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('a failing SMS gateway answers 503 SMS_UNAVAILABLE and the code is closed', async () => {
      const t = await setup(dialect, { max: 100, timeWindowMs: 60_000 });
      const { s } = t;
      try {
        const working = s.sms;
        Object.assign(s, { sms: new HttpSmsSender({ url: 'http://127.0.0.1:9/sms', token: 't', timeoutMs: 2000 }) });
        const res = await t.call('POST', '/residents/register/start', undefined, {
          phone: PHONE,
          name: '李红',
          idNumber: PARENT_ID,
        });
        assert.equal(res.statusCode, 503);
        assert.equal(res.json().code, 'SMS_UNAVAILABLE');
        assert.equal(await count(s, 'audit_event', 'resident.otp_send_failed'), 1);
        const challenge = await s.db.selectFrom('resident_challenge').select('closed_at').executeTakeFirstOrThrow();
        assert.notEqual(challenge.closed_at, null);
        Object.assign(s, { sms: working });
        assert.equal(
          (await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID })).res.statusCode,
          201,
        );
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('door registration: a community worker of the area creates the account on a new phone, verified by code; others are refused', async () => {
      const t = await setup(dialect, { max: 100, timeWindowMs: 60_000 });
      const { s, call } = t;
      const NEW_PHONE = '13655556666';
      try {
        // 王秀英 has no phone in the registry: self-registration sends nothing, the worker comes to the door.
        const code = await call('POST', `/persons/${t.grannyId}/resident-account/code`, t.worker, { phone: NEW_PHONE });
        assert.equal(code.statusCode, 202, code.body);
        assert.equal(code.json().sentTo, '136****6666');
        const text = s.sms.lastTo(NEW_PHONE)!;
        const wrong = await call('POST', `/persons/${t.grannyId}/resident-account`, t.worker, {
          challengeId: code.json().challengeId,
          code: '000000' === codeIn(text.text) ? '111111' : '000000',
        });
        assert.equal(wrong.json().code, 'RESIDENT_CODE_INVALID');
        // Another person's page cannot use this challenge.
        assert.equal(
          (
            await call('POST', `/persons/${t.childId}/resident-account`, t.worker, {
              challengeId: code.json().challengeId,
              code: codeIn(text.text),
            })
          ).json().code,
          'RESIDENT_CODE_INVALID',
        );

        // Refused: a worker of another community, a role without registry.write, a resident.
        const outsider = await signIn(s, 'community_worker', AREAS.xingyang);
        const lab = await signIn(s, 'lab', AREAS.wenyuan);
        for (const [who, codeWanted] of [
          [outsider, 'OUT_OF_SCOPE'],
          [lab, 'FORBIDDEN'],
        ] as const) {
          const a = await call('POST', `/persons/${t.grannyId}/resident-account/code`, who, { phone: NEW_PHONE });
          assert.equal(a.statusCode, 403);
          assert.equal(a.json().code, codeWanted);
          const b = await call('POST', `/persons/${t.grannyId}/resident-account`, who, {
            challengeId: code.json().challengeId,
            code: codeIn(text.text),
          });
          assert.equal(b.statusCode, 403);
          assert.equal(b.json().code, codeWanted);
        }
        const parent = await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        assert.equal(
          (await call('POST', `/persons/${t.grannyId}/resident-account/code`, parent.who, { phone: NEW_PHONE })).json()
            .code,
          'FORBIDDEN',
        );
        // A phone bound to another person's account is refused.
        assert.equal(
          (await call('POST', `/persons/${t.grannyId}/resident-account/code`, t.worker, { phone: PHONE })).json().code,
          'RESIDENT_PHONE_TAKEN',
        );

        const made = await call('POST', `/persons/${t.grannyId}/resident-account`, t.worker, {
          challengeId: code.json().challengeId,
          code: codeIn(text.text),
        });
        assert.equal(made.statusCode, 200, made.body);
        assert.equal(made.json().created, true);
        assert.equal(made.json().personId, t.grannyId);
        assert.equal(made.json().phone, '136****6666');
        assert.equal(typeof made.json().password, 'string', 'a generated password to hand over');
        // The registry holds the verified phone now, and the resident signs in with it.
        assert.equal(
          (await call('POST', `/persons/${t.grannyId}/reveal`, t.worker, { reason: '核对' })).json().phone,
          NEW_PHONE,
        );
        const login = await call('POST', '/auth/login', undefined, {
          username: NEW_PHONE,
          password: made.json().password,
        });
        assert.equal(login.statusCode, 200, login.body);
        assert.equal(login.json().user.role, 'resident');
        const update = await s.db
          .selectFrom('audit_event')
          .select(['reason', 'detail'])
          .where('action', '=', 'person.update')
          .where('object_id', '=', t.grannyId)
          .executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(update.detail).changed, ['phone']);
        const registered = await s.db
          .selectFrom('audit_event')
          .select(['actor_id', 'detail'])
          .where('action', '=', 'resident.register')
          .where('object_id', '=', made.json().userId)
          .executeTakeFirstOrThrow();
        assert.equal(registered.actor_id, t.worker.userId);
        assert.equal(JSON.parse(registered.detail).atDoor, true);
        assert.ok(!registered.detail.includes(NEW_PHONE));
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test("re-binding at the door moves the account to the new phone and ends the old phone's sessions", async () => {
      const t = await setup(dialect, { max: 100, timeWindowMs: 60_000 });
      const { s, call } = t;
      const NEW_PHONE = '13511112222';
      try {
        const { res, who } = await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        assert.equal(res.statusCode, 201);
        assert.equal((await call('GET', '/me/person', who)).statusCode, 200);

        const code = await call('POST', `/persons/${t.parentId}/resident-account/code`, t.worker, { phone: NEW_PHONE });
        assert.equal(code.statusCode, 202, code.body);
        const rebound = await call('POST', `/persons/${t.parentId}/resident-account`, t.worker, {
          challengeId: code.json().challengeId,
          code: codeIn(s.sms.lastTo(NEW_PHONE)!.text),
        });
        assert.equal(rebound.statusCode, 200, rebound.body);
        assert.equal(rebound.json().created, false);
        assert.equal(rebound.json().userId, res.json().user.id);
        assert.equal(rebound.json().password, null, 'the resident keeps their password');
        assert.equal(rebound.json().sessionsEnded, 1);

        // The old phone's session is over, and the old phone no longer signs in; the new one does.
        assert.equal((await call('GET', '/me/person', who)).json().code, 'UNAUTHENTICATED');
        assert.equal(
          (await call('POST', '/auth/login', undefined, { username: PHONE, password: PASSWORD })).json().code,
          'LOGIN_FAILED',
        );
        const login = await call('POST', '/auth/login', undefined, { username: NEW_PHONE, password: PASSWORD });
        assert.equal(login.statusCode, 200, login.body);
        assert.equal(login.json().user.id, res.json().user.id);
        assert.equal(
          (await call('POST', `/persons/${t.parentId}/reveal`, t.worker, { reason: '核对' })).json().phone,
          NEW_PHONE,
        );
        const event = await s.db
          .selectFrom('audit_event')
          .select(['actor_id', 'detail'])
          .where('action', '=', 'resident.rebind')
          .executeTakeFirstOrThrow();
        assert.equal(event.actor_id, t.worker.userId);
        assert.equal(JSON.parse(event.detail).phone, '135****2222');
        // Self-registration now texts the new phone (the registry's), and the account exists already.
        const again = await t.register({ phone: NEW_PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        assert.equal(again.res.json().code, 'RESIDENT_ALREADY_REGISTERED');
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('the auditor reads audit events written before phones were sealed with the phones masked', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        await s.db.transaction().execute(async (trx) => {
          await s.audit(
            trx,
            { id: null, name: PHONE, role: 'resident' },
            { action: 'auth.login', objectType: 'user', detail: { ip: '127.0.0.1' } },
          );
          await s.audit(
            trx,
            { id: null, name: 'anonymous', role: 'anonymous' },
            { action: 'auth.login_failed', objectType: 'user', detail: { username: PHONE, reason: 'wrong_password' } },
          );
        });
        const auditor = await signIn(s, 'auditor', AREAS.city);
        const res = await call('GET', '/audit/events?limit=10', auditor);
        assert.equal(res.statusCode, 200, res.body);
        assert.ok(!res.body.includes(PHONE));
        const [failed, login] = res.json().items as Array<{ actorName: string; detail: { username?: string } }>;
        assert.equal(login!.actorName, '139****1234');
        assert.equal(failed!.detail.username, '139****1234');
        assert.equal((await call('GET', '/audit/verify', auditor)).json().ok, true, 'the stored chain is unchanged');
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('registration refuses bad phones, ID numbers and weak passwords, a second account, and is rate-limited', async () => {
      const t = await setup(dialect, { max: 12, timeWindowMs: 60_000 });
      const { s, call } = t;
      try {
        assert.equal(
          (await t.startCode({ phone: '12345', name: '李红', idNumber: PARENT_ID })).res.json().code,
          'PHONE_FORMAT',
        );
        assert.equal(
          (await t.startCode({ phone: PHONE, name: '李红', idNumber: '220402198505060019' })).res.json().code,
          'ID_NUMBER_CHECKSUM',
        );
        const weak = await t.register({ phone: PHONE, password: 'short', name: '李红', idNumber: PARENT_ID });
        assert.equal(weak.res.json().code, 'PASSWORD_WEAK');
        assert.equal(await count(s, 'app_user'), 1, 'only the worker');
        assert.equal(await count(s, 'audit_event', 'resident.register'), 0);

        assert.equal(
          (await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID })).res.statusCode,
          201,
        );
        // The phone is proven again, then the second account is refused.
        const twice = await t.register({ phone: PHONE, password: PASSWORD, name: '李红', idNumber: PARENT_ID });
        assert.equal(twice.started.sent.length, 1);
        assert.equal(twice.res.statusCode, 409);
        assert.equal(twice.res.json().code, 'RESIDENT_ALREADY_REGISTERED');
        assert.equal(await count(s, 'app_user'), 2);
        // The old one-step route is gone.
        assert.equal(
          (
            await call('POST', '/residents/register', undefined, {
              phone: PHONE,
              password: PASSWORD,
              name: '李红',
              idNumber: PARENT_ID,
            })
          ).statusCode,
          404,
        );

        // Rate-limited like sign-in (12 requests per window here).
        let limited = null;
        for (let i = 0; i < 13 && !limited; i++) {
          const res = await call('POST', '/residents/register/start', undefined, {
            phone: '12345',
            name: '李红',
            idNumber: PARENT_ID,
          });
          if (res.statusCode === 429) limited = res;
        }
        assert.equal(limited?.json().code, 'RATE_LIMITED');
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
