// The live occupancy list filtered on the server: by area (a district, street or community: its
// subtree), by name, paged, with totals that count the filtered list; signed in as staff, inside the
// actor's area (another area is OUT_OF_SCOPE); the area filter's choices a level at a time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';

for (const { dialect, skip } of await dialects()) {
  describe(`live list filters [${dialect}]`, { skip }, () => {
    test('area and name filters and paging on the server; staff scoped to their area; area choices by level', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const app: App = await build(s, { serveWeb: false });
      const call = (url: string, who?: SignedIn) =>
        app.inject({ method: 'GET', url: `/api/v1${url}`, headers: who?.headers ?? {} });
      try {
        const command = await signIn(s, 'command', AREAS.city);
        const venue = async (grid: string, name: string) => {
          const who = await signIn(s, 'community_worker', grid === AREAS.wenyuanGrid ? AREAS.wenyuan : AREAS.xingyang);
          const res = await app.inject({
            method: 'POST',
            url: '/api/v1/venues',
            headers: who.headers,
            payload: { areaId: areas[grid], name, capacity: 100, category: 'supermarket' },
          });
          assert.equal(res.statusCode, 201, res.body);
          assert.equal(
            (
              await app.inject({
                method: 'POST',
                url: `/api/v1/venues/${res.json().id}/approve`,
                headers: command.headers,
              })
            ).statusCode,
            200,
          );
        };
        for (let i = 1; i <= 5; i++) await venue(AREAS.wenyuanGrid, `文苑超市${i}号店`);
        await venue(AREAS.wenyuanGrid, '文苑药房');
        for (let i = 1; i <= 3; i++) await venue(AREAS.xingyangGrid, `兴阳超市${i}号店`);

        const names = (res: { json: () => { items: Array<{ name: string }> } }) => res.json().items.map((v) => v.name);
        const all = await call('/venues/public?limit=4');
        assert.equal(all.statusCode, 200, all.body);
        assert.deepEqual([all.json().total, all.json().items.length], [9, 4], 'paged: four of nine');

        const wenyuan = await call(`/venues/public?areaId=${areas[AREAS.wenyuan]}&limit=50`);
        assert.equal(wenyuan.json().total, 6);
        assert.ok(names(wenyuan).every((n: string) => n.startsWith('文苑')));
        const street = await call(`/venues/public?areaId=${areas[AREAS.street]}&limit=50`);
        assert.equal(street.json().total, 9, 'a street holds its communities’ venues');

        const shops = await call(`/venues/public?q=${encodeURIComponent('超市')}&limit=2&offset=2`);
        assert.deepEqual(
          [shops.json().total, shops.json().items.length],
          [8, 2],
          'the name filter counts all matches, not the page shown',
        );
        const xShops = await call(`/venues/public?areaId=${areas[AREAS.xingyang]}&q=${encodeURIComponent('2号')}`);
        assert.deepEqual(names(xShops), ['兴阳超市2号店']);
        const byArea = await call(`/venues/public?areaId=${areas[AREAS.xingyang]}&q=${encodeURIComponent('第一网格')}`);
        assert.equal(byArea.json().total, 3, 'the venue’s own area name (its grid) matches too');
        const wild = await call(`/venues/public?q=${encodeURIComponent('%')}`);
        assert.equal(wild.json().total, 0, 'a wildcard is text');

        // Staff who list venues see their own area; another is out of scope.
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        assert.equal((await call('/venues/public?limit=50', worker)).json().total, 6);
        const out = await call(`/venues/public?areaId=${areas[AREAS.xingyang]}`, worker);
        assert.equal(out.statusCode, 403, out.body);
        assert.equal(out.json().code, 'OUT_OF_SCOPE');
        // A resident signed in sees the whole list, as a visitor does.
        const resident = await signIn(s, 'resident', AREAS.wenyuan);
        assert.equal((await call('/venues/public?limit=50', resident)).json().total, 9);

        // The area filter's choices: the city's districts first, then a level at a time; staff start at their area.
        const levels = async (url: string, who?: SignedIn) =>
          (await call(url, who)).json().items.map((a: { name: string; level: string }) => `${a.name}/${a.level}`);
        assert.deepEqual(await levels('/live/areas'), ['龙山区/district']);
        assert.deepEqual(await levels(`/live/areas?parentId=${areas[AREAS.street]}`), [
          '文苑社区/community',
          '兴阳社区/community',
        ]);
        assert.deepEqual(await levels(`/live/areas?parentId=${areas[AREAS.wenyuan]}`), [], 'grids are not offered');
        assert.deepEqual(await levels('/live/areas', await signIn(s, 'command', AREAS.street)), [
          '文苑社区/community',
          '兴阳社区/community',
        ]);
        assert.equal((await call(`/live/areas?parentId=${areas[AREAS.street]}`, worker)).statusCode, 403);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
