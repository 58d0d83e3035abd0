// Home quarantine's services and the way back from a designated hospital, on both dialects: the
// community worker records deliveries to a sealed home (what, when, by whom) and garbage collections
// (bags, when, by whom), each an event of the order and an audit event, refused naming the field when
// incomplete; a person transferred to a hospital comes back to a site room by closed-loop transfer (the
// hospital's bed free again, the order continuing in the room) or is released at the hospital when the
// rule set's conditions hold, whole or not at all.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { callerOf } from '../support/testing.http.ts';
import {
  insertHospital,
  insertHousehold,
  insertOrder,
  insertRooms,
  insertSite,
  insertStay,
} from '../support/quarantine.fixtures.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { createSession } from '../../src/access/session.ts';

const NOW = Date.parse('2022-07-24T08:00:00+08:00');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Fresh sessions of the same users after the clock jumps past the idle timeout. */
async function resume(s: TestServices, ...who: SignedIn[]): Promise<void> {
  for (const w of who) {
    const session = await createSession(s, w.userId);
    w.headers = { cookie: `cordon_session=${session.token}`, 'x-csrf-token': session.csrfToken };
  }
}

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = callerOf(app);
  const [worker, otherWorker, command, investigator] = await Promise.all([
    signIn(s, 'community_worker', AREAS.wenyuan),
    signIn(s, 'community_worker', AREAS.xingyang),
    signIn(s, 'command', AREAS.city),
    signIn(s, 'investigator', AREAS.wenyuan),
  ]);
  return { s, app, call, areas, worker, otherWorker, command, investigator };
}

async function count(
  s: Awaited<ReturnType<typeof setup>>['s'],
  table: 'quarantine_home_service' | 'quarantine_transfer',
) {
  return (await s.db.selectFrom(table).select('id').execute()).length;
}

