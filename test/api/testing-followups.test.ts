// Testing rounds over HTTP, two checks: the previous round a new round is compared with must exist, be in
// the planner's area and go over at least one of the new round's areas; and door-knock marks on a round not
// yet started or closed are refused like the sampler's operations (ROUND_NOT_OPEN), while a phone resending a mark
// stored before the close still gets its first answer, and a mark queued offline before the close is kept.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { addAreas, callerOf, idNumber } from '../support/testing.http.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.parse('2022-04-02T06:00:00+08:00');
// Beside the test city: a second street with its own community and grid.
const DONGFENG = { street: '220402002', community: '220402002001', grid: '220402002001001' } as const;

async function setup(dialect: 'sqlite' | 'postgres') {
  const s: TestServices = await testServices(dialect);
  s.clock.set(START + HOUR);
  const areas = await seedTestAreas(s);
  await addAreas(s, areas, [
    [DONGFENG.street, '东风街道', 'street', AREAS.district],
    [DONGFENG.community, '东风社区', 'community', DONGFENG.street],
    [DONGFENG.grid, '第一网格', 'grid', DONGFENG.community],
  ]);
  const app: App = await build(s, { serveWeb: false });
  const call = callerOf(app);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const home = await call('POST', '/households', worker, {
    areaId: areas[AREAS.wenyuanGrid],
    buildingName: '1号楼',
    unit: '1',
    door: '101',
  });
  assert.equal(home.statusCode, 201, home.body);
  const people: string[] = [];
  for (let n = 1; n <= 4; n++) {
    const res = await call('POST', '/persons', worker, {
      householdId: home.json().id,
      name: `居民${n}号`,
      idNumber: idNumber(n),
    });
    assert.equal(res.statusCode, 201, res.body);
    people.push(res.json().id);
  }
  const command = await signIn(s, 'command', AREAS.city);
  return { s, app, call, areas, worker, command, people };
}

type T = Awaited<ReturnType<typeof setup>>;

function roundBody(t: T, name: string, areaCodes: string[], previousRoundId?: string) {
  return {
    name,
    startsAt: t.s.clock.now() - 30 * MIN,
    autoReport: false,
    areas: areaCodes.map((c) => ({ areaId: t.areas[c], controlLevel: 'controlled' })),
    ...(previousRoundId ? { previousRoundId } : {}),
  };
}

async function round(
  t: T,
  name: string,
  areaCodes: string[],
  previousRoundId?: string,
  who?: SignedIn,
): Promise<string> {
  const r = await t.call('POST', '/testing/rounds', who ?? t.command, roundBody(t, name, areaCodes, previousRoundId));
  assert.equal(r.statusCode, 201, r.body);
  return r.json().id as string;
}

