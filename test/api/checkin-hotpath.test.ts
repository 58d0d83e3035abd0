// The check-in hot path's memory and its invalidation, and the door's leftovers of issue 3: resolved
// sessions and venue rows kept in memory are dropped at once by sign-out, password reset, role change,
// suspension and code reissue — also in another server process (two apps on one database sharing an
// event bus, as REDIS_URL gives); the same personal code twice at one door is one visit; a guard's
// queued scans at a screen-code venue carry the screen code held when offline, for a bounded time;
// the retention purge runs in batches with one audit event.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, freshDatabase } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { generateKeys } from '../../src/platform/crypto.ts';
import { LocalEventBus } from '../../src/platform/events.ts';
import type { App } from '../../src/platform/http.ts';
import { issuePersonalCode, screenUrl } from '../../src/venues/venue.codes.ts';
import { purgeCheckins } from '../../src/venues/venue.service.ts';
import { venueCategories } from '../../src/venues/venue.categories.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { guardDevice } from '../support/queued.scan.ts';

/** Two server processes on one database: separate services and apps (separate caches), one event bus. */
async function twoNodes(dialect: 'sqlite' | 'postgres') {
  const handle = await freshDatabase(dialect);
  const clock = new FakeClock();
  const keys = generateKeys();
  const bus = new LocalEventBus();
  const config = loadConfig({}, { dataDir: '/nonexistent-cordon-test-dir' });
  const a = (await createServices(config, { handle, clock, keys, events: bus, skipMigrations: true })) as TestServices;
  const b = (await createServices(config, { handle, clock, keys, events: bus, skipMigrations: true })) as TestServices;
  const areas = await seedTestAreas(a);
  const appA: App = await build(a, { serveWeb: false });
  const appB: App = await build(b, { serveWeb: false });
  const call = (app: App) => async (method: 'GET' | 'POST' | 'PATCH', url: string, who?: SignedIn, payload?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const admin = await signIn(a, 'admin', AREAS.city);
  const worker = await signIn(a, 'community_worker', AREAS.wenyuan);
  const person = await call(appA)('POST', '/persons', worker, {
    areaId: areas[AREAS.wenyuanGrid],
    name: '张建国',
    idNumber: '220402195304120318',
  });
  assert.equal(person.statusCode, 201, person.body);
  return {
    s: a,
    areas,
    admin,
    worker,
    personId: person.json().id as string,
    A: call(appA),
    B: call(appB),
    close: async () => {
      await appA.close();
      await appB.close();
      await bus.close();
      await handle.close();
    },
  };
}

async function gateOf(t: Awaited<ReturnType<typeof twoNodes>>, body: Record<string, unknown> = {}) {
  const res = await t.A('POST', '/venues', t.worker, {
    areaId: t.areas[AREAS.wenyuanGrid],
    capacity: 100,
    name: '文苑小区北门',
    category: 'residential_gate',
    ...body,
  });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().id as string;
  assert.equal((await t.A('POST', `/venues/${id}/approve`, await signIn(t.s, 'command', AREAS.city))).statusCode, 200);
  const code = (await t.A('GET', `/venues/${id}/code`, t.worker)).json().url as string;
  return { id, code };
}

for (const { dialect, skip } of await dialects()) {
  describe(`check-in hot path [${dialect}]`, { skip }, () => {
    test('sign-out, password reset and role change end a cached session at once, on both nodes', async () => {
      const t = await twoNodes(dialect);
      try {
        const gate = await gateOf(t);
        const guards = await Promise.all([1, 2, 3].map(() => signIn(t.s, 'community_worker', AREAS.wenyuan)));
        // Each node resolves (and keeps) each guard's session.
        for (const g of guards) {
          for (const node of [t.A, t.B])
            assert.equal(
              (await node('POST', '/checkins', g, { code: gate.code, personId: t.personId })).statusCode,
              201,
            );
        }
        // Sign-out on node A: node B refuses the cookie on the next request.
        assert.equal((await t.A('POST', '/auth/logout', guards[0])).statusCode, 204);
        assert.equal(
          (await t.B('POST', '/checkins', guards[0], { code: gate.code, personId: t.personId })).json().code,
          'UNAUTHENTICATED',
        );
        assert.equal(
          (await t.A('POST', '/checkins', guards[0], { code: gate.code, personId: t.personId })).json().code,
          'UNAUTHENTICATED',
        );
        // Password reset by the administrator on node B ends the sessions on node A.
        const reset = await t.B('POST', `/users/${guards[1]!.userId}/password`, t.admin, {
          password: 'a new long passphrase 42',
        });
        assert.equal(reset.statusCode, 200, reset.body);
        assert.equal(
          (await t.A('POST', '/checkins', guards[1], { code: gate.code, personId: t.personId })).json().code,
          'UNAUTHENTICATED',
        );
        // A role change on node A takes the permission away on node B.
        const demoted = await t.A('PATCH', `/users/${guards[2]!.userId}`, t.admin, { role: 'resident' });
        assert.equal(demoted.statusCode, 200, demoted.body);
        assert.equal(
          (await t.B('POST', '/checkins', guards[2], { code: gate.code, personId: t.personId })).json().code,
          'FORBIDDEN',
        );
      } finally {
        await t.close();
      }
    });

    test('suspension and reissue take effect at once on the other node; a session past its expiry ends', async () => {
      const t = await twoNodes(dialect);
      try {
        const gate = await gateOf(t);
        const guard = await signIn(t.s, 'community_worker', AREAS.wenyuan);
        assert.equal(
          (await t.B('POST', '/checkins', guard, { code: gate.code, personId: t.personId })).statusCode,
          201,
        );
        const reissued = await t.A('POST', `/venues/${gate.id}/code/reissue`, t.worker, { reason: '海报被涂改' });
        assert.equal(reissued.statusCode, 200);
        assert.equal(
          (await t.B('POST', '/checkins', guard, { code: gate.code, personId: t.personId })).json().code,
          'VENUE_CODE_REVOKED',
        );
        const fresh = reissued.json().url as string;
        assert.equal((await t.B('POST', '/checkins', guard, { code: fresh, personId: t.personId })).statusCode, 201);
        assert.equal((await t.A('POST', `/venues/${gate.id}/suspend`, t.worker, { reason: '停业' })).statusCode, 200);
        assert.equal(
          (await t.B('POST', '/checkins', guard, { code: fresh, personId: t.personId })).json().code,
          'VENUE_NOT_APPROVED',
        );
        // Sessions last 12 hours: a cached one is not trusted past that.
        t.s.clock.advance(12 * 3600_000 + 1);
        assert.equal(
          (await t.B('POST', '/checkins', guard, { code: fresh, personId: t.personId })).json().code,
          'UNAUTHENTICATED',
        );
      } finally {
        await t.close();
      }
    });

    test('the same personal code twice at one door is one visit; elsewhere or a fresh code is a new one', async () => {
      const t = await twoNodes(dialect);
      try {
        const gate = await gateOf(t);
        const shop = await gateOf(t, { name: '文苑小区西门' });
        const guard = await signIn(t.s, 'community_worker', AREAS.wenyuan);
        const device = await guardDevice(t.A, guard);
        const code = issuePersonalCode(t.s.signing.personalPrivateKey, t.personId, t.s.clock.now()).token;
        const first = await t.A('POST', '/checkins', guard, {
          code: gate.code,
          personalCode: code,
          clientId: 'dev1-0001',
        });
        assert.equal(first.statusCode, 201, first.body);
        t.s.clock.advance(20_000);
        // Scanned again 20 s later (a double scan, or the code replayed): the first scan answers.
        const again = await t.B('POST', '/checkins', guard, {
          code: gate.code,
          personalCode: code,
          clientId: 'dev2-0001',
        });
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(again.json().duplicate, true);
        assert.equal(again.json().checkinId, first.json().checkinId);
        assert.equal(again.json().at, first.json().at);
        // Queued on a device and sent later, still inside the code's life at the scan: the same.
        const queued = await t.A(
          'POST',
          '/checkins',
          guard,
          device.sign({
            code: gate.code,
            personalCode: code,
            clientId: 'dev3-0001',
            scannedAt: t.s.clock.now() - 5_000,
          }),
        );
        assert.equal(queued.json().checkinId, first.json().checkinId);
        const rows = await t.s.db.selectFrom('checkin').select('id').where('venue_id', '=', gate.id).execute();
        assert.equal(rows.length, 1);
        // Another door, the same code: a new visit there.
        assert.equal((await t.A('POST', '/checkins', guard, { code: shop.code, personalCode: code })).statusCode, 201);
        // A fresh code at the first door later: a new visit.
        t.s.clock.advance(5_000);
        const fresh = issuePersonalCode(t.s.signing.personalPrivateKey, t.personId, t.s.clock.now()).token;
        const next = await t.A('POST', '/checkins', guard, { code: gate.code, personalCode: fresh });
        assert.equal(next.statusCode, 201, next.body);
        assert.notEqual(next.json().checkinId, first.json().checkinId);
      } finally {
        await t.close();
      }
    });

    test('queued scans at a screen-code venue carry the held screen code, accepted for a bounded time', async () => {
      const t = await twoNodes(dialect);
      try {
        const lift = await gateOf(t, { name: '文苑小区电梯', category: 'office', requiresPresence: true });
        const guard = await signIn(t.s, 'community_worker', AREAS.wenyuan);
        const device = await guardDevice(t.A, guard);
        const held = venueCategories().screenCodeQueuedMinutes;
        assert.equal(held, 10);
        const version = (await t.A('GET', `/venues/${lift.id}/code`, t.worker)).json().codeVersion as number;
        const screenAt = (at: number) => screenUrl('http://localhost', t.s.signing.venueCodeKey, lift.id, version, at);
        // The poster alone is not enough, online or queued.
        const poster = await t.A(
          'POST',
          '/checkins',
          guard,
          device.sign({
            code: lift.code,
            personId: t.personId,
            clientId: 'queued-0001',
            scannedAt: t.s.clock.now() - 60_000,
          }),
        );
        assert.equal(poster.json().code, 'VENUE_SCREEN_CODE_REQUIRED');
        // Network down at T: the device holds the screen code of T; scans queued up to 10 min later pass.
        const downAt = t.s.clock.now();
        t.s.clock.advance(30 * 60_000); // uploaded half an hour later
        const ok = await t.A(
          'POST',
          '/checkins',
          guard,
          device.sign({
            code: screenAt(downAt),
            personId: t.personId,
            clientId: 'queued-0002',
            scannedAt: downAt + 9 * 60_000,
          }),
        );
        assert.equal(ok.statusCode, 201, ok.body);
        const stale = await t.A(
          'POST',
          '/checkins',
          guard,
          device.sign({
            code: screenAt(downAt),
            personId: t.personId,
            clientId: 'queued-0003',
            scannedAt: downAt + 11 * 60_000,
          }),
        );
        assert.equal(stale.json().code, 'VENUE_CODE_EXPIRED');
        // A photo of last hour's screen, scanned now: refused, queued or not.
        const photo = screenAt(t.s.clock.now() - 3600_000);
        assert.equal(
          (
            await t.A(
              'POST',
              '/checkins',
              guard,
              device.sign({ code: photo, personId: t.personId, clientId: 'queued-0004', scannedAt: t.s.clock.now() }),
            )
          ).json().code,
          'VENUE_CODE_EXPIRED',
        );
        // Online (no scannedAt), only the current and previous windows count.
        assert.equal(
          (
            await t.A('POST', '/checkins', guard, {
              code: screenAt(t.s.clock.now() - 5 * 60_000),
              personId: t.personId,
            })
          ).json().code,
          'VENUE_CODE_EXPIRED',
        );
        assert.equal(
          (await t.A('POST', '/checkins', guard, { code: screenAt(t.s.clock.now()), personId: t.personId })).statusCode,
          201,
        );
        // A window after the scan time cannot have been on the screen then.
        assert.equal(
          (
            await t.A(
              'POST',
              '/checkins',
              guard,
              device.sign({
                code: screenAt(t.s.clock.now()),
                personId: t.personId,
                clientId: 'queued-0005',
                scannedAt: t.s.clock.now() - 5 * 60_000,
              }),
            )
          ).json().code,
          'VENUE_CODE_INVALID',
        );
      } finally {
        await t.close();
      }
    });

    test('the purge deletes in batches, each its own transaction, with one audit event of the totals', async () => {
      const t = await twoNodes(dialect);
      try {
        const gate = await gateOf(t);
        const guard = await signIn(t.s, 'community_worker', AREAS.wenyuan);
        for (let i = 0; i < 12; i++) {
          assert.equal(
            (await t.A('POST', '/checkins', guard, { code: gate.code, personId: t.personId })).statusCode,
            201,
          );
          t.s.clock.advance(1000);
        }
        t.s.clock.advance(29 * 86_400_000);
        const later = await signIn(t.s, 'community_worker', AREAS.wenyuan);
        assert.equal(
          (await t.A('POST', '/checkins', later, { code: gate.code, personId: t.personId })).statusCode,
          201,
        );
        const report = await purgeCheckins(t.s, undefined, { batchSize: 5 });
        assert.deepEqual({ checkins: report.checkins, batches: report.batches }, { checkins: 12, batches: 3 });
        assert.equal((await t.s.db.selectFrom('checkin').select('id').execute()).length, 1);
        const events = await t.s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'checkin.purge')
          .execute();
        assert.equal(events.length, 1);
        assert.deepEqual(JSON.parse(events[0]!.detail), {
          before: report.before,
          checkins: 12,
          batches: 3,
          batchSize: 5,
          reasonKind: 'retention',
          reasonParams: { days: t.s.config.retentionDays },
        });
        assert.equal((await verifyAuditChain(t.s.db)).ok, true);
      } finally {
        await t.close();
      }
    });
  });
}
