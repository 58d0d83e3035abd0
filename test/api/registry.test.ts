import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import {
  AREAS,
  countRows,
  seedTestAreas,
  signIn,
  testServices,
  type SignedIn,
  type TestServices,
} from '../support/services.ts';
import { rid } from '../support/ids.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';

const ZHANG_ID = '220402195304120318';
const LI_ID = '22040219880615102X';
const WANG_ID = rid('22040219900101123');
const ZHANG_PHONE = '13804371234';
const WANG_PHONE = '13904375678';
const SECRETS = [ZHANG_ID, LI_ID, WANG_ID, ZHANG_PHONE, WANG_PHONE];

interface Call {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  who?: SignedIn;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** An app whose every response body is kept, so the test can prove no clear identifier left it. */
async function harness(s: TestServices) {
  const app: App = await build(s, { serveWeb: false });
  const bodies: Array<{ url: string; body: string }> = [];
  async function call(c: Call, options: { mayReveal?: boolean } = {}) {
    const res = await app.inject({
      method: c.method,
      url: `/api/v1${c.url}`,
      headers: { ...(c.who?.headers ?? {}), ...(c.headers ?? {}) },
      ...(c.payload !== undefined ? { payload: c.payload as object } : {}),
    });
    if (!options.mayReveal) bodies.push({ url: c.url, body: res.body });
    return res;
  }
  function assertNothingLeaked() {
    assert.ok(bodies.length > 0);
    for (const { url, body } of bodies) {
      for (const secret of SECRETS) assert.ok(!body.includes(secret), `${url} leaked a clear identifier`);
    }
  }
  return { app, call, assertNothingLeaked };
}

for (const { dialect, skip } of await dialects()) {
  describe(`registry HTTP [${dialect}]`, { skip }, () => {
    test('the registry end to end: create, refuse, scope, search, reveal, never leaking a clear identifier', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const { app, call, assertNothingLeaked } = await harness(s);
      try {
        const wenyuan = await signIn(s, 'community_worker', AREAS.wenyuan);
        const xingyang = await signIn(s, 'community_worker', AREAS.xingyang);
        const lab = await signIn(s, 'lab', AREAS.wenyuan);

        // Signed out: 401 on reads and writes alike.
        for (const c of [
          { method: 'GET', url: '/persons' },
          { method: 'GET', url: '/areas' },
          { method: 'POST', url: '/persons', payload: { name: 'x' } },
        ] as Call[]) {
          const res = await call(c);
          assert.equal(res.statusCode, 401, c.url);
          assert.equal(res.json().code, 'UNAUTHENTICATED');
        }

        // Households in both communities.
        const h1 = await call({
          method: 'POST',
          url: '/households',
          who: wenyuan,
          payload: {
            areaId: areas[AREAS.wenyuanGrid],
            buildingName: '3号楼',
            unit: '2',
            door: '301',
            address: '文苑小区3号楼2单元301',
          },
        });
        assert.equal(h1.statusCode, 201, h1.body);
        const wenyuanHousehold = h1.json().id as string;
        const h2 = await call({
          method: 'POST',
          url: '/households',
          who: xingyang,
          payload: { areaId: areas[AREAS.xingyangGrid], buildingName: '1号楼', door: '101' },
        });
        const xingyangHousehold = h2.json().id as string;

        // A cookie request that changes something without the CSRF header is refused.
        const noCsrf = await call({
          method: 'POST',
          url: '/persons',
          headers: { cookie: wenyuan.headers.cookie! },
          payload: { householdId: wenyuanHousehold, name: '张建国' },
        });
        assert.equal(noCsrf.statusCode, 403);
        assert.equal(noCsrf.json().code, 'CSRF_TOKEN_INVALID');
        assert.equal(await countRows(s, 'person'), 0);

        // A valid person: 201 with the whitelisted, masked view.
        const created = await call({
          method: 'POST',
          url: '/persons',
          who: wenyuan,
          payload: {
            householdId: wenyuanHousehold,
            name: '张建国',
            idNumber: ZHANG_ID,
            phone: ZHANG_PHONE,
            relation: '户主',
            careTags: ['elderly_alone'],
          },
        });
        assert.equal(created.statusCode, 201, created.body);
        const zhang = created.json();
        assert.deepEqual(Object.keys(zhang).sort(), [
          'address',
          'age',
          'areaId',
          'areaName',
          'birthDate',
          'careTags',
          'householdId',
          'id',
          'idNumber',
          'idType',
          'name',
          'note',
          'phone',
          'relation',
          'sex',
        ]);
        assert.equal(zhang.idNumber, '220402********0318');
        assert.equal(zhang.phone, '138****1234');
        assert.equal(zhang.age, 68);
        const wang = (
          await call({
            method: 'POST',
            url: '/persons',
            who: xingyang,
            payload: {
              householdId: xingyangHousehold,
              name: '王磊',
              idNumber: WANG_ID,
              phone: WANG_PHONE,
            },
          })
        ).json();
        const li = await call({
          method: 'POST',
          url: '/persons',
          who: wenyuan,
          payload: { householdId: wenyuanHousehold, name: '张丽', idNumber: LI_ID.toLowerCase(), relation: '女儿' },
        });
        assert.equal(li.statusCode, 201);

        // Invalid: 422 with each fault on its field.
        const invalid = await call({
          method: 'POST',
          url: '/persons',
          who: wenyuan,
          payload: {
            householdId: wenyuanHousehold,
            name: ' ',
            idNumber: '220402195304120319',
            phone: '0437-3249118',
            sex: '未知',
          },
        });
        assert.equal(invalid.statusCode, 422);
        assert.equal(invalid.json().code, 'PERSON_INVALID');
        assert.deepEqual(
          invalid
            .json()
            .errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)
            .sort(),
          ['idNumber:ID_NUMBER_CHECKSUM', 'name:NAME_REQUIRED', 'phone:PHONE_FORMAT', 'sex:SEX_INVALID'],
        );
        assert.ok(invalid.json().errors.every((e: { message: string }) => e.message.length > 0));

        // Duplicate: 409 naming the existing record, nothing written.
        const before = [await countRows(s, 'person'), await countRows(s, 'audit_event')];
        const dup = await call({
          method: 'POST',
          url: '/persons',
          who: wenyuan,
          payload: { areaId: areas[AREAS.wenyuan], name: '张冒名', idNumber: ZHANG_ID },
        });
        assert.equal(dup.statusCode, 409);
        assert.equal(dup.json().code, 'ID_NUMBER_DUPLICATE');
        assert.deepEqual(dup.json().existing, {
          id: zhang.id,
          name: '张建国',
          areaName: '第一网格',
          householdId: wenyuanHousehold,
        });
        assert.deepEqual([await countRows(s, 'person'), await countRows(s, 'audit_event')], before);

        // 文苑社区 cannot see or touch 兴阳社区.
        for (const c of [
          { method: 'GET', url: `/households/${xingyangHousehold}` },
          { method: 'GET', url: `/persons/${wang.id}` },
          { method: 'PATCH', url: `/persons/${wang.id}`, payload: { note: '改' } },
          { method: 'PATCH', url: `/households/${xingyangHousehold}`, payload: { door: '102' } },
          { method: 'POST', url: '/persons', payload: { householdId: xingyangHousehold, name: '越界者' } },
          { method: 'POST', url: `/persons/${wang.id}/reveal`, payload: { reason: '核查' } },
          { method: 'GET', url: `/areas/${areas[AREAS.xingyang]}/buildings` },
          { method: 'GET', url: `/persons?areaId=${areas[AREAS.xingyang]}` },
        ] as Call[]) {
          const res = await call({ ...c, who: wenyuan });
          assert.equal(res.statusCode, 403, `${c.method} ${c.url}`);
          assert.equal(res.json().code, 'OUT_OF_SCOPE', `${c.method} ${c.url}`);
        }
        assert.equal(await countRows(s, 'person'), 3);
        for (const q of ['王', WANG_ID, WANG_PHONE, '']) {
          const res = await call({ method: 'GET', url: `/persons?q=${encodeURIComponent(q)}`, who: wenyuan });
          assert.equal(res.statusCode, 200);
          assert.ok(!res.json().items.some((p: { id: string }) => p.id === wang.id), `search "${q}" stays in scope`);
        }

        // Exact search by ID (lowercase x too) and phone, and name prefix.
        const byId = await call({ method: 'GET', url: `/persons?q=${LI_ID.toLowerCase()}`, who: wenyuan });
        assert.deepEqual(
          byId.json().items.map((p: { name: string }) => p.name),
          ['张丽'],
        );
        const byPhone = await call({ method: 'GET', url: `/persons?q=${ZHANG_PHONE}`, who: wenyuan });
        assert.deepEqual(
          byPhone.json().items.map((p: { name: string }) => p.name),
          ['张建国'],
        );
        const byName = await call({
          method: 'GET',
          url: `/persons?q=${encodeURIComponent('张')}&limit=1`,
          who: wenyuan,
        });
        assert.deepEqual([byName.json().total, byName.json().items.length, byName.json().limit], [2, 1, 1]);
        const searches = await s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'person.search')
          .execute();
        assert.ok(searches.length >= 7);

        // Reads and edits in scope.
        const household = await call({ method: 'GET', url: `/households/${wenyuanHousehold}`, who: wenyuan });
        assert.equal(household.statusCode, 200);
        assert.equal(household.json().household.headPersonId, zhang.id);
        assert.deepEqual(
          household.json().members.map((m: { name: string }) => m.name),
          ['张建国', '张丽'],
        );
        assert.deepEqual(
          household.json().ancestors.map((a: { name: string }) => a.name),
          ['文苑社区', '第一网格'],
        );
        const patched = await call({
          method: 'PATCH',
          url: `/persons/${zhang.id}`,
          who: wenyuan,
          payload: { phone: '13604370000', note: '独居' },
        });
        assert.equal(patched.statusCode, 200);
        assert.equal(patched.json().phone, '136****0000');
        const update = await s.db
          .selectFrom('audit_event')
          .select(['detail'])
          .where('action', '=', 'person.update')
          .executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(update.detail), { changed: ['phone', 'note'] });
        assert.equal(
          (await call({ method: 'GET', url: `/persons/${zhang.id}`, who: lab })).statusCode,
          200,
          'lab may read masked',
        );
        assert.equal(
          (await call({ method: 'PATCH', url: `/persons/${zhang.id}`, who: lab, payload: { note: 'x' } })).json().code,
          'FORBIDDEN',
        );
        assert.equal(
          (await call({ method: 'GET', url: '/persons/nope', who: wenyuan })).json().code,
          'PERSON_NOT_FOUND',
        );

        // Reveal: forbidden without the permission, needs a reason, and is audited with it.
        const labReveal = await call({
          method: 'POST',
          url: `/persons/${zhang.id}/reveal`,
          who: lab,
          payload: { reason: '比对' },
        });
        assert.equal(labReveal.statusCode, 403);
        assert.equal(labReveal.json().code, 'FORBIDDEN');
        for (const payload of [{}, { reason: '' }, { reason: 'x'.repeat(201) }]) {
          const res = await call({ method: 'POST', url: `/persons/${zhang.id}/reveal`, who: wenyuan, payload });
          assert.equal(res.statusCode, 400);
          assert.equal(res.json().code, 'REASON_REQUIRED');
        }
        assert.equal(
          await s.db.selectFrom('audit_event').select('seq').where('action', '=', 'person.reveal').executeTakeFirst(),
          undefined,
        );
        const revealed = await call(
          { method: 'POST', url: `/persons/${zhang.id}/reveal`, who: wenyuan, payload: { reason: '入户核查身份' } },
          { mayReveal: true },
        );
        assert.equal(revealed.statusCode, 200);
        assert.deepEqual(revealed.json(), { idNumber: ZHANG_ID, phone: '13604370000' });
        const reveal = await s.db.selectFrom('audit_event').selectAll().where('action', '=', 'person.reveal').execute();
        assert.deepEqual(
          reveal.map((e) => [e.object_id, e.reason, e.actor_id]),
          [[zhang.id, '入户核查身份', wenyuan.userId]],
        );

        // Browsing.
        const root = await call({ method: 'GET', url: '/areas', who: wenyuan });
        assert.deepEqual(
          root.json().items.map((a: { code: string }) => a.code),
          [AREAS.wenyuan],
        );
        const area = await call({ method: 'GET', url: `/areas/${areas[AREAS.wenyuan]}`, who: wenyuan });
        assert.deepEqual(area.json().counts, { children: 1, buildings: 1, households: 1, persons: 2 });
        const buildings = await call({ method: 'GET', url: `/areas/${areas[AREAS.wenyuan]}/buildings`, who: wenyuan });
        assert.deepEqual(
          buildings.json().items.map((b: { name: string; persons: number }) => [b.name, b.persons]),
          [['3号楼', 2]],
        );
        const building = await call({ method: 'GET', url: `/buildings/${buildings.json().items[0].id}`, who: wenyuan });
        assert.deepEqual(
          building.json().households.map((h: { headName: string; careTags: string[] }) => [h.headName, h.careTags]),
          [['张建国', ['elderly_alone']]],
        );

        assertNothingLeaked();
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('the person routes are in the OpenAPI document without any sealed column', async () => {
      const s = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      try {
        const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
        const doc = res.json();
        for (const path of [
          '/api/v1/persons',
          '/api/v1/persons/{id}',
          '/api/v1/persons/{id}/reveal',
          '/api/v1/households/{id}',
          '/api/v1/areas/{id}/buildings',
        ]) {
          assert.ok(doc.paths[path], path);
        }
        assert.ok(!/id_enc|id_hmac|phone_enc|phone_hmac/.test(res.body));
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
