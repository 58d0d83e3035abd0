// The call list of a grid worker over HTTP, on both dialects: filters by grid, building, case, exposure
// date, class and status; search by name; sorting and paging; the grids and buildings of the list; each
// row's exposure and what the contact must do under the active rule set (switching the rule set changes
// it); the export filtered the same way; an area, building or list outside the actor's scope refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import type { ContactTable } from '../../src/db/database.ts';
import { syncCallTasks } from '../../src/notify/notify.service.ts';
import { setActiveRuleSet } from '../../src/rules/ruleset.service.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import { isolatedCase } from '../support/tracing.city.ts';
import { addDays, startOfDate } from '../../src/platform/calendar.ts';
import type { Static } from '@sinclair/typebox';
import type { CallTaskView, FacetsSchema } from '../../src/notify/notify.schema.ts';

type Facets = Static<typeof FacetsSchema>;

const NOW = Date.parse('2022-03-24T08:00:00+08:00');
const at = (iso: string) => Date.parse(`${iso}+08:00`);
const GRID2 = '220402001001002';

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  await s.db
    .insertInto('area')
    .values({
      id: `a_${GRID2}`,
      code: GRID2,
      name: '第二网格',
      level: 'grid',
      parent_id: areas[AREAS.wenyuan]!,
      path: `${AREAS.city}/${AREAS.district}/${AREAS.street}/${AREAS.wenyuan}/${GRID2}/`,
      created_at: NOW,
    })
    .execute();
  const app: App = await build(s, { serveWeb: false });
  const call = (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const otherWorker = await signIn(s, 'community_worker', AREAS.xingyang);
  const household = async (who: SignedIn, areaId: string, buildingName: string, door: string) => {
    const res = await call('POST', '/households', who, { areaId, buildingName, unit: '1', door });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; buildingId: string };
  };
  const person = async (who: SignedIn, householdId: string, name: string, phone: string) => {
    const res = await call('POST', '/persons', who, { householdId, name, phone });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const h101 = await household(worker, `a_${AREAS.wenyuanGrid}`, '3号楼', '101');
  const h102 = await household(worker, `a_${AREAS.wenyuanGrid}`, '3号楼', '102');
  const h201 = await household(worker, `a_${GRID2}`, '5号楼', '201');
  const hx = await household(otherWorker, `a_${AREAS.xingyangGrid}`, '8号楼', '301');
  const p = {
    index: await person(worker, h101.id, '病例甲', '13800000000'),
    zhang: await person(worker, h101.id, '张三', '13800000001'),
    li: await person(worker, h102.id, '李四', '13800000002'),
    wang: await person(worker, h201.id, '王五', '13800000003'),
    zsf: await person(worker, h102.id, '张三丰', '13800000004'),
    zhao: await person(otherWorker, hx.id, '赵六', '13800000005'),
    pct: await person(worker, h201.id, '百%分', '13800000006'),
  };
  await s.db
    .insertInto('case_record')
    .values([isolatedCase('case-a', p.index, NOW - 86_400_000), isolatedCase('case-b', p.li, NOW)])
    .execute();
  let n = 0;
  const contact = (caseId: string, personId: string, cls: string, last: number | null): ContactTable => ({
    id: `ct-${++n}`,
    case_id: caseId,
    person_id: personId,
    class: cls,
    candidate: 0,
    basis: 'manual',
    reason_code: 'other',
    evidence: '{}',
    ruleset_id: '8th-edition',
    ruleset_version: 'test',
    rule: 'manual',
    first_exposure_at: last === null ? null : last - 3_600_000,
    last_exposure_at: last,
    review_status: 'confirmed',
    reviewed_by: null,
    review_reason: null,
    reviewed_at: null,
    source_contact_id: null,
    source_key: '',
    created_at: NOW,
    updated_at: NOW,
  });
  await s.db
    .insertInto('contact')
    .values([
      contact('case-a', p.zhang, 'close', at('2022-03-20T09:00:00')),
      contact('case-a', p.li, 'general', at('2022-03-18T23:30:00')),
      contact('case-a', p.wang, 'secondary', at('2022-03-21T00:10:00')),
      contact('case-a', p.zhao, 'close', at('2022-03-20T12:00:00')),
      contact('case-a', p.pct, 'general', null),
      contact('case-b', p.zsf, 'close', at('2022-03-22T15:00:00')),
    ])
    .execute();
  await syncCallTasks(s, s.db, 'case-a');
  await syncCallTasks(s, s.db, 'case-b');
  return { s, app, call, worker, otherWorker, p, b3: h101.buildingId, b5: h201.buildingId, b8: hx.buildingId };
}

