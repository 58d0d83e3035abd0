// The trust given to a scan's own time (issue 13, finding 2): an online scan is checked as of its
// arrival, so a back-dated `scannedAt` no longer revives an expired personal code or an old screen
// code; a queued scan is honoured only when signed with the queue key the server issued to that guard
// for that device, only within the queue window of the category rules, and the gap between scan and
// arrival is recorded on the check-in.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { issuePersonalCode, screenUrl, signQueuedScan } from '../../src/venues/venue.codes.ts';
import { venueCategories } from '../../src/venues/venue.categories.ts';
import { guardDevice } from '../support/queued.scan.ts';

const MIN = 60_000;

async function setup(dialect: 'sqlite' | 'postgres') {
  const s: TestServices = await testServices(dialect);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = async (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const person = await call('POST', '/persons', worker, {
    areaId: areas[AREAS.wenyuanGrid],
    name: '张建国',
    idNumber: '220402195304120318',
  });
  assert.equal(person.statusCode, 201, person.body);
  const venue = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/venues', worker, { areaId: areas[AREAS.wenyuanGrid], capacity: 100, ...body });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id as string;
    assert.equal((await call('POST', `/venues/${id}/approve`, await signIn(s, 'command', AREAS.city))).statusCode, 200);
    const code = (await call('GET', `/venues/${id}/code`, worker)).json() as { url: string; codeVersion: number };
    return { id, code: code.url, version: code.codeVersion };
  };
  const personalCodeAt = (at: number) =>
    issuePersonalCode(s.signing.personalPrivateKey, person.json().id as string, at).token;
  const gapOf = async (checkinId: string) =>
    (await s.db.selectFrom('checkin').select('scan_gap_ms').where('id', '=', checkinId).executeTakeFirstOrThrow())
      .scan_gap_ms;
  return {
    s,
    call,
    worker,
    personId: person.json().id as string,
    venue,
    personalCodeAt,
    gapOf,
    close: async () => {
      await app.close();
      await s.close();
    },
  };
}

