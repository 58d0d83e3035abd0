// Logistics, second slice, over HTTP on both dialects: a trip pre-registered 48 h ahead with its pass,
// approved by the department, on the station's arrival list; checked at a checkpoint (lookup, each
// driver, antigen on the spot, the decision), a queued check sent twice and one sent too late; an
// unreported vehicle to the officer, who may not turn it back under the June rules; counts per hour;
// the station moving the vehicle through its steps and printing the slip; bad input with coded errors;
// an enterprise seeing only its own trips.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { linkAccount } from '../../src/logistics/enterprises.service.ts';
import { createSession } from '../../src/access/session.ts';

const H = 3_600_000;

/** Moves the clock on and signs each account in again (sessions do not outlive the jump). */
async function later(s: TestServices, at: string, who: SignedIn[]): Promise<void> {
  s.clock.set(at);
  for (const w of who) {
    const session = await createSession(s, w.userId);
    w.headers = { cookie: `cordon_session=${session.token}`, 'x-csrf-token': session.csrfToken };
  }
}

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set('2022-06-13T09:00:00+08:00');
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = (method: 'GET' | 'POST', url: string, who: SignedIn, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: who.headers, ...(payload ? { payload } : {}) });
  const reviewer = await signIn(s, 'logistics', AREAS.district);
  const checkpointStaff = await signIn(s, 'checkpoint', AREAS.wenyuan);
  const officer = await signIn(s, 'checkpoint', AREAS.wenyuan, 'officer-wang');
  return { s, areas, app, call, reviewer, checkpointStaff, officer };
}
type T = Awaited<ReturnType<typeof setup>>;

async function fleet(t: T, creditCode: string, plate: string, idNumber: string) {
  const e = await t.call('POST', '/logistics/enterprises', t.reviewer, {
    name: `保供企业${plate}`,
    creditCode,
    category: 'supply_whitelist',
    areaId: t.areas[AREAS.wenyuan]!,
    contactName: '王建国',
    contactPhone: '13904371234',
  });
  assert.equal(e.statusCode, 201, e.body);
  const enterprise = e.json();
  const account = await signIn(t.s, 'enterprise', AREAS.wenyuan);
  await linkAccount(t.s, t.s.db, account.userId, { enterpriseId: enterprise.id });
  const v = await t.call('POST', `/logistics/enterprises/${enterprise.id}/vehicles`, account, {
    plate,
    type: 'refrigerated',
    loadKg: 8000,
  });
  assert.equal(v.statusCode, 201, v.body);
  const d = await t.call('POST', `/logistics/enterprises/${enterprise.id}/drivers`, account, {
    name: '李卫东',
    idType: 'resident_id',
    idNumber,
    phone: '13804371111',
    licenceClass: 'B2',
  });
  assert.equal(d.statusCode, 201, d.body);
  return { enterprise, account, vehicle: v.json(), driver: d.json() };
}

