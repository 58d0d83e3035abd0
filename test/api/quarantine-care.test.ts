import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import {
  insertHospital,
  insertHousehold,
  insertOrder,
  insertRooms,
  insertSite,
  insertStaff,
  insertStay,
} from '../support/quarantine.fixtures.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { createSession } from '../../src/access/session.ts';

/** A fresh session of the same user (after the clock jumps past the idle timeout). */
async function resume(s: TestServices, who: SignedIn): Promise<SignedIn> {
  const session = await createSession(s, who.userId);
  return {
    userId: who.userId,
    headers: { cookie: `cordon_session=${session.token}`, 'x-csrf-token': session.csrfToken },
  };
}

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

for (const { dialect, skip } of await dialects()) {
  describe(`quarantine allocation HTTP [${dialect}]`, { skip }, () => {
    test('plan a case’s contacts → adjust → refused double booking → confirm whole → pick-up list → move', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const { app, call } = await harness(s);
      try {
        const command = await signIn(s, 'command', AREAS.city);
        const site = await insertSite(s, areas[AREAS.district]!);
        const other = await insertSite(s, areas[AREAS.district]!, '向阳公寓隔离点');
        const rooms = await insertRooms(s, site, [
          { number: '101' },
          { number: '102' },
          { number: '103', dueAt: s.clock.now() - 1000 },
          { number: '201', kind: 'family', beds: 3 },
          { number: '202', kind: 'accessible' },
        ]);
        const otherRooms = await insertRooms(s, other, [{ number: '301' }, { number: '302' }]);
        await insertHospital(s, areas[AREAS.district]!, '市透析中心', ['dialysis']);
        const home = await insertHousehold(s, areas[AREAS.wenyuan]!, '文苑小区 3 栋 2 单元 501');
        const caseId = 'case-1';
        const mum = await insertOrder(s, {
          name: '张丽',
          areaId: areas[AREAS.wenyuan]!,
          householdId: home,
          caseId,
          needs: { together: true },
        });
        const kid = await insertOrder(s, {
          name: '张小明',
          areaId: areas[AREAS.wenyuan]!,
          householdId: home,
          caseId,
          needs: { together: true, child: true },
          guardianPersonId: mum.personId,
        });
        const lone = await insertOrder(s, { name: '王建国', areaId: areas[AREAS.wenyuan]!, caseId });
        const old = await insertOrder(s, {
          name: '李秀英',
          areaId: areas[AREAS.wenyuan]!,
          caseId,
          needs: { elderly: true },
        });
        await insertOrder(s, {
          name: '赵强',
          areaId: areas[AREAS.wenyuan]!,
          caseId,
          needs: { dialysis: true },
        });
        const home2 = await insertOrder(s, {
          name: '钱多',
          areaId: areas[AREAS.wenyuan]!,
          caseId,
          place: 'home_quarantine',
        });

        const plan = await call('POST', '/quarantine/allocation/plans', command, { caseId, siteIds: [site] });
        assert.equal(plan.statusCode, 201, plan.body);
        const p = plan.json();
        const roomOf = (orderId: string) =>
          p.placed.find((x: { orderId: string }) => x.orderId === orderId)?.roomNumber;
        assert.equal(roomOf(mum.orderId), '201');
        assert.equal(roomOf(kid.orderId), '201');
        assert.equal(roomOf(lone.orderId), '101');
        assert.equal(roomOf(old.orderId), '202');
        assert.equal(roomOf(home2.orderId), undefined, 'home quarantine is not placed');
        assert.equal(p.hospital.length, 1);
        assert.equal(p.hospital[0].hospitalName, '市透析中心');
        assert.equal(p.hospital[0].personName, '赵*');
        assert.ok(!plan.body.includes('王建国'), 'names are masked');
        assert.ok(
          !p.placed.some((x: { roomNumber: string }) => x.roomNumber === '103'),
          'a room awaiting disinfection is not used',
        );

        // Adjust: a room awaiting disinfection, an occupied room, a room of another kind of person.
        const loneStay = p.placed.find((x: { orderId: string }) => x.orderId === lone.orderId).stayId;
        const dirty = await call('POST', `/quarantine/allocation/plans/${p.planId}/adjust`, command, {
          stayId: loneStay,
          roomId: rooms['103'],
        });
        assert.equal(dirty.json().code, 'ALLOCATION_ROOM_NOT_DISINFECTED');
        assert.equal(dirty.json().errors[0].field, 'roomId');
        const taken = await call('POST', `/quarantine/allocation/plans/${p.planId}/adjust`, command, {
          stayId: loneStay,
          roomId: rooms['202'],
        });
        assert.equal(taken.json().code, 'ALLOCATION_ROOM_TAKEN');
        const moved = await call('POST', `/quarantine/allocation/plans/${p.planId}/adjust`, command, {
          stayId: loneStay,
          roomId: rooms['102'],
        });
        assert.equal(moved.statusCode, 200, moved.body);

        // A second plan cannot take the rooms the first one holds.
        const arrival = await insertOrder(s, {
          name: '孙悦',
          areaId: areas[AREAS.wenyuan]!,
          kind: 'high_risk_arrival',
        });
        const second = await call('POST', '/quarantine/allocation/plans', command, {
          orderIds: [arrival.orderId],
          siteIds: [site],
        });
        assert.equal(second.statusCode, 201, second.body);
        assert.equal(second.json().placed[0].roomNumber, '101');
        const again = await call('POST', '/quarantine/allocation/plans', command, {
          orderIds: [arrival.orderId],
          siteIds: [site],
        });
        assert.equal(again.json().code, 'ALLOCATION_NOTHING_TO_PLACE');

        const confirm = await call('POST', `/quarantine/allocation/plans/${p.planId}/confirm`, command, {
          vehicleSeats: 2,
        });
        assert.equal(confirm.statusCode, 200, confirm.body);
        assert.equal(confirm.json().status, 'confirmed');
        assert.equal(confirm.json().vehicles, 2);
        const twice = await call('POST', `/quarantine/allocation/plans/${p.planId}/confirm`, command, {});
        assert.equal(twice.json().code, 'ALLOCATION_PLAN_CONFIRMED');
        const stays = await s.db.selectFrom('quarantine_stay').selectAll().where('plan_id', '=', p.planId).execute();
        assert.ok(stays.every((x) => x.status === 'current'));
        const events = await s.db
          .selectFrom('quarantine_order_event')
          .selectAll()
          .where('kind', '=', 'allocated')
          .execute();
        assert.equal(events.length, 4);

        const pickups = await call('GET', `/quarantine/allocation/plans/${p.planId}/pickups`, command);
        assert.equal(pickups.statusCode, 200, pickups.body);
        const vehicles = pickups.json().vehicles;
        const family = vehicles
          .flatMap((v: { stops: Array<{ address: string; people: unknown[] }> }) => v.stops)
          .find((st: { address: string }) => st.address.startsWith('文苑小区'));
        assert.equal(family.people.length, 2, 'a household rides together');
        assert.ok(!pickups.body.includes('张丽'));

        // Move to another site: the order stays, the old room awaits its terminal disinfection.
        const move = await call('POST', '/quarantine/allocation/moves', command, {
          orderId: lone.orderId,
          roomId: otherRooms['301'],
          reason: '房间设施故障',
        });
        assert.equal(move.statusCode, 200, move.body);
        assert.equal(move.json().fromRoomAwaitsDisinfection, true);
        const oldRoom = await s.db
          .selectFrom('quarantine_room')
          .selectAll()
          .where('id', '=', rooms['102']!)
          .executeTakeFirstOrThrow();
        assert.equal(oldRoom.status, 'cleaning');
        const order = await s.db
          .selectFrom('quarantine_order')
          .selectAll()
          .where('id', '=', lone.orderId)
          .executeTakeFirstOrThrow();
        assert.equal(order.status, 'active');
        const back = await call('POST', '/quarantine/allocation/moves', command, {
          orderId: lone.orderId,
          roomId: rooms['102'],
          reason: '回原房间',
        });
        assert.equal(back.json().code, 'ALLOCATION_ROOM_NOT_IN_SERVICE');
        // A secondary contact never joins a room of close contacts.
        const sec = await insertOrder(s, { name: '周游', areaId: areas[AREAS.wenyuan]!, kind: 'secondary_contact' });
        await insertStay(s, sec.orderId, other, otherRooms['302']!);
        const mixed = await call('POST', '/quarantine/allocation/moves', command, {
          orderId: mum.orderId,
          roomId: otherRooms['302'],
          reason: '调整',
        });
        assert.equal(mixed.json().code, 'ALLOCATION_ROOM_TAKEN');

        // Scope: a community's investigator cannot allocate; site staff cannot either.
        const staff = await signIn(s, 'quarantine_site', AREAS.district);
        await insertStaff(s, site, staff.userId);
        const forbidden = await call('GET', `/quarantine/allocation/plans/${p.planId}`, staff);
        assert.equal(forbidden.json().code, 'FORBIDDEN');
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('checks on the rounds: fever alert, coded refusals, phone sync replayed, missed checks raised once, follow-up, requests', async () => {
      const s = await testServices(dialect);
      s.clock.set('2022-04-05T08:00:00+08:00');
      const areas = await seedTestAreas(s);
      const { app, call } = await harness(s);
      try {
        const site = await insertSite(s, areas[AREAS.district]!);
        const otherSite = await insertSite(s, areas[AREAS.district]!, '向阳公寓隔离点');
        const rooms = await insertRooms(s, site, [{ number: '101' }, { number: '102' }]);
        const staff = await signIn(s, 'quarantine_site', AREAS.district);
        await insertStaff(s, site, staff.userId);
        const stranger = await signIn(s, 'quarantine_site', AREAS.district);
        await insertStaff(s, otherSite, stranger.userId);
        const a = await insertOrder(s, {
          name: '王建国',
          areaId: areas[AREAS.wenyuan]!,
          startAt: s.clock.now() - 3 * 86_400_000,
        });
        const b = await insertOrder(s, { name: '李秀英', areaId: areas[AREAS.wenyuan]! });
        const gone = await insertOrder(s, { name: '赵强', areaId: areas[AREAS.wenyuan]!, status: 'released' });
        await insertStay(s, a.orderId, site, rooms['101']!);
        await insertStay(s, b.orderId, site, rooms['102']!);

        const hot = await call('POST', '/quarantine/care/checks', staff, {
          orderId: a.orderId,
          slot: 'morning',
          temperature: 37.6,
          symptoms: ['cough'],
        });
        assert.equal(hot.statusCode, 201, hot.body);
        assert.deepEqual(hot.json().alerts, ['fever', 'symptom']);
        const dup = await call('POST', '/quarantine/care/checks', staff, {
          orderId: a.orderId,
          slot: 'morning',
          temperature: 36.5,
        });
        assert.equal(dup.json().code, 'CHECK_DUPLICATE');
        const cold = await call('POST', '/quarantine/care/checks', staff, {
          orderId: b.orderId,
          slot: 'morning',
          temperature: 33.2,
        });
        assert.equal(cold.statusCode, 400);
        assert.equal(cold.json().code, 'CHECK_TEMPERATURE_OUT_OF_RANGE');
        assert.equal(cold.json().errors[0].field, 'temperature');
        const hot2 = await call('POST', '/quarantine/care/checks', staff, {
          orderId: b.orderId,
          slot: 'morning',
          temperature: 43.5,
        });
        assert.equal(hot2.json().code, 'CHECK_TEMPERATURE_OUT_OF_RANGE');
        const released = await call('POST', '/quarantine/care/checks', staff, {
          orderId: gone.orderId,
          slot: 'morning',
          temperature: 36.5,
        });
        assert.equal(released.statusCode, 403, 'site staff do not reach someone not staying at their site');
        const other = await call('POST', '/quarantine/care/checks', stranger, {
          orderId: b.orderId,
          slot: 'morning',
          temperature: 36.5,
        });
        assert.equal(other.json().code, 'OUT_OF_SCOPE');
        const cmd = await signIn(s, 'command', AREAS.city);
        const notUnder = await call('POST', '/quarantine/care/checks', cmd, {
          orderId: gone.orderId,
          slot: 'morning',
          temperature: 36.5,
        });
        assert.equal(notUnder.json().code, 'CHECK_NOT_UNDER_ORDER');
        assert.equal(notUnder.json().errors[0].field, 'orderId');
        assert.equal(
          await s.db
            .selectFrom('quarantine_check')
            .select('id')
            .execute()
            .then((r) => r.length),
          1,
          'nothing half-written',
        );

        // A phone's queue: applied, then replayed whole; a bad op is refused alone.
        const ops = [
          {
            clientOpId: 'phone-1-op-0001',
            orderId: b.orderId,
            slot: 'morning',
            date: '2022-04-05',
            temperature: 36.6,
            at: s.clock.now(),
          },
          {
            clientOpId: 'phone-1-op-0002',
            orderId: b.orderId,
            slot: 'morning',
            date: '2022-04-04',
            temperature: 36.4,
            at: s.clock.now(),
          },
          {
            clientOpId: 'phone-1-op-0003',
            orderId: gone.orderId,
            slot: 'evening',
            date: '2022-04-04',
            temperature: 36.4,
            at: s.clock.now(),
          },
          {
            clientOpId: 'phone-1-op-0004',
            orderId: b.orderId,
            slot: 'evening',
            date: '2022-04-04',
            temperature: 50,
            at: s.clock.now(),
          },
        ];
        const sync = await call('POST', '/quarantine/care/checks/sync', staff, { ops });
        assert.equal(sync.statusCode, 200, sync.body);
        assert.deepEqual(
          sync.json().results.map((r: { outcome: string; code: string | null }) => [r.outcome, r.code]),
          [
            ['applied', null],
            ['applied', null],
            ['refused', 'OUT_OF_SCOPE'],
            ['refused', 'CHECK_TEMPERATURE_OUT_OF_RANGE'],
          ],
        );
        const replay = await call('POST', '/quarantine/care/checks/sync', staff, { ops: ops.slice(0, 2) });
        assert.deepEqual([replay.json().applied, replay.json().replayed], [0, 2]);

        // Missed checks: at 23:00 the evening slot of today is missed for both; two sweeps raise it once.
        s.clock.set('2022-04-05T23:00:00+08:00');
        const { sweepMissedChecks } = await import('../../src/quarantine/care.service.ts');
        const [n1, n2] = await Promise.all([sweepMissedChecks(s), sweepMissedChecks(s)]);
        assert.equal(n1 + n2, 2);
        assert.equal(await sweepMissedChecks(s), 0);
        Object.assign(staff, await resume(s, staff));
        Object.assign(stranger, await resume(s, stranger));

        const alerts = await call('GET', `/quarantine/care/alerts?siteId=${site}&status=open`, staff);
        assert.equal(alerts.statusCode, 200, alerts.body);
        const kinds = alerts
          .json()
          .items.map((x: { kind: string }) => x.kind)
          .sort();
        assert.deepEqual(kinds, ['fever', 'missed_check', 'missed_check', 'symptom']);
        assert.ok(!alerts.body.includes('王建国'));
        const fever = alerts.json().items.find((x: { kind: string }) => x.kind === 'fever');
        assert.equal(fever.temperature, 37.6);
        assert.equal(fever.roomNumber, '101');
        const fu = await call('POST', `/quarantine/care/alerts/${fever.id}/follow-up`, staff, {
          note: '复测体温 37.0 ℃，已安排核酸',
          close: true,
        });
        assert.equal(fu.statusCode, 200, fu.body);
        assert.equal(fu.json().status, 'closed');
        const again = await call('POST', `/quarantine/care/alerts/${fever.id}/follow-up`, staff, { note: '再次' });
        assert.equal(again.json().code, 'ALERT_CLOSED');
        const strangerAlerts = await call('GET', '/quarantine/care/alerts', stranger);
        assert.equal(strangerAlerts.json().total, 0);

        const req = await call('POST', '/quarantine/care/requests', staff, {
          orderId: a.orderId,
          kind: 'meal',
          detail: '清真餐',
        });
        assert.equal(req.statusCode, 201, req.body);
        const done = await call('POST', `/quarantine/care/requests/${req.json().id}`, staff, {
          status: 'done',
          note: '已送达',
        });
        assert.equal(done.json().status, 'done');
        const reopen = await call('POST', `/quarantine/care/requests/${req.json().id}`, staff, { status: 'open' });
        assert.equal(reopen.json().code, 'REQUEST_STATUS_INVALID');

        s.clock.set('2022-04-06T07:00:00+08:00');
        Object.assign(staff, await resume(s, staff));
        Object.assign(stranger, await resume(s, stranger));
        const rounds = await call('GET', `/quarantine/care/sites/${site}/rounds`, staff);
        assert.equal(rounds.statusCode, 200, rounds.body);
        const r = rounds.json();
        assert.equal(r.slot, 'morning');
        assert.equal(r.next, rooms['101']);
        assert.equal(r.rooms[0].occupants[0].day, 4);
        assert.equal(r.rooms[0].occupants[0].personName, '王*国');
        const blocked = await call('GET', `/quarantine/care/sites/${site}/rounds`, stranger);
        assert.equal(blocked.json().code, 'OUT_OF_SCOPE');

        const detail = await call('GET', `/quarantine/care/occupants/${a.orderId}`, staff);
        assert.equal(detail.statusCode, 200, detail.body);
        assert.equal(detail.json().roomNumber, '101');
        assert.equal(detail.json().checks.length, 1);
        assert.equal(detail.json().testDays[0].date, '2022-04-03');
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('site operations: disinfection against the schedule, terminal disinfection frees the room, waste hand-over, staff health', async () => {
      const s = await testServices(dialect);
      s.clock.set('2022-04-05T15:00:00+08:00');
      const areas = await seedTestAreas(s);
      const { app, call } = await harness(s);
      try {
        const site = await insertSite(s, areas[AREAS.district]!);
        const rooms = await insertRooms(s, site, [
          { number: '101', status: 'cleaning', dueAt: s.clock.now() - 30 * 3_600_000 },
          { number: '102' },
        ]);
        const staff = await signIn(s, 'quarantine_site', AREAS.district);
        const me = await insertStaff(s, site, staff.userId, 'cleaning', '刘洁');
        const o = await insertOrder(s, { name: '王建国', areaId: areas[AREAS.wenyuan]! });
        await insertStay(s, o.orderId, site, rooms['102']!);
        const url = `/quarantine/ops/sites/${site}`;

        const weak = await call('POST', `${url}/disinfections`, staff, {
          item: 'surfaces',
          agent: '含氯消毒剂',
          concentrationMgL: 250,
          contactMinutes: 30,
          operator: '刘洁',
        });
        assert.equal(weak.json().code, 'DISINFECTION_CONCENTRATION_OUT_OF_RANGE');
        assert.equal(weak.json().errors[0].field, 'concentrationMgL');
        const quick = await call('POST', `${url}/disinfections`, staff, {
          item: 'surfaces',
          agent: '含氯消毒剂',
          concentrationMgL: 500,
          contactMinutes: 10,
          operator: '刘洁',
        });
        assert.equal(quick.json().code, 'DISINFECTION_CONTACT_TOO_SHORT');
        const unknown = await call('POST', `${url}/disinfections`, staff, {
          item: 'ceiling',
          agent: 'x',
          operator: '刘洁',
        });
        assert.equal(unknown.json().code, 'DISINFECTION_ITEM_UNKNOWN');
        const ok1 = await call('POST', `${url}/disinfections`, staff, {
          item: 'surfaces',
          agent: '含氯消毒剂',
          concentrationMgL: 500,
          contactMinutes: 30,
          operator: '刘洁',
        });
        assert.equal(ok1.statusCode, 201, ok1.body);
        const occupied = await call('POST', `${url}/disinfections`, staff, {
          item: 'room_terminal',
          roomId: rooms['102'],
          agent: '含氯消毒剂',
          concentrationMgL: 1000,
          contactMinutes: 60,
          operator: '刘洁',
        });
        assert.equal(occupied.json().code, 'DISINFECTION_ROOM_OCCUPIED');

        let day = (await call('GET', url, staff)).json();
        assert.equal(day.schedule.find((x: { item: string }) => x.item === 'surfaces').overdue, false);
        assert.equal(day.schedule.find((x: { item: string }) => x.item === 'toilets').overdue, true);
        assert.deepEqual(
          day.terminal.map((x: { number: string; overdue: boolean }) => [x.number, x.overdue]),
          [['101', true]],
        );
        assert.equal(day.staff[0].checked, false);
        assert.equal(day.staff[0].name, '刘*');

        const terminal = await call('POST', `${url}/disinfections`, staff, {
          item: 'room_terminal',
          roomId: rooms['101'],
          agent: '含氯消毒剂',
          concentrationMgL: 1000,
          contactMinutes: 60,
          operator: '刘洁',
        });
        assert.equal(terminal.statusCode, 201, terminal.body);
        const room = await s.db
          .selectFrom('quarantine_room')
          .selectAll()
          .where('id', '=', rooms['101']!)
          .executeTakeFirstOrThrow();
        assert.equal(room.status, 'in_service');
        assert.equal(room.disinfection_due_at, null);

        const unsealed = await call('POST', `${url}/waste`, staff, { bags: 3, weightKg: 4.5, sealed: false });
        assert.equal(unsealed.json().code, 'WASTE_NOT_SEALED');
        const waste = await call('POST', `${url}/waste`, staff, {
          bags: 3,
          weightKg: 4.5,
          sealed: true,
          storedAt: s.clock.now() - 60 * 3_600_000,
        });
        assert.equal(waste.statusCode, 201, waste.body);
        day = (await call('GET', url, staff)).json();
        assert.deepEqual([day.waste[0].overdue, day.waste[0].dueSoon], [false, true]);
        const unsigned = await call('POST', `/quarantine/ops/waste/${waste.json().id}/hand-over`, staff, {
          receiverUnit: '辽源市医疗废物处置中心',
          receiverSignature: '',
          staffSignature: '刘洁',
        });
        assert.equal(unsigned.json().code, 'WASTE_SIGNATURE_MISSING');
        assert.equal(unsigned.json().errors[0].field, 'receiverSignature');
        const handed = await call('POST', `/quarantine/ops/waste/${waste.json().id}/hand-over`, staff, {
          receiverUnit: '辽源市医疗废物处置中心',
          receiverSignature: '张师傅',
          staffSignature: '刘洁',
        });
        assert.equal(handed.statusCode, 200, handed.body);

        const sc = await call('POST', `${url}/staff-checks`, staff, {
          staffId: me,
          temperature: 36.4,
          test: 'negative',
        });
        assert.equal(sc.statusCode, 201, sc.body);
        const sc2 = await call('POST', `${url}/staff-checks`, staff, { staffId: me, temperature: 36.4 });
        assert.equal(sc2.json().code, 'STAFF_CHECK_DUPLICATE');
        day = (await call('GET', url, staff)).json();
        assert.equal(day.waste.length, 0);
        assert.deepEqual([day.staff[0].checked, day.staff[0].testDue], [true, false]);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
