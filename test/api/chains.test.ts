// Transmission chains, the review queue and call lists over HTTP, on both dialects: a case, its
// household and office contacts, one of whom becomes a case himself (the chains link); clusters,
// date filter, exports; call tasks created once per contact, withdrawn on dismissal, worked by the
// community worker of the contact's community, phones masked unless revealed with a reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { officeVisit } from '../support/tracing.city.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { exportChains } from '../../src/tracing/tracing.chains.service.ts';
import type { Static } from '@sinclair/typebox';
import type { ContactView } from '../../src/tracing/tracing.schema.ts';
import type { CallTaskView, TaskDetailSchema } from '../../src/notify/notify.schema.ts';

type TaskPage = { total: number; items: CallTaskView[] };

const MIN = 60_000;
const NOW = Date.parse('2022-03-24T08:00:00+08:00');
const ONSET = Date.parse('2022-03-22T10:00:00+08:00');
const DAY9 = Date.parse('2022-03-23T09:00:00+08:00');

async function setup(dialect: 'sqlite' | 'postgres') {
  const s: TestServices = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
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
  const investigator = await signIn(s, 'investigator', AREAS.city);
  const person = async (who: SignedIn, body: Record<string, unknown>) => {
    const res = await call('POST', '/persons', who, body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const household = async (who: SignedIn, areaId: string, door: string) => {
    const res = await call('POST', '/households', who, { areaId, buildingName: '3号楼', unit: '1', door });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const h1 = await household(worker, areas[AREAS.wenyuanGrid]!, '301');
  const h2 = await household(otherWorker, areas[AREAS.xingyangGrid]!, '502');
  const index = await person(worker, { householdId: h1, name: '张建国', phone: '13804371234' });
  const wife = await person(worker, { householdId: h1, name: '李秀英', phone: '13904375678' });
  const colleague = await person(otherWorker, { householdId: h2, name: '王磊', phone: '13704370001' });
  const son = await person(otherWorker, { householdId: h2, name: '王小明', phone: '13704370002' });
  await officeVisit(s, areas[AREAS.wenyuanGrid]!, DAY9, [index, colleague]);
  return { s, app, call, areas, worker, otherWorker, investigator, index, wife, colleague, son };
}

for (const { dialect, skip } of await dialects()) {
  describe(`chains, review queue and call lists [${dialect}]`, { skip }, () => {
    test('chains link through a contact who became a case; clusters, date filter and exports', async () => {
      const t = await setup(dialect);
      const { s, call, investigator } = t;
      try {
        const first = await call('POST', '/cases', investigator, {
          personId: t.index,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: ONSET,
        });
        assert.equal(first.statusCode, 201, first.body);
        const caseA = first.json().case.id as string;

        // The review queue: the contacts of the case, the candidates first (the office colleague, and his
        // son as a secondary contact while the colleague is unreviewed).
        const queue = await call('GET', '/contacts/review-queue', investigator);
        assert.equal(queue.statusCode, 200, queue.body);
        const items = queue.json().items as Array<ContactView & { case: { personName: string } }>;
        assert.deepEqual(
          items.map((i) => [i.person.name, i.candidate, i.case.personName]),
          [
            ['王磊', true, '张建国'],
            ['王小明', true, '张建国'],
            ['李秀英', false, '张建国'],
          ],
        );
        assert.equal(items[0]!.person.phone, '137****0001');
        assert.ok(!queue.body.includes('13704370001'));
        const confirm = await call('POST', `/contacts/${items[0]!.id}/review`, investigator, {
          decision: 'confirm',
          reason: '同一办公室',
        });
        assert.equal(confirm.statusCode, 200, confirm.body);
        assert.equal((await call('GET', '/contacts/review-queue', investigator)).json().total, 2);

        // The colleague tests positive later: his case links the chains.
        s.clock.set(NOW + 60 * MIN);
        const second = await call('POST', '/cases', investigator, {
          personId: t.colleague,
          classification: 'asymptomatic',
          source: 'contact_tracing',
          firstPositiveSampledAt: NOW + 30 * MIN,
          onsetAt: null,
          isolatedAt: null,
        });
        assert.equal(second.statusCode, 201, second.body);
        // A null stays null (not coerced to 0, which would end the window in 1970 and find nobody at the office).
        assert.equal(second.json().case.isolatedAt, null);
        assert.equal(second.json().case.onsetAt, null);
        const caseB = second.json().case.id as string;

        const graph = await call('GET', '/chains', investigator);
        assert.equal(graph.statusCode, 200, graph.body);
        const g = graph.json();
        const node = (id: string) => g.nodes.find((n: { id: string }) => n.id === id);
        assert.equal(node(`person:${t.colleague}`).kind, 'case');
        assert.equal(node(`person:${t.colleague}`).caseId, caseB);
        assert.equal(node(`person:${t.colleague}`).contactClass, 'close');
        assert.equal(node('venue:v-office').label, '文苑大厦');
        const edge = g.edges.find((e: { kind: string }) => e.kind === 'venue');
        assert.equal(edge.overlapMinutes, 150);
        assert.equal(edge.reviewStatus, 'confirmed');
        assert.equal(g.clusters.length, 1);
        assert.deepEqual(g.clusters[0].caseIds, [caseA, caseB]);
        assert.equal(g.clusters[0].people, 4);
        assert.deepEqual(g.clusters[0].venues, [{ id: 'v-office', name: '文苑大厦' }]);
        assert.equal(g.truncated, false);

        const clusters = await call('GET', '/chains/clusters', investigator);
        assert.equal(clusters.json().total, 1);
        assert.equal(clusters.json().items[0].cases, 2);
        assert.ok(!('nodeIds' in clusters.json().items[0]));
        assert.equal(clusters.json().items[0].label, '张建国', 'known by its earliest case, as the chain shows him');

        // Before the office day only the households are left, and the chain falls apart into two.
        const before = (await call('GET', `/chains?to=${DAY9 - 1}`, investigator)).json();
        assert.deepEqual(
          before.edges.map((e: { kind: string }) => e.kind),
          ['household', 'household'],
        );
        assert.deepEqual(
          before.clusters.map((c: { caseIds: string[] }) => c.caseIds),
          [[caseA], [caseB]],
        );
        assert.equal(
          (await call('GET', `/chains?from=${NOW}&to=${NOW - 1}`, investigator)).json().code,
          'CHAIN_RANGE_INVALID',
        );
        assert.equal((await call('GET', `/chains?cluster=nope`, investigator)).json().code, 'CHAIN_CLUSTER_NOT_FOUND');

        // The community worker of the first case's community sees its part; the other community's worker theirs.
        const seen = (await call('GET', '/chains', t.worker)).json();
        assert.deepEqual(
          seen.clusters.map((c: { caseIds: string[] }) => c.caseIds),
          [[caseA]],
        );
        const areaOut = await call('GET', `/chains?areaId=${t.areas[AREAS.wenyuan]}`, t.otherWorker);
        assert.equal(areaOut.json().code, 'OUT_OF_SCOPE');

        const csv = await call('GET', '/chains/export?format=csv&lang=en', investigator);
        assert.equal(csv.statusCode, 200, csv.body);
        assert.match(csv.headers['content-type'] as string, /text\/csv/);
        assert.match(csv.body, /Source,Source label,Target/);
        assert.ok(csv.body.includes('张*国') && !csv.body.includes('张建国'), 'names masked in the file');
        const graphml = await call('GET', '/chains/export?format=graphml', investigator);
        assert.match(graphml.body, /<graphml/);
        assert.ok(!graphml.body.includes('王小明'));
        const byLaterCase = (await call('GET', `/chains?cluster=${caseB}`, investigator)).json();
        assert.equal(byLaterCase.clusters[0].id, caseA, 'a cluster is found by any of its cases');
        const json = await call('GET', `/chains/export?format=json&cluster=${caseA}`, investigator);
        assert.equal(JSON.parse(json.body).clusters[0].id, caseA);
        assert.equal(JSON.parse(json.body).clusters[0].label, '张*国', 'the name masked in the file');

        // The terminal's reader (cordon chains) sees everything, audited as the operator.
        const cli = await exportChains(
          s,
          { audit: { id: null, name: 'cli:test', role: 'system' }, areaPath: '' },
          { format: 'json' },
        );
        assert.deepEqual(
          JSON.parse(cli.body).clusters.map((c: { caseIds: string[] }) => c.caseIds),
          [[caseA, caseB]],
        );

        assert.equal((await call('GET', '/chains')).statusCode, 401);
        const lab = await signIn(s, 'lab', AREAS.city);
        assert.equal((await call('GET', '/chains', lab)).json().code, 'FORBIDDEN');
        assert.equal((await call('GET', '/contacts/review-queue', lab)).json().code, 'FORBIDDEN');

        const actions = (
          await s.db.selectFrom('audit_event').select('action').where('action', 'like', 'chain.%').execute()
        ).map((r) => r.action);
        assert.ok(
          actions.includes('chain.read') && actions.includes('chain.export') && actions.includes('chain.clusters'),
        );
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('call tasks: one per contact, kept across re-traces, withdrawn on dismissal, worked by the community, masked unless revealed', async () => {
      const t = await setup(dialect);
      const { s, call, investigator } = t;
      try {
        const created = await call('POST', '/cases', investigator, {
          personId: t.index,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: ONSET,
        });
        const caseId = created.json().case.id as string;
        const all = (await call('GET', `/call-tasks?caseId=${caseId}`, investigator)).json() as TaskPage;
        assert.equal(all.total, 3);
        assert.deepEqual(
          all.items.map((i) => [i.person.name, i.person.phone, i.community.name, i.status, i.class]).sort(),
          [
            ['李秀英', '139****5678', '文苑社区', 'pending', 'close'],
            ['王小明', '137****0002', '兴阳社区', 'pending', 'secondary'],
            ['王磊', '137****0001', '兴阳社区', 'pending', 'close'],
          ].sort(),
        );
        assert.equal(all.items[2]!.class, 'secondary', 'close contacts are called first');
        assert.ok(!JSON.stringify(all).includes('13704370001'));

        // Re-tracing changes nothing.
        assert.equal((await call('POST', `/cases/${caseId}/trace`, investigator)).statusCode, 200);
        assert.equal((await s.db.selectFrom('call_task').select('id').execute()).length, 3);

        // Each community worker sees the task of their own community only.
        const mine = (await call('GET', '/call-tasks', t.worker)).json() as TaskPage;
        assert.deepEqual(
          mine.items.map((i) => i.person.name),
          ['李秀英'],
        );
        const theirs = (await call('GET', '/call-tasks', t.otherWorker)).json() as TaskPage;
        assert.deepEqual(
          theirs.items.map((i) => i.person.name),
          ['王磊', '王小明'],
        );
        const wifeTask = mine.items[0]!.id;
        const colleagueTask = theirs.items[0]!.id;
        assert.equal((await call('GET', `/call-tasks/${colleagueTask}`, t.worker)).json().code, 'OUT_OF_SCOPE');
        assert.equal(
          (await call('POST', `/call-tasks/${colleagueTask}/attempts`, t.worker, { outcome: 'reached' })).json().code,
          'OUT_OF_SCOPE',
        );

        // Calls: not reached, then reached, each appended with its note.
        const first = await call('POST', `/call-tasks/${wifeTask}/attempts`, t.worker, {
          outcome: 'not_reached',
          note: '无人接听',
        });
        assert.equal(first.statusCode, 200, first.body);
        assert.equal(first.json().task.status, 'not_reached');
        const second = await call('POST', `/call-tasks/${wifeTask}/attempts`, t.worker, {
          outcome: 'reached',
          note: '已告知居家隔离',
        });
        assert.equal(second.json().task.attempts, 2);
        assert.deepEqual(
          (second.json() as Static<typeof TaskDetailSchema>).attempts.map((a) => [a.outcome, a.note]),
          [
            ['not_reached', '无人接听'],
            ['reached', '已告知居家隔离'],
          ],
        );
        assert.equal(
          (await call('POST', `/call-tasks/${wifeTask}/attempts`, t.worker, { outcome: 'maybe' })).json().code,
          'VALIDATION',
        );
        const noCsrf = await t.app.inject({
          method: 'POST',
          url: `/api/v1/call-tasks/${wifeTask}/attempts`,
          headers: { cookie: t.worker.headers.cookie! },
          payload: { outcome: 'reached' },
        });
        assert.equal(noCsrf.json().code, 'CSRF_TOKEN_INVALID');
        assert.equal((await call('GET', '/call-tasks?open=true', t.worker)).json().total, 0);

        // The full phone: person.reveal with a reason, audited.
        assert.equal(
          (await call('POST', `/call-tasks/${wifeTask}/reveal`, t.worker, { reason: ' ' })).json().code,
          'CALL_REASON_REQUIRED',
        );
        const revealed = await call('POST', `/call-tasks/${wifeTask}/reveal`, t.worker, { reason: '电话通知隔离' });
        assert.equal(revealed.json().phone, '13904375678');
        const audited = await s.db
          .selectFrom('audit_event')
          .select(['reason', 'object_id'])
          .where('action', '=', 'call.reveal')
          .execute();
        assert.deepEqual(
          audited.map((a) => a.reason),
          ['电话通知隔离'],
        );

        // Dismissing a contact withdraws its task; no more calls on it; reinstating reopens it.
        const dismissed = await call('POST', `/contacts/${theirs.items[0].contactId}/review`, investigator, {
          decision: 'dismiss',
          reason: '核实未同时在场',
        });
        assert.equal(dismissed.statusCode, 200, dismissed.body);
        const afterDismiss = (await call('GET', `/call-tasks/${colleagueTask}`, t.otherWorker)).json();
        assert.equal(afterDismiss.task.status, 'withdrawn');
        assert.equal(
          (await call('POST', `/call-tasks/${colleagueTask}/attempts`, t.otherWorker, { outcome: 'reached' })).json()
            .code,
          'CALL_TASK_WITHDRAWN',
        );
        await call('POST', `/contacts/${theirs.items[0].contactId}/review`, investigator, {
          decision: 'confirm',
          reason: '复核确认',
        });
        assert.equal((await call('GET', `/call-tasks/${colleagueTask}`, t.otherWorker)).json().task.status, 'pending');

        // Exports: masked by default; revealed only with person.reveal and a reason.
        const csv = await call('GET', '/call-tasks/export?format=csv', t.worker);
        assert.equal(csv.statusCode, 200, csv.body);
        assert.equal(csv.headers['x-call-rows'], '1');
        assert.ok(csv.body.includes('李*英') && csv.body.includes('139****5678') && !csv.body.includes('13904375678'));
        assert.equal(
          (await call('GET', '/call-tasks/export?reveal=true', t.worker)).json().code,
          'CALL_REASON_REQUIRED',
        );
        const full = await call(
          'GET',
          '/call-tasks/export?format=xlsx&reveal=true&reason=%E9%80%9A%E7%9F%A5&lang=en',
          t.worker,
        );
        assert.equal(full.statusCode, 200);
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(full.rawPayload as unknown as ArrayBuffer);
        const sheet = book.getWorksheet('Call list')!;
        assert.equal(sheet.getRow(1).getCell(5).value, 'Name');
        assert.equal(sheet.getRow(2).getCell(5).value, '李秀英');
        assert.equal(sheet.getRow(2).getCell(6).value, '13904375678');

        // Roles without the permission.
        const lab = await signIn(s, 'lab', AREAS.city);
        assert.equal((await call('GET', '/call-tasks', lab)).json().code, 'FORBIDDEN');
        assert.equal((await call('GET', '/call-tasks')).statusCode, 401);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
        const actions = new Set(
          (await s.db.selectFrom('audit_event').select('action').where('object_type', '=', 'call_task').execute()).map(
            (r) => r.action,
          ),
        );
        assert.deepEqual([...actions].sort(), [
          'call.attempt',
          'call.export',
          'call.list',
          'call.read',
          'call.tasks.sync',
        ]);
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
