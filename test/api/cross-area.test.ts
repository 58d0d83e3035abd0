// Reads across areas (issue 13, finding 5): an ID number held in another area is not a way to learn
// who holds it; pools and boxes are read by where their members live.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices } from '../support/services.ts';
import { build } from '../../src/app.ts';

const ZHANG_ID = '220402195304120318';
const HEADER = '序号,社区,网格,楼栋,单元,门牌号,户主姓名,与户主关系,姓名,性别,身份证号,联系电话,是否独居老人,是否卧床,是否有智能手机,备注';

function multipart(fileName: string, content: string, headers: Record<string, string>) {
  const boundary = '----cordon-cross-area';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

for (const { dialect, skip } of await dialects()) {
  describe(`cross-area reads [${dialect}]`, { skip }, () => {
    test('an ID number registered in another area answers only that, and the attempt is audited', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const wenyuan = await signIn(s, 'community_worker', AREAS.wenyuan);
        const xingyang = await signIn(s, 'community_worker', AREAS.xingyang);
        const post = (who: { headers: Record<string, string> }, payload: object) => app.inject({ method: 'POST', url: '/api/v1/persons', headers: who.headers, payload });
        const zhang = await post(wenyuan, { areaId: areas[AREAS.wenyuanGrid], name: '张建国', idNumber: ZHANG_ID });
        assert.equal(zhang.statusCode, 201, zhang.body);
        const zhangId = zhang.json().id as string;

        // Outside the holder's area: its own code, and nothing about the holder.
        const outside = await post(xingyang, { areaId: areas[AREAS.xingyangGrid], name: '张冒名', idNumber: ZHANG_ID });
        assert.equal(outside.statusCode, 409, outside.body);
        assert.equal(outside.json().code, 'ID_NUMBER_REGISTERED_ELSEWHERE');
        assert.equal(outside.json().existing, undefined);
        for (const leak of [zhangId, '张建国', '张*国', '文苑']) assert.ok(!outside.body.includes(leak), `leaked ${leak}`);
        const events = await s.db.selectFrom('audit_event').select(['actor_id', 'object_id', 'detail']).where('action', '=', 'person.id_registered_elsewhere').execute();
        assert.equal(events.length, 1);
        assert.equal(events[0]!.actor_id, xingyang.userId);
        assert.equal(events[0]!.object_id, zhangId);
        assert.equal(JSON.parse(events[0]!.detail).attempt, 'person.create');

        // Inside it: unchanged, the holder named so the worker can open the record.
        const inside = await post(wenyuan, { areaId: areas[AREAS.wenyuanGrid], name: '张冒名', idNumber: ZHANG_ID });
        assert.equal(inside.statusCode, 409);
        assert.equal(inside.json().code, 'ID_NUMBER_DUPLICATE');
        assert.equal(inside.json().existing.id, zhangId);

        // A roster row: the same code with no holder in its message, audited once for the file.
        const file = [HEADER, `1,兴阳社区,第一网格,9号楼,1单元,101,张三,本人,张三,男,${ZHANG_ID},,否,否,是,`].join('\n');
        const imported = await app.inject({ method: 'POST', url: '/api/v1/registry/import', ...multipart('r.csv', file, xingyang.headers) });
        assert.equal(imported.statusCode, 422, imported.body);
        assert.deepEqual(imported.json().errors.map((e: { code: string }) => e.code), ['ID_NUMBER_REGISTERED_ELSEWHERE']);
        for (const leak of [zhangId, '张建国', '张*国', '文苑']) assert.ok(!imported.body.includes(leak), `import leaked ${leak}`);
        const importEvents = await s.db.selectFrom('audit_event').select(['detail']).where('action', '=', 'person.id_registered_elsewhere').where('object_type', '=', 'roster').execute();
        assert.equal(importEvents.length, 1);
        assert.deepEqual(JSON.parse(importEvents[0]!.detail).rows, [{ row: 2, holderId: zhangId, holderAreaId: areas[AREAS.wenyuanGrid] }]);
      } finally { await app.close(); await s.close(); }
    });
  });
}
