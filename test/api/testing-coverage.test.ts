// Testing rounds over HTTP, the planner's and grid worker's side: the accounts a planner may staff
// (searched by role and name, inside the planner's area), coverage that counts a positive pool where
// its members live (a pool spanning two grids is in both, once in their community), the previous
// round beside each row, and door-knock visit marks that a resending phone cannot duplicate.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { addAreas, callerOf, fillTube as fillTubeBy, idNumber } from '../support/testing.http.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.parse('2022-04-02T06:00:00+08:00');
// Beside the test city: a second grid in 文苑社区, and a second street with its own community and grid.
const MORE = {
  wenyuanGrid2: '220402001001002',
  dongfeng: '220402002',
  dongfengCommunity: '220402002001',
  dongfengGrid: '220402002001001',
} as const;

async function setup(dialect: 'sqlite' | 'postgres') {
  const s: TestServices = await testServices(dialect);
  s.clock.set(START + HOUR);
  const areas = await seedTestAreas(s);
  const extra: Array<[string, string, string, string]> = [
    [MORE.wenyuanGrid2, '第二网格', 'grid', AREAS.wenyuan],
    [MORE.dongfeng, '东风街道', 'street', AREAS.district],
    [MORE.dongfengCommunity, '东风社区', 'community', MORE.dongfeng],
    [MORE.dongfengGrid, '第一网格', 'grid', MORE.dongfengCommunity],
  ];
  await addAreas(s, areas, extra);
  const app: App = await build(s, { serveWeb: false });
  const call = callerOf(app);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  let n = 0;
  async function household(
    grid: string,
    buildingName: string,
    door: string,
    people: number,
    who = worker,
  ): Promise<string[]> {
    const home = await call('POST', '/households', who, { areaId: areas[grid], buildingName, unit: '1', door });
    assert.equal(home.statusCode, 201, home.body);
    const ids: string[] = [];
    for (let i = 0; i < people; i++) {
      const res = await call('POST', '/persons', who, {
        householdId: home.json().id,
        name: `居民${++n}号`,
        idNumber: idNumber(n),
      });
      assert.equal(res.statusCode, 201, res.body);
      ids.push(res.json().id);
    }
    return ids;
  }
  // 文苑 grid 1: buildings 1号楼 and 2号楼, three people each; grid 2: 5号楼, three people; 兴阳: two.
  const A = await household(AREAS.wenyuanGrid, '1号楼', '101', 3);
  const B = await household(AREAS.wenyuanGrid, '2号楼', '201', 3);
  const C = await household(MORE.wenyuanGrid2, '5号楼', '501', 3);
  const X = await household(AREAS.xingyangGrid, '8号楼', '801', 2, await signIn(s, 'community_worker', AREAS.xingyang));
  const command = await signIn(s, 'command', AREAS.city);
  const sampler = await signIn(s, 'sampler', AREAS.street);
  const lab = await signIn(s, 'lab', AREAS.city);
  const site = await call('POST', '/testing/sites', command, {
    areaId: areas[AREAS.wenyuanGrid],
    name: '文苑广场采样点',
  });
  const table = await call('POST', `/testing/sites/${site.json().id}/tables`, command, { name: '1号台' });
  assert.equal(table.statusCode, 201, table.body);
  return { s, app, call, areas, worker, command, sampler, lab, tableId: table.json().id as string, A, B, C, X };
}

type T = Awaited<ReturnType<typeof setup>>;

async function round(t: T, name: string, areaCodes: string[], previousRoundId?: string): Promise<string> {
  const r = await t.call('POST', '/testing/rounds', t.command, {
    name,
    startsAt: t.s.clock.now() - 30 * MIN,
    autoReport: false,
    areas: areaCodes.map((c) => ({ areaId: t.areas[c], controlLevel: 'controlled' })),
    ...(previousRoundId ? { previousRoundId } : {}),
  });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().id as string;
}

async function fillTube(t: T, roundId: string, barcode: string, people: string[]): Promise<void> {
  await fillTubeBy(t.call, t.sampler, roundId, t.tableId, barcode, people);
}

