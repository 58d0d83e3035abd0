import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { issuePersonalCode, verifyPersonalCode } from '../../src/venues/venue.codes.ts';
import { closeExpiredVisits, purgeCheckins } from '../../src/venues/venue.service.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { guardDevice } from '../support/queued.scan.ts';

const ZHANG_ID = '220402195304120318';

async function harness(s: TestServices) {
  const app: App = await build(s, { serveWeb: false });
  async function call(method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: unknown) {
    return app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
  return { app, call };
}

async function count(s: TestServices, table: 'checkin' | 'audit_event', where?: { action?: string }): Promise<number> {
  let q = s.db.selectFrom(table as 'audit_event');
  if (where?.action) q = q.where('action', '=', where.action);
  const row = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  const areas = await seedTestAreas(s);
  const h = await harness(s);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  // A person with an ID number in 文苑 (created through the registry, so sealed and looked up by HMAC).
  const created = await h.call('POST', '/persons', worker, {
    areaId: areas[AREAS.wenyuanGrid],
    name: '张建国',
    idNumber: ZHANG_ID,
  });
  assert.equal(created.statusCode, 201, created.body);
  const personId = created.json().id as string;
  const venue = async (body: Record<string, unknown>, who: SignedIn = worker) => {
    const res = await h.call('POST', '/venues', who, { areaId: areas[AREAS.wenyuanGrid], capacity: 100, ...body });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; status: string; codeVersion: number };
  };
  const approve = async (id: string) => {
    // Two-person rule: a city command officer approves what the worker registered.
    const res = await h.call('POST', `/venues/${id}/approve`, await signIn(s, 'command', AREAS.city));
    assert.equal(res.statusCode, 200, res.body);
  };
  const posterOf = async (id: string) => (await h.call('GET', `/venues/${id}/code`, worker)).json().url as string;
  const personalCode = () => issuePersonalCode(s.signing.personalPrivateKey, personId, s.clock.now()).token;
  return { s, areas, ...h, worker, personId, venue, approve, posterOf, personalCode };
}

