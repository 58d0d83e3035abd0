// Quarantine sites, rooms (one by one and from a sheet), staff rosters, designated hospitals and the
// capacity view, over HTTP on both dialects.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { personRow } from '../support/riskareas.city.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import type { QuarantineOrderTable } from '../../src/db/database.ts';

const DAY = 86_400_000;

async function harness(s: TestServices) {
  const app: App = await build(s, { serveWeb: false });
  async function call(method: 'GET' | 'POST' | 'PATCH', url: string, who?: SignedIn, payload?: unknown) {
    return app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
  async function upload(url: string, who: SignedIn, fileName: string, content: string) {
    const boundary = '----cordon-rooms';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.from(content, 'utf8'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      payload,
      headers: { ...who.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
  }
  return { app, call, upload };
}

function order(
  id: string,
  personId: string,
  areaPath: string,
  over: Partial<QuarantineOrderTable>,
): QuarantineOrderTable {
  const start = Date.parse('2022-03-21T10:00:00+08:00');
  return {
    id,
    person_id: personId,
    area_id: 'a_' + AREAS.wenyuan,
    area_path: areaPath,
    kind: 'close_contact',
    place: 'centralised',
    status: 'active',
    source_type: 'manual',
    source_id: null,
    case_id: null,
    household_id: null,
    rule_set_id: '9th-edition',
    start_at: start,
    centralised_until: Date.parse('2022-03-29T00:00:00+08:00'),
    home_until: Date.parse('2022-04-01T00:00:00+08:00'),
    ends_at: Date.parse('2022-04-01T00:00:00+08:00'),
    home_kind: 'home_health_monitoring',
    test_days: '[]',
    care_needs: '{}',
    guardian_person_id: null,
    door_measure: 'none',
    door_measure_at: null,
    released_at: null,
    release_basis: null,
    follow_order_id: null,
    created_by: null,
    created_at: start,
    updated_at: start,
    ...over,
  };
}

for (const { dialect, skip } of await dialects()) {
  describe(`quarantine sites HTTP [${dialect}]`, { skip }, () => {
    test('sites, rooms, a room sheet taken whole or refused, staff roster and a site worker’s scope', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const { app, call, upload } = await harness(s);
      try {
        const admin = await signIn(s, 'admin', AREAS.city);
        const command = await signIn(s, 'command', AREAS.city);
        const created = await call('POST', '/quarantine/sites', admin, {
          areaId: areas[AREAS.wenyuan],
          name: '龙山宾馆',
          address: '龙山区人民大街 1 号',
          kind: 'hotel',
          zones: { observation: '2–6 层', service: '1 层东侧', sanitation: '1 层西侧' },
        });
        assert.equal(created.statusCode, 201, created.body);
        const site = created.json();
        assert.equal(site.status, 'in_service');
        assert.deepEqual(site.zones, { observation: '2–6 层', service: '1 层东侧', sanitation: '1 层西侧' });
        assert.equal(site.rooms.total, 0);

        const other = await call('POST', '/quarantine/sites', admin, {
          areaId: areas[AREAS.xingyang],
          name: '兴阳公寓',
          kind: 'dormitory',
        });
        assert.equal(other.statusCode, 201, other.body);

        // One room by form; a number taken is refused naming the field.
        const room = await call('POST', `/quarantine/sites/${site.id}/rooms`, admin, {
          floor: 2,
          number: '201',
          kind: 'single',
        });
        assert.equal(room.statusCode, 201, room.body);
        assert.equal(room.json().beds, 1);
        assert.equal(room.json().state, 'free');
        const again = await call('POST', `/quarantine/sites/${site.id}/rooms`, admin, {
          floor: 2,
          number: '201',
          kind: 'double',
        });
        assert.equal(again.statusCode, 409);
        assert.equal(again.json().code, 'QUARANTINE_ROOM_EXISTS');
        assert.equal(again.json().errors[0].field, 'number');
        const floor0 = await call('POST', `/quarantine/sites/${site.id}/rooms`, admin, {
          floor: 0,
          number: '001',
          kind: 'single',
        });
        assert.equal(floor0.json().code, 'QUARANTINE_ROOM_FLOOR_INVALID');
        assert.equal(floor0.json().errors[0].field, 'floor');

        // A sheet with faults: nothing is written; each fault names its row and column.
        const bad = [
          '楼层,房间号,房型,床位,独立卫生间',
          '3,301,单人间,,是',
          '3,302,总统套房,1,是',
          'x,303,双人间,2,否',
          '3,301,家庭间,3,是',
          '3,201,单人间,1,是',
          '3,305,双人间,99,也许',
        ].join('\n');
        const refused = await upload(`/quarantine/sites/${site.id}/rooms/import`, admin, 'rooms.csv', bad);
        assert.equal(refused.statusCode, 422, refused.body);
        assert.equal(refused.json().code, 'QUARANTINE_ROOMS_INVALID');
        const faults = refused
          .json()
          .errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code]);
        assert.deepEqual(faults, [
          [3, '房型', 'QUARANTINE_ROOM_KIND_INVALID'],
          [4, '楼层', 'QUARANTINE_ROOM_FLOOR_INVALID'],
          [5, '房间号', 'QUARANTINE_ROOM_DUPLICATE_ROW'],
          [6, '房间号', 'QUARANTINE_ROOM_EXISTS_ROW'],
          [7, '床位', 'QUARANTINE_ROOM_BEDS_INVALID'],
          [7, '独立卫生间', 'QUARANTINE_ROOM_FLAG_INVALID'],
        ]);
        const header = await upload(
          `/quarantine/sites/${site.id}/rooms/import`,
          admin,
          'rooms.csv',
          'Room,Kind\n1,single',
        );
        assert.equal(header.json().errors[0].code, 'QUARANTINE_ROOMS_HEADER_INVALID');
        const format = await upload(`/quarantine/sites/${site.id}/rooms/import`, admin, 'rooms.txt', 'x');
        assert.equal(format.json().code, 'QUARANTINE_ROOMS_FILE_FORMAT');
        const exists = await upload(
          `/quarantine/sites/${site.id}/rooms/import`,
          admin,
          'rooms.csv',
          'floor,room,kind\n2,201,single\n',
        );
        assert.deepEqual(
          exists.json().errors.map((e: { row: number; code: string }) => [e.row, e.code]),
          [[2, 'QUARANTINE_ROOM_EXISTS_ROW']],
        );
        assert.equal((await call('GET', `/quarantine/sites/${site.id}`, admin)).json().rooms.total, 1);

        // The good sheet: a dry run counts, the real one writes every room.
        const good = [
          'Floor,Room,Kind,Beds,Own bathroom',
          '3,301,single,,yes',
          '3,302,double,,yes',
          '3,303,family,,yes',
          '1,101,accessible,,yes',
          '1,102,单人间,,否',
        ].join('\n');
        const dry = await upload(`/quarantine/sites/${site.id}/rooms/import?dryRun=true`, admin, 'rooms.csv', good);
        assert.equal(dry.statusCode, 200, dry.body);
        assert.deepEqual(dry.json(), {
          dryRun: true,
          rows: 5,
          created: 0,
          beds: 8,
          byKind: { single: 2, double: 1, family: 1, accessible: 1 },
        });
        assert.equal((await call('GET', `/quarantine/sites/${site.id}`, admin)).json().rooms.total, 1);
        const done = await upload(`/quarantine/sites/${site.id}/rooms/import`, admin, 'rooms.csv', good);
        assert.equal(done.json().created, 5);
        const list = (await call('GET', `/quarantine/sites/${site.id}/rooms`, command)).json();
        assert.equal(list.items.length, 6);
        assert.deepEqual(
          list.items.map((r: { number: string }) => r.number),
          ['101', '102', '201', '301', '302', '303'],
        );
        assert.equal(list.items.find((r: { number: string }) => r.number === '102').ownBathroom, false);
        assert.equal(list.site.rooms.beds, 9);
        assert.equal((await call('GET', `/quarantine/sites/${site.id}/rooms?floor=3`, command)).json().items.length, 3);

        // Room states: out of service, cleaning; back in service refused while terminal disinfection is due.
        const r301 = list.items.find((r: { number: string }) => r.number === '301');
        const off = await call('PATCH', `/quarantine/rooms/${r301.id}`, admin, { status: 'out_of_service' });
        assert.equal(off.json().state, 'out_of_service');
        await s.db
          .updateTable('quarantine_room')
          .set({ status: 'cleaning', disinfection_due_at: s.clock.now() })
          .where('id', '=', r301.id)
          .execute();
        const back = await call('PATCH', `/quarantine/rooms/${r301.id}`, admin, { status: 'in_service' });
        assert.equal(back.statusCode, 409);
        assert.equal(back.json().code, 'QUARANTINE_ROOM_DISINFECTION_DUE');

        // Staff roster; a site worker linked to the roster sees that site only.
        const worker = await signIn(s, 'quarantine_site', AREAS.street);
        const staff = await call('POST', `/quarantine/sites/${site.id}/staff`, admin, {
          name: '李医生',
          role: 'medical',
          shift: 'day',
          ppeLevel: 2,
          userId: worker.userId,
        });
        assert.equal(staff.statusCode, 201, staff.body);
        assert.equal(staff.json().ppeLevel, 2);
        const roster = (await call('GET', `/quarantine/sites/${site.id}/staff`, worker)).json();
        assert.equal(roster.items.length, 1);
        assert.ok(roster.items[0].username);
        const mine = (await call('GET', '/quarantine/sites', worker)).json();
        assert.deepEqual(
          mine.items.map((x: { name: string }) => x.name),
          ['龙山宾馆'],
        );
        const notMine = await call('GET', `/quarantine/sites/${other.json().id}/rooms`, worker);
        assert.equal(notMine.statusCode, 403);
        assert.equal(notMine.json().code, 'OUT_OF_SCOPE');
        const cannot = await call('POST', `/quarantine/sites/${site.id}/rooms`, worker, {
          floor: 5,
          number: '501',
          kind: 'single',
        });
        assert.equal(cannot.json().code, 'FORBIDDEN');
        const unlinked = await call('PATCH', `/quarantine/staff/${staff.json().id}`, admin, { active: false });
        assert.equal(unlinked.json().active, false);
        assert.equal((await call('GET', '/quarantine/sites', worker)).json().total, 0);

        // A community's worker of 兴阳 cannot see 文苑's site.
        const xingyangAdmin = await signIn(s, 'admin', AREAS.xingyang);
        const hidden = await call('GET', `/quarantine/sites/${site.id}`, xingyangAdmin);
        assert.equal(hidden.json().code, 'OUT_OF_SCOPE');

        const audited = await s.db
          .selectFrom('audit_event')
          .select('action')
          .where('action', 'like', 'quarantine.%')
          .execute();
        const actions = new Set(audited.map((a) => a.action));
        for (const a of [
          'quarantine.site.create',
          'quarantine.room.create',
          'quarantine.room.import',
          'quarantine.room.update',
          'quarantine.staff.create',
          'quarantine.staff.update',
        ])
          assert.ok(actions.has(a), a);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('designated hospitals: routing by colour and need, the public list, a refused transfer', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const { app, call } = await harness(s);
      try {
        const admin = await signIn(s, 'admin', AREAS.city);
        const command = await signIn(s, 'command', AREAS.city);
        const add = async (
          name: string,
          designations: string[],
          acceptsColours: string[],
          beds: number,
          free: number,
        ) => {
          const res = await call('POST', '/quarantine/hospitals', admin, {
            areaId: areas[AREAS.district],
            name,
            address: `${name}地址`,
            phone: '0437-1234567',
            designations,
            acceptsColours,
            beds,
            bedsFree: free,
          });
          assert.equal(res.statusCode, 201, res.body);
          return res.json();
        };
        const first = await add(
          '辽源市第一人民医院',
          ['fever_clinic', 'dialysis', 'treatment'],
          ['green', 'yellow', 'red'],
          200,
          20,
        );
        const women = await add('辽源市妇幼保健院', ['maternity', 'paediatrics'], ['green', 'yellow'], 80, 30);
        await add('龙山区中医院', ['fever_clinic'], ['green'], 50, 40);
        const badBeds = await call('POST', '/quarantine/hospitals', admin, {
          areaId: areas[AREAS.district],
          name: 'x',
          designations: ['cabin'],
          acceptsColours: ['red'],
          beds: 10,
          bedsFree: 11,
        });
        assert.equal(badBeds.json().code, 'HOSPITAL_BEDS_INVALID');
        assert.equal(badBeds.json().errors[0].field, 'bedsFree');

        const redFever = (await call('GET', '/quarantine/hospitals/route?colour=red&need=fever', command)).json();
        assert.deepEqual(
          redFever.items.map((h: { name: string }) => h.name),
          ['辽源市第一人民医院'],
        );
        assert.deepEqual(redFever.designations, ['fever_clinic', 'treatment']);
        const greenFever = (await call('GET', '/quarantine/hospitals/route?colour=green&need=fever', command)).json();
        assert.deepEqual(
          greenFever.items.map((h: { name: string }) => h.name),
          ['龙山区中医院', '辽源市第一人民医院'],
          'most free beds first',
        );
        const yellowBirth = (
          await call('GET', '/quarantine/hospitals/route?colour=yellow&need=pregnancy', command)
        ).json();
        assert.deepEqual(
          yellowBirth.items.map((h: { id: string }) => h.id),
          [women.id],
        );
        assert.equal(
          (await call('GET', '/quarantine/hospitals/route?colour=red&need=pregnancy', command)).json().items.length,
          0,
        );
        const badColour = await call('GET', '/quarantine/hospitals/route?colour=blue', command);
        assert.equal(badColour.statusCode, 400);

        const paused = await call('PATCH', `/quarantine/hospitals/${first.id}`, admin, { active: false, bedsFree: 0 });
        assert.equal(paused.json().active, false);
        assert.equal(
          (await call('GET', '/quarantine/hospitals/route?colour=red&need=dialysis', command)).json().items.length,
          0,
        );

        const pub = await call('GET', '/quarantine/hospitals/public?need=pregnancy');
        assert.equal(pub.statusCode, 200, pub.body);
        assert.deepEqual(
          pub.json().items.map((h: { name: string; district: string }) => [h.name, h.district]),
          [['辽源市妇幼保健院', '龙山区']],
        );
        assert.deepEqual(Object.keys(pub.json().items[0]).sort(), [
          'acceptsColours',
          'address',
          'designations',
          'district',
          'id',
          'name',
          'phone',
        ]);
        assert.equal(
          (await call('GET', '/quarantine/hospitals/public')).json().items.length,
          2,
          'paused one not listed',
        );

        const { assertHospitalTakes } = await import('../../src/quarantine/hospitals.service.ts');
        const { actorOf } = await import('../support/services.ts');
        const actor = await actorOf(s, 'command', AREAS.city);
        await assert.rejects(assertHospitalTakes(s.db, actor, women.id, 'red', 'pregnancy'), {
          code: 'HOSPITAL_COLOUR_NOT_ACCEPTED',
        });
        await assert.rejects(assertHospitalTakes(s.db, actor, women.id, 'green', 'dialysis'), {
          code: 'HOSPITAL_NEED_NOT_SERVED',
        });
        await assert.rejects(assertHospitalTakes(s.db, actor, first.id, 'red', 'fever'), { code: 'HOSPITAL_INACTIVE' });
        assert.equal((await assertHospitalTakes(s.db, actor, women.id, 'yellow', 'child')).id, women.id);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('capacity: rooms by state and district against the norm, orders by kind and day, releases and the forecast', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const { app, call } = await harness(s);
      try {
        const admin = await signIn(s, 'admin', AREAS.city);
        const command = await signIn(s, 'command', AREAS.city);
        const site = (
          await call('POST', '/quarantine/sites', admin, {
            areaId: areas[AREAS.wenyuan],
            name: '龙山宾馆',
            kind: 'hotel',
          })
        ).json();
        const roomIds: string[] = [];
        for (let i = 1; i <= 10; i++) {
          const r = await call('POST', `/quarantine/sites/${site.id}/rooms`, admin, {
            floor: 1,
            number: `10${i}`.slice(-3),
            kind: 'single',
          });
          assert.equal(r.statusCode, 201, r.body);
          roomIds.push(r.json().id);
        }
        // 30 residents of 文苑; 9 under orders: 8 placed (7 current, 1 planned), 1 unplaced.
        const path = `${AREAS.city}/${AREAS.district}/${AREAS.street}/${AREAS.wenyuan}/`;
        const people = Array.from({ length: 30 }, (_, i) => `p-${i}`);
        await s.db
          .insertInto('person')
          .values(people.map((p) => personRow(p, areas[AREAS.wenyuan]!)))
          .execute();
        const now = s.clock.now();
        const orders = people.slice(0, 9).map((p, i) =>
          order(`o-${i}`, p, path, {
            kind: i < 6 ? 'close_contact' : 'secondary_contact',
            // three of them end their centralised phase tomorrow (2022-03-25).
            ...(i < 3 ? { centralised_until: Date.parse('2022-03-26T00:00:00+08:00') } : {}),
          }),
        );
        await s.db.insertInto('quarantine_order').values(orders).execute();
        await s.db
          .insertInto('quarantine_stay')
          .values(
            orders.slice(0, 8).map((o, i) => ({
              id: `st-${i}`,
              order_id: o.id,
              site_id: site.id,
              room_id: roomIds[i]!,
              status: i === 7 ? 'planned' : 'current',
              plan_id: null,
              from_at: now - DAY,
              to_at: null,
              created_at: now - DAY,
            })),
          )
          .execute();
        await s.db
          .updateTable('quarantine_room')
          .set({ status: 'cleaning', disinfection_due_at: now })
          .where('id', '=', roomIds[8]!)
          .execute();

        const res = await call('GET', '/quarantine/capacity', command);
        assert.equal(res.statusCode, 200, res.body);
        const v = res.json();
        assert.equal(v.today, '2022-03-24');
        assert.deepEqual(
          { ...v.totals, freeShare: undefined },
          {
            total: 10,
            beds: 10,
            free: 1,
            reserved: 1,
            occupied: 7,
            cleaning: 1,
            out_of_service: 0,
            usable: 10,
            freeShare: undefined,
            alert: false,
          },
        );
        assert.equal(v.totals.freeShare, 0.1);
        assert.equal(v.districts.length, 1);
        assert.equal(v.districts[0].name, '龙山区');
        assert.equal(v.districts[0].residents, 30);
        assert.deepEqual(v.districts[0].norm, { byPopulation: 1, byCases: 0, required: 1, shortfall: 0 });
        assert.equal(v.orders.active, 9);
        assert.equal(v.orders.unplaced, 1);
        const close = v.orders.byKind.find((k: { kind: string }) => k.kind === 'close_contact');
        assert.deepEqual(close, { kind: 'close_contact', people: 6, byDay: [{ day: 3, people: 6 }] });
        assert.equal(v.releases.length, 7);
        assert.equal(v.releases.find((r: { date: string }) => r.date === '2022-03-31').people, 9);
        assert.equal(v.forecast.days.length, 7);
        assert.equal(v.forecast.days[0].date, '2022-03-25');
        assert.equal(v.forecast.days[0].releases, 3);
        // Day 1: 8 rooms taken (7 occupied + 1 reserved) − 3 released + 1 unplaced = 6 of 10.
        assert.equal(v.forecast.days[0].demand, 6);
        assert.equal(v.forecast.runsOutOn, null);

        // Taking one more room out of service brings free rooms under 10 %: the alert is raised.
        await call('PATCH', `/quarantine/rooms/${roomIds[9]}`, admin, { status: 'out_of_service' });
        const after = (await call('GET', '/quarantine/capacity', command)).json();
        assert.equal(after.totals.free, 0);
        assert.equal(after.totals.alert, true);

        const xingyang = await signIn(s, 'command', AREAS.xingyang);
        const theirs = (await call('GET', '/quarantine/capacity', xingyang)).json();
        assert.equal(theirs.sites.length, 0);
        assert.equal(theirs.orders.active, 0);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