interface Row {
  areaId: string | null;
  buildingId: string | null;
  name: string;
  target: number;
  sampled: number;
  positivePools: number;
  missing: number;
  previous: { target: number; sampled: number; missing: number; positivePools: number } | null;
}

async function coverageOf(t: T, roundId: string, areaCode?: string) {
  const res = await t.call(
    'GET',
    `/testing/rounds/${roundId}/coverage${areaCode ? `?areaId=${t.areas[areaCode]}` : ''}`,
    t.command,
  );
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { rows: Row[]; totals: Omit<Row, 'areaId' | 'buildingId' | 'name'> };
}

const byName = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.name, r]));

for (const { dialect, skip } of await dialects()) {
  describe(`testing coverage, staffing and door-knocking HTTP [${dialect}]`, { skip }, () => {
    test('a positive pool counts where its members live: in each grid and building, once above; the previous round beside each row', async () => {
      const t = await setup(dialect);
      try {
        const first = await round(t, '第一轮', [AREAS.wenyuan]);
        // One 10:1 tube with members in both grids of 文苑 (buildings 1, 2 and 5): positive. Another: negative.
        await fillTube(t, first, 'R1P01', [t.A[0]!, t.A[1]!, t.B[0]!, t.C[0]!, t.C[1]!]);
        await fillTube(t, first, 'R1N01', [t.A[2]!, t.B[1]!]);
        t.s.clock.advance(2 * HOUR);
        const lab = await t.call('POST', '/testing/lab/results', t.lab, {
          roundId: first,
          results: [
            { barcode: 'R1P01', result: 'positive', ctN: 31.5, ctOrf1ab: 32.2, testedAt: t.s.clock.now() - MIN },
            { barcode: 'R1N01', result: 'negative', testedAt: t.s.clock.now() - MIN },
          ],
        });
        assert.equal(lab.statusCode, 200, lab.body);
        assert.equal(lab.json().pools.length, 1);

        const community = await coverageOf(t, first, AREAS.wenyuan);
        const grids = byName(community.rows);
        assert.deepEqual(
          [grids['第一网格']!.target, grids['第一网格']!.sampled, grids['第一网格']!.positivePools],
          [6, 5, 1],
        );
        assert.deepEqual(
          [grids['第二网格']!.target, grids['第二网格']!.sampled, grids['第二网格']!.positivePools],
          [3, 2, 1],
        );
        assert.equal(community.totals.positivePools, 1, 'the community counts the pool once');
        assert.equal(community.totals.sampled, 7);
        const top = await coverageOf(t, first);
        assert.deepEqual(
          top.rows.map((r) => [r.name, r.positivePools]),
          [['文苑社区', 1]],
        );
        assert.equal(top.totals.positivePools, 1);

        const grid1 = await coverageOf(t, first, AREAS.wenyuanGrid);
        assert.deepEqual(grid1.rows.map((r) => [r.name, r.target, r.sampled, r.positivePools]).sort(), [
          ['1号楼', 3, 3, 1],
          ['2号楼', 3, 2, 1],
        ]);
        assert.equal(grid1.totals.positivePools, 1);
        const grid2 = await coverageOf(t, first, MORE.wenyuanGrid2);
        assert.deepEqual(
          grid2.rows.map((r) => [r.name, r.target, r.sampled, r.positivePools]),
          [['5号楼', 3, 2, 1]],
        );

        // The next round goes over the whole street; 文苑 compares with the first round, 兴阳 has nothing to compare with.
        t.s.clock.advance(HOUR);
        await t.call('POST', `/testing/rounds/${first}/close`, t.command);
        const second = await round(t, '第二轮', [AREAS.street], first);
        await fillTube(t, second, 'R2N01', [t.A[0]!, t.C[2]!]);
        const street = await coverageOf(t, second, AREAS.street);
        const communities = byName(street.rows);
        assert.deepEqual(communities['文苑社区']!.previous, {
          target: 9,
          sampled: 7,
          missing: 2,
          rate: 7 / 9,
          positivePools: 1,
        });
        assert.deepEqual([communities['文苑社区']!.sampled, communities['文苑社区']!.positivePools], [2, 0]);
        assert.equal(communities['兴阳社区']!.previous, null, 'the first round did not go to 兴阳');
        assert.equal(communities['兴阳社区']!.target, 2);
        assert.deepEqual(street.totals.previous, { target: 9, sampled: 7, missing: 2, rate: 7 / 9, positivePools: 1 });
        const againGrids = byName((await coverageOf(t, second, AREAS.wenyuan)).rows);
        assert.deepEqual(
          [againGrids['第一网格']!.previous?.sampled, againGrids['第一网格']!.previous?.positivePools],
          [5, 1],
        );
        assert.deepEqual(
          [
            againGrids['第二网格']!.sampled,
            againGrids['第二网格']!.previous?.sampled,
            againGrids['第二网格']!.previous?.positivePools,
          ],
          [1, 2, 1],
        );
        const building5 = (await coverageOf(t, second, MORE.wenyuanGrid2)).rows[0]!;
        assert.deepEqual(
          [
            building5.name,
            building5.sampled,
            building5.previous?.sampled,
            building5.previous?.missing,
            building5.previous?.positivePools,
          ],
          ['5号楼', 1, 2, 1, 1],
        );

        // The pool-size advisor for the round: nothing to estimate from before the first round; the second
        // estimates prevalence from the first (7 people resulted, one pool still open), or takes a typed one.
        const pooling = async (roundId: string, query = '') => {
          const res = await t.call('GET', `/testing/rounds/${roundId}/pooling${query}`, t.command);
          assert.equal(res.statusCode, 200, res.body);
          return res.json();
        };
        const none = await pooling(first);
        assert.deepEqual([none.source, none.prevalence, none.totals], ['none', null, null]);
        assert.deepEqual(
          none.areas.map((a: { population: number; mandatedPoolSize: number; expectedTubes: number | null }) => [
            a.population,
            a.mandatedPoolSize,
            a.expectedTubes,
          ]),
          [[9, 10, null]],
        );
        const estimated = await pooling(second);
        assert.equal(estimated.source, 'estimated');
        assert.deepEqual(
          [
            estimated.estimate.resulted,
            estimated.estimate.positives,
            estimated.estimate.rounds.map((r: { name: string }) => r.name),
          ],
          [7, 1, ['第一轮']],
        );
        assert.equal(estimated.prevalence, 1.5 / 8);
        await t.call('PATCH', `/testing/rounds/${second}`, t.command, {
          areas: [{ areaId: t.areas[MORE.wenyuanGrid2], controlLevel: 'sealed' }],
        });
        const typed = await pooling(second, `?prevalence=${encodeURIComponent('0.2%')}`);
        assert.deepEqual([typed.source, typed.prevalence], ['typed', 0.002]);
        const [streetPlan, sealedGrid] = typed.areas as Array<{
          population: number;
          controlLevel: string;
          recommendedPoolSize: number;
          expectedTubes: number;
          expectedControlled: number;
        }>;
        assert.deepEqual(
          [streetPlan!.population, streetPlan!.controlLevel, streetPlan!.recommendedPoolSize],
          [8, 'controlled', 10],
          'the sealed grid’s people are counted there',
        );
        assert.equal(streetPlan!.expectedTubes, 1);
        assert.deepEqual(
          [
            sealedGrid!.population,
            sealedGrid!.recommendedPoolSize,
            sealedGrid!.expectedTubes,
            sealedGrid!.expectedControlled,
          ],
          [3, 1, 3, 0],
        );
        assert.equal(typed.totals.population, 11);
        const bad = await t.call('GET', `/testing/rounds/${second}/pooling?prevalence=lots`, t.command);
        assert.equal(bad.json().code, 'ADVISOR_INPUT_INVALID');
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('staffing: the planner searches accounts by role and name inside their own area, and assigns only what fits', async () => {
      const t = await setup(dialect);
      const { call, s } = t;
      try {
        const roundId = await round(t, '第一轮', [AREAS.wenyuan]);
        const named = async (
          role: 'sampler' | 'community_worker' | 'resident',
          code: string,
          displayName: string,
          disabled = 0,
        ) => {
          const u = await signIn(s, role, code);
          await s.db
            .updateTable('app_user')
            .set({ display_name: displayName, disabled })
            .where('id', '=', u.userId)
            .execute();
          return u.userId;
        };
        const jia = await named('sampler', AREAS.wenyuanGrid, '采样员甲');
        const yi = await named('sampler', MORE.dongfengCommunity, '采样员乙');
        const off = await named('sampler', AREAS.wenyuan, '采样员丙', 1);
        const gridWorker = await named('community_worker', AREAS.wenyuan, '网格员丁');
        const resident = await named('resident', AREAS.wenyuan, '采样居民');
        const planner = await signIn(s, 'command', AREAS.street); // 向阳街道's command post
        const candidates = async (who: SignedIn, query: string) => {
          const res = await call('GET', `/testing/rounds/${roundId}/staff/candidates${query}`, who);
          assert.equal(res.statusCode, 200, res.body);
          return res.json().items as Array<{
            userId: string;
            displayName: string;
            role: string;
            areaName: string;
            duties: string[];
          }>;
        };

        // A street-level planner sees the samplers of their own street only, never another street's, a disabled account or a resident.
        const mine = await candidates(planner, '?role=sampler');
        assert.ok(mine.some((u) => u.userId === jia));
        assert.ok(mine.some((u) => u.userId === t.sampler.userId));
        assert.ok(!mine.some((u) => u.userId === yi), 'a sampler of 东风街道 is not offered to 向阳街道');
        assert.ok(!mine.some((u) => u.userId === off), 'a disabled account is not offered');
        assert.ok(mine.every((u) => u.role === 'sampler'));
        assert.deepEqual(
          (await candidates(planner, `?role=sampler&q=${encodeURIComponent('采样')}`)).map((u) => u.displayName),
          ['采样员甲'],
        );
        const username = (
          await s.db
            .selectFrom('app_user')
            .select('username')
            .where('id', '=', t.sampler.userId)
            .executeTakeFirstOrThrow()
        ).username;
        assert.deepEqual(
          (await candidates(planner, `?q=${encodeURIComponent(username.slice(0, -2).toUpperCase())}`)).map(
            (u) => u.userId,
          ),
          [t.sampler.userId],
          'by username prefix',
        );
        assert.deepEqual(await candidates(planner, `?q=${encodeURIComponent('%')}`), [], 'a wildcard is a character');
        const anyRole = await candidates(planner, '');
        assert.ok(anyRole.some((u) => u.userId === gridWorker));
        assert.ok(!anyRole.some((u) => u.userId === resident));
        // Narrowed to a sub-area; the city's command post sees both streets.
        assert.deepEqual(
          (await candidates(planner, `?role=sampler&areaId=${t.areas[AREAS.wenyuanGrid]}`)).map((u) => u.userId),
          [jia],
        );
        assert.equal(
          (
            await call('GET', `/testing/rounds/${roundId}/staff/candidates?areaId=${t.areas[MORE.dongfeng]}`, planner)
          ).json().code,
          'OUT_OF_SCOPE',
        );
        const city = await candidates(t.command, '?role=sampler');
        assert.ok(city.some((u) => u.userId === yi) && city.some((u) => u.userId === jia));
        // Who may search: a planner of the round's area, not a sampler, not a planner elsewhere.
        assert.equal((await call('GET', `/testing/rounds/${roundId}/staff/candidates`, t.sampler)).statusCode, 403);
        const xplanner = await signIn(s, 'command', AREAS.xingyang);
        assert.equal(
          (await call('GET', `/testing/rounds/${roundId}/staff/candidates`, xplanner)).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal(
          (await call('GET', `/testing/rounds/nope/staff/candidates`, planner)).json().code,
          'ROUND_NOT_FOUND',
        );

        // Assigning: what the search offers fits; what it hides is refused.
        const add = (who: SignedIn, userId: string, duty: string, tableId?: string) =>
          call('POST', `/testing/rounds/${roundId}/staff`, who, { userId, duty, ...(tableId ? { tableId } : {}) });
        const assigned = await add(planner, jia, 'sampler', t.tableId);
        assert.equal(assigned.statusCode, 201, assigned.body);
        assert.equal((await add(planner, jia, 'sampler', t.tableId)).json().code, 'STAFF_ALREADY_ASSIGNED');
        assert.deepEqual((await candidates(planner, `?q=${encodeURIComponent('采样员甲')}`))[0]!.duties, ['sampler']);
        assert.equal((await add(planner, yi, 'sampler')).json().code, 'STAFF_USER_NOT_FOUND');
        assert.equal((await add(planner, off, 'sampler')).json().code, 'STAFF_USER_NOT_ASSIGNABLE');
        assert.equal((await add(planner, resident, 'registrar')).json().code, 'STAFF_USER_NOT_ASSIGNABLE');
        const unfit = await add(planner, gridWorker, 'squad');
        assert.equal(unfit.statusCode, 422);
        assert.equal(unfit.json().code, 'STAFF_ROLE_UNFIT');
        assert.equal((await add(planner, gridWorker, 'registrar')).statusCode, 201);
        const plan = await call('GET', `/testing/rounds/${roundId}/plan`, planner);
        assert.equal(plan.json().total.registered.samplers, 1);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('door-knock marks: each kept once when a phone resends it, a bedridden person gets one home task', async () => {
      const t = await setup(dialect);
      const { call, s } = t;
      try {
        const roundId = await round(t, '第一轮', [AREAS.wenyuan]);
        await fillTube(t, roundId, 'K0001', [t.A[0]!]);
        const building1 = (await coverageOf(t, roundId, AREAS.wenyuanGrid)).rows.find(
          (r) => r.name === '1号楼',
        )!.buildingId!;
        const list = await call('GET', `/testing/rounds/${roundId}/door-knock?buildingId=${building1}`, t.worker);
        assert.equal(list.statusCode, 200, list.body);
        assert.equal(list.json().missing, 2);
        const visits = (personId: string) =>
          s.db.selectFrom('testing_visit').selectAll().where('person_id', '=', personId).execute();
        const homeTasks = (personId: string) =>
          s.db
            .selectFrom('testing_task')
            .select('id')
            .where('person_id', '=', personId)
            .where('kind', '=', 'home')
            .execute();

        // Bedridden: a home-sampling task; the same mark sent again (the answer was lost) changes nothing.
        const mark = { clientId: 'knock-a1-0001', personId: t.A[1]!, outcome: 'bedridden', at: s.clock.now() - MIN };
        const firstSend = await call('POST', `/testing/rounds/${roundId}/visits`, t.worker, mark);
        assert.equal(firstSend.statusCode, 201, firstSend.body);
        assert.ok(firstSend.json().taskId);
        const resend = await call('POST', `/testing/rounds/${roundId}/visits`, t.worker, mark);
        assert.equal(resend.statusCode, 200, resend.body);
        assert.deepEqual(resend.json(), firstSend.json());
        // …and through the offline queue's endpoint with the same client id.
        const viaSync = await call('POST', '/testing/sync', t.worker, { ops: [{ type: 'visit', roundId, ...mark }] });
        assert.deepEqual(
          viaSync
            .json()
            .results.map((r: { ok: boolean; duplicate: boolean; visit: { id: string } }) => [
              r.ok,
              r.duplicate,
              r.visit.id,
            ]),
          [[true, true, firstSend.json().id]],
        );
        assert.equal((await visits(t.A[1]!)).length, 1);
        assert.equal((await homeTasks(t.A[1]!)).length, 1);
        // A second visit (a new mark) is kept, and still one open home task.
        s.clock.advance(10 * MIN);
        const again = await call('POST', `/testing/rounds/${roundId}/visits`, t.worker, {
          ...mark,
          clientId: 'knock-a1-0002',
          at: s.clock.now(),
        });
        assert.equal(again.statusCode, 201);
        assert.equal(again.json().taskId, firstSend.json().taskId);
        assert.equal((await visits(t.A[1]!)).length, 2);
        assert.equal((await homeTasks(t.A[1]!)).length, 1);
        const tasks = await call('GET', `/testing/tasks?roundId=${roundId}&kind=home`, t.sampler);
        assert.equal(tasks.json().total, 1);

        // Away and refused, queued offline, resent twice in one batch and again: one visit each.
        const queue = [
          {
            type: 'visit',
            clientId: 'knock-a2-0001',
            at: s.clock.now() - 5 * MIN,
            roundId,
            personId: t.A[2]!,
            outcome: 'away',
          },
          {
            type: 'visit',
            clientId: 'knock-a2-0002',
            at: s.clock.now() - 2 * MIN,
            roundId,
            personId: t.A[2]!,
            outcome: 'refused',
            note: '明天再来',
          },
        ];
        const sent = await call('POST', '/testing/sync', t.worker, { ops: [...queue, queue[0]] });
        assert.deepEqual(
          sent.json().results.map((r: { ok: boolean; duplicate: boolean }) => [r.ok, r.duplicate]),
          [
            [true, false],
            [true, false],
            [true, true],
          ],
        );
        const resent = await call('POST', '/testing/sync', t.worker, { ops: queue });
        assert.deepEqual(
          resent.json().results.map((r: { duplicate: boolean }) => r.duplicate),
          [true, true],
        );
        assert.deepEqual((await visits(t.A[2]!)).map((v) => v.outcome).sort(), ['away', 'refused']);
        assert.equal((await homeTasks(t.A[2]!)).length, 0);
        const after = await call('GET', `/testing/rounds/${roundId}/door-knock?buildingId=${building1}`, t.worker);
        const people = after
          .json()
          .households.flatMap(
            (h: { people: Array<{ personId: string; lastVisit: { outcome: string; note: string } | null }> }) =>
              h.people,
          );
        assert.deepEqual(
          people
            .map((p: { personId: string; lastVisit: { outcome: string } | null }) => [p.personId, p.lastVisit?.outcome])
            .sort(),
          [
            [t.A[1]!, 'bedridden'],
            [t.A[2]!, 'refused'],
          ].sort(),
        );
        assert.equal(after.json().missing, 2, 'a mark is not a sample: they stay on the list');

        // Refusals: a person outside the round's areas; a person outside the worker's area, kept refused on resend.
        const outside = await call(
          'POST',
          `/testing/rounds/${roundId}/visits`,
          await signIn(s, 'command', AREAS.street),
          { personId: t.X[0]!, outcome: 'away' },
        );
        assert.equal(outside.json().code, 'PERSON_NOT_IN_ROUND');
        const xworker = await signIn(s, 'community_worker', AREAS.xingyang);
        const refused = await call('POST', '/testing/sync', xworker, {
          ops: [
            { type: 'visit', clientId: 'knock-x-0001', at: s.clock.now(), roundId, personId: t.B[2]!, outcome: 'away' },
          ],
        });
        assert.equal(refused.json().results[0].error.code, 'OUT_OF_SCOPE');
        const refusedAgain = await call('POST', `/testing/rounds/${roundId}/visits`, xworker, {
          clientId: 'knock-x-0001',
          personId: t.B[2]!,
          outcome: 'away',
        });
        assert.equal(refusedAgain.json().code, 'OUT_OF_SCOPE');
        assert.equal((await visits(t.B[2]!)).length, 0);
        assert.equal(
          (await call('POST', `/testing/rounds/${roundId}/visits`, t.sampler, { personId: t.B[2]!, outcome: 'away' }))
            .statusCode,
          403,
        );
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
