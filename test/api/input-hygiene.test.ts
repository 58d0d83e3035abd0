// Names and free text, birth dates, division codes and JSON types at the API edge (issue 13, finding 7).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { rid } from '../support/ids.ts';

for (const { dialect, skip } of await dialects()) {
  describe(`input hygiene [${dialect}]`, { skip }, () => {
    test('names refuse control and bidi characters naming the field; notes lose them; text is NFC; exports carry no NUL', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const post = (url: string, payload: object) =>
          app.inject({ method: 'POST', url: `/api/v1${url}`, headers: worker.headers, payload });
        const household = await post('/households', {
          areaId: areas[AREAS.wenyuanGrid],
          buildingName: '3号楼',
          unit: '2',
          door: '301',
        });
        assert.equal(household.statusCode, 201, household.body);
        const householdId = household.json().id as string;

        // U+202E in a name: refused with its own code, naming the field and the character.
        const rlo = await post('/persons', { householdId, name: '健康\u202E码' });
        assert.equal(rlo.statusCode, 400, rlo.body);
        assert.equal(rlo.json().code, 'TEXT_FORBIDDEN_CHARACTER');
        assert.deepEqual(
          rlo.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`),
          ['name:TEXT_FORBIDDEN_CHARACTER'],
        );
        assert.match(rlo.json().detail, /U\+202E/);
        // The same for isolates, LRM, NUL and C1 controls, in persons, households and buildings alike.
        for (const [url, payload, field] of [
          ['/persons', { householdId, name: '张\u2066三' }, 'name'],
          ['/persons', { householdId, name: '张\u200F三' }, 'name'],
          ['/persons', { householdId, name: '张三', relation: '女\u0000儿' }, 'relation'],
          ['/persons', { householdId, name: '张\u0085三' }, 'name'],
          [
            '/households',
            { areaId: areas[AREAS.wenyuanGrid], buildingName: '3号\u202D楼', door: '302' },
            'buildingName',
          ],
          ['/households', { areaId: areas[AREAS.wenyuanGrid], buildingName: '3号楼', door: '30\u00003' }, 'door'],
        ] as Array<[string, object, string]>) {
          const res = await post(url, payload);
          assert.equal(res.statusCode, 400, `${url} ${field}: ${res.body}`);
          assert.equal(res.json().code, 'TEXT_FORBIDDEN_CHARACTER');
          assert.equal(res.json().errors[0].field, field);
        }
        assert.equal(
          Number(
            (
              await s.db
                .selectFrom('person')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
          0,
        );

        // A note keeps its text and line breaks and loses NUL and the bidi controls; names are NFC.
        const created = await post('/persons', {
          householdId,
          name: 'Jose\u0301 张',
          note: '行动\u0000不便\u202E\n二楼',
        });
        assert.equal(created.statusCode, 201, created.body);
        assert.equal(created.json().note, '行动不便\n二楼');
        const row = await s.db
          .selectFrom('person')
          .select(['name', 'note'])
          .where('id', '=', created.json().id)
          .executeTakeFirstOrThrow();
        assert.equal(row.name, 'José 张');
        assert.equal(row.note, '行动不便\n二楼');

        // Whatever was stored (an older row, a direct edit), an export never carries a NUL (and XLSX is still written).
        // (PostgreSQL text cannot hold a NUL at all: there the stored controls are BEL and ESC.)
        const stored = dialect === 'sqlite' ? 'old\u0000note\u0007' : 'old\u001bnote\u0007';
        await s.db.updateTable('person').set({ note: stored }).where('id', '=', created.json().id).execute();
        for (const format of ['csv', 'xlsx']) {
          const exported = await app.inject({
            method: 'GET',
            url: `/api/v1/registry/export?format=${format}`,
            headers: worker.headers,
          });
          assert.equal(exported.statusCode, 200, exported.body);
          if (format === 'csv') {
            assert.ok(exported.body.includes('oldnote'), exported.body);
            assert.ok(!exported.body.includes('\u0000'));
            assert.ok(!exported.body.includes('\u0007'));
            assert.ok(!exported.body.includes('\u001b'));
          }
        }
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('birth dates and ID numbers: a 1700 birth date, an 1899 ID, an unknown county code refused; a retired code accepted', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const post = (payload: object) =>
          app.inject({
            method: 'POST',
            url: '/api/v1/persons',
            headers: worker.headers,
            payload: { areaId: areas[AREAS.wenyuanGrid], ...payload },
          });
        const faults = (res: { json(): { errors: Array<{ field: string; code: string }> } }) =>
          res.json().errors.map((e) => `${e.field}:${e.code}`);

        const old = await post({ name: '李老', birthDate: '1700-01-01' });
        assert.equal(old.statusCode, 422, old.body);
        assert.deepEqual(faults(old), ['birthDate:BIRTH_DATE_OUT_OF_RANGE']);
        const future = await post({ name: '李小', birthDate: '2030-01-01' });
        assert.deepEqual(faults(future), ['birthDate:BIRTH_DATE_OUT_OF_RANGE']);
        const malformed = await post({ name: '李小', birthDate: '1990-02-30' });
        assert.deepEqual(faults(malformed), ['birthDate:BIRTH_DATE_INVALID']);

        const born1899 = await post({ name: '李旧', idNumber: rid('22040218990101031') });
        assert.deepEqual(faults(born1899), ['idNumber:ID_NUMBER_BIRTH_DATE']);
        // 22 is Jilin, but 229999 is no county of it, now or ever.
        const unknown = await post({ name: '李无', idNumber: rid('22999919800101031') });
        assert.equal(unknown.statusCode, 422);
        assert.deepEqual(faults(unknown), ['idNumber:ID_NUMBER_DIVISION']);
        // 110103 was Beijing's 崇文区 until 2010; numbers issued there still carry it.
        const retired = await post({ name: '李崇', idNumber: rid('11010319800101031') });
        assert.equal(retired.statusCode, 201, retired.body);
        // 220401 (辽源市市辖区) is no longer listed either.
        const retiredHere = await post({ name: '李辽', idNumber: rid('22040119750101032') });
        assert.equal(retiredHere.statusCode, 201, retiredHere.body);
        const current = await post({ name: '李今', idNumber: rid('22040219800101031') });
        assert.equal(current.statusCode, 201, current.body);
        const oldest = await post({ name: '李寿', birthDate: '1903-01-01' });
        assert.equal(oldest.statusCode, 201, oldest.body);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('JSON bodies are not coerced; querystrings still are', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const post = (payload: object) =>
          app.inject({
            method: 'POST',
            url: '/api/v1/persons',
            headers: worker.headers,
            payload: { areaId: areas[AREAS.wenyuanGrid], ...payload },
          });
        for (const payload of [
          { name: '张三', note: 123 },
          { name: ['a'] },
          { name: true },
          { name: '张三', careTags: 'elderly_alone' },
        ]) {
          const res = await post(payload);
          assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
          assert.equal(res.json().code, 'VALIDATION');
        }
        const household = await app.inject({
          method: 'POST',
          url: '/api/v1/households',
          headers: worker.headers,
          payload: { areaId: areas[AREAS.wenyuanGrid], door: '101', rooms: '3' },
        });
        assert.equal(household.statusCode, 400, household.body);
        assert.equal(household.json().code, 'VALIDATION');
        assert.equal(
          Number(
            (
              await s.db
                .selectFrom('person')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
          0,
        );
        // Querystrings are text on the wire: "?limit=5" is still the number 5.
        const listed = await app.inject({
          method: 'GET',
          url: '/api/v1/persons?limit=5&offset=0',
          headers: worker.headers,
        });
        assert.equal(listed.statusCode, 200, listed.body);
        assert.equal(listed.json().limit, 5);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('a roster row: a bidi override in a name or a building is a fault on its column; a NUL in a note is dropped', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const header =
          '序号,社区,网格,楼栋,单元,门牌号,户主姓名,与户主关系,姓名,性别,身份证号,联系电话,是否独居老人,是否卧床,是否有智能手机,备注';
        const upload = (rows: string[]) => {
          const boundary = '----cordon-hygiene';
          const payload = Buffer.concat([
            Buffer.from(
              `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: application/octet-stream\r\n\r\n`,
            ),
            Buffer.from([header, ...rows].join('\n')),
            Buffer.from(`\r\n--${boundary}--\r\n`),
          ]);
          return app.inject({
            method: 'POST',
            url: '/api/v1/registry/import',
            payload,
            headers: { ...worker.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
          });
        };
        const bad = await upload([
          '1,文苑社区,第一网格,3号\u202E楼,1单元,101,张三,本人,张三,男,,,否,否,是,',
          '2,文苑社区,第一网格,3号楼,1单元,102,李四,本人,李\u2066四,男,,,否,否,是,',
        ]);
        assert.equal(bad.statusCode, 422, bad.body);
        assert.deepEqual(
          bad
            .json()
            .errors.map((e: { row: number; column: string; code: string }) => `${e.row}|${e.column}|${e.code}`)
            .sort(),
          ['2|楼栋|TEXT_FORBIDDEN_CHARACTER', '3|姓名|TEXT_FORBIDDEN_CHARACTER'],
        );
        const good = await upload(['1,文苑社区,第一网格,3号楼,1单元,101,张三,本人,张三,男,,,否,否,是,行动\u0000不便']);
        assert.equal(good.statusCode, 200, good.body);
        const row = await s.db.selectFrom('person').select(['name', 'note']).executeTakeFirstOrThrow();
        assert.deepEqual([row.name, row.note], ['张三', '行动不便']);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
