// Reads across areas (issue 13, finding 5): an ID number held in another area is not a way to learn
// who holds it; pools and boxes are read by where their members live.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { addAreas, callerOf, fillTube, idNumber } from '../support/testing.http.ts';

const ZHANG_ID = '220402195304120318';
const HOUR = 3_600_000;
const START = Date.parse('2022-04-02T06:00:00+08:00');
const HEADER =
  '序号,社区,网格,楼栋,单元,门牌号,户主姓名,与户主关系,姓名,性别,身份证号,联系电话,是否独居老人,是否卧床,是否有智能手机,备注';

function multipart(fileName: string, content: string, headers: Record<string, string>) {
  const boundary = '----cordon-cross-area';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
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
        const post = (who: { headers: Record<string, string> }, payload: object) =>
          app.inject({ method: 'POST', url: '/api/v1/persons', headers: who.headers, payload });
        const zhang = await post(wenyuan, { areaId: areas[AREAS.wenyuanGrid], name: '张建国', idNumber: ZHANG_ID });
        assert.equal(zhang.statusCode, 201, zhang.body);
        const zhangId = zhang.json().id as string;

        // Outside the holder's area: its own code, and nothing about the holder.
        const outside = await post(xingyang, { areaId: areas[AREAS.xingyangGrid], name: '张冒名', idNumber: ZHANG_ID });
        assert.equal(outside.statusCode, 409, outside.body);
        assert.equal(outside.json().code, 'ID_NUMBER_REGISTERED_ELSEWHERE');
        assert.equal(outside.json().existing, undefined);
        for (const leak of [zhangId, '张建国', '张*国', '文苑'])
          assert.ok(!outside.body.includes(leak), `leaked ${leak}`);
        const events = await s.db
          .selectFrom('audit_event')
          .select(['actor_id', 'object_id', 'detail'])
          .where('action', '=', 'person.id_registered_elsewhere')
          .execute();
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
        const file = [HEADER, `1,兴阳社区,第一网格,9号楼,1单元,101,张三,本人,张三,男,${ZHANG_ID},,否,否,是,`].join(
          '\n',
        );
        const imported = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('r.csv', file, xingyang.headers),
        });
        assert.equal(imported.statusCode, 422, imported.body);
        assert.deepEqual(
          imported.json().errors.map((e: { code: string }) => e.code),
          ['ID_NUMBER_REGISTERED_ELSEWHERE'],
        );
        for (const leak of [zhangId, '张建国', '张*国', '文苑'])
          assert.ok(!imported.body.includes(leak), `import leaked ${leak}`);
        const importEvents = await s.db
          .selectFrom('audit_event')
          .select(['detail'])
          .where('action', '=', 'person.id_registered_elsewhere')
          .where('object_type', '=', 'roster')
          .execute();
        assert.equal(importEvents.length, 1);
        assert.deepEqual(JSON.parse(importEvents[0]!.detail).rows, [
          { row: 2, holderId: zhangId, holderAreaId: areas[AREAS.wenyuanGrid] },
        ]);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test("a pool is read by where its members live: rows inside the reader's area, a count outside; boxes show only the reader's tubes", async () => {
      const s = await testServices(dialect);
      s.clock.set(START + HOUR);
      const areas = await seedTestAreas(s);
      await addAreas(s, areas, [
        ['220403', '西安区', 'district', AREAS.city],
        ['220403001', '仙城街道', 'street', '220403'],
        ['220403001001', '桥北社区', 'community', '220403001'],
      ]);
      const app = await build(s, { serveWeb: false });
      const call = callerOf(app);
      try {
        const wenyuan = await signIn(s, 'community_worker', AREAS.wenyuan);
        const xingyang = await signIn(s, 'community_worker', AREAS.xingyang);
        const qiaobei = await signIn(s, 'community_worker', '220403001001');
        const investigator = await signIn(s, 'investigator', AREAS.city);
        const command = await signIn(s, 'command', AREAS.city);
        const sampler = await signIn(s, 'sampler', AREAS.street);
        const lab = await signIn(s, 'lab', AREAS.city);
        const people = async (who: typeof wenyuan, grid: string, names: string[], first: number) => {
          const ids: string[] = [];
          for (const [i, name] of names.entries()) {
            const res = await call('POST', '/persons', who, {
              areaId: areas[grid],
              name,
              idNumber: idNumber(first + i),
            });
            assert.equal(res.statusCode, 201, res.body);
            ids.push(res.json().id);
          }
          return ids;
        };
        const wy = await people(wenyuan, AREAS.wenyuanGrid, ['文苑甲', '文苑乙'], 1);
        const xy = await people(xingyang, AREAS.xingyangGrid, ['兴阳丙', '兴阳丁'], 101);
        const round = await call('POST', '/testing/rounds', command, {
          name: '第一轮',
          startsAt: START,
          areas: [
            { areaId: areas[AREAS.wenyuan], controlLevel: 'controlled' },
            { areaId: areas[AREAS.xingyang], controlLevel: 'controlled' },
          ],
        });
        assert.equal(round.statusCode, 201, round.body);
        const roundId = round.json().id as string;
        const table = async (grid: string, name: string) => {
          const site = await call('POST', '/testing/sites', command, { areaId: areas[grid], name });
          const t = await call('POST', `/testing/sites/${site.json().id}/tables`, command, { name: '1号台' });
          assert.equal(t.statusCode, 201, t.body);
          return t.json().id as string;
        };
        const wyTable = await table(AREAS.wenyuanGrid, '文苑广场采样点');
        const xyTable = await table(AREAS.xingyangGrid, '兴阳采样点');
        // Two of 兴阳's residents give their sample at 文苑's site, in one tube with two of 文苑's.
        await fillTube(call, sampler, roundId, wyTable, 'P0001', [...wy, ...xy]);
        s.clock.advance(2 * HOUR);
        const up = await call('POST', '/testing/lab/results', lab, {
          roundId,
          results: [{ barcode: 'P0001', result: 'positive', ctN: 33, ctOrf1ab: 34, testedAt: s.clock.now() - HOUR }],
        });
        assert.equal(up.statusCode, 200, up.body);
        const poolId = up.json().pools[0].id as string;
        assert.equal((await call('POST', `/testing/pools/${poolId}/report`, command, {})).statusCode, 200);

        // The sampling area's worker: the pool, their two residents as rows, the other two a count.
        const mine = await call('GET', `/testing/pools/${poolId}`, wenyuan);
        assert.equal(mine.statusCode, 200, mine.body);
        assert.deepEqual(
          mine
            .json()
            .members.map((m: { personId: string }) => m.personId)
            .sort(),
          [...wy].sort(),
        );
        assert.equal(mine.json().pool.members, 4);
        assert.equal(mine.json().pool.membersOutside, 2);
        for (const leak of ['兴*丙', '兴*丁', '兴阳', '8号楼', ...xy])
          assert.ok(!mine.body.includes(leak), `leaked ${leak}`);
        assert.ok(
          mine
            .json()
            .notifications.every(
              (n: { kind: string; areaId: string | null }) =>
                n.kind !== 'community' || n.areaId === areas[AREAS.wenyuan],
            ),
        );
        const listed = await call('GET', `/testing/pools?roundId=${roundId}&status=all`, wenyuan);
        assert.deepEqual(
          listed.json().items.map((p: { id: string; membersOutside: number }) => [p.id, p.membersOutside]),
          [[poolId, 2]],
        );

        // Where two members live: the pool too (their residents are in it), with only those two as rows.
        const theirs = await call('GET', `/testing/pools/${poolId}`, xingyang);
        assert.equal(theirs.statusCode, 200, theirs.body);
        assert.deepEqual(
          theirs
            .json()
            .members.map((m: { personId: string }) => m.personId)
            .sort(),
          [...xy].sort(),
        );
        assert.equal(theirs.json().pool.membersOutside, 2);
        for (const leak of ['文*甲', '文*乙', ...wy]) assert.ok(!theirs.body.includes(leak), `leaked ${leak}`);
        assert.equal((await call('GET', `/testing/pools?roundId=${roundId}&status=all`, xingyang)).json().total, 1);

        // The city's command reads every member; another district's worker reads nothing; a role without testing.view is refused.
        const all = await call('GET', `/testing/pools/${poolId}`, command);
        assert.equal(all.json().members.length, 4);
        assert.equal(all.json().pool.membersOutside, 0);
        const foreign = await call('GET', `/testing/pools/${poolId}`, qiaobei);
        assert.equal(foreign.statusCode, 403);
        assert.equal(foreign.json().code, 'OUT_OF_SCOPE');
        assert.equal((await call('GET', '/testing/pools?status=all', qiaobei)).json().total, 0);
        assert.equal((await call('GET', `/testing/pools/${poolId}`, investigator)).statusCode, 403);
        assert.equal((await call('GET', `/testing/pools/${poolId}`, investigator)).json().code, 'FORBIDDEN');
        const read = await s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'testing.pool.read')
          .where('actor_id', '=', wenyuan.userId)
          .executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(read.detail), { members: 2, membersOutside: 2 });

        // A box with a tube from each community: each reader sees their own barcodes and a count of the others.
        // (The pool's members are under control now: their re-samples go into single tubes.)
        await fillTube(call, sampler, roundId, wyTable, 'P0002', [wy[0]!], 'single');
        await fillTube(call, sampler, roundId, xyTable, 'X0002', [xy[0]!], 'single');
        const box = await call('POST', '/testing/boxes', sampler, { roundId, code: 'BOX0001' });
        assert.equal(box.statusCode, 201, box.body);
        assert.equal(
          (await call('POST', `/testing/boxes/${box.json().id}/tubes`, sampler, { barcodes: ['P0002', 'X0002'] }))
            .statusCode,
          200,
        );
        const boxOf = async (who: typeof wenyuan) => (await call('GET', `/testing/boxes/${box.json().id}`, who)).json();
        assert.deepEqual(await boxOf(wenyuan).then((b) => [b.box.tubes, b.barcodes, b.otherTubes]), [2, ['P0002'], 1]);
        assert.deepEqual(await boxOf(xingyang).then((b) => [b.box.tubes, b.barcodes, b.otherTubes]), [2, ['X0002'], 1]);
        assert.deepEqual(await boxOf(sampler).then((b) => [b.barcodes, b.otherTubes]), [['P0002', 'X0002'], 0]);
        assert.equal((await call('GET', `/testing/boxes/${box.json().id}`, qiaobei)).statusCode, 403);
        assert.equal((await call('GET', `/testing/boxes/${box.json().id}`, investigator)).statusCode, 403);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