for (const { dialect, skip } of await dialects()) {
  describe(`quarantine home services and return from hospital [${dialect}]`, { skip }, () => {
    test('deliveries and garbage collections for a sealed home: recorded, listed, refused naming the field', async () => {
      const { s, app, call, areas, worker, otherWorker, command } = await setup(dialect);
      try {
        const home = await insertHousehold(s, areas[AREAS.wenyuan]!, '文苑小区 3 栋 2 单元 501');
        const { orderId } = await insertOrder(s, {
          name: '孙丽',
          areaId: areas[AREAS.wenyuan]!,
          householdId: home,
          place: 'home_quarantine',
          startAt: NOW - 2 * DAY,
          testDays: [{ phase: 'home', day: 3, date: '2022-07-25' }],
        });
        const sealed = await call('POST', `/quarantine/home/${orderId}/door`, worker, { measure: 'seal' });
        assert.equal(sealed.statusCode, 200, sealed.body);

        const url = `/quarantine/home/${orderId}/services`;
        const noItems = await call('POST', url, worker, { kind: 'delivery', handledBy: '志愿者小王' });
        assert.equal(noItems.statusCode, 400, noItems.body);
        assert.equal(noItems.json().code, 'QUARANTINE_HOME_SERVICE_ITEMS_REQUIRED');
        assert.equal(noItems.json().errors[0].field, 'items');
        const noBags = await call('POST', url, worker, { kind: 'garbage', bags: 0, handledBy: '物业老李' });
        assert.equal(noBags.json().code, 'QUARANTINE_HOME_SERVICE_BAGS_REQUIRED');
        assert.equal(noBags.json().errors[0].field, 'bags');
        const future = await call('POST', url, worker, {
          kind: 'garbage',
          bags: 2,
          handledBy: '物业老李',
          at: NOW + HOUR,
        });
        assert.equal(future.json().code, 'QUARANTINE_HOME_SERVICE_TIME_INVALID');
        assert.equal(future.json().errors[0].field, 'at');
        const early = await call('POST', url, worker, {
          kind: 'garbage',
          bags: 2,
          handledBy: '物业老李',
          at: NOW - 3 * DAY,
        });
        assert.equal(early.json().code, 'QUARANTINE_HOME_SERVICE_TIME_INVALID');
        const elsewhere = await call('POST', url, otherWorker, { kind: 'garbage', bags: 1, handledBy: '某人' });
        assert.equal(elsewhere.statusCode, 403, elsewhere.body);
        assert.equal(await count(s, 'quarantine_home_service'), 0, 'nothing written by the refusals');

        const delivered = await call('POST', url, worker, {
          kind: 'delivery',
          items: '蔬菜一袋、降压药',
          handledBy: '志愿者小王',
          at: NOW - HOUR,
        });
        assert.equal(delivered.statusCode, 201, delivered.body);
        assert.equal(delivered.json().items, '蔬菜一袋、降压药');
        assert.equal(delivered.json().bags, null);
        assert.equal(delivered.json().at, NOW - HOUR);
        s.clock.set(NOW + 10 * 60_000);
        const collected = await call('POST', url, worker, { kind: 'garbage', bags: 3, handledBy: '物业老李' });
        assert.equal(collected.statusCode, 201, collected.body);
        assert.equal(collected.json().bags, 3);
        assert.equal(collected.json().items, '');

        const list = await call('GET', '/quarantine/home', worker);
        assert.equal(list.statusCode, 200, list.body);
        const item = list.json().items.find((i: { order: { id: string } }) => i.order.id === orderId);
        assert.equal(item.lastDelivery.items, '蔬菜一袋、降压药');
        assert.equal(item.lastDelivery.handledBy, '志愿者小王');
        assert.equal(item.lastGarbage.bags, 3);
        assert.equal(item.lastGarbage.at, NOW + 10 * 60_000);
        const history = await call('GET', url, worker);
        assert.deepEqual(
          history.json().items.map((x: { kind: string }) => x.kind),
          ['garbage', 'delivery'],
        );

        const detail = await call('GET', `/quarantine/orders/${orderId}`, command);
        const kinds = detail.json().events.map((e: { kind: string }) => e.kind);
        assert.ok(kinds.includes('delivery') && kinds.includes('garbage'), kinds.join());
        const audit = await s.db
          .selectFrom('audit_event')
          .select('action')
          .where('action', 'in', ['quarantine.home.delivery', 'quarantine.home.garbage'])
          .execute();
        assert.equal(audit.length, 2);

        // A centralised order is no home's: refused.
        const site = await insertSite(s, areas[AREAS.wenyuanGrid]!);
        const rooms = await insertRooms(s, site, [{ number: '101' }]);
        const centralised = await insertOrder(s, { name: '钱多', areaId: areas[AREAS.wenyuan]! });
        await insertStay(s, centralised.orderId, site, rooms['101']!);
        const notHome = await call('POST', `/quarantine/home/${centralised.orderId}/services`, worker, {
          kind: 'garbage',
          bags: 1,
          handledBy: '物业老李',
        });
        assert.equal(notHome.json().code, 'QUARANTINE_HOME_NOT_HOME_ORDER');
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('back from a designated hospital to a room, the bed free again; a release there only when it holds', async () => {
      const { s, app, call, areas, command } = await setup(dialect);
      try {
        const site = await insertSite(s, areas[AREAS.wenyuanGrid]!);
        const rooms = await insertRooms(s, site, [{ number: '101' }, { number: '102' }, { number: '103' }]);
        const hospital = await insertHospital(s, areas[AREAS.district]!, '市传染病医院', ['fever_clinic']);
        const days = [1, 2, 3, 5, 7].map((day) => ({
          phase: 'centralised' as const,
          day,
          date: new Date(NOW + (day - 1) * DAY).toISOString().slice(0, 10),
        }));
        const { orderId } = await insertOrder(s, {
          name: '周敏',
          areaId: areas[AREAS.wenyuan]!,
          startAt: NOW - DAY,
          testDays: days,
        });
        await insertStay(s, orderId, site, rooms['101']!);
        const other = await insertOrder(s, {
          name: '郑强',
          areaId: areas[AREAS.wenyuan]!,
          startAt: NOW - DAY,
          testDays: days,
        });
        await insertStay(s, other.orderId, site, rooms['102']!);

        const back = { orderId, outcome: 'room', roomId: rooms['103']!, vehicle: '吉D·12345', escort: '王护士' };
        const notThere = await call('POST', '/quarantine/transfers/return', command, back);
        assert.equal(notThere.statusCode, 409, notThere.body);
        assert.equal(notThere.json().code, 'TRANSFER_NOT_IN_HOSPITAL');
        assert.equal(notThere.json().errors[0].field, 'orderId');

        s.clock.set(NOW + HOUR);
        const sent = await call('POST', '/quarantine/transfers/hospital', command, {
          orderId,
          hospitalId: hospital,
          need: 'fever',
          vehicle: '吉D·12345 负压救护车',
          escort: '王护士',
        });
        assert.equal(sent.statusCode, 201, sent.body);
        const beds = async () =>
          Number(
            (await s.db.selectFrom('hospital').select('beds_free').where('id', '=', hospital).executeTakeFirstOrThrow())
              .beds_free,
          );
        assert.equal(await beds(), 9);

        s.clock.set(NOW + 3 * DAY);
        await resume(s, command);
        const transfers = await count(s, 'quarantine_transfer');
        const noRoom = await call('POST', '/quarantine/transfers/return', command, { ...back, roomId: undefined });
        assert.equal(noRoom.json().code, 'TRANSFER_RETURN_FIELD_REQUIRED');
        assert.equal(noRoom.json().errors[0].field, 'roomId');
        const noEscort = await call('POST', '/quarantine/transfers/return', command, { ...back, escort: ' ' });
        assert.equal(noEscort.json().errors[0].field, 'escort');
        // Room 102 has someone of another order, room 101 awaits its terminal disinfection.
        const shared = await call('POST', '/quarantine/transfers/return', command, { ...back, roomId: rooms['102'] });
        assert.equal(shared.statusCode, 409, shared.body);
        const dirty = await call('POST', '/quarantine/transfers/return', command, { ...back, roomId: rooms['101'] });
        assert.equal(dirty.statusCode, 409, dirty.body);
        // Released at the hospital on day 4 of 7: refused naming what is missing.
        const early = await call('POST', '/quarantine/transfers/return', command, { orderId, outcome: 'released' });
        assert.equal(early.statusCode, 409, early.body);
        assert.ok(early.json().errors.length > 0);
        assert.equal(await count(s, 'quarantine_transfer'), transfers, 'nothing written by the refusals');
        assert.equal(await beds(), 9);

        const done = await call('POST', '/quarantine/transfers/return', command, back);
        assert.equal(done.statusCode, 201, done.body);
        assert.equal(done.json().hospitalName, '市传染病医院');
        assert.equal(done.json().roomId, rooms['103']);
        assert.equal(done.json().orderStatus, 'active');
        assert.equal(done.json().personName, '周*');
        assert.equal(await beds(), 10);
        const stay = await s.db
          .selectFrom('quarantine_stay')
          .select(['room_id', 'status'])
          .where('order_id', '=', orderId)
          .where('status', '=', 'current')
          .execute();
        assert.deepEqual(stay, [{ room_id: rooms['103'], status: 'current' }]);
        const leg = await s.db
          .selectFrom('quarantine_transfer')
          .select(['kind', 'hospital_id', 'to_site_id', 'vehicle', 'escort'])
          .where('order_id', '=', orderId)
          .where('kind', '=', 'return')
          .executeTakeFirstOrThrow();
        assert.deepEqual(leg, {
          kind: 'return',
          hospital_id: hospital,
          to_site_id: site,
          vehicle: '吉D·12345',
          escort: '王护士',
        });
        const detail = await call('GET', `/quarantine/orders/${orderId}`, command);
        const returned = detail.json().events.find((e: { kind: string }) => e.kind === 'returned');
        assert.equal(returned.detail.fromHospitalName, '市传染病医院');
        assert.equal(returned.detail.roomId, rooms['103']);
        const again = await call('POST', '/quarantine/transfers/return', command, back);
        assert.equal(again.json().code, 'TRANSFER_NOT_IN_HOSPITAL');

        // Released at the hospital once the schedule is served: an order without tests, its days done.
        const served = await insertOrder(s, {
          name: '冯雪',
          areaId: areas[AREAS.wenyuan]!,
          startAt: NOW - 5 * DAY,
          testDays: [],
        });
        const sentToo = await call('POST', '/quarantine/transfers/hospital', command, {
          orderId: served.orderId,
          hospitalId: hospital,
          need: 'fever',
          vehicle: '吉D·12345',
          escort: '王护士',
        });
        assert.equal(sentToo.statusCode, 201, sentToo.body);
        assert.equal(await beds(), 9);
        s.clock.set(NOW + 10 * DAY);
        await resume(s, command);
        const released = await call('POST', '/quarantine/transfers/return', command, {
          orderId: served.orderId,
          outcome: 'released',
        });
        assert.equal(released.statusCode, 201, released.body);
        assert.equal(released.json().orderStatus, 'released');
        assert.equal(released.json().roomId, null);
        assert.equal(await beds(), 10);
        const audit = await s.db
          .selectFrom('audit_event')
          .select('action')
          .where('action', 'in', ['quarantine.transfer.return', 'quarantine.order.release'])
          .execute();
        assert.equal(audit.length, 3);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
