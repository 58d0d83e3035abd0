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
        const dia = await insertOrder(s, {
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
  });
}