for (const { dialect, skip } of await dialects()) {
  describe(`queued scans and the scan time [${dialect}]`, { skip }, () => {
    test('online, an 11-minute-old personal code is refused even with a back-dated scannedAt', async () => {
      const t = await setup(dialect);
      try {
        const gate = await t.venue({ name: '文苑小区北门', category: 'residential_gate' });
        const madeAt = t.s.clock.now();
        const code = t.personalCodeAt(madeAt);
        t.s.clock.advance(11 * MIN);
        // The probe: the code sent with the time it was still valid, by a guard's session but no device queue.
        const backDated = await t.call('POST', '/checkins', t.worker, {
          code: gate.code,
          personalCode: code,
          clientId: 'probe-000001',
          scannedAt: madeAt + 10_000,
        });
        assert.equal(backDated.statusCode, 403, backDated.body);
        assert.equal(backDated.json().code, 'SCAN_QUEUE_DEVICE_INVALID');
        // A device id and signature made up by the client do not help.
        const madeUp = await t.call('POST', '/checkins', t.worker, {
          code: gate.code,
          personalCode: code,
          clientId: 'probe-000002',
          scannedAt: madeAt + 10_000,
          deviceId: `q${madeAt - MIN}.AAAAAAAAAAAAAAAAAAAAAA`,
          scanSig: 'AAAAAAAAAAAAAAAAAAAAAA',
        });
        assert.equal(madeUp.json().code, 'SCAN_QUEUE_DEVICE_INVALID');
        // Without a scan time the code is checked as of its arrival: expired.
        assert.equal(
          (await t.call('POST', '/checkins', t.worker, { code: gate.code, personalCode: code })).json().code,
          'PERSONAL_CODE_EXPIRED',
        );
        // A device's fields without a scan time are refused too (never silently dropped).
        assert.equal(
          (
            await t.call('POST', '/checkins', t.worker, {
              code: gate.code,
              personalCode: code,
              deviceId: 'x',
              scanSig: 'y',
            })
          ).json().code,
          'CHECKIN_SCANNED_AT_INVALID',
        );
        const rows = await t.s.db.selectFrom('checkin').select('id').where('venue_id', '=', gate.id).execute();
        assert.equal(rows.length, 0);
      } finally {
        await t.close();
      }
    });

    test('online, an 11-minute-old screen code is refused even with a back-dated scannedAt', async () => {
      const t = await setup(dialect);
      try {
        const hall = await t.venue({ name: '政务大厅', category: 'office', requiresPresence: true });
        const shownAt = t.s.clock.now();
        const screen = screenUrl('http://localhost', t.s.signing.venueCodeKey, hall.id, hall.version, shownAt);
        t.s.clock.advance(11 * MIN);
        const backDated = await t.call('POST', '/checkins', t.worker, {
          code: screen,
          personId: t.personId,
          clientId: 'probe-000003',
          scannedAt: shownAt + 5_000,
        });
        assert.equal(backDated.json().code, 'SCAN_QUEUE_DEVICE_INVALID');
        assert.equal(
          (await t.call('POST', '/checkins', t.worker, { code: screen, personId: t.personId })).json().code,
          'VENUE_CODE_EXPIRED',
        );
        // The live screen code passes.
        const live = screenUrl('http://localhost', t.s.signing.venueCodeKey, hall.id, hall.version, t.s.clock.now());
        const ok = await t.call('POST', '/checkins', t.worker, { code: live, personId: t.personId });
        assert.equal(ok.statusCode, 201, ok.body);
        assert.equal(await t.gapOf(ok.json().checkinId), 0, 'an online scan arrives when it is made');
      } finally {
        await t.close();
      }
    });

    test('a queued scan from the guard’s device within the window is admitted, its gap recorded', async () => {
      const t = await setup(dialect);
      try {
        const gate = await t.venue({ name: '文苑小区北门', category: 'residential_gate' });
        const key = await t.call('POST', '/checkins/queue-key', t.worker);
        assert.equal(key.statusCode, 200, key.body);
        const view = key.json();
        assert.equal(view.queuedScanMinutes, venueCategories().queuedScanMinutes);
        assert.equal(Buffer.from(view.key, 'base64url').length, 32);
        assert.equal(view.validUntil - view.issuedAt, 24 * 3600_000);
        // Issuing a queue key is audited; the key itself is not recorded.
        const audit = await t.s.db
          .selectFrom('audit_event')
          .selectAll()
          .where('action', '=', 'checkin.queue_key')
          .execute();
        assert.equal(audit.length, 1);
        assert.equal(audit[0]!.object_id, view.deviceId);
        assert.ok(!JSON.stringify(audit[0]).includes(view.key));

        const device = await guardDevice(t.call, t.worker);
        t.s.clock.advance(5 * MIN);
        const scannedAt = t.s.clock.now();
        const code = t.personalCodeAt(scannedAt - 10_000);
        const body = device.sign({ code: gate.code, personalCode: code, clientId: 'guard-q-0001', scannedAt });
        t.s.clock.advance(25 * MIN); // the network came back 25 minutes later
        const queued = await t.call('POST', '/checkins', t.worker, body);
        assert.equal(queued.statusCode, 201, queued.body);
        assert.equal(queued.json().decision, 'admitted');
        assert.equal(queued.json().at, scannedAt);
        assert.equal(await t.gapOf(queued.json().checkinId), 25 * MIN);
        // Sent again (the answer was lost): the same check-in.
        const again = await t.call('POST', '/checkins', t.worker, body);
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(again.json().checkinId, queued.json().checkinId);
        // An edited scan (another person, the time moved) no longer matches its signature.
        assert.equal(
          (
            await t.call('POST', '/checkins', t.worker, {
              ...body,
              clientId: 'guard-q-0002',
              scannedAt: scannedAt - MIN,
            })
          ).json().code,
          'SCAN_QUEUE_DEVICE_INVALID',
        );
        // The device's clock may not be ahead of the server's by more than a minute.
        const future = device.sign({
          code: gate.code,
          personId: t.personId,
          clientId: 'guard-q-0003',
          scannedAt: t.s.clock.now() + 2 * MIN,
        });
        assert.equal((await t.call('POST', '/checkins', t.worker, future)).json().code, 'CHECKIN_SCANNED_AT_INVALID');
      } finally {
        await t.close();
      }
    });

    test('a queued scan from another guard’s session or another device is refused', async () => {
      const t = await setup(dialect);
      try {
        const gate = await t.venue({ name: '文苑小区北门', category: 'residential_gate' });
        const colleague = await signIn(t.s, 'community_worker', AREAS.wenyuan);
        const mine = await guardDevice(t.call, t.worker);
        const theirs = await guardDevice(t.call, colleague);
        t.s.clock.advance(MIN);
        const scan = {
          code: gate.code,
          personId: t.personId,
          clientId: 'guard-q-0101',
          scannedAt: t.s.clock.now() - 30_000,
        };
        // My device's scan sent by a colleague's session: the key is bound to the guard it was issued to.
        assert.equal(
          (await t.call('POST', '/checkins', colleague, mine.sign(scan))).json().code,
          'SCAN_QUEUE_DEVICE_INVALID',
        );
        // Signed with the colleague's device key but naming my device, or the reverse.
        const crossed = {
          ...scan,
          deviceId: mine.deviceId,
          scanSig: signQueuedScan(theirs.key, { ...scan, deviceId: mine.deviceId }),
        };
        assert.equal((await t.call('POST', '/checkins', t.worker, crossed)).json().code, 'SCAN_QUEUE_DEVICE_INVALID');
        assert.equal((await t.call('POST', '/checkins', colleague, crossed)).json().code, 'SCAN_QUEUE_DEVICE_INVALID');
        // A scan dated before its device had the key cannot come from that device's queue.
        const early = await guardDevice(t.call, t.worker);
        const before = early.sign({ ...scan, clientId: 'guard-q-0102', scannedAt: t.s.clock.now() - 5 * MIN });
        assert.equal((await t.call('POST', '/checkins', t.worker, before)).json().code, 'SCAN_QUEUE_DEVICE_INVALID');
        // Each from its own guard's session: admitted.
        assert.equal((await t.call('POST', '/checkins', t.worker, mine.sign(scan))).statusCode, 201);
        assert.equal(
          (await t.call('POST', '/checkins', colleague, theirs.sign({ ...scan, clientId: 'guard-q-0103' }))).statusCode,
          201,
        );
      } finally {
        await t.close();
      }
    });

    test('a queued scan older than the queue window is refused with its own code', async () => {
      const t = await setup(dialect);
      try {
        const gate = await t.venue({ name: '文苑小区北门', category: 'residential_gate' });
        const windowMin = venueCategories().queuedScanMinutes;
        const device = await guardDevice(t.call, t.worker);
        const scannedAt = t.s.clock.now();
        const stored = device.sign({ code: gate.code, personId: t.personId, clientId: 'guard-q-0201', scannedAt });
        const late = device.sign({ code: gate.code, personId: t.personId, clientId: 'guard-q-0202', scannedAt });
        t.s.clock.advance(MIN);
        const first = await t.call('POST', '/checkins', t.worker, stored);
        assert.equal(first.statusCode, 201, first.body);
        t.s.clock.advance(windowMin * MIN);
        const tooOld = await t.call('POST', '/checkins', t.worker, late);
        assert.equal(tooOld.statusCode, 410, tooOld.body);
        assert.equal(tooOld.json().code, 'SCAN_QUEUE_EXPIRED');
        // A scan stored in time whose answer was lost still answers with its check-in when resent.
        const resent = await t.call('POST', '/checkins', t.worker, stored);
        assert.equal(resent.statusCode, 200, resent.body);
        assert.equal(resent.json().checkinId, first.json().checkinId);
        const rows = await t.s.db.selectFrom('checkin').select('id').where('venue_id', '=', gate.id).execute();
        assert.equal(rows.length, 1);
      } finally {
        await t.close();
      }
    });

    test('investigators see which visits arrived late from a device queue, and by how much', async () => {
      const t = await setup(dialect);
      try {
        const office = await t.venue({ name: '文苑小区会所', category: 'residential_gate', dwellMinutes: 120 });
        const colleague = await t.call('POST', '/persons', t.worker, {
          areaId: (
            await t.s.db.selectFrom('area').select('id').where('code', '=', AREAS.wenyuanGrid).executeTakeFirstOrThrow()
          ).id,
          name: '王磊',
        });
        assert.equal(colleague.statusCode, 201, colleague.body);
        const device = await guardDevice(t.call, t.worker);
        const queuedScan = device.sign({
          code: office.code,
          personId: t.personId,
          clientId: 'guard-q-0401',
          scannedAt: t.s.clock.now(),
        });
        t.s.clock.advance(20 * MIN);
        const late = await t.call('POST', '/checkins', t.worker, queuedScan);
        assert.equal(late.statusCode, 201, late.body);
        const online = await t.call('POST', '/checkins', t.worker, {
          code: office.code,
          personId: colleague.json().id,
        });
        assert.equal(online.statusCode, 201, online.body);
        t.s.clock.advance(60 * MIN);
        const investigator = await signIn(t.s, 'investigator', AREAS.city);
        const created = await t.call('POST', '/cases', investigator, {
          personId: t.personId,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: t.s.clock.now() - 10 * MIN,
        });
        assert.equal(created.statusCode, 201, created.body);
        const contacts = await t.call('GET', `/cases/${created.json().case.id}/contacts`, investigator);
        assert.equal(contacts.statusCode, 200, contacts.body);
        const encounter = contacts
          .json()
          .items.flatMap((c: { evidence: { encounters?: unknown[] } }) => c.evidence.encounters ?? [])[0] as {
          caseVisit: { checkinId: string; scanGapMs?: number };
          contactVisit: { checkinId: string; scanGapMs?: number };
        };
        assert.ok(encounter, contacts.body);
        assert.equal(encounter.caseVisit.checkinId, late.json().checkinId);
        assert.equal(
          encounter.caseVisit.scanGapMs,
          20 * MIN,
          'the case’s visit waited 20 minutes in the guard’s queue',
        );
        assert.equal(encounter.contactVisit.checkinId, online.json().checkinId);
        assert.equal(encounter.contactVisit.scanGapMs, undefined, 'sent at once: nothing to flag');
        // The review queue shows the same.
        const queue = await t.call('GET', `/contacts/review-queue?caseId=${created.json().case.id}`, investigator);
        assert.equal(queue.statusCode, 200, queue.body);
        const queued = queue
          .json()
          .items.flatMap(
            (c: { evidence: { encounters?: Array<{ caseVisit: { scanGapMs?: number } }> } }) =>
              c.evidence.encounters ?? [],
          );
        assert.ok(
          queued.length > 0 &&
            queued.every((e: { caseVisit: { scanGapMs?: number } }) => e.caseVisit.scanGapMs === 20 * MIN),
        );
      } finally {
        await t.close();
      }
    });

    test('queue keys: a role without check-in is refused; a guard of another area gets one but not the venue', async () => {
      const t = await setup(dialect);
      try {
        const gate = await t.venue({ name: '文苑小区北门', category: 'residential_gate' });
        assert.equal((await t.call('POST', '/checkins/queue-key')).statusCode, 401);
        const investigator = await signIn(t.s, 'investigator', AREAS.city);
        const refused = await t.call('POST', '/checkins/queue-key', investigator);
        assert.equal(refused.statusCode, 403);
        assert.equal(refused.json().code, 'FORBIDDEN');
        const elsewhere = await signIn(t.s, 'community_worker', AREAS.xingyang);
        const device = await guardDevice(t.call, elsewhere);
        const scan = device.sign({
          code: gate.code,
          personId: t.personId,
          clientId: 'guard-q-0301',
          scannedAt: t.s.clock.now(),
        });
        assert.equal((await t.call('POST', '/checkins', elsewhere, scan)).json().code, 'OUT_OF_SCOPE');
        // Past the window too, the answer is the area's refusal, not whether the scan was stored.
        t.s.clock.advance((venueCategories().queuedScanMinutes + 1) * MIN);
        assert.equal((await t.call('POST', '/checkins', elsewhere, scan)).json().code, 'OUT_OF_SCOPE');
      } finally {
        await t.close();
      }
    });
  });
}
