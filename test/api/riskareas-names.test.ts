// Risk areas named as citizens know the place: a building by its compound (小区) and number, never by
// a grid label that repeats in every community; and the designate form's building search by compound
// and number inside the chosen community, refused outside the caller's area or without the right.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { NOW, riskCity } from '../support/riskareas.city.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';

const WHY = { reason: '3月23日该楼栋报告确诊病例 1 例', legalBasis: '辽源市疫情防控指挥部通告(2022 年第 12 号)' };

async function harness(s: TestServices) {
  const app: App = await build(s, { serveWeb: false });
  async function call(method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: unknown) {
    return app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
  return { app, call };
}

/** Buildings named alike in both communities' 第一网格: only their compounds tell them apart. */
async function compounds(s: TestServices, areas: Record<string, string>): Promise<void> {
  const rows = [
    { id: 'b-rj-1', area_id: areas[AREAS.wenyuanGrid]!, name: '1号楼', compound: '瑞景家园' },
    { id: 'b-rj-2', area_id: areas[AREAS.wenyuanGrid]!, name: '2号楼', compound: '瑞景家园' },
    { id: 'b-rj-11', area_id: areas[AREAS.wenyuanGrid]!, name: '11号楼', compound: '瑞景家园' },
    { id: 'b-jx-1', area_id: areas[AREAS.wenyuanGrid]!, name: '1栋', compound: '锦绣花园' },
    { id: 'b-ft-1', area_id: areas[AREAS.xingyangGrid]!, name: '1号楼', compound: '福泰小区' },
  ];
  await s.db
    .insertInto('building')
    .values(rows.map((r) => ({ ...r, address: '', created_at: NOW })))
    .execute();
}

for (const { dialect, skip } of await dialects()) {
  describe(`risk area names [${dialect}]`, { skip }, () => {
    test('a building is named by compound and number in the command list, the detail and the public list', async () => {
      const s = await testServices(dialect);
      const city = await riskCity(s);
      await compounds(s, city.areas);
      const { app, call } = await harness(s);
      try {
        const command = await signIn(s, 'command', AREAS.city);
        const res = await call('POST', '/risk-areas', command, {
          unit: 'building',
          targetId: 'b-rj-1',
          level: 'high',
          ...WHY,
        });
        assert.equal(res.statusCode, 200, res.body);
        const { riskArea } = res.json();
        assert.equal(riskArea.name, '瑞景家园 1号楼');
        assert.equal(riskArea.compound, '瑞景家园');
        assert.equal(riskArea.building, '1号楼');
        assert.deepEqual(riskArea.place, ['龙山区', '向阳街道', '文苑社区']);
        // A building without a known compound keeps its own name; an area has no compound.
        assert.equal(
          (
            await call('POST', '/risk-areas', command, {
              unit: 'building',
              targetId: city.building,
              level: 'medium',
              ...WHY,
            })
          ).statusCode,
          200,
        );
        assert.equal(
          (
            await call('POST', '/risk-areas', command, {
              unit: 'community',
              targetId: city.areas[AREAS.xingyang],
              level: 'medium',
              ...WHY,
            })
          ).statusCode,
          200,
        );

        const list = await call('GET', '/risk-areas?status=active', command);
        assert.equal(list.statusCode, 200, list.body);
        const byTarget = new Map(list.json().items.map((a: { targetId: string }) => [a.targetId, a]));
        assert.deepEqual(pick(byTarget.get('b-rj-1')), {
          name: '瑞景家园 1号楼',
          compound: '瑞景家园',
          building: '1号楼',
        });
        assert.deepEqual(pick(byTarget.get(city.building)), { name: '3号楼', compound: null, building: '3号楼' });
        assert.deepEqual(pick(byTarget.get(city.areas[AREAS.xingyang]!)), {
          name: '兴阳社区',
          compound: null,
          building: null,
        });

        // The command list searches by compound, building or area name, inside the caller's area only.
        const find = async (q: string, who: SignedIn = command) => {
          const r = await call('GET', `/risk-areas?q=${encodeURIComponent(q)}`, who);
          assert.equal(r.statusCode, 200, r.body);
          return r.json().items.map((a: { name: string }) => a.name);
        };
        assert.deepEqual(await find('瑞景 1号楼'), ['瑞景家园 1号楼']);
        assert.deepEqual(await find('兴阳'), ['兴阳社区']);
        assert.deepEqual((await find('号楼')).sort(), ['3号楼', '瑞景家园 1号楼']);
        assert.deepEqual(await find('%'), []);
        const xingyangCommand = await signIn(s, 'command', AREAS.xingyang);
        assert.deepEqual(
          await find('瑞景', xingyangCommand),
          [],
          "a designation outside the caller's area is not found",
        );
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        assert.equal((await call('GET', '/risk-areas?q=瑞景', worker)).json().code, 'FORBIDDEN');

        const detail = await call('GET', `/risk-areas/${riskArea.id}`, command);
        assert.equal(detail.json().riskArea.name, '瑞景家园 1号楼');

        const pub = await call('GET', '/risk-areas/public');
        assert.equal(pub.statusCode, 200, pub.body);
        const high = pub.json().items.find((i: { id: string }) => i.id === riskArea.id);
        assert.deepEqual(
          { name: high.name, compound: high.compound, building: high.building, areaNames: high.areaNames },
          {
            name: '瑞景家园 1号楼',
            compound: '瑞景家园',
            building: '1号楼',
            areaNames: ['龙山区', '向阳街道', '文苑社区'],
          },
        );
        assert.ok(!pub.body.includes('网格'), 'the public list names no grid');

        // The name follows the registry: a compound recorded later names the designation from then on.
        await s.db.updateTable('building').set({ compound: '文苑小区' }).where('id', '=', city.building).execute();
        const renamed = (await call('GET', '/risk-areas/public'))
          .json()
          .items.find((i: { building: string | null }) => i.building === '3号楼');
        assert.equal(renamed.name, '文苑小区 3号楼');

        // The CLI's and the rules' run name buildings the same way.
        const run = await call('POST', '/risk-areas/downgrade', command);
        assert.equal(run.statusCode, 200, run.body);
        assert.ok(
          run.json().waiting.some((w: { name: string }) => w.name === '瑞景家园 1号楼'),
          run.body,
        );
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('the building search finds buildings by compound and number inside the chosen community only', async () => {
      const s = await testServices(dialect);
      const city = await riskCity(s);
      await compounds(s, city.areas);
      const { app, call } = await harness(s);
      try {
        const command = await signIn(s, 'command', AREAS.city);
        const wenyuan = city.areas[AREAS.wenyuan]!;
        const search = async (q: string, who: SignedIn = command, area = wenyuan) => {
          const res = await call('GET', `/areas/${area}/buildings?q=${encodeURIComponent(q)}&limit=20`, who);
          assert.equal(res.statusCode, 200, res.body);
          return res.json() as {
            items: Array<{ id: string; label: string; compound: string; name: string }>;
            total: number;
          };
        };
        const ids = async (q: string, who?: SignedIn, area?: string) =>
          (await search(q, who, area)).items.map((b) => b.id);

        const first = await search('瑞景 1');
        assert.deepEqual(
          first.items.map((b) => b.id),
          ['b-rj-1'],
          'number 1 is not 11',
        );
        assert.deepEqual(pickRow(first.items[0]!), { label: '瑞景家园 1号楼', compound: '瑞景家园', name: '1号楼' });
        assert.deepEqual(await ids('瑞景家园1号楼'), ['b-rj-1']);
        assert.deepEqual(await ids('瑞景家园 1栋'), ['b-rj-1']);
        assert.deepEqual(await ids('11'), ['b-rj-11']);
        // Number 1 in the community: 瑞景家园 1号楼 and 锦绣花园 1栋, not 福泰小区 1号楼 of 兴阳社区.
        assert.deepEqual(await ids('1'), ['b-rj-1', 'b-jx-1']);
        assert.deepEqual(await ids('瑞景'), ['b-rj-1', 'b-rj-2', 'b-rj-11'], 'by compound, then by number');
        assert.deepEqual(await ids('福泰'), [], 'a compound of another community is not found here');
        assert.deepEqual(await ids('福泰', command, city.areas[AREAS.xingyang]!), ['b-ft-1']);
        assert.deepEqual(await ids('%'), [], 'wildcards are searched as text');
        assert.equal((await search('')).total, 5, 'no search: every building of the community (3号楼 included)');

        // Cross-area: a worker of 兴阳社区 cannot search 文苑社区's buildings; a role without registry.read cannot search at all.
        const foreign = await signIn(s, 'community_worker', AREAS.xingyang);
        const refused = await call('GET', `/areas/${wenyuan}/buildings?q=${encodeURIComponent('瑞景 1')}`, foreign);
        assert.equal(refused.statusCode, 403, refused.body);
        assert.equal(refused.json().code, 'OUT_OF_SCOPE');
        assert.deepEqual(await ids('1', foreign, city.areas[AREAS.xingyang]!), ['b-ft-1']);
        const sampler = await signIn(s, 'sampler', AREAS.wenyuan);
        const forbidden = await call('GET', `/areas/${wenyuan}/buildings?q=1`, sampler);
        assert.equal(forbidden.statusCode, 403, forbidden.body);
        assert.equal(forbidden.json().code, 'FORBIDDEN');
        const anonymous = await call('GET', `/areas/${wenyuan}/buildings?q=1`);
        assert.equal(anonymous.statusCode, 401, anonymous.body);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('a building created with a household records its compound', async () => {
      const s = await testServices(dialect);
      const city = await riskCity(s);
      const { app, call } = await harness(s);
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const res = await call('POST', '/households', worker, {
          areaId: city.areas[AREAS.wenyuanGrid],
          buildingName: '6号楼',
          buildingCompound: '瑞景家园',
          unit: '1单元',
          door: '101',
        });
        assert.equal(res.statusCode, 201, res.body);
        const building = await call('GET', `/buildings/${res.json().buildingId}`, worker);
        assert.equal(building.statusCode, 200, building.body);
        assert.deepEqual(pickRow(building.json().building), {
          label: '瑞景家园 6号楼',
          compound: '瑞景家园',
          name: '6号楼',
        });
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}

function pick(a: unknown): { name: string; compound: string | null; building: string | null } {
  const { name, compound, building } = a as { name: string; compound: string | null; building: string | null };
  return { name, compound, building };
}

function pickRow(b: { label: string; compound: string; name: string }) {
  return { label: b.label, compound: b.compound, name: b.name };
}
