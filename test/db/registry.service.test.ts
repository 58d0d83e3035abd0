import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { actorOf, AREAS, countRows, seedTestAreas, testServices, type TestServices } from '../support/services.ts';
import { hasCode } from '../support/errors.ts';
import { rid } from '../support/ids.ts';
import type { Actor } from '../../src/access/access.rules.ts';
import { AppError } from '../../src/platform/errors.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import * as registry from '../../src/registry/registry.service.ts';

const ZHANG_ID = '220402195304120318'; // 张建国, male, 1953-04-12
const LI_ID = '22040219880615102X'; // 李秀英, female, 1988-06-15
const WANG_ID = rid('22040219900101123'); // 王磊 in 兴阳社区
const ZHANG_PHONE = '13804371234';
const WANG_PHONE = '13904375678';

async function auditEvents(s: TestServices, action: string) {
  const rows = await s.db.selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('seq').execute();
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

interface City {
  areas: Record<string, string>;
  wenyuan: Actor;
  xingyang: Actor;
  wenyuanHousehold: string;
  xingyangHousehold: string;
  zhang: string;
  wang: string;
}

/** Two communities, a household in each, 张建国 in 文苑社区 and 王磊 in 兴阳社区. */
async function city(s: TestServices): Promise<City> {
  const areas = await seedTestAreas(s);
  const wenyuan = await actorOf(s, 'community_worker', AREAS.wenyuan);
  const xingyang = await actorOf(s, 'community_worker', AREAS.xingyang);
  const h1 = await registry.createHousehold(s, wenyuan, {
    areaId: areas[AREAS.wenyuanGrid]!,
    buildingName: '3号楼',
    unit: '2',
    door: '301',
    address: '文苑小区3号楼2单元301',
  });
  const h2 = await registry.createHousehold(s, xingyang, {
    areaId: areas[AREAS.xingyangGrid]!,
    buildingName: '1号楼',
    unit: '1',
    door: '101',
    address: '兴阳小区1号楼1单元101',
  });
  const zhang = await registry.createPerson(s, wenyuan, {
    householdId: h1.id,
    name: '张建国',
    idNumber: ZHANG_ID,
    phone: ZHANG_PHONE,
    relation: '户主',
    careTags: ['elderly_alone'],
  });
  const wang = await registry.createPerson(s, xingyang, {
    householdId: h2.id,
    name: '王磊',
    idNumber: WANG_ID,
    phone: WANG_PHONE,
    relation: '户主',
  });
  return {
    areas,
    wenyuan,
    xingyang,
    wenyuanHousehold: h1.id,
    xingyangHousehold: h2.id,
    zhang: zhang.id,
    wang: wang.id,
  };
}

for (const { dialect, skip } of await dialects()) {
  describe(`registry service [${dialect}]`, { skip }, () => {
    test('a valid person is stored sealed, shown masked with age, and audited without values', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        const view = await registry.getPerson(s, c.wenyuan, c.zhang);
        assert.equal(view.idNumber, '220402********0318');
        assert.equal(view.phone, '138****1234');
        assert.equal(view.sex, 'M');
        assert.equal(view.birthDate, '1953-04-12');
        assert.equal(view.age, 68); // 2022-03-24, before the birthday
        assert.equal(view.areaId, c.areas[AREAS.wenyuanGrid]);
        assert.equal(view.address, '文苑小区3号楼2单元301');
        assert.deepEqual(view.careTags, ['elderly_alone']);
        const row = await s.db.selectFrom('person').selectAll().where('id', '=', c.zhang).executeTakeFirstOrThrow();
        assert.ok(row.id_enc && !row.id_enc.includes(ZHANG_ID));
        assert.ok(row.phone_enc && !row.phone_enc.includes(ZHANG_PHONE));
        const household = await s.db
          .selectFrom('household')
          .selectAll()
          .where('id', '=', c.wenyuanHousehold)
          .executeTakeFirstOrThrow();
        assert.equal(household.head_person_id, c.zhang, 'relation 户主 makes the first such member the head');
        const [created] = (await auditEvents(s, 'person.create')).filter((e) => e.object_id === c.zhang);
        assert.ok(created);
        assert.deepEqual(created.detail.fields, [
          'name',
          'idType',
          'idNumber',
          'sex',
          'birthDate',
          'phone',
          'relation',
          'careTags',
        ]);
        const all = JSON.stringify(await s.db.selectFrom('audit_event').selectAll().execute());
        assert.ok(!all.includes(ZHANG_ID) && !all.includes(ZHANG_PHONE) && !all.includes(WANG_ID));
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await s.close();
      }
    });

    test('an invalid person is refused with each fault on its field, and nothing is written', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        const before = [await countRows(s, 'person'), await countRows(s, 'audit_event')];
        await assert.rejects(
          registry.createPerson(s, c.wenyuan, {
            householdId: c.wenyuanHousehold,
            name: '',
            idNumber: '220402195304120319',
            phone: '123',
            careTags: ['vip'],
            birthDate: '1953-02-30',
          }),
          (err: unknown) => {
            assert.ok(err instanceof AppError);
            assert.equal(err.code, 'PERSON_INVALID');
            assert.equal(err.status, 422);
            assert.deepEqual(err.faults.map((f) => `${f.field}:${f.code}`).sort(), [
              'birthDate:BIRTH_DATE_INVALID',
              'careTags:CARE_TAG_INVALID',
              'idNumber:ID_NUMBER_CHECKSUM',
              'name:NAME_REQUIRED',
              'phone:PHONE_FORMAT',
            ]);
            return true;
          },
        );
        await assert.rejects(registry.createPerson(s, c.wenyuan, { name: '无处安放' }), (err: unknown) => {
          assert.ok(err instanceof AppError);
          assert.deepEqual(
            err.faults.map((f) => `${f.field}:${f.code}`),
            ['areaId:AREA_REQUIRED'],
          );
          return true;
        });
        await assert.rejects(
          registry.createPerson(s, c.wenyuan, {
            householdId: c.wenyuanHousehold,
            areaId: c.areas[AREAS.wenyuan]!,
            name: '错区',
          }),
          hasCode('PERSON_AREA_MISMATCH'),
        );
        assert.deepEqual([await countRows(s, 'person'), await countRows(s, 'audit_event')], before);
      } finally {
        await s.close();
      }
    });

    test('a duplicate ID number is refused naming the existing record; nothing is written', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        const before = [await countRows(s, 'person'), await countRows(s, 'audit_event')];
        await assert.rejects(
          registry.createPerson(s, c.wenyuan, {
            areaId: c.areas[AREAS.wenyuan]!,
            name: '张冒名',
            idNumber: ZHANG_ID.toLowerCase(),
          }),
          (err: unknown) => {
            assert.ok(err instanceof AppError);
            assert.equal(err.code, 'ID_NUMBER_DUPLICATE');
            assert.equal(err.status, 409);
            assert.deepEqual(err.extra.existing, {
              id: c.zhang,
              name: '张建国',
              areaName: '第一网格',
              householdId: c.wenyuanHousehold,
            });
            return true;
          },
        );
        // From outside the holder's scope: only that the number is registered in another area — no id,
        // name, area or household — and the attempt is audited on the holder.
        await assert.rejects(
          registry.createPerson(s, c.xingyang, {
            householdId: c.xingyangHousehold,
            name: '张冒名',
            idNumber: ZHANG_ID,
          }),
          (err: unknown) => {
            assert.ok(err instanceof AppError);
            assert.equal(err.code, 'ID_NUMBER_REGISTERED_ELSEWHERE');
            assert.equal(err.status, 409);
            assert.deepEqual(err.extra, {});
            assert.deepEqual(err.faults, [{ field: 'idNumber', code: 'ID_NUMBER_REGISTERED_ELSEWHERE' }]);
            return true;
          },
        );
        // Changing someone else's number to a taken one is refused the same way.
        await assert.rejects(
          registry.updatePerson(s, c.xingyang, c.wang, { idNumber: ZHANG_ID }),
          hasCode('ID_NUMBER_REGISTERED_ELSEWHERE'),
        );
        assert.equal(await countRows(s, 'person'), before[0]);
        const attempts = await s.db
          .selectFrom('audit_event')
          .select(['object_id', 'detail'])
          .where('action', '=', 'person.id_registered_elsewhere')
          .orderBy('seq')
          .execute();
        assert.deepEqual(
          attempts.map((a) => [a.object_id, JSON.parse(a.detail).attempt]),
          [
            [c.zhang, 'person.create'],
            [c.zhang, 'person.update'],
          ],
        );
        assert.equal(await countRows(s, 'audit_event'), before[1]! + 2);
        const found = await registry.findPersonByIdNumber(s.db, s.cipher, 'resident_id', ZHANG_ID);
        assert.equal(found?.id, c.zhang);
        assert.equal(await registry.findPersonByIdNumber(s.db, s.cipher, 'passport', ZHANG_ID), undefined);
      } finally {
        await s.close();
      }
    });

    test('two concurrent creates of the same ID: one wins, the other gets ID_NUMBER_DUPLICATE', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        const body = { areaId: c.areas[AREAS.wenyuan]!, name: '李秀英', idNumber: LI_ID };
        const results = await Promise.allSettled([
          registry.createPerson(s, c.wenyuan, body),
          registry.createPerson(s, c.wenyuan, body),
        ]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        hasCode('ID_NUMBER_DUPLICATE')(rejected.reason);
      } finally {
        await s.close();
      }
    });

    test('a community worker can neither read nor change another community', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        await assert.rejects(registry.getPerson(s, c.wenyuan, c.wang), hasCode('OUT_OF_SCOPE'));
        await assert.rejects(registry.getHousehold(s, c.wenyuan, c.xingyangHousehold), hasCode('OUT_OF_SCOPE'));
        await assert.rejects(registry.updatePerson(s, c.wenyuan, c.wang, { note: 'x' }), hasCode('OUT_OF_SCOPE'));
        await assert.rejects(
          registry.updateHousehold(s, c.wenyuan, c.xingyangHousehold, { door: '102' }),
          hasCode('OUT_OF_SCOPE'),
        );
        await assert.rejects(
          registry.createPerson(s, c.wenyuan, { householdId: c.xingyangHousehold, name: '越界' }),
          hasCode('OUT_OF_SCOPE'),
        );
        await assert.rejects(
          registry.createHousehold(s, c.wenyuan, { areaId: c.areas[AREAS.xingyang]! }),
          hasCode('OUT_OF_SCOPE'),
        );
        // Moving one's own resident into the other community is a write there too.
        await assert.rejects(
          registry.updatePerson(s, c.wenyuan, c.zhang, { householdId: c.xingyangHousehold }),
          hasCode('OUT_OF_SCOPE'),
        );
        await assert.rejects(registry.revealPerson(s, c.wenyuan, c.wang, '核查'), hasCode('OUT_OF_SCOPE'));
        await assert.rejects(
          registry.listBuildings(s, c.wenyuan, c.areas[AREAS.xingyang]!, { limit: 50, offset: 0 }),
          hasCode('OUT_OF_SCOPE'),
        );
        await assert.rejects(registry.getArea(s, c.wenyuan, c.areas[AREAS.street]!), hasCode('OUT_OF_SCOPE'));
        await assert.rejects(
          registry.searchPersons(s, c.wenyuan, { areaId: c.areas[AREAS.xingyang]! }, { limit: 50, offset: 0 }),
          hasCode('OUT_OF_SCOPE'),
        );
        for (const q of [undefined, '王', WANG_ID, WANG_PHONE]) {
          const page = await registry.searchPersons(s, c.wenyuan, { q }, { limit: 50, offset: 0 });
          assert.ok(!page.items.some((p) => p.id === c.wang), `search ${q ?? '(all)'} stays in scope`);
        }
        const wang = await s.db.selectFrom('person').selectAll().where('id', '=', c.wang).executeTakeFirstOrThrow();
        assert.equal(wang.note, '');
        // The street sees both.
        const street = await actorOf(s, 'command', AREAS.street);
        const all = await registry.searchPersons(s, street, {}, { limit: 50, offset: 0 });
        assert.deepEqual(all.items.map((p) => p.name).sort(), ['张建国', '王磊']);
      } finally {
        await s.close();
      }
    });

    test('search finds by exact ID, exact phone and name prefix, and audits only the kind of an identifier query', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        await registry.createPerson(s, c.wenyuan, {
          householdId: c.wenyuanHousehold,
          name: '张丽',
          idNumber: LI_ID.toLowerCase(),
          relation: '女儿',
        });
        await registry.createPerson(s, c.wenyuan, {
          householdId: c.wenyuanHousehold,
          name: 'John Smith',
          idType: 'passport',
          idNumber: 'E12345678',
        });
        const page = { limit: 50, offset: 0 };
        const byId = await registry.searchPersons(s, c.wenyuan, { q: LI_ID.toLowerCase() }, page);
        assert.deepEqual(
          byId.items.map((p) => p.name),
          ['张丽'],
        );
        const byPhone = await registry.searchPersons(s, c.wenyuan, { q: '138 0437 1234' }, page);
        assert.deepEqual(
          byPhone.items.map((p) => p.name),
          ['张建国'],
        );
        const byPassport = await registry.searchPersons(s, c.wenyuan, { q: 'e12345678' }, page);
        assert.deepEqual(
          byPassport.items.map((p) => p.name),
          ['John Smith'],
        );
        const byName = await registry.searchPersons(s, c.wenyuan, { q: '张' }, page);
        assert.deepEqual(byName.items.map((p) => p.name).sort(), ['张丽', '张建国']);
        assert.equal(byName.total, 2);
        const noWildcards = await registry.searchPersons(s, c.wenyuan, { q: '%' }, page);
        assert.equal(noWildcards.total, 0);
        const paged = await registry.searchPersons(s, c.wenyuan, {}, { limit: 1, offset: 1 });
        assert.equal(paged.items.length, 1);
        assert.equal(paged.total, 3);
        const events = await auditEvents(s, 'person.search');
        assert.deepEqual(
          events.slice(0, 5).map((e) => e.detail),
          [
            { kind: 'id', results: 1, q: `${LI_ID.slice(0, 6)}********${LI_ID.slice(-4)}` },
            { kind: 'phone', results: 1, q: '138****1234' },
            { kind: 'id', results: 1, q: 'E1*****78' },
            { kind: 'name', results: 2, q: '张' },
            { kind: 'name', results: 0, q: '%' },
          ],
        );
        assert.ok(!JSON.stringify(events).includes('0437'));
        assert.ok(!JSON.stringify(events).includes(LI_ID.slice(6, 14)));
      } finally {
        await s.close();
      }
    });

    test('updating a person re-validates, derives sex from a new ID, follows the household, and audits field names', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        const daughter = await registry.createPerson(s, c.wenyuan, {
          householdId: c.wenyuanHousehold,
          name: '张丽',
          relation: '女儿',
          birthDate: '1988-06-15',
        });
        assert.equal(daughter.idType, 'none');
        const updated = await registry.updatePerson(s, c.wenyuan, daughter.id, {
          idNumber: LI_ID,
          phone: '13604370000',
        });
        assert.equal(updated.idType, 'resident_id');
        assert.equal(updated.sex, 'F');
        assert.equal(updated.phone, '136****0000');
        const [event] = (await auditEvents(s, 'person.update')).filter((e) => e.object_id === daughter.id);
        assert.deepEqual(event!.detail, { changed: ['idType', 'idNumber', 'sex', 'phone'] });
        await assert.rejects(registry.updatePerson(s, c.wenyuan, daughter.id, { sex: 'M' }), (err: unknown) => {
          assert.ok(err instanceof AppError);
          assert.deepEqual(
            err.faults.map((f) => `${f.field}:${f.code}`),
            ['sex:ID_NUMBER_SEX_MISMATCH'],
          );
          return true;
        });
        // Into a new household in the community: the area follows the household.
        const other = await registry.createHousehold(s, c.wenyuan, {
          areaId: c.areas[AREAS.wenyuan]!,
          buildingName: '5号楼',
          door: '502',
        });
        const moved = await registry.updatePerson(s, c.wenyuan, daughter.id, {
          householdId: other.id,
          relation: '户主',
        });
        assert.equal(moved.areaId, c.areas[AREAS.wenyuan]);
        assert.equal(moved.householdId, other.id);
        const h = await s.db.selectFrom('household').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow();
        assert.equal(h.head_person_id, daughter.id);
        // Moving the head out clears the old household's head.
        await registry.updatePerson(s, c.wenyuan, c.zhang, { householdId: other.id, relation: '父亲' });
        const old = await s.db
          .selectFrom('household')
          .selectAll()
          .where('id', '=', c.wenyuanHousehold)
          .executeTakeFirstOrThrow();
        assert.equal(old.head_person_id, null);
        // A no-op patch writes nothing.
        const before = await countRows(s, 'audit_event');
        await registry.updatePerson(s, c.wenyuan, c.zhang, { name: '张建国' });
        assert.equal(await countRows(s, 'audit_event'), before);
        await assert.rejects(registry.updatePerson(s, c.wenyuan, 'nope', { name: 'x' }), hasCode('PERSON_NOT_FOUND'));
      } finally {
        await s.close();
      }
    });

    test('households: create in a building, patch, head must be a member', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        const first = await registry.getHousehold(s, c.wenyuan, c.wenyuanHousehold);
        const second = await registry.createHousehold(s, c.wenyuan, {
          buildingId: first.household.buildingId!,
          unit: '2',
          door: '302',
          rooms: 3,
        });
        assert.equal(second.buildingName, '3号楼');
        assert.equal(second.areaId, c.areas[AREAS.wenyuanGrid]);
        await assert.rejects(
          registry.createHousehold(s, c.wenyuan, {
            buildingId: first.household.buildingId!,
            areaId: c.areas[AREAS.wenyuan]!,
          }),
          hasCode('HOUSEHOLD_AREA_MISMATCH'),
        );
        await assert.rejects(registry.createHousehold(s, c.wenyuan, { door: '1' }), hasCode('AREA_REQUIRED'));
        const patched = await registry.updateHousehold(s, c.wenyuan, second.id, { door: '303', rooms: null });
        assert.deepEqual([patched.door, patched.rooms], ['303', null]);
        const [event] = await auditEvents(s, 'household.update');
        assert.deepEqual(event!.detail, { changed: ['door', 'rooms'] });
        await assert.rejects(
          registry.updateHousehold(s, c.wenyuan, second.id, { headPersonId: c.zhang }),
          hasCode('HEAD_NOT_MEMBER'),
        );
        const buildings = (await s.db.selectFrom('building').selectAll().execute()).map((b) => b.name).sort();
        assert.deepEqual(buildings, ['1号楼', '3号楼'], 'buildingName reuses an existing building');
        const read = await auditEvents(s, 'person.read');
        assert.deepEqual(
          read.map((e) => [e.object_type, e.object_id, e.detail]),
          [['household', c.wenyuanHousehold, { persons: 1 }]],
        );
      } finally {
        await s.close();
      }
    });

    test('areas, buildings and building detail are counted within the subtree', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        await registry.createPerson(s, c.wenyuan, {
          householdId: c.wenyuanHousehold,
          name: '张丽',
          relation: '女儿',
          careTags: ['pregnant'],
        });
        await registry.createHousehold(s, c.wenyuan, {
          areaId: c.areas[AREAS.wenyuanGrid]!,
          buildingName: '3号楼',
          unit: '1',
          door: '101',
        });
        const root = await registry.listAreas(s, c.wenyuan, undefined, { limit: 50, offset: 0 });
        assert.deepEqual(
          root.items.map((a) => [a.name, a.childCount]),
          [['文苑社区', 1]],
        );
        const children = await registry.listAreas(s, c.wenyuan, c.areas[AREAS.wenyuan], { limit: 50, offset: 0 });
        assert.deepEqual(
          children.items.map((a) => a.code),
          [AREAS.wenyuanGrid],
        );
        await assert.rejects(
          registry.listAreas(s, c.wenyuan, c.areas[AREAS.street], { limit: 50, offset: 0 }),
          hasCode('OUT_OF_SCOPE'),
        );
        const grid = await registry.getArea(s, c.wenyuan, c.areas[AREAS.wenyuanGrid]!);
        assert.deepEqual(
          grid.ancestors.map((a) => a.name),
          ['文苑社区'],
          'ancestors stop at the actor’s root',
        );
        assert.deepEqual(grid.counts, { children: 0, buildings: 1, households: 2, persons: 2 });
        const street = await actorOf(s, 'command', AREAS.city);
        const streetView = await registry.getArea(s, street, c.areas[AREAS.street]!);
        assert.deepEqual(
          streetView.ancestors.map((a) => a.code),
          [AREAS.city, AREAS.district],
        );
        assert.deepEqual(streetView.counts, { children: 2, buildings: 2, households: 3, persons: 3 });
        const buildings = await registry.listBuildings(s, street, c.areas[AREAS.street]!, { limit: 1, offset: 0 });
        assert.equal(buildings.total, 2);
        assert.deepEqual(
          buildings.items.map((b) => [b.name, b.households, b.persons]),
          [['3号楼', 2, 2]],
        );
        const detail = await registry.getBuilding(s, c.wenyuan, buildings.items[0]!.id, { limit: 500, offset: 0 });
        assert.deepEqual(
          detail.ancestors.map((a) => a.name),
          ['文苑社区', '第一网格'],
        );
        assert.deepEqual(
          detail.households.map((h) => [h.unit, h.door, h.headName, h.members, h.careTags]),
          [
            ['1', '101', null, 0, []],
            ['2', '301', '张建国', 2, ['elderly_alone', 'pregnant']],
          ],
        );
        assert.equal(detail.householdsTotal, 2);
      } finally {
        await s.close();
      }
    });

    test('reveal needs the permission and a reason, and records the reason', async () => {
      const s = await testServices(dialect);
      try {
        const c = await city(s);
        const lab = await actorOf(s, 'lab', AREAS.wenyuan);
        await assert.rejects(registry.revealPerson(s, lab, c.zhang, '核酸比对'), hasCode('FORBIDDEN'));
        await assert.rejects(registry.revealPerson(s, c.wenyuan, c.zhang, '  '), hasCode('REASON_REQUIRED'));
        await assert.rejects(registry.revealPerson(s, c.wenyuan, c.zhang, 'x'.repeat(201)), hasCode('REASON_REQUIRED'));
        const clear = await registry.revealPerson(s, c.wenyuan, c.zhang, '入户核查身份');
        assert.deepEqual(clear, { idNumber: ZHANG_ID, phone: ZHANG_PHONE });
        const events = await auditEvents(s, 'person.reveal');
        assert.deepEqual(
          events.map((e) => [e.object_id, e.reason, e.actor_role]),
          [[c.zhang, '入户核查身份', 'community_worker']],
        );
      } finally {
        await s.close();
      }
    });
  });
}