for (const { dialect, skip } of await dialects()) {
  describe(`testing rounds: previous-round and closed-round checks [${dialect}]`, { skip }, () => {
    test('a new round’s previous round must exist, be in the planner’s area and overlap the new round’s areas', async () => {
      const t = await setup(dialect);
      try {
        const rounds = async () => (await t.s.db.selectFrom('testing_round').select('id').execute()).length;
        const wenyuan = await round(t, '文苑第一轮', [AREAS.wenyuan]);
        const dongfeng = await round(t, '东风第一轮', [DONGFENG.community]);

        const unknown = await t.call(
          'POST',
          '/testing/rounds',
          t.command,
          roundBody(t, '第二轮', [AREAS.wenyuan], 'r_no_such_round'),
        );
        assert.equal(unknown.statusCode, 422, unknown.body);
        assert.equal(unknown.json().code, 'ROUND_PREVIOUS_NOT_FOUND');
        assert.match(unknown.json().detail, /r_no_such_round/);
        assert.equal(unknown.json().field, 'previousRoundId');

        // A planner of 东风街道 cannot compare with a round of 文苑社区 (it is not theirs to see).
        const dongfengPlanner = await signIn(t.s, 'command', DONGFENG.street);
        const outside = await t.call(
          'POST',
          '/testing/rounds',
          dongfengPlanner,
          roundBody(t, '东风第二轮', [DONGFENG.community], wenyuan),
        );
        assert.equal(outside.statusCode, 403, outside.body);
        assert.equal(outside.json().code, 'ROUND_PREVIOUS_OUT_OF_SCOPE');
        assert.doesNotMatch(
          outside.json().detail,
          /文苑/,
          'the name of a round outside the planner’s area is not shown',
        );

        // The city planner sees both, but 东风 is not 文苑: nothing to compare.
        const apart = await t.call(
          'POST',
          '/testing/rounds',
          t.command,
          roundBody(t, '文苑第二轮', [AREAS.wenyuan, AREAS.xingyang], dongfeng),
        );
        assert.equal(apart.statusCode, 422, apart.body);
        assert.equal(apart.json().code, 'ROUND_PREVIOUS_NO_OVERLAP');
        assert.match(apart.json().detail, /东风第一轮/);
        const zh = await t.call(
          'POST',
          '/testing/rounds',
          { ...t.command, headers: { ...t.command.headers, 'accept-language': 'zh-CN' } },
          roundBody(t, '文苑第二轮', [AREAS.wenyuan], dongfeng),
        );
        assert.match(zh.json().detail, /不覆盖本轮次的任何区域/);
        assert.equal(await rounds(), 2, 'a refused round is not created');

        // Overlap either way: the new round over the street holding the previous round's community, over a
        // grid inside it, or over more areas than it; the 东风 planner may chain their own rounds.
        assert.ok(await round(t, '街道第二轮', [AREAS.street], wenyuan));
        assert.ok(await round(t, '网格复测', [AREAS.wenyuanGrid], wenyuan));
        assert.ok(await round(t, '文苑兴阳第二轮', [AREAS.xingyang, AREAS.wenyuan], wenyuan));
        assert.ok(await round(t, '东风第二轮', [DONGFENG.community], dongfeng, dongfengPlanner));
        assert.equal(await rounds(), 6);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test("door-knock marks before a round starts are refused like the sampler's scans", async () => {
      const t = await setup(dialect);
      const { call, s } = t;
      try {
        const planned = await call('POST', '/testing/rounds', t.command, {
          ...roundBody(t, '明日一轮', [AREAS.wenyuan]),
          startsAt: s.clock.now() + 2 * HOUR,
        });
        assert.equal(planned.statusCode, 201, planned.body);
        // A round's areas carry their path: the planner's page offers as previous rounds only those that overlap.
        assert.deepEqual(
          planned.json().areas.map((a: { code: string; path: string }) => a.path.endsWith(`/${a.code}/`)),
          [true],
        );
        const early = await call('POST', `/testing/rounds/${planned.json().id}/visits`, t.worker, {
          clientId: 'knock-early',
          personId: t.people[0],
          outcome: 'away',
        });
        assert.equal(early.statusCode, 409, early.body);
        assert.equal(early.json().code, 'ROUND_NOT_OPEN');
        assert.match(early.json().detail, /planned/);
        assert.equal((await s.db.selectFrom('testing_visit').select('id').execute()).length, 0);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('door-knock marks on a closed round are refused; resends of marks stored before the close answer as first', async () => {
      const t = await setup(dialect);
      const { call, s } = t;
      const [p1, p2, p3, p4] = t.people as [string, string, string, string];
      try {
        const roundId = await round(t, '第一轮', [AREAS.wenyuan]);
        const visits = async () =>
          (await s.db.selectFrom('testing_visit').select('id').where('round_id', '=', roundId).execute()).length;
        const homeTasks = async () =>
          (
            await s.db
              .selectFrom('testing_task')
              .select('id')
              .where('round_id', '=', roundId)
              .where('kind', '=', 'home')
              .execute()
          ).length;

        // Before the close: one mark online, one through the queue.
        const mark = { clientId: 'knock-0001', personId: p1, outcome: 'bedridden', at: s.clock.now() - MIN };
        const online = await call('POST', `/testing/rounds/${roundId}/visits`, t.worker, mark);
        assert.equal(online.statusCode, 201, online.body);
        const queued = {
          type: 'visit',
          clientId: 'knock-0002',
          at: s.clock.now() - MIN,
          roundId,
          personId: p2,
          outcome: 'away',
        };
        const synced = await call('POST', '/testing/sync', t.worker, { ops: [queued] });
        assert.equal(synced.json().results[0].ok, true, synced.body);
        const offlineAt = s.clock.now() - 2 * MIN; // a mark made now, on a phone without network

        s.clock.advance(5 * MIN);
        const closed = await call('POST', `/testing/rounds/${roundId}/close`, t.command);
        assert.equal(closed.json().status, 'closed');
        s.clock.advance(5 * MIN);

        // Resends after the close: the first answers, nothing new stored.
        const resend = await call('POST', `/testing/rounds/${roundId}/visits`, t.worker, mark);
        assert.equal(resend.statusCode, 200, resend.body);
        assert.deepEqual(resend.json(), online.json());
        const resync = await call('POST', '/testing/sync', t.worker, {
          ops: [queued, { type: 'visit', ...mark, roundId }],
        });
        assert.deepEqual(
          resync
            .json()
            .results.map((r: { ok: boolean; duplicate: boolean; visit?: { id: string } }) => [
              r.ok,
              r.duplicate,
              r.visit?.id,
            ]),
          [
            [true, true, synced.json().results[0].visit.id],
            [true, true, online.json().id],
          ],
        );
        assert.equal(await visits(), 2);
        assert.equal(await homeTasks(), 1);

        // New marks after the close: refused with the sampler's closed-round error, online and queued.
        const late = await call('POST', `/testing/rounds/${roundId}/visits`, t.worker, {
          clientId: 'knock-0003',
          personId: p3,
          outcome: 'bedridden',
        });
        assert.equal(late.statusCode, 409, late.body);
        assert.equal(late.json().code, 'ROUND_NOT_OPEN');
        assert.match(late.json().detail, /closed/);
        const lateQueued = {
          type: 'visit',
          clientId: 'knock-0004',
          at: s.clock.now(),
          roundId,
          personId: p4,
          outcome: 'refused',
        };
        const lateSync = await call('POST', '/testing/sync', t.worker, { ops: [lateQueued] });
        assert.deepEqual(
          lateSync.json().results.map((r: { ok: boolean; error?: { code: string } }) => [r.ok, r.error?.code]),
          [[false, 'ROUND_NOT_OPEN']],
        );
        const lateResync = await call('POST', '/testing/sync', t.worker, { ops: [lateQueued] });
        assert.deepEqual(
          lateResync
            .json()
            .results.map((r: { ok: boolean; duplicate: boolean; error?: { code: string } }) => [
              r.ok,
              r.duplicate,
              r.error?.code,
            ]),
          [[false, true, 'ROUND_NOT_OPEN']],
          'a refused mark stays refused on resend',
        );
        // The sampler's operations answer the same on the closed round.
        const sampler = await signIn(s, 'sampler', AREAS.street);
        const site = await call('POST', '/testing/sites', t.command, {
          areaId: t.areas[AREAS.wenyuanGrid],
          name: '文苑广场采样点',
        });
        const table = await call('POST', `/testing/sites/${site.json().id}/tables`, t.command, { name: '1号台' });
        const tube = await call('POST', '/testing/sync', sampler, {
          ops: [
            {
              type: 'tube.open',
              clientId: 'tube-0001',
              at: s.clock.now(),
              roundId,
              tableId: table.json().id,
              barcode: 'C0001',
            },
          ],
        });
        assert.equal(tube.json().results[0].error.code, lateSync.json().results[0].error.code);
        assert.equal(tube.json().results[0].error.message, lateSync.json().results[0].error.message);
        assert.equal(await visits(), 2);
        assert.equal(await homeTasks(), 1, 'no home task for a bedridden mark refused after the close');

        // A mark made before the close on a phone without network, synced after: kept, like the sampler's queue.
        const offline = await call('POST', '/testing/sync', t.worker, {
          ops: [{ type: 'visit', clientId: 'knock-0005', at: offlineAt, roundId, personId: p3, outcome: 'away' }],
        });
        assert.deepEqual(
          offline.json().results.map((r: { ok: boolean }) => r.ok),
          [true],
          offline.body,
        );
        const offlineOnline = await call('POST', `/testing/rounds/${roundId}/visits`, t.worker, {
          clientId: 'knock-0006',
          personId: p4,
          outcome: 'away',
          at: offlineAt,
        });
        assert.equal(offlineOnline.statusCode, 201, offlineOnline.body);
        assert.equal(await visits(), 4);
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