type Row = CallTaskView;

for (const { dialect, skip } of await dialects()) {
  describe(`call list filters, search, sort and instructions [${dialect}]`, { skip }, () => {
    test('a grid worker filters, searches, sorts and pages the call list on the server', async () => {
      const t = await setup(dialect);
      const { call, worker } = t;
      const names = async (q: string, who = worker) => {
        const res = await call('GET', `/call-tasks?${q}`, who);
        assert.equal(res.statusCode, 200, res.body);
        return (res.json().items as Row[]).map((r) => r.person.name);
      };
      try {
        assert.deepEqual(
          (await names('sort=name')).sort(),
          ['张三', '张三丰', '李四', '王五', '百%分'].sort(),
          'the worker sees only their community',
        );
        assert.deepEqual((await names(`areaId=a_${GRID2}`)).sort(), ['王五', '百%分'].sort(), 'by grid');
        assert.deepEqual(
          (await names(`buildingId=${t.b3}&sort=name`)).sort(),
          ['张三', '张三丰', '李四'].sort(),
          'by building',
        );
        assert.deepEqual(await names('caseId=case-b'), ['张三丰'], 'by case');
        assert.deepEqual((await names('class=general')).sort(), ['李四', '百%分'].sort(), 'by class');
        assert.deepEqual(await names('class=close&sort=name'), await names('class=close&sort=name&dir=asc'));
        // Exposure dates are days of the deployment's zone: 03-18 23:30 is the 18th; both bounds included.
        assert.deepEqual(await names('exposedFrom=2022-03-19&exposedTo=2022-03-21&sort=exposure'), ['张三', '王五']);
        assert.deepEqual(await names('exposedTo=2022-03-18'), ['李四']);
        assert.deepEqual(await names('exposedFrom=2022-03-22'), ['张三丰']);
        // Search by part of the name; wildcards are plain characters.
        assert.deepEqual((await names('q=%E5%BC%A0%E4%B8%89&sort=name')).sort(), ['张三', '张三丰'].sort());
        assert.deepEqual(await names('q=%25'), ['百%分']);
        assert.deepEqual(await names('q=_'), []);
        // Sorting: by exposure (unknown last), both ways; by address (building, then door).
        assert.deepEqual(await names('sort=exposure'), ['李四', '张三', '王五', '张三丰', '百%分']);
        assert.deepEqual(await names('sort=exposure&dir=desc'), ['张三丰', '王五', '张三', '李四', '百%分']);
        const byAddress = (await call('GET', '/call-tasks?sort=address', worker)).json().items as Row[];
        assert.deepEqual(
          byAddress.map((r) => r.building?.name),
          ['3号楼', '3号楼', '3号楼', '5号楼', '5号楼'],
        );
        // Paging on the server: pages of a sorted list neither overlap nor skip.
        const page1 = await call('GET', '/call-tasks?sort=name&limit=2', worker);
        const page2 = await call('GET', '/call-tasks?sort=name&limit=2&offset=2', worker);
        const page3 = await call('GET', '/call-tasks?sort=name&limit=2&offset=4', worker);
        assert.equal(page1.json().total, 5);
        assert.deepEqual(
          [...page1.json().items, ...page2.json().items, ...page3.json().items].map((r: Row) => r.person.name),
          await names('sort=name'),
        );

        // Status: a recorded call moves the row between the open list and its status.
        const zhang = (
          await call('GET', '/call-tasks?q=%E5%BC%A0%E4%B8%89&class=close&exposedTo=2022-03-20', worker)
        ).json().items[0] as Row;
        assert.equal(
          (await call('POST', `/call-tasks/${zhang.id}/attempts`, worker, { outcome: 'reached' })).statusCode,
          200,
        );
        assert.deepEqual(await names('status=reached'), ['张三']);
        assert.equal((await names('open=true')).length, 4);
        assert.deepEqual(await names(`status=pending&buildingId=${t.b3}&class=close`), ['张三丰']);

        // The grids and buildings of the list, with counts.
        const facetsRes = await call('GET', '/call-tasks/facets', worker);
        assert.equal(facetsRes.statusCode, 200, facetsRes.body);
        const facets = facetsRes.json() as Facets;
        assert.deepEqual(
          facets.grids.map((g) => [g.parentName, g.name, g.total, g.open]),
          [
            ['文苑社区', '第一网格', 3, 2],
            ['文苑社区', '第二网格', 2, 2],
          ],
        );
        assert.deepEqual(
          facets.buildings.map((b) => [b.name, b.areaName, b.total, b.open]),
          [
            ['3号楼', '第一网格', 3, 2],
            ['5号楼', '第二网格', 2, 2],
          ],
        );
        assert.equal(facets.ruleSet.id, '8th-edition');
        assert.deepEqual(
          ((await call('GET', '/call-tasks/facets?caseId=case-b', worker)).json() as Facets).grids.map((g) => g.total),
          [1],
        );
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('each row names the exposure and what to do under the active rule set; the export carries both', async () => {
      const t = await setup(dialect);
      const { s, call, worker } = t;
      try {
        const rows = (await call('GET', '/call-tasks?sort=exposure', worker)).json().items as Row[];
        const byName = new Map(rows.map((r) => [r.person.name, r]));
        const zhang = byName.get('张三')!;
        assert.equal(zhang.exposure.lastAt, at('2022-03-20T09:00:00'));
        const eighth = ruleSetById('8th-edition').management.close_contact;
        assert.equal(zhang.instructions.ruleSetId, '8th-edition');
        assert.equal(zhang.instructions.group, 'close_contact');
        const plan = zhang.instructions.plan;
        assert.ok(plan, 'a close contact has a plan');
        assert.equal(plan.centralisedDays, eighth.centralisedDays);
        assert.equal(plan.homeDays, eighth.homeDays);
        assert.equal(plan.homeKind, eighth.homeKind);
        // Day 0 is the exposure's day; centralised day N is N days later; the phase ends at the end of its last day.
        assert.equal(
          plan.centralisedUntil,
          startOfDate(addDays('2022-03-20', eighth.centralisedDays + 1), s.config.timeZone),
        );
        assert.equal(
          plan.homeUntil,
          startOfDate(addDays('2022-03-20', eighth.centralisedDays + eighth.homeDays + 1), s.config.timeZone),
        );
        assert.deepEqual(
          plan.testDates.filter((d) => d.phase === 'centralised').map((d) => d.day),
          eighth.testDays.centralised,
        );
        assert.equal(byName.get('李四')!.instructions.group, null, 'general contacts are not managed');
        assert.equal(byName.get('李四')!.instructions.plan, null);
        assert.equal(byName.get('百%分')!.exposure.lastAt, null);
        assert.equal(
          byName.get('王五')!.instructions.group,
          ruleSetById('8th-edition').secondaryContacts.management ?? 'secondary_contact',
        );

        // The rules are data: another rule set in force changes what the row says.
        await setActiveRuleSet(s, { id: null, name: 'cli:test', role: 'system' }, '20-measures', '切换规则集');
        const after = (await call('GET', '/call-tasks?sort=exposure', worker)).json().items as Row[];
        const twenty = ruleSetById('20-measures');
        assert.equal(after.find((r) => r.person.name === '张三')!.instructions.ruleSetId, '20-measures');
        assert.equal(
          after.find((r) => r.person.name === '张三')!.instructions.plan?.centralisedDays,
          twenty.management.close_contact.centralisedDays,
        );
        assert.equal(
          after.find((r) => r.person.name === '王五')!.instructions.group,
          twenty.management.secondary_contact ? 'secondary_contact' : null,
        );

        // The export takes the same filters and order, with the exposure date and what to do.
        const csv = await call('GET', `/call-tasks/export?format=csv&buildingId=${t.b3}&sort=exposure`, worker);
        assert.equal(csv.statusCode, 200, csv.body);
        assert.equal(csv.headers['x-call-rows'], '3');
        assert.ok(csv.body.includes('末次暴露日期') && csv.body.includes('管理要求'));
        assert.ok(
          csv.body.includes('2022-03-20') &&
            csv.body.includes(`集中隔离${twenty.management.close_contact.centralisedDays}天`),
          csv.body,
        );
        assert.ok(!csv.body.includes('王*'), 'only the building asked');

        // The audit records the filters, the searched name masked.
        await call('GET', '/call-tasks?q=%E5%BC%A0%E4%B8%89%E4%B8%B0', worker);
        const last = await s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'call.list')
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow();
        assert.ok(
          String(last.detail).includes('张*丰') && !String(last.detail).includes('张三丰'),
          String(last.detail),
        );
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('bad filters are named; other areas, buildings and roles are refused', async () => {
      const t = await setup(dialect);
      const { s, call, worker, otherWorker } = t;
      try {
        const bad = await call('GET', '/call-tasks?exposedFrom=2022-13-01', worker);
        assert.equal(bad.statusCode, 400);
        assert.equal(bad.json().code, 'CALL_DATE_INVALID');
        assert.equal(bad.json().errors[0].field, 'exposedFrom');
        assert.equal(
          (await call('GET', '/call-tasks?exposedFrom=2022-03-22&exposedTo=2022-03-20', worker)).json().code,
          'CALL_DATE_RANGE',
        );
        assert.equal((await call('GET', '/call-tasks?sort=age', worker)).json().code, 'VALIDATION');
        assert.equal((await call('GET', '/call-tasks?class=friend', worker)).json().code, 'VALIDATION');
        assert.equal((await call('GET', '/call-tasks?buildingId=nope', worker)).json().code, 'BUILDING_NOT_FOUND');

        // Another community's worker: the grid, the building and the facets of 文苑 are out of scope.
        assert.equal((await call('GET', `/call-tasks?areaId=a_${GRID2}`, otherWorker)).json().code, 'OUT_OF_SCOPE');
        assert.equal((await call('GET', `/call-tasks?buildingId=${t.b3}`, otherWorker)).json().code, 'OUT_OF_SCOPE');
        assert.equal(
          (await call('GET', `/call-tasks/facets?areaId=a_${AREAS.wenyuanGrid}`, otherWorker)).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal(
          (await call('GET', `/call-tasks/export?buildingId=${t.b3}`, otherWorker)).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal((await call('GET', `/call-tasks?buildingId=${t.b8}`, worker)).json().code, 'OUT_OF_SCOPE');
        const theirs = (await call('GET', '/call-tasks/facets', otherWorker)).json() as Facets;
        assert.deepEqual(
          theirs.buildings.map((b) => b.name),
          ['8号楼'],
        );
        assert.deepEqual(
          (await call('GET', '/call-tasks?q=%E5%BC%A0', otherWorker)).json().total,
          0,
          'a search never crosses the scope',
        );

        // Above the communities, grids are told apart by their community.
        const city = await signIn(s, 'investigator', AREAS.city);
        const cityFacets = (await call('GET', '/call-tasks/facets', city)).json() as Facets;
        assert.deepEqual(
          cityFacets.grids.map((g) => `${g.parentName} ${g.name}`),
          ['文苑社区 第一网格', '文苑社区 第二网格', '兴阳社区 第一网格'],
        );

        // A role without contact.call.
        const lab = await signIn(s, 'lab', AREAS.city);
        assert.equal((await call('GET', '/call-tasks?sort=name', lab)).json().code, 'FORBIDDEN');
        assert.equal((await call('GET', '/call-tasks/facets', lab)).json().code, 'FORBIDDEN');
        assert.equal((await call('GET', '/call-tasks/facets')).statusCode, 401);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });
  });
}
