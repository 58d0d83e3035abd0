// The command home's testing rounds are counted inside the officer's area: a round over two communities
// shows each community's command post its own people (target, sampled), the street both, and the figures
// equal that officer's coverage page and pools page for the round.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { callerOf, fillTube, idNumber } from '../support/testing.http.ts';

const MIN = 60_000;
const START = Date.parse('2022-04-02T07:00:00+08:00');

for (const { dialect, skip } of await dialects()) {
  describe(`command summary rounds [${dialect}]`, { skip }, () => {
    test('a round over two communities: each command post sees its own people only, equal to its coverage page', async () => {
      const s = await testServices(dialect);
      s.clock.set(START);
      const areas = await seedTestAreas(s);
      const app: App = await build(s, { serveWeb: false });
      const call = callerOf(app);
      try {
        let n = 0;
        const household = async (who: SignedIn, grid: string, door: string, people: number) => {
          const home = await call('POST', '/households', who, {
            areaId: areas[grid],
            buildingName: '1号楼',
            unit: '1',
            door,
          });
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
        };
        const W = await household(await signIn(s, 'community_worker', AREAS.wenyuan), AREAS.wenyuanGrid, '101', 3);
        const X = await household(await signIn(s, 'community_worker', AREAS.xingyang), AREAS.xingyangGrid, '801', 2);
        const city = await signIn(s, 'command', AREAS.city);
        const sampler = await signIn(s, 'sampler', AREAS.street);
        const site = await call('POST', '/testing/sites', city, {
          areaId: areas[AREAS.wenyuanGrid],
          name: '文苑广场采样点',
        });
        const table = await call('POST', `/testing/sites/${site.json().id}/tables`, city, { name: '1号台' });
        assert.equal(table.statusCode, 201, table.body);
        const made = await call('POST', '/testing/rounds', city, {
          name: '第一轮',
          startsAt: s.clock.now() - 30 * MIN,
          autoReport: false,
          areas: [AREAS.wenyuan, AREAS.xingyang].map((c) => ({ areaId: areas[c], controlLevel: 'controlled' })),
        });
        assert.equal(made.statusCode, 201, made.body);
        const roundId = made.json().id as string;
        await fillTube(call, sampler, roundId, table.json().id, 'C0001', [W[0]!, W[1]!]);
        await fillTube(call, sampler, roundId, table.json().id, 'C0002', [X[0]!]);

        const figures = async (who: SignedIn) => {
          const res = await call('GET', '/command/summary', who);
          assert.equal(res.statusCode, 200, res.body);
          const rounds = res.json().rounds as Array<{
            id: string;
            target: number;
            sampled: number;
            resulted: number;
            openPools: number;
          }>;
          assert.equal(rounds.length, 1);
          assert.equal(rounds[0]!.id, roundId);
          const cov = (await call('GET', `/testing/rounds/${roundId}/coverage`, who)).json();
          const pools = (await call('GET', `/testing/pools?roundId=${roundId}`, who)).json();
          assert.deepEqual(
            [rounds[0]!.target, rounds[0]!.sampled, rounds[0]!.resulted, rounds[0]!.openPools],
            [cov.totals.target, cov.totals.sampled, cov.totals.resulted, pools.total],
            'the home page says what the coverage and pools pages say',
          );
          return [rounds[0]!.target, rounds[0]!.sampled];
        };
        assert.deepEqual(
          await figures(await signIn(s, 'command', AREAS.wenyuan)),
          [3, 2],
          '文苑 sees its three people, two sampled',
        );
        assert.deepEqual(
          await figures(await signIn(s, 'command', AREAS.xingyang)),
          [2, 1],
          '兴阳 sees its two people, one sampled',
        );
        assert.deepEqual(await figures(await signIn(s, 'command', AREAS.street)), [5, 3], 'the street sees both');
        assert.deepEqual(await figures(city), [5, 3]);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
