import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { callerOf, fillTube as fillTubeBy, idNumber } from '../support/testing.http.ts';
import { issuePersonalCode } from '../../src/venues/venue.codes.ts';
import { codeFacts } from '../../src/health/health.service.ts';
import ExcelJS from 'exceljs';
import { installedHealthFacts } from '../../src/testing/testing.health.ts';
import type { Ports } from '../../src/services.ts';
import http from 'node:http';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.parse('2022-04-02T06:00:00+08:00');

function multipart(fileName: string, content: string, headers: Record<string, string>) {
  const boundary = '----cordon-lab-test';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function setup(dialect: 'sqlite' | 'postgres', ports?: Partial<Ports>) {
  const s: TestServices = await testServices(dialect, { ports });
  s.clock.set(START + HOUR);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = callerOf(app);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const xworker = await signIn(s, 'community_worker', AREAS.xingyang);
  // Twelve people in 文苑 (four households of three), four in 兴阳.
  const wenyuan: string[] = [];
  const households: string[] = [];
  let n = 0;
  for (let h = 0; h < 4; h++) {
    const home = await call('POST', '/households', worker, {
      areaId: areas[AREAS.wenyuanGrid],
      buildingName: '3号楼',
      unit: '1',
      door: `${h + 1}01`,
    });
    assert.equal(home.statusCode, 201, home.body);
    households.push(home.json().id);
    for (let i = 0; i < 3; i++) {
      const res = await call('POST', '/persons', worker, {
        householdId: home.json().id,
        name: `居民${++n}号`,
        idNumber: idNumber(n),
      });
      assert.equal(res.statusCode, 201, res.body);
      wenyuan.push(res.json().id);
    }
  }
  const xingyang: string[] = [];
  const xhome = await call('POST', '/households', xworker, {
    areaId: areas[AREAS.xingyangGrid],
    buildingName: '8号楼',
    unit: '2',
    door: '202',
  });
  for (let i = 0; i < 4; i++) {
    const res = await call('POST', '/persons', xworker, {
      householdId: xhome.json().id,
      name: `兴阳${i}`,
      idNumber: idNumber(100 + i),
    });
    assert.equal(res.statusCode, 201, res.body);
    xingyang.push(res.json().id);
  }
  const command = await signIn(s, 'command', AREAS.city);
  const sampler = await signIn(s, 'sampler', AREAS.street);
  const lab = await signIn(s, 'lab', AREAS.city);
  const round = await call('POST', '/testing/rounds', command, {
    name: '第一轮全员核酸',
    startsAt: START,
    areas: [
      { areaId: areas[AREAS.wenyuan], controlLevel: 'controlled' },
      { areaId: areas[AREAS.xingyang], controlLevel: 'sealed' },
    ],
  });
  assert.equal(round.statusCode, 201, round.body);
  const roundId = round.json().id as string;
  const site = await call('POST', '/testing/sites', command, {
    areaId: areas[AREAS.wenyuanGrid],
    name: '文苑广场采样点',
  });
  assert.equal(site.statusCode, 201, site.body);
  const table = await call('POST', `/testing/sites/${site.json().id}/tables`, command, { name: '1号台' });
  assert.equal(table.statusCode, 201, table.body);
  const xsite = await call('POST', '/testing/sites', command, {
    areaId: areas[AREAS.xingyangGrid],
    name: '兴阳上门采样',
  });
  const xtable = await call('POST', `/testing/sites/${xsite.json().id}/tables`, command, { name: '上门组' });
  return {
    s,
    app,
    call,
    areas,
    worker,
    xworker,
    command,
    sampler,
    lab,
    roundId,
    tableId: table.json().id as string,
    xtableId: xtable.json().id as string,
    siteId: site.json().id as string,
    wenyuan,
    xingyang,
    households,
    round: round.json(),
  };
}

type T = Awaited<ReturnType<typeof setup>>;

function fillTube(t: T, barcode: string, people: string[], tableId = t.tableId) {
  return fillTubeBy(t.call, t.sampler, t.roundId, tableId, barcode, people);
}

async function colourOf(t: T, personId: string) {
  return (await codeFacts(t.s.db, personId, t.s.clock.now())).colour;
}

for (const { dialect, skip } of await dialects()) {
  describe(`testing rounds HTTP [${dialect}]`, { skip }, () => {
    test('round → plan → sampling with enforced pooling → box and custody → lab negative → tested; coverage and door-knock', async () => {
      const t = await setup(dialect);
      const { call, s } = t;
      try {
        assert.equal(t.round.target, 16);
        assert.equal(t.round.deadlineAt, START + 24 * HOUR);
        assert.equal(t.round.status, 'open');

        const plan = await call('GET', `/testing/rounds/${t.roundId}/plan`, t.command);
        assert.equal(plan.statusCode, 200, plan.body);
        assert.equal(plan.json().total.population, 16);
        assert.deepEqual(plan.json().total.needed.sites, { min: 1, max: 1 });
        assert.equal(plan.json().total.needed.samplers, 1);
        assert.equal(plan.json().total.short.samplers, 1);

        // A 10:1 tube in a controlled area: the 11th person is refused.
        const open = await call('POST', '/testing/tubes', t.sampler, {
          roundId: t.roundId,
          tableId: t.tableId,
          barcode: 'T0001',
        });
        assert.equal(open.statusCode, 201, open.body);
        assert.equal(open.json().mode, 'pool');
        assert.equal(open.json().capacity, 10);
        const tubeId = open.json().id as string;
        const code = issuePersonalCode(s.signing.personalPrivateKey, t.wenyuan[0]!, s.clock.now()).token;
        const byCode = await call('POST', `/testing/tubes/${tubeId}/members`, t.sampler, { personCode: code });
        assert.equal(byCode.statusCode, 200, byCode.body);
        assert.equal(byCode.json().member.maskedName, '居**号');
        assert.doesNotMatch(byCode.body, /2204021980/);
        const byId = await call('POST', `/testing/tubes/${tubeId}/members`, t.sampler, { idNumber: idNumber(2) });
        assert.equal(byId.statusCode, 200, byId.body);
        assert.equal(byId.json().member.personId, t.wenyuan[1]);
        for (const p of t.wenyuan.slice(2, 10))
          assert.equal(
            (await call('POST', `/testing/tubes/${tubeId}/members`, t.sampler, { personId: p })).statusCode,
            200,
          );
        const eleventh = await call('POST', `/testing/tubes/${tubeId}/members`, t.sampler, { personId: t.wenyuan[10] });
        assert.equal(eleventh.json().code, 'TUBE_FULL');
        const twice = await call('POST', `/testing/tubes/${tubeId}/members`, t.sampler, { personId: t.wenyuan[0] });
        assert.equal(twice.json().code, 'PERSON_ALREADY_IN_TUBE');
        // The same person in a second open tube of the round is refused.
        const other = await call('POST', '/testing/tubes', t.sampler, {
          roundId: t.roundId,
          tableId: t.tableId,
          barcode: 'T0002',
        });
        const dup = await call('POST', `/testing/tubes/${other.json().id}/members`, t.sampler, {
          personId: t.wenyuan[3],
        });
        assert.equal(dup.statusCode, 409);
        assert.equal(dup.json().code, 'PERSON_IN_OPEN_TUBE');
        assert.equal(dup.json().barcode, 'T0001');
        assert.equal(
          (
            await call('POST', `/testing/tubes/${other.json().id}/members`, t.sampler, {
              idNumber: '220402199001011234',
            })
          ).json().code,
          'PERSON_NOT_FOUND',
        );
        assert.equal(
          (
            await call('POST', `/testing/tubes/${other.json().id}/members`, t.sampler, { personCode: 'p1.bad.sig' })
          ).json().code,
          'PERSONAL_CODE_INVALID',
        );
        assert.equal(
          (await call('POST', `/testing/tubes/${other.json().id}/members`, t.sampler, {})).json().code,
          'PERSON_IDENTIFIER_REQUIRED',
        );
        assert.equal(
          (
            await call('POST', '/testing/tubes', t.sampler, {
              roundId: t.roundId,
              tableId: t.tableId,
              barcode: 'T0001',
            })
          ).json().code,
          'TUBE_BARCODE_TAKEN',
        );
        assert.equal(
          (
            await call('POST', '/testing/tubes', t.sampler, {
              roundId: t.roundId,
              tableId: t.tableId,
              barcode: 'T0009',
              poolSize: 20,
            })
          ).json().code,
          'TUBE_MODE_NOT_ALLOWED',
        );
        const closed = await call('POST', `/testing/tubes/${tubeId}/close`, t.sampler, {});
        assert.equal(closed.json().status, 'closed');
        const late = await call('POST', `/testing/tubes/${tubeId}/members`, t.sampler, { personId: t.wenyuan[10] });
        assert.equal(late.json().code, 'TUBE_CLOSED');
        assert.equal(
          (await call('POST', `/testing/tubes/${other.json().id}/close`, t.sampler, {})).json().code,
          'TUBE_EMPTY',
        );

        // Sealed 兴阳: one tube per household (the default), or single tubes; a 10:1 pool is refused.
        assert.equal(
          (
            await call('POST', '/testing/tubes', t.sampler, {
              roundId: t.roundId,
              tableId: t.xtableId,
              barcode: 'X0001',
              mode: 'pool',
            })
          ).json().code,
          'TUBE_MODE_NOT_ALLOWED',
        );
        const home = await fillTube(t, 'X0002', t.xingyang.slice(0, 3), t.xtableId);
        assert.equal(home.mode, 'household');
        const single = await call('POST', '/testing/tubes', t.sampler, {
          roundId: t.roundId,
          tableId: t.xtableId,
          barcode: 'X0003',
          mode: 'single',
        });
        assert.equal(single.json().capacity, 1);
        const stranger = await call('POST', '/testing/tubes', t.sampler, {
          roundId: t.roundId,
          tableId: t.xtableId,
          barcode: 'X0004',
        });
        await call('POST', `/testing/tubes/${stranger.json().id}/members`, t.sampler, { personId: t.xingyang[3] });
        assert.equal(
          (
            await call('POST', `/testing/tubes/${stranger.json().id}/members`, t.sampler, { personId: t.wenyuan[11] })
          ).json().code,
          'TUBE_HOUSEHOLD_MISMATCH',
        );

        // Box → transport → lab, each step stamped.
        const box = await call('POST', '/testing/boxes', t.sampler, { roundId: t.roundId, code: 'B001' });
        assert.equal(box.statusCode, 201, box.body);
        const badPack = await call('POST', `/testing/boxes/${box.json().id}/tubes`, t.sampler, {
          barcodes: ['T0001', 'T0002', 'NOPE1'],
        });
        assert.equal(badPack.json().code, 'BOX_TUBES_INVALID');
        assert.deepEqual(
          badPack.json().errors.map((e: { row: number; code: string }) => [e.row, e.code]),
          [
            [2, 'TUBE_NOT_CLOSED'],
            [3, 'TUBE_UNKNOWN'],
          ],
        );
        assert.equal(
          (
            await call('POST', `/testing/boxes/${box.json().id}/tubes`, t.sampler, { barcodes: ['T0001', 'X0002'] })
          ).json().tubes,
          2,
        );
        assert.equal(
          (await call('POST', `/testing/boxes/${box.json().id}/receive`, t.lab, { lab: '市疾控' })).json().code,
          'BOX_NOT_IN_TRANSIT',
        );
        s.clock.advance(30 * MIN);
        assert.equal(
          (
            await call('POST', `/testing/boxes/${box.json().id}/handover`, t.sampler, { carrier: '转运车 吉D12345' })
          ).json().status,
          'in_transit',
        );
        s.clock.advance(30 * MIN);
        const received = await call('POST', `/testing/boxes/${box.json().id}/receive`, t.lab, { lab: '市疾控' });
        assert.equal(received.json().status, 'received');
        const chain = await call('GET', `/testing/tubes/${tubeId}/custody`, t.command);
        assert.deepEqual(
          chain.json().events.map((e: { kind: string }) => e.kind),
          ['tube_opened', 'tube_closed', 'boxed', 'handed_over', 'received'],
        );
        assert.ok(chain.json().events.every((e: { actorName: string }) => e.actorName));

        // Lab: a negative pool marks every member tested negative at the sampling time.
        const neg = await call('POST', '/testing/lab/results', t.lab, {
          roundId: t.roundId,
          results: [
            { barcode: 'T0001', result: '阴性', ctN: null, ctOrf1ab: null, testedAt: s.clock.now() - MIN },
            { barcode: 'X0002', result: 'negative', testedAt: s.clock.now() - MIN },
          ],
        });
        assert.equal(neg.statusCode, 200, neg.body);
        assert.equal(neg.json().people, 13);
        const facts = await codeFacts(s.db, t.wenyuan[0]!, s.clock.now());
        assert.equal(facts.latestTest?.result, 'negative');
        assert.equal(facts.latestTest?.sampledAt, START + HOUR);
        // The same result again is idempotent; a different one is a conflict.
        const again = await call('POST', '/testing/lab/results', t.lab, {
          results: [{ barcode: 'T0001', result: 'negative', testedAt: s.clock.now() - MIN }],
        });
        assert.equal(again.json().repeated, 1);
        assert.equal(again.json().applied, 0);

        // Coverage and the door-knock list.
        const cov = await call('GET', `/testing/rounds/${t.roundId}/coverage`, t.command);
        assert.equal(cov.statusCode, 200, cov.body);
        const wen = cov.json().rows.find((r: { areaId: string }) => r.areaId === t.areas[AREAS.wenyuan]);
        assert.deepEqual([wen.target, wen.sampled, wen.resulted, wen.missing], [12, 10, 10, 2]);
        const grid = await call(
          'GET',
          `/testing/rounds/${t.roundId}/coverage?areaId=${t.areas[AREAS.wenyuanGrid]}`,
          t.command,
        );
        assert.equal(grid.json().rows[0].level, 'building');
        const buildingId = grid.json().rows[0].buildingId as string;
        const knock = await call('GET', `/testing/rounds/${t.roundId}/door-knock?buildingId=${buildingId}`, t.worker);
        assert.equal(knock.statusCode, 200, knock.body);
        assert.equal(knock.json().missing, 2);
        assert.deepEqual(
          knock
            .json()
            .households.flatMap((h: { people: Array<{ personId: string }> }) => h.people.map((p) => p.personId))
            .sort(),
          [t.wenyuan[10], t.wenyuan[11]].sort(),
        );
        const visit = await call('POST', `/testing/rounds/${t.roundId}/visits`, t.worker, {
          personId: t.wenyuan[10],
          outcome: 'bedridden',
        });
        assert.equal(visit.statusCode, 201, visit.body);
        assert.ok(visit.json().taskId);
        const homeTasks = await call('GET', `/testing/tasks?roundId=${t.roundId}&kind=home`, t.sampler);
        assert.equal(homeTasks.json().total, 1);
        const knock2 = await call('GET', `/testing/rounds/${t.roundId}/door-knock?buildingId=${buildingId}`, t.worker);
        const marked = knock2
          .json()
          .households.flatMap(
            (h: { people: Array<{ personId: string; lastVisit: { outcome: string } | null }> }) => h.people,
          )
          .find((p: { personId: string }) => p.personId === t.wenyuan[10]);
        assert.equal(marked.lastVisit.outcome, 'bedridden');
        // A grid worker's offline queue carries visits (but no tubes).
        const queued = await call('POST', '/testing/sync', t.worker, {
          ops: [
            {
              type: 'visit',
              clientId: 'visit-000001',
              at: s.clock.now() - MIN,
              roundId: t.roundId,
              personId: t.wenyuan[11],
              outcome: 'away',
            },
            {
              type: 'tube.open',
              clientId: 'visit-000002',
              at: s.clock.now() - MIN,
              roundId: t.roundId,
              tableId: t.tableId,
              barcode: 'W0001',
            },
          ],
        });
        assert.deepEqual(
          queued.json().results.map((r: { ok: boolean; error?: { code: string } }) => r.error?.code ?? 'ok'),
          ['ok', 'FORBIDDEN'],
        );
        assert.equal(
          (
            await call('POST', '/testing/sync', t.lab, {
              ops: [{ type: 'tube.close', clientId: 'lab-0000001', at: s.clock.now(), barcode: 'T0001' }],
            })
          ).statusCode,
          403,
        );
        // Rounds are listed to everyone whose area they touch.
        assert.equal((await call('GET', '/testing/rounds', t.xworker)).json().total, 1);
        assert.equal((await call('GET', '/testing/rounds?status=open', t.command)).json().items[0].id, t.roundId);
        // Door-knock list is not the lab's.
        assert.equal(
          (await call('GET', `/testing/rounds/${t.roundId}/door-knock?buildingId=${buildingId}`, t.lab)).statusCode,
          403,
        );

        const summary = await call('GET', `/testing/rounds/${t.roundId}`, t.command);
        assert.equal(summary.json().summary.sampled, 14);
        assert.equal(summary.json().summary.negative, 13);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('positive pool → one-click report → in-place control → re-tests negative → lifted; positive single → case', async () => {
      const t = await setup(dialect);
      const { call, s } = t;
      try {
        await fillTube(t, 'P0001', t.wenyuan.slice(0, 3));
        await fillTube(t, 'P0002', t.wenyuan.slice(3, 6));
        s.clock.advance(2 * HOUR);
        const csv = `管码,结果,N基因Ct,ORF1ab基因Ct,检测时间\nP0001,阳性,33.5,34.1,2022-04-02 08:30\nP0002,阳性,30,31,2022-04-02 08:31\n`;
        const up = await t.app.inject({
          method: 'POST',
          url: `/api/v1/testing/lab/uploads?roundId=${t.roundId}`,
          ...multipart('结果.csv', csv, t.lab.headers),
        });
        assert.equal(up.statusCode, 200, up.body);
        assert.equal(up.json().pools.length, 2);
        assert.equal(up.json().cases.length, 0);
        const poolId = up.json().pools[0].id as string;
        assert.equal(up.json().pools[0].reported, false);
        assert.equal(await colourOf(t, t.wenyuan[0]!), 'green');

        const open = await call('GET', `/testing/command/pools?roundId=${t.roundId}`, t.command);
        assert.equal(open.json().items.length, 2);
        assert.equal(open.json().targetMs, 6 * HOUR);

        assert.equal((await call('POST', `/testing/pools/${poolId}/report`, t.sampler, {})).statusCode, 403);
        const report = await call('POST', `/testing/pools/${poolId}/report`, t.command, {});
        assert.equal(report.statusCode, 200, report.body);
        assert.equal(report.json().controlled, 3);
        assert.equal(report.json().pool.status, 'reported');
        for (const p of t.wenyuan.slice(0, 3)) assert.equal(await colourOf(t, p), 'yellow');
        assert.equal(await colourOf(t, t.wenyuan[3]!), 'green');
        const repeat = await call('POST', `/testing/pools/${poolId}/report`, t.command, {});
        assert.equal(repeat.json().alreadyReported, true);
        const detail = await call('GET', `/testing/pools/${poolId}`, t.command);
        assert.deepEqual(
          detail
            .json()
            .notifications.map((n: { kind: string }) => n.kind)
            .sort(),
          ['community', 'police', 'squad'],
        );
        assert.equal(detail.json().members.filter((m: { taskStatus: string }) => m.taskStatus === 'open').length, 3);

        // Six hours later the pool is overdue while nobody is re-sampled.
        s.clock.advance(7 * HOUR);
        const overdue = await call('GET', `/testing/pools?roundId=${t.roundId}`, t.command);
        assert.equal(overdue.json().items.find((p: { id: string }) => p.id === poolId).overdue, true);

        // The squad re-samples each member at home (one through the offline queue), the lab reports all negative.
        const tasks = await call('GET', `/testing/tasks?roundId=${t.roundId}&kind=retest`, t.sampler);
        assert.equal(tasks.json().total, 3);
        const [first, ...rest] = tasks.json().items as Array<{ id: string; personId: string }>;
        const queued = await call('POST', '/testing/sync', t.sampler, {
          ops: [
            {
              type: 'task.sample',
              clientId: 'op-task-0001',
              at: s.clock.now() - MIN,
              taskId: first!.id,
              barcode: 'R0001',
            },
          ],
        });
        assert.equal(queued.json().results[0].ok, true, queued.body);
        // A queued scan refused (sent days late) keeps its client id: the same id online answers with that refusal.
        const late = await call('POST', '/testing/sync', t.sampler, {
          ops: [
            {
              type: 'task.sample',
              clientId: 'op-task-0002',
              at: s.clock.now() - 3 * 24 * HOUR,
              taskId: rest[0]!.id,
              barcode: 'R0002',
            },
          ],
        });
        assert.equal(late.json().results[0].error.code, 'SYNC_TIME_INVALID', late.body);
        const again = await call('POST', `/testing/tasks/${rest[0]!.id}/sample`, t.sampler, {
          clientId: 'op-task-0002',
          barcode: 'R0002',
        });
        assert.ok(again.statusCode >= 400, again.body);
        assert.equal(again.json().code, 'SYNC_TIME_INVALID');
        for (const [i, task] of rest.entries()) {
          const done = await call('POST', `/testing/tasks/${task.id}/sample`, t.sampler, { barcode: `R000${i + 2}` });
          assert.equal(done.json().status, 'sampled', done.body);
        }
        s.clock.advance(HOUR);
        const partial = await call('POST', '/testing/lab/results', t.lab, {
          results: [
            { barcode: 'R0001', result: 'negative', testedAt: s.clock.now() },
            { barcode: 'R0002', result: 'negative', testedAt: s.clock.now() },
          ],
        });
        assert.equal(partial.json().released.length, 0);
        assert.equal(await colourOf(t, rest[1]!.personId), 'yellow');
        assert.equal(await colourOf(t, first!.personId), 'green');
        const last = await call('POST', '/testing/lab/results', t.lab, {
          results: [{ barcode: 'R0003', result: 'negative', testedAt: s.clock.now() }],
        });
        assert.deepEqual(last.json().released, [poolId]);
        for (const p of t.wenyuan.slice(0, 3)) assert.equal(await colourOf(t, p), 'green');
        const released = await call('GET', `/testing/pools/${poolId}`, t.command);
        assert.equal(released.json().pool.status, 'released');

        // The second pool: reported, one member's single tube comes back positive → a case, tracing started.
        const pool2 = up.json().pools[1].id as string;
        await call('POST', `/testing/pools/${pool2}/report`, t.lab, {});
        const tasks2 = (await call('GET', `/testing/tasks?roundId=${t.roundId}&kind=retest`, t.sampler)).json()
          .items as Array<{ id: string; personId: string }>;
        for (const [i, task] of tasks2.entries())
          await call('POST', `/testing/tasks/${task.id}/sample`, t.sampler, { barcode: `S000${i + 1}` });
        s.clock.advance(HOUR);
        const pos = await call('POST', '/testing/lab/results', t.lab, {
          results: [
            { barcode: 'S0001', result: 'positive', ctN: 28, ctOrf1ab: 29, testedAt: s.clock.now() },
            { barcode: 'S0002', result: 'negative', testedAt: s.clock.now() },
          ],
        });
        assert.equal(pos.statusCode, 200, pos.body);
        assert.equal(pos.json().cases.length, 1);
        assert.ok(pos.json().cases[0].caseId, JSON.stringify(pos.json().cases));
        const c = await s.db
          .selectFrom('case_record')
          .selectAll()
          .where('id', '=', pos.json().cases[0].caseId)
          .executeTakeFirstOrThrow();
        assert.equal(c.person_id, tasks2[0]!.personId);
        assert.equal(c.source, 'testing_round');
        assert.equal((await call('GET', `/testing/pools/${pool2}`, t.command)).json().pool.status, 'case_found');
        assert.equal((await call('POST', `/testing/pools/${pool2}/report`, t.command, {})).json().code, 'POOL_CLOSED');
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('auto-report on upload and offline sync without duplicates', async () => {
      const t = await setup(dialect);
      const { call, s } = t;
      try {
        assert.equal(
          (await call('PATCH', `/testing/rounds/${t.roundId}`, t.command, { autoReport: true })).json().autoReport,
          true,
        );
        const at = s.clock.now() - 10 * MIN;
        const ops = [
          { type: 'tube.open', clientId: 'op-0000001', at, roundId: t.roundId, tableId: t.tableId, barcode: 'Q0001' },
          { type: 'tube.add', clientId: 'op-0000002', at, barcode: 'Q0001', personId: t.wenyuan[0] },
          { type: 'tube.add', clientId: 'op-0000003', at, barcode: 'Q0001', idNumber: idNumber(2) },
          { type: 'tube.add', clientId: 'op-0000004', at, barcode: 'Q0001', personId: t.wenyuan[0] },
          { type: 'tube.close', clientId: 'op-0000005', at: at + MIN, barcode: 'Q0001' },
          { type: 'tube.add', clientId: 'op-0000006', at: at + MIN, barcode: 'Q0001', personId: t.wenyuan[2] },
          {
            type: 'tube.fill',
            clientId: 'op-0000007',
            at,
            roundId: t.roundId,
            tableId: t.tableId,
            barcode: 'Q0002',
            people: [
              { personId: t.wenyuan[3], at },
              { personId: t.wenyuan[4], at },
            ],
          },
          {
            type: 'tube.open',
            clientId: 'op-0000008',
            at: s.clock.now() - 3 * 24 * HOUR,
            roundId: t.roundId,
            tableId: t.tableId,
            barcode: 'Q0003',
          },
        ];
        const first = await call('POST', '/testing/sync', t.sampler, { ops });
        assert.equal(first.statusCode, 200, first.body);
        const r = first.json().results as Array<{
          ok: boolean;
          duplicate: boolean;
          error?: { code: string };
          tube?: { members: number };
        }>;
        assert.deepEqual(
          r.map((x) => x.ok),
          [true, true, true, false, true, false, true, false],
        );
        assert.equal(r[3]!.error!.code, 'PERSON_ALREADY_IN_TUBE');
        assert.equal(r[5]!.error!.code, 'TUBE_CLOSED');
        assert.equal(r[7]!.error!.code, 'SYNC_TIME_INVALID');
        assert.equal(r[6]!.tube!.members, 2);
        const second = await call('POST', '/testing/sync', t.sampler, { ops });
        const r2 = second.json().results as Array<{ duplicate: boolean }>;
        assert.ok(r2.every((x) => x.duplicate));
        assert.deepEqual(
          r2.map((x) => ({ ...x, duplicate: false })),
          r.map((x) => ({ ...x, duplicate: false })),
        );
        const members = await s.db
          .selectFrom('testing_tube_member')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(members.n), 4);
        const reused = await call('POST', '/testing/sync', t.sampler, {
          ops: [{ type: 'tube.close', clientId: 'op-0000001', at, barcode: 'Q0001' }],
        });
        assert.equal(reused.json().results[0].error.code, 'SYNC_CLIENT_ID_REUSED');

        const up = await call('POST', '/testing/lab/results', t.lab, {
          results: [{ barcode: 'Q0001', result: 'positive', ctN: 35, ctOrf1ab: 36, testedAt: s.clock.now() }],
        });
        assert.equal(up.json().pools[0].reported, true);
        assert.equal(await colourOf(t, t.wenyuan[0]!), 'yellow');
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('lab results: every bad row is its own error code and nothing is half-applied', async () => {
      const t = await setup(dialect);
      const { call, s } = t;
      try {
        await fillTube(t, 'L0001', t.wenyuan.slice(0, 2));
        await fillTube(t, 'L0002', t.wenyuan.slice(2, 4));
        await call('POST', '/testing/tubes', t.sampler, { roundId: t.roundId, tableId: t.tableId, barcode: 'L0003' });
        await call('POST', '/testing/lab/results', t.lab, {
          results: [{ barcode: 'L0002', result: 'negative', testedAt: s.clock.now() }],
        });
        const now = s.clock.now();
        const bad = await call('POST', '/testing/lab/results', t.lab, {
          results: [
            { barcode: 'L0001', result: 'negative', testedAt: now },
            { barcode: 'NOPE', result: 'negative', testedAt: now },
            { barcode: 'L0002', result: 'positive', testedAt: now },
            { barcode: 'L0003', result: 'negative', testedAt: now },
            { barcode: 'L0001', result: 'maybe', testedAt: now },
            { barcode: 'L0001', result: 'positive', ctN: 61, testedAt: now },
            { barcode: 'L0001', result: 'positive', testedAt: now },
            { barcode: 'L0001', result: 'negative', testedAt: now + 3 * HOUR },
          ],
        });
        assert.equal(bad.statusCode, 422, bad.body);
        assert.equal(bad.json().code, 'LAB_RESULTS_INVALID');
        assert.deepEqual(
          bad.json().errors.map((e: { row: number; code: string }) => [e.row, e.code]),
          [
            [2, 'LAB_TUBE_UNKNOWN'],
            [3, 'LAB_RESULT_CONFLICT'],
            [4, 'LAB_TUBE_NOT_SAMPLED'],
            [5, 'LAB_RESULT_INVALID'],
            [6, 'LAB_CT_OUT_OF_RANGE'],
            [7, 'LAB_RESULT_CONFLICT'],
            [8, 'LAB_TIME_INVALID'],
          ],
        );
        const stored = await s.db.selectFrom('testing_result').select('tube_id').execute();
        assert.equal(stored.length, 1);

        const header = await t.app.inject({
          method: 'POST',
          url: '/api/v1/testing/lab/uploads',
          ...multipart('r.csv', 'barcode,result,when\nL0001,negative,2022-04-02 08:00\n', t.lab.headers),
        });
        assert.equal(header.statusCode, 422);
        assert.equal(header.json().errors[0].code, 'LAB_HEADER_INVALID');
        assert.equal(header.json().errors[0].row, 1);
        const ct = await t.app.inject({
          method: 'POST',
          url: '/api/v1/testing/lab/uploads',
          ...multipart(
            'r.csv',
            'Tube barcode,Result,Ct N,Ct ORF1ab,Test time\nL0001,positive,abc,30,2022-04-02T08:00:00+08:00\nL0001,negative,,,yesterday\n',
            t.lab.headers,
          ),
        });
        assert.deepEqual(
          ct.json().errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code]),
          [
            [2, 'Ct N', 'LAB_CT_OUT_OF_RANGE'],
            [3, 'Test time', 'LAB_TIME_INVALID'],
          ],
        );
        const other = await call('POST', '/testing/lab/results', t.lab, {
          roundId: 'other-round',
          results: [{ barcode: 'L0001', result: 'negative', testedAt: now }],
        });
        assert.equal(other.json().code, 'ROUND_NOT_FOUND');
        const fmt = await t.app.inject({
          method: 'POST',
          url: '/api/v1/testing/lab/uploads',
          ...multipart('r.txt', 'x', t.lab.headers),
        });
        assert.equal(fmt.json().code, 'LAB_FILE_FORMAT');
        assert.equal((await s.db.selectFrom('testing_result').select('tube_id').execute()).length, 1);
        assert.equal((await s.db.selectFrom('testing_lab_upload').select('id').execute()).length, 1);

        // A well-formed XLSX (English header, an Excel date cell) is read as a stream and applied.
        const wb = new ExcelJS.Workbook();
        const sheet = wb.addWorksheet('results');
        sheet.addRow(['Tube barcode', 'Result', 'Ct N', 'Ct ORF1ab', 'Test time']);
        sheet.addRow(['L0001', 'negative', null, null, new Date(now)]);
        const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
        const boundary = '----cordon-lab-xlsx';
        const payload = Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
          ),
          xlsx,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        const ok = await t.app.inject({
          method: 'POST',
          url: `/api/v1/testing/lab/uploads?roundId=${t.roundId}`,
          payload,
          headers: { ...t.lab.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
        });
        assert.equal(ok.statusCode, 200, ok.body);
        assert.equal(ok.json().negative, 1);
        assert.equal(ok.json().people, 2);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('live dashboard: server-sent summary after a change', async () => {
      const t = await setup(dialect);
      try {
        const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
        const events: string[] = [];
        const req = http.get(`${address}/api/v1/testing/rounds/${t.roundId}/live`, {
          headers: { cookie: t.command.headers.cookie! },
        });
        const connected = new Promise<void>((resolve, reject) => {
          req.on('response', (res) => {
            assert.match(String(res.headers['content-type']), /^text\/event-stream/);
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              events.push(chunk);
              resolve();
            });
          });
          req.on('error', reject);
        });
        await connected;
        await fillTube(t, 'V0001', t.wenyuan.slice(0, 2));
        const deadline = Date.now() + 5000;
        while (!events.join('').includes('event: summary') && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        const text = events.join('');
        assert.match(text, /event: summary\ndata: .*"sampled":2/);
        assert.match(text, /event: bus\ndata: \{"live":true\}/, 'the stream says it hears every change');
        req.destroy();
        const signedOut = await t.call('GET', `/testing/rounds/${t.roundId}/live`);
        assert.equal(signedOut.statusCode, 401);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('security: roles, scope, signed out, CSRF', async () => {
      const t = await setup(dialect);
      const { call, s } = t;
      try {
        const body = { roundId: t.roundId, tableId: t.tableId, barcode: 'Z0001' };
        assert.equal((await call('POST', '/testing/tubes', undefined, body)).statusCode, 401);
        assert.equal((await call('POST', '/testing/tubes', t.worker, body)).json().code, 'FORBIDDEN');
        assert.equal((await call('POST', '/testing/tubes', t.lab, body)).json().code, 'FORBIDDEN');
        const noCsrf = await call('POST', '/testing/tubes', { headers: { cookie: t.sampler.headers.cookie! } }, body);
        assert.equal(noCsrf.statusCode, 403);
        assert.equal(noCsrf.json().code, 'CSRF_TOKEN_INVALID');
        // A sampler of 兴阳 cannot sample at a table of 文苑.
        const xsampler = await signIn(s, 'sampler', AREAS.xingyang);
        assert.equal((await call('POST', '/testing/tubes', xsampler, body)).json().code, 'OUT_OF_SCOPE');
        assert.equal(
          (
            await call('POST', '/testing/rounds', t.sampler, {
              name: 'x',
              startsAt: START,
              areas: [{ areaId: t.areas[AREAS.wenyuan] }],
            })
          ).json().code,
          'FORBIDDEN',
        );
        const xcommand = await signIn(s, 'command', AREAS.xingyang);
        assert.equal(
          (
            await call('POST', '/testing/rounds', xcommand, {
              name: 'x',
              startsAt: START,
              areas: [{ areaId: t.areas[AREAS.wenyuan] }],
            })
          ).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal(
          (
            await call('POST', '/testing/lab/results', t.sampler, {
              results: [{ barcode: 'Z', result: 'negative', testedAt: 1 }],
            })
          ).json().code,
          'FORBIDDEN',
        );
        const grid = await call(
          'GET',
          `/testing/rounds/${t.roundId}/coverage?areaId=${t.areas[AREAS.wenyuan]}`,
          t.xworker,
        );
        assert.equal(grid.json().code, 'OUT_OF_SCOPE');
        const resident = await signIn(s, 'resident', AREAS.wenyuan);
        assert.equal((await call('GET', `/testing/rounds/${t.roundId}`, resident)).statusCode, 403);
        assert.equal(
          (
            await call('POST', '/testing/rounds', t.command, {
              name: 'x',
              startsAt: START,
              deadlineAt: START - 1,
              areas: [{ areaId: t.areas[AREAS.wenyuan] }],
            })
          ).json().code,
          'ROUND_DEADLINE_BEFORE_START',
        );
        const closed = await call('POST', `/testing/rounds/${t.roundId}/close`, t.command);
        assert.equal(closed.json().status, 'closed');
        assert.equal((await call('POST', '/testing/tubes', t.sampler, body)).json().code, 'ROUND_NOT_OPEN');
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('lab upload: the positive pool is under control before the negatives; a failed rest says so and the same upload finishes it', async () => {
      // The health module's set-based entry point fails once (the connection lost), then works again.
      let failing = false;
      const t = await setup(dialect, {
        testingHealth: {
          ...installedHealthFacts,
          recordTestResultsFrom: async (...args) => {
            if (failing) throw new Error('connection lost');
            return installedHealthFacts.recordTestResultsFrom!(...args);
          },
        },
      });
      const { call, s } = t;
      try {
        assert.equal(
          (await call('PATCH', `/testing/rounds/${t.roundId}`, t.command, { autoReport: true })).json().autoReport,
          true,
        );
        await fillTube(t, 'W0001', t.wenyuan.slice(0, 3));
        await fillTube(t, 'W0002', t.wenyuan.slice(3, 6));
        s.clock.advance(2 * HOUR);
        const results = [
          { barcode: 'W0001', result: 'positive', ctN: 30, ctOrf1ab: 31, testedAt: s.clock.now() },
          { barcode: 'W0002', result: 'negative', testedAt: s.clock.now() },
        ];
        failing = true;
        let failed;
        try {
          failed = await call('POST', '/testing/lab/results', t.lab, { roundId: t.roundId, results });
        } finally {
          failing = false;
        }
        assert.equal(failed.statusCode, 503, failed.body);
        assert.equal(failed.json().code, 'LAB_UPLOAD_PARTIAL');
        assert.match(failed.json().detail, /1/);
        assert.equal(failed.json().negativesNotApplied, 1);
        for (const p of t.wenyuan.slice(0, 3))
          assert.equal(await colourOf(t, p), 'yellow', 'the pool members are under control');
        assert.equal(
          (await s.db.selectFrom('testing_result').select('tube_id').execute()).length,
          1,
          'only the positive',
        );
        const again = await call('POST', '/testing/lab/results', t.lab, { roundId: t.roundId, results });
        assert.equal(again.statusCode, 200, again.body);
        assert.deepEqual(
          [again.json().applied, again.json().repeated, again.json().people, again.json().pools.length],
          [1, 1, 3, 0],
        );
        assert.equal(
          (await s.db.selectFrom('testing_task').select('id').execute()).length,
          3,
          'one re-test task each, not twice',
        );
        assert.equal((await s.db.selectFrom('health_test').select('person_id').execute()).length, 3);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