for (const { dialect, skip } of await dialects()) {
  describe(`venues and check-ins HTTP [${dialect}]`, { skip }, () => {
    test('register → approve → code → check-in → verification → exit, with occupancy and refusals recorded', async () => {
      const t = await setup(dialect);
      const { s, call, worker } = t;
      try {
        const gate = await t.venue({ name: '文苑小区北门', category: 'residential_gate', address: '文苑路1号' });
        assert.equal(gate.status, 'pending');
        const bad = await call('POST', '/venues', worker, {
          areaId: t.areas[AREAS.wenyuanGrid],
          capacity: 10,
          name: 'x',
          category: 'spaceport',
        });
        assert.equal(bad.json().code, 'CATEGORY_UNKNOWN');
        const guard = await signIn(s, 'community_worker', AREAS.wenyuan);

        const poster = await t.posterOf(gate.id);
        assert.match(poster, /^http:\/\/localhost(:\d+)?\/v\//);
        const early = await call('POST', '/checkins', guard, { code: poster, personalCode: t.personalCode() });
        assert.equal(early.json().code, 'VENUE_NOT_APPROVED');
        assert.equal(await count(s, 'checkin'), 0);

        await t.approve(gate.id);
        const res = await call('POST', '/checkins', guard, { code: poster, personalCode: t.personalCode() });
        assert.equal(res.statusCode, 201, res.body);
        const v = res.json();
        assert.equal(v.decision, 'admitted');
        assert.equal(v.colour, 'green');
        assert.equal(v.maskedName, '张*国');
        assert.equal(v.latestTest, null);
        assert.equal(v.venueName, '文苑小区北门');
        assert.equal(v.method, 'assisted');
        assert.deepEqual(v.reasons, []);
        assert.equal(v.at, s.clock.now());
        assert.ok(!res.body.includes(t.personId), 'the verification carries no person id');

        const occ = await call('GET', `/venues/${gate.id}/occupancy`);
        assert.deepEqual(occ.json(), {
          venueId: gate.id,
          venueName: '文苑小区北门',
          count: 1,
          capacity: 100,
          level: 'relaxed',
          levelName: { zh: '宽松', en: 'Relaxed' },
        });

        s.clock.advance(2 * 60_000);
        const exit = await call('POST', `/checkins/${v.checkinId}/exit`, guard);
        assert.equal(exit.statusCode, 200, exit.body);
        assert.equal(exit.json().exitKind, 'guard');
        assert.equal(exit.json().exitedAt, s.clock.now());
        const again = await call('POST', `/checkins/${v.checkinId}/exit`, guard);
        assert.deepEqual(again.json(), exit.json(), 'a second scan-out answers with the first');
        assert.equal((await call('GET', `/venues/${gate.id}/occupancy`)).json().count, 0);
        assert.equal((await call('POST', '/checkins/nope/exit', guard)).json().code, 'CHECKIN_NOT_FOUND');

        // A supermarket needs a negative test within 72 h; no test is on record yet, so the door refuses
        // and the refusal is stored.
        const shop = await t.venue({ name: '欧亚超市', category: 'supermarket' });
        await t.approve(shop.id);
        const refused = await call('POST', '/checkins', guard, { code: await t.posterOf(shop.id), idNumber: ZHANG_ID });
        assert.equal(refused.statusCode, 201, refused.body);
        assert.equal(refused.json().decision, 'refused');
        assert.deepEqual(
          refused.json().reasons.map((r: { code: string }) => r.code),
          ['NO_RECENT_TEST'],
        );
        assert.deepEqual(refused.json().reasons[0].params, { hours: 72 });
        assert.match(refused.json().reasons[0].message, /72 小时内无核酸/);
        const row = await s.db
          .selectFrom('checkin')
          .selectAll()
          .where('id', '=', refused.json().checkinId)
          .executeTakeFirstOrThrow();
        assert.equal(row.decision, 'refused');
        assert.equal(row.refusal_code, 'NO_RECENT_TEST');
        assert.equal(row.person_id, t.personId);
        assert.equal((await call('POST', `/checkins/${row.id}/exit`, guard)).json().code, 'CHECKIN_NOT_ADMITTED');
        // The ID-number lookup read personal data and is audited; self-evident scans are not.
        assert.equal(await count(s, 'audit_event', { action: 'person.lookup' }), 1);
        assert.equal(
          (await call('GET', `/venues/${shop.id}/occupancy`)).json().count,
          0,
          'refused visits do not count',
        );

        const unknownId = await call('POST', '/checkins', guard, {
          code: await t.posterOf(shop.id),
          idNumber: '220402199001011235',
        });
        assert.equal(unknownId.json().code, 'PERSON_NOT_FOUND');
        // A mistyped number (its check digit does not fit) is said as such, without the expected digit.
        const mistyped = await call('POST', '/checkins', guard, {
          code: await t.posterOf(shop.id),
          idNumber: '220402199001011234',
        });
        assert.equal(mistyped.statusCode, 400, mistyped.body);
        assert.equal(mistyped.json().code, 'CHECKIN_ID_CHECK_DIGIT');
        assert.match(mistyped.json().detail, /校验位/);
        assert.doesNotMatch(mistyped.json().detail, /应为/);
        const shortId = await call('POST', '/checkins', guard, {
          code: await t.posterOf(shop.id),
          idNumber: '22040219900101123',
        });
        assert.equal(shortId.json().code, 'ID_NUMBER_FORMAT');
        assert.equal(
          await count(s, 'audit_event', { action: 'person.lookup' }),
          1,
          'a number not found or mistyped reads no one',
        );
        const two = await call('POST', '/checkins', guard, { code: poster, idNumber: ZHANG_ID, personId: t.personId });
        assert.equal(two.json().code, 'CHECKIN_PERSON_REQUIRED');
        const malformed = await call('POST', '/checkins', guard, { personId: t.personId });
        assert.equal(malformed.json().code, 'VALIDATION');

        // Venue administration is audited; the chain holds.
        assert.equal(await count(s, 'audit_event', { action: 'venue.create' }), 2);
        assert.equal(await count(s, 'audit_event', { action: 'venue.approve' }), 2);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('forged, revoked, screen and personal codes are refused each with its own code', async () => {
      const t = await setup(dialect);
      const { s, call, worker } = t;
      try {
        const device = await guardDevice(call, worker);
        const gate = await t.venue({ name: '兴隆小区南门', category: 'residential_gate' });
        await t.approve(gate.id);
        const old = await t.posterOf(gate.id);
        const forged = old.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
        assert.equal(
          (await call('POST', '/checkins', worker, { code: forged, personId: t.personId })).json().code,
          'VENUE_CODE_INVALID',
        );
        assert.equal(
          (await call('POST', '/checkins', worker, { code: 'https://evil.example/v/abc', personId: t.personId })).json()
            .code,
          'VENUE_CODE_INVALID',
        );

        const reissued = await call('POST', `/venues/${gate.id}/code/reissue`, worker, { reason: '海报被撕毁' });
        assert.equal(reissued.statusCode, 200, reissued.body);
        assert.equal(reissued.json().codeVersion, 2);
        const revoked = await call('POST', '/checkins', worker, { code: old, personId: t.personId });
        assert.equal(revoked.statusCode, 410);
        assert.equal(revoked.json().code, 'VENUE_CODE_REVOKED');
        assert.equal(
          (await call('POST', '/checkins', worker, { code: reissued.json().url, personId: t.personId })).statusCode,
          201,
        );
        assert.equal(await count(s, 'audit_event', { action: 'venue.code.reissue' }), 1);

        // Presence must be proven: the poster is not enough; the screen code works for its window only.
        const hall = await t.venue({ name: '政务大厅', category: 'residential_gate', requiresPresence: true });
        await t.approve(hall.id);
        const hallPoster = await t.posterOf(hall.id);
        assert.equal(
          (await call('POST', '/checkins', worker, { code: hallPoster, personId: t.personId })).json().code,
          'VENUE_SCREEN_CODE_REQUIRED',
        );
        const screen = (await call('GET', `/venues/${hall.id}/screen-code`, worker)).json();
        assert.match(screen.url, /\/s\//);
        assert.ok(screen.validUntil > s.clock.now());
        assert.equal(
          (await call('POST', '/checkins', worker, { code: screen.url, personId: t.personId })).json().decision,
          'admitted',
        );
        s.clock.advance(3600_000);
        const photo = await call('POST', '/checkins', worker, { code: screen.url, personId: t.personId });
        assert.equal(photo.json().code, 'VENUE_CODE_EXPIRED', 'a photo of last hour’s screen');

        // Personal codes: 60 s, signed by this deployment, verifiable with the published key.
        const issuedAt = s.clock.now();
        const token = t.personalCode();
        const key = (await call('GET', '/codes/public-key')).json();
        assert.equal(key.algorithm, 'Ed25519');
        assert.equal(verifyPersonalCode(key.publicKeyPem, token, issuedAt).ok, true);
        s.clock.advance(61_000);
        const expired = await call('POST', '/checkins', worker, { code: reissued.json().url, personalCode: token });
        assert.equal(expired.json().code, 'PERSONAL_CODE_EXPIRED');
        const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
        assert.equal(
          (await call('POST', '/checkins', worker, { code: reissued.json().url, personalCode: tampered })).json().code,
          'PERSONAL_CODE_INVALID',
        );

        // A queued scan made offline 10 minutes ago on the guard's device (signed with its queue key):
        // the code is checked as of then, the visit starts then.
        const scannedAt = s.clock.now() - 10 * 60_000;
        const queuedToken = issuePersonalCode(s.signing.personalPrivateKey, t.personId, scannedAt - 5_000).token;
        const queued = await call(
          'POST',
          '/checkins',
          worker,
          device.sign({ code: reissued.json().url, personalCode: queuedToken, clientId: 'guard1-000001', scannedAt }),
        );
        assert.equal(queued.statusCode, 201, queued.body);
        assert.equal(queued.json().at, scannedAt);
        const tooOld = await call(
          'POST',
          '/checkins',
          worker,
          device.sign({
            code: reissued.json().url,
            personId: t.personId,
            clientId: 'guard1-000002',
            scannedAt: s.clock.now() - 25 * 3600_000,
          }),
        );
        assert.equal(tooOld.json().code, 'SCAN_QUEUE_DEVICE_INVALID', 'made before the device had its key');
        const unsigned = await call('POST', '/checkins', worker, {
          code: reissued.json().url,
          personId: t.personId,
          clientId: 'guard1-000003',
          scannedAt,
        });
        assert.equal(unsigned.json().code, 'SCAN_QUEUE_DEVICE_INVALID');

        // Suspended: the code stops.
        assert.equal(
          (await call('POST', `/venues/${gate.id}/suspend`, worker, { reason: '停业' })).json().status,
          'suspended',
        );
        assert.equal(
          (await call('POST', '/checkins', worker, { code: reissued.json().url, personId: t.personId })).json().code,
          'VENUE_NOT_APPROVED',
        );
        assert.equal((await call('GET', `/venues/${gate.id}/occupancy`)).json().code, 'VENUE_NOT_FOUND');
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('the same queued scan (venue, clientId) is stored once, also when sent concurrently', async () => {
      const t = await setup(dialect);
      const { s, call, worker } = t;
      try {
        const gate = await t.venue({ name: '文苑小区东门', category: 'residential_gate' });
        await t.approve(gate.id);
        const code = await t.posterOf(gate.id);
        const body = { code, personalCode: t.personalCode(), clientId: 'dev42-0000000001' };
        const first = await call('POST', '/checkins', worker, body);
        assert.equal(first.statusCode, 201);
        assert.equal(first.json().duplicate, false);
        s.clock.advance(5 * 60_000); // the personal code has expired meanwhile: the stored result still answers
        const second = await call('POST', '/checkins', worker, body);
        assert.equal(second.statusCode, 200, second.body);
        assert.deepEqual({ ...(second.json() as object), duplicate: false }, first.json());
        assert.equal(await count(s, 'checkin'), 1);

        const burst = { code, personId: t.personId, clientId: 'dev42-0000000002' };
        const answers = await Promise.all(Array.from({ length: 12 }, () => call('POST', '/checkins', worker, burst)));
        for (const a of answers) assert.ok(a.statusCode === 200 || a.statusCode === 201, a.body);
        assert.equal(new Set(answers.map((a) => a.json().checkinId)).size, 1, 'every answer names the same check-in');
        assert.equal(answers.filter((a) => a.json().duplicate === false).length, 1);
        assert.equal(await count(s, 'checkin'), 2);
        // Without a client id every scan is its own visit.
        await call('POST', '/checkins', worker, { code, personId: t.personId });
        assert.equal(await count(s, 'checkin'), 3);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('scope: operators act on their own venues only; approval needs venue.approve', async () => {
      const t = await setup(dialect);
      const { s, call, worker } = t;
      try {
        const opXingyang = await signIn(s, 'venue_operator', AREAS.xingyang);
        const outside = await call('POST', '/venues', opXingyang, {
          areaId: t.areas[AREAS.wenyuanGrid],
          name: '越界',
          category: 'restaurant',
          capacity: 20,
        });
        assert.equal(outside.statusCode, 403);
        assert.equal(outside.json().code, 'OUT_OF_SCOPE');
        const own = await call('POST', '/venues', opXingyang, {
          areaId: t.areas[AREAS.xingyangGrid],
          name: '兴阳饭店',
          category: 'restaurant',
          capacity: 20,
        });
        assert.equal(own.statusCode, 201, own.body);
        assert.equal(own.json().operatorUserId, opXingyang.userId);
        assert.equal((await call('POST', `/venues/${own.json().id}/approve`, opXingyang)).json().code, 'FORBIDDEN');
        assert.equal(
          (await call('POST', `/venues/${own.json().id}/approve`, worker)).json().code,
          'OUT_OF_SCOPE',
          '文苑 worker, 兴阳 venue',
        );
        const street = await signIn(s, 'community_worker', AREAS.street);
        assert.equal((await call('POST', `/venues/${own.json().id}/approve`, street)).json().status, 'approved');

        const gate = await t.venue({ name: '文苑小区西门', category: 'residential_gate' });
        await t.approve(gate.id);
        const code = await t.posterOf(gate.id);
        const foreign = await call('POST', '/checkins', opXingyang, { code, personId: t.personId });
        assert.equal(foreign.json().code, 'OUT_OF_SCOPE');
        const otherOp = await signIn(s, 'venue_operator', AREAS.xingyang);
        assert.equal(
          (await call('GET', `/venues/${own.json().id}/code`, otherOp)).json().code,
          'OUT_OF_SCOPE',
          'another operator’s venue',
        );
        const resident = await signIn(s, 'resident', AREAS.wenyuan);
        assert.equal(
          (await call('POST', '/checkins', resident, { code, personId: t.personId })).json().code,
          'FORBIDDEN',
        );
        assert.equal(
          (await call('POST', '/checkins', undefined, { code, personId: t.personId })).json().code,
          'UNAUTHENTICATED',
        );

        const opList = (await call('GET', '/venues', opXingyang)).json();
        assert.deepEqual(
          opList.items.map((v: { name: string }) => v.name),
          ['兴阳饭店'],
        );
        const streetList = (await call('GET', '/venues?status=approved', street)).json();
        assert.equal(streetList.total, 2);
        const wenyuanList = (await call('GET', '/venues', worker)).json();
        assert.deepEqual(
          wenyuanList.items.map((v: { name: string }) => v.name),
          ['文苑小区西门'],
        );
        assert.equal((await call('GET', '/venues', resident)).json().code, 'FORBIDDEN');
        assert.equal(await count(s, 'checkin'), 0);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('a full venue refuses; visits past the dwell close by themselves; purge deletes and audits', async () => {
      const t = await setup(dialect);
      const { s, call, worker } = t;
      try {
        const lift = await t.venue({ name: '文苑电梯厅', category: 'residential_gate', capacity: 1, dwellMinutes: 30 });
        await t.approve(lift.id);
        const code = await t.posterOf(lift.id);
        const first = await call('POST', '/checkins', worker, { code, personId: t.personId });
        assert.equal(first.json().decision, 'admitted');
        assert.equal((await call('GET', `/venues/${lift.id}/occupancy`)).json().level, 'full');
        const second = await call('POST', '/checkins', worker, { code, personId: t.personId });
        assert.deepEqual(
          second.json().reasons.map((r: { code: string }) => r.code),
          ['VENUE_FULL'],
        );

        s.clock.advance(30 * 60_000);
        const occ = await call('GET', `/venues/${lift.id}/occupancy`);
        assert.equal(occ.json().count, 0);
        const closed = await s.db
          .selectFrom('checkin')
          .selectAll()
          .where('id', '=', first.json().checkinId)
          .executeTakeFirstOrThrow();
        assert.equal(closed.exit_kind, 'auto');
        assert.equal(closed.exited_at, first.json().at + 30 * 60_000);

        // The scheduled job closes visits at venues nobody looked at.
        const gate = await t.venue({ name: '文苑小区南门', category: 'residential_gate' }); // default dwell 5 min
        await t.approve(gate.id);
        const visit = (
          await call('POST', '/checkins', worker, { code: await t.posterOf(gate.id), personId: t.personId })
        ).json();
        s.clock.advance(4 * 60_000);
        assert.equal(await closeExpiredVisits(s), 0);
        s.clock.advance(60_000);
        assert.equal(await closeExpiredVisits(s), 1);
        const auto = await s.db
          .selectFrom('checkin')
          .select(['exit_kind', 'exited_at'])
          .where('id', '=', visit.checkinId)
          .executeTakeFirstOrThrow();
        assert.deepEqual(auto, { exit_kind: 'auto', exited_at: visit.at + 5 * 60_000 });

        // Retention: 28 days by default.
        s.clock.advance(28 * 86_400_000 - 10 * 60_000);
        const guard = await signIn(s, 'community_worker', AREAS.wenyuan); // sessions last 12 h
        const recent = await call('POST', '/checkins', guard, { code, personId: t.personId });
        assert.equal(recent.statusCode, 201, recent.body);
        assert.equal(await count(s, 'checkin'), 4);
        const dry = await purgeCheckins(s, undefined, { dryRun: true });
        assert.deepEqual(
          { checkins: dry.checkins, dryRun: dry.dryRun, retentionDays: dry.retentionDays },
          { checkins: 2, dryRun: true, retentionDays: 28 },
        );
        assert.equal(await count(s, 'checkin'), 4);
        assert.equal(await count(s, 'audit_event', { action: 'checkin.purge' }), 0);
        const done = await purgeCheckins(s);
        assert.equal(done.checkins, 2, 'the two lift visits of 28 days ago');
        assert.equal(await count(s, 'checkin'), 2);
        const event = await s.db
          .selectFrom('audit_event')
          .selectAll()
          .where('action', '=', 'checkin.purge')
          .executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(event.detail), {
          before: done.before,
          checkins: 2,
          batches: 1,
          batchSize: 5000,
          reasonKind: 'retention',
          reasonParams: { days: s.config.retentionDays },
        });
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