for (const { dialect, skip } of await dialects()) {
  describe(`logistics trips, checkpoints, stations [${dialect}]`, { skip }, () => {
    test('report, approve, arrival list; check at the checkpoint; the station steps; the officer queue', async () => {
      const t = await setup(dialect);
      try {
        const { enterprise, account, vehicle, driver } = await fleet(
          t,
          '91350100M000100Y43',
          '吉D12345',
          '220402198001010019',
        );
        const station = await t.call('POST', '/logistics/stations', t.reviewer, {
          name: '龙山中转站',
          areaId: t.areas[AREAS.wenyuan]!,
          windowMinutes: 240,
        });
        assert.equal(station.statusCode, 201, station.body);
        const stationId = station.json().id as string;
        const cp = await t.call('POST', '/logistics/checkpoints', t.reviewer, {
          name: '伊开高速辽源出口',
          areaId: t.areas[AREAS.wenyuan]!,
          officer: 'officer-wang',
        });
        assert.equal(cp.statusCode, 201, cp.body);
        const checkpointId = cp.json().id as string;

        const pass = await t.call('POST', '/logistics/passes', account, {
          vehicleId: vehicle.id,
          driverIds: [driver.id],
          origin: '130102',
          destination: '220402',
          cargoCategory: 'medical_supplies',
        });
        assert.equal(pass.statusCode, 201, pass.body);
        const passId = pass.json().id as string;
        assert.equal((await t.call('POST', `/logistics/passes/${passId}/issue`, t.reviewer, {})).statusCode, 200);

        const arriveFrom = Date.parse('2022-06-15T10:00:00+08:00');
        const trip = {
          passId,
          vehicleId: vehicle.id,
          crew: [{ driverId: driver.id, role: 'driver' }],
          cargoCategory: 'medical_supplies',
          cargoName: '医用口罩',
          quantity: 12.5,
          unit: 't',
          origin: '130102',
          originRisk: 'none',
          destinationKind: 'transfer_station',
          destinationId: stationId,
          intent: 'unload_return',
          arriveFrom,
          arriveUntil: arriveFrom + 4 * H,
        };
        // Bad input, each a coded error naming the field.
        const late = await t.call('POST', '/logistics/trips', account, {
          ...trip,
          arriveFrom: Date.parse('2022-06-14T10:00:00+08:00'),
          arriveUntil: Date.parse('2022-06-14T12:00:00+08:00'),
        });
        assert.equal(late.json().code, 'TRIP_REPORT_LATE');
        assert.equal(late.json().errors[0].field, 'arriveFrom');
        const { passId: _p, ...noPass } = trip;
        assert.equal((await t.call('POST', '/logistics/trips', account, noPass)).json().code, 'TRIP_PASS_REQUIRED');
        assert.equal(
          (await t.call('POST', '/logistics/trips', account, { ...trip, origin: '130104' })).json().code,
          'TRIP_PASS_OFF_ROUTE',
        );
        assert.equal(
          (
            await t.call('POST', '/logistics/trips', account, {
              ...trip,
              crew: [{ driverId: driver.id, role: 'escort' }],
            })
          ).json().code,
          'TRIP_CREW_NO_DRIVER',
        );
        assert.equal(
          (await t.call('POST', '/logistics/trips', account, { ...trip, destinationId: 'nowhere' })).json().code,
          'TRIP_DESTINATION_UNKNOWN',
        );
        const reported = await t.call('POST', '/logistics/trips', account, trip);
        assert.equal(reported.statusCode, 201, reported.body);
        const tripId = reported.json().id as string;
        assert.equal(reported.json().status, 'reported');
        assert.equal(reported.json().department, 'health');
        assert.equal(reported.json().passNumber, '220402000001');
        // The enterprise may not approve its own trip; a refusal needs its reason.
        assert.equal((await t.call('POST', `/logistics/trips/${tripId}/approve`, account, {})).statusCode, 403);
        assert.equal(
          (await t.call('POST', `/logistics/trips/${tripId}/refuse`, t.reviewer, { reason: ' ' })).json().code,
          'TRIP_REASON_REQUIRED',
        );
        const approved = await t.call('POST', `/logistics/trips/${tripId}/approve`, t.reviewer, { note: '同意' });
        assert.equal(approved.json().status, 'approved');
        assert.equal(
          (await t.call('POST', `/logistics/trips/${tripId}/approve`, t.reviewer, {})).json().code,
          'TRIP_STATE',
        );
        // The destination sees what is coming: the 08:00 list of the 15th.
        const list = await t.call(
          'GET',
          `/logistics/stations/${stationId}/arrivals?date=2022-06-15&slot=08`,
          t.reviewer,
        );
        assert.equal(list.statusCode, 200, list.body);
        assert.deepEqual(
          list.json().trips.map((x: { id: string }) => x.id),
          [tripId],
        );
        const evening = await t.call(
          'GET',
          `/logistics/stations/${stationId}/arrivals?date=2022-06-15&slot=16`,
          t.reviewer,
        );
        assert.deepEqual(evening.json().trips, []);

        // Another enterprise sees none of it.
        const other = await fleet(t, '91110000600037341L', '吉D54321', '220402198502020020');
        assert.equal((await t.call('GET', `/logistics/trips/${tripId}`, other.account)).statusCode, 403);
        assert.equal((await t.call('GET', '/logistics/trips', other.account)).json().total, 0);
        assert.equal((await t.call('GET', '/logistics/trips', account)).json().total, 1);

        // At the checkpoint.
        await later(t.s, '2022-06-15T10:30:00+08:00', [account, t.reviewer, t.checkpointStaff, t.officer]);
        const token = (await t.call('GET', `/logistics/passes/${passId}/code`, account)).json().token as string;
        const look = await t.call('POST', `/logistics/checkpoints/${checkpointId}/lookup`, t.checkpointStaff, {
          code: token,
        });
        assert.equal(look.statusCode, 200, look.body);
        assert.equal(look.json().plate, '吉D12345');
        assert.equal(look.json().trip.id, tripId);
        assert.equal(look.json().crew[0].name, '李*东');
        assert.equal(look.json().crew[0].testValid, false);
        const check = {
          clientId: 'phone-1-000001',
          code: token,
          plate: '吉D12345',
          vehicleClass: 'supply',
          persons: [{ driverId: driver.id, role: 'driver', temperature: 36.4, colourShown: 'green' }],
        };
        const noAntigen = await t.call(
          'POST',
          `/logistics/checkpoints/${checkpointId}/checks`,
          t.checkpointStaff,
          check,
        );
        assert.equal(noAntigen.json().code, 'CHECKPOINT_ANTIGEN_REQUIRED');
        assert.equal(noAntigen.json().errors[0].field, 'persons[0]');
        check.persons[0] = { ...check.persons[0]!, antigen: 'negative', pcrSampled: true } as (typeof check.persons)[0];
        const checked = await t.call('POST', `/logistics/checkpoints/${checkpointId}/checks`, t.checkpointStaff, check);
        assert.equal(checked.statusCode, 201, checked.body);
        assert.equal(checked.json().decision, 'proceed');
        assert.equal(checked.json().path, 'transfer_station');
        assert.equal(checked.json().tripId, tripId);
        assert.deepEqual(checked.json().persons[0].reasons, ['antigen_negative']);
        // Sent again (a queue resent after a lost answer): stored once.
        const again = await t.call('POST', `/logistics/checkpoints/${checkpointId}/checks`, t.checkpointStaff, check);
        assert.equal(again.json().id, checked.json().id);
        assert.equal((await t.call('GET', `/logistics/trips/${tripId}`, account)).json().status, 'arrived');
        // A forged pass is refused.
        const forged = `${token.slice(0, -4)}AAAA`;
        assert.equal(
          (
            await t.call('POST', `/logistics/checkpoints/${checkpointId}/checks`, t.checkpointStaff, {
              ...check,
              clientId: 'phone-1-000002',
              code: forged,
            })
          ).json().code,
          'PASS_CODE_INVALID',
        );

        // The phone's queue: one check within the window, one too late, sent at once.
        const unreported = {
          plate: '吉D54321',
          vehicleClass: 'supply',
          persons: [
            {
              name: '赵强',
              role: 'driver',
              temperature: 36.6,
              colourShown: 'green',
              testSampledAt: Date.parse('2022-06-14T20:00:00+08:00'),
            },
          ],
        };
        const sync = await t.call('POST', `/logistics/checkpoints/${checkpointId}/sync`, t.checkpointStaff, {
          checks: [
            { ...unreported, clientId: 'phone-1-000003', checkedAt: Date.parse('2022-06-15T09:45:00+08:00') },
            { ...unreported, clientId: 'phone-1-000004', checkedAt: Date.parse('2022-06-15T07:00:00+08:00') },
          ],
        });
        assert.equal(sync.statusCode, 200, sync.body);
        const [stored, refused] = sync.json().results;
        assert.equal(stored.ok, true);
        assert.equal(stored.check.decision, 'officer');
        assert.deepEqual(stored.check.reasons, ['unreported']);
        assert.equal(stored.check.syncGapMs, 45 * 60_000);
        assert.equal(refused.ok, false);
        assert.equal(refused.code, 'CHECKPOINT_QUEUE_EXPIRED');

        // The officer's queue: not turned back under the June rules; the cargo is trans-shipped.
        const queue = await t.call('GET', '/logistics/checks?queue=open', t.officer);
        assert.deepEqual(
          queue.json().items.map((x: { id: string }) => x.id),
          [stored.check.id],
        );
        assert.equal(
          (
            await t.call('POST', `/logistics/checks/${stored.check.id}/resolve`, t.checkpointStaff, {
              resolution: 'trans_ship',
              reason: '未报备',
            })
          ).json().code,
          'CHECK_NOT_OFFICER',
        );
        assert.equal(
          (
            await t.call('POST', `/logistics/checks/${stored.check.id}/resolve`, t.officer, {
              resolution: 'turned_back',
              reason: '未报备',
            })
          ).json().code,
          'CHECKPOINT_TURN_BACK_FORBIDDEN',
        );
        const resolved = await t.call('POST', `/logistics/checks/${stored.check.id}/resolve`, t.officer, {
          resolution: 'trans_ship',
          reason: '未报备，货物转运至龙山中转站',
        });
        assert.equal(resolved.statusCode, 200, resolved.body);
        assert.equal(resolved.json().decision, 'trans_ship');
        assert.equal(resolved.json().queueStatus, 'resolved');

        // A red-code driver: controlled on the spot, the cargo to a transfer station.
        const red = await t.call('POST', `/logistics/checkpoints/${checkpointId}/checks`, t.checkpointStaff, {
          ...unreported,
          clientId: 'phone-1-000005',
          persons: [{ ...unreported.persons[0], colourShown: 'red' }],
        });
        assert.equal(red.json().decision, 'trans_ship');
        assert.equal(red.json().persons[0].control, 'controlled');

        const counts = await t.call(
          'GET',
          `/logistics/checkpoints/${checkpointId}/counts?date=2022-06-15`,
          t.checkpointStaff,
        );
        assert.equal(counts.statusCode, 200, counts.body);
        assert.equal(counts.json().vehicles, 3);
        assert.equal(counts.json().hours[9].transShip, 1);
        assert.equal(counts.json().hours[10].vehicles, 2);

        // At the station.
        const visit = await t.call('POST', `/logistics/stations/${stationId}/visits`, t.checkpointStaff, {
          plate: '吉D12345',
        });
        assert.equal(visit.statusCode, 201, visit.body);
        const visitId = visit.json().id as string;
        assert.equal(visit.json().onList, true);
        assert.equal(visit.json().crew[0].name, '李*东');
        assert.equal(
          (
            await t.call('POST', `/logistics/stations/${stationId}/visits`, t.checkpointStaff, { plate: '吉D12345' })
          ).json().code,
          'STATION_VISIT_OPEN',
        );
        const step = (body: object) => t.call('POST', `/logistics/visits/${visitId}/steps`, t.checkpointStaff, body);
        assert.equal((await step({ step: 'crew_tested' })).json().code, 'STATION_STEP_ORDER');
        assert.equal((await step({ step: 'disinfected' })).statusCode, 200);
        assert.equal((await step({ step: 'crew_tested', results: [] })).json().code, 'STATION_CREW_RESULTS');
        const tested = await step({ step: 'crew_tested', results: [{ antigen: 'positive', pcrSampled: true }] });
        assert.equal(tested.json().crew[0].state, 'isolated');
        assert.equal((await step({ step: 'crew_rested' })).json().code, 'STATION_RELAY_REQUIRED');
        assert.equal((await step({ step: 'crew_rested', relayDriver: '孙师傅' })).statusCode, 200);
        assert.equal((await step({ step: 'handed_over', handover: 'relay' })).statusCode, 200);
        await later(t.s, '2022-06-15T15:00:00+08:00', [account, t.reviewer, t.checkpointStaff, t.officer]);
        const board = await t.call('GET', `/logistics/stations/${stationId}/board`, t.reviewer);
        assert.equal(board.json().inside, 1);
        assert.equal(board.json().overdue, 1);
        assert.equal(board.json().visits[0].step, 'handed_over');
        assert.equal((await step({ step: 'sealed', sealNumber: 'FT-0615-01' })).statusCode, 200);
        assert.equal((await step({ step: 'departed', route: '伊开高速—龙山区医药仓库' })).statusCode, 200);
        const delivered = await step({ step: 'delivered' });
        assert.equal(delivered.statusCode, 200, delivered.body);
        assert.ok(delivered.json().closedAt);
        assert.equal(delivered.json().steps.length, 8);
        assert.ok(delivered.json().steps.every((x: { by: string }) => x.by.length > 0));
        assert.equal((await step({ step: 'delivered' })).json().code, 'STATION_VISIT_CLOSED');
        const slip = await t.call('GET', `/logistics/visits/${visitId}/slip.pdf`, t.checkpointStaff);
        assert.equal(slip.statusCode, 200);
        assert.equal(slip.rawPayload.subarray(0, 5).toString(), '%PDF-');

        const actions = await t.s.db
          .selectFrom('audit_event')
          .select('action')
          .where('action', 'like', 'logistics.%')
          .where((eb) =>
            eb.or([
              eb('action', 'like', 'logistics.trip.%'),
              eb('action', 'like', 'logistics.checkpoint.%'),
              eb('action', 'like', 'logistics.station.%'),
            ]),
          )
          .execute();
        const counted = new Map<string, number>();
        for (const a of actions) counted.set(a.action, (counted.get(a.action) ?? 0) + 1);
        assert.equal(counted.get('logistics.trip.report'), 1);
        assert.equal(counted.get('logistics.checkpoint.check'), 3);
        assert.equal(counted.get('logistics.checkpoint.resolve'), 1);
        assert.equal(counted.get('logistics.station.step'), 7);
        assert.equal(enterprise.county, '220402');
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });
  });
}
