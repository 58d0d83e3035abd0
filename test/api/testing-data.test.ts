// The testing round's data bugs of issue 15: the rounds list's figures are the round page's, a person
// under control is refused from a shared tube with a single tube offered, a table's open tubes are
// listed, resumed and (empty) voided, and a result accepted before custody was complete is flagged.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { callerOf, fillTube, idNumber } from '../support/testing.http.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.parse('2022-04-02T06:00:00+08:00');

async function setup(dialect: 'sqlite' | 'postgres') {
  const s: TestServices = await testServices(dialect);
  s.clock.set(START + HOUR);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = callerOf(app);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const people: string[] = [];
  for (let h = 0; h < 4; h++) {
    const home = await call('POST', '/households', worker, {
      areaId: areas[AREAS.wenyuanGrid],
      buildingName: '3号楼',
      unit: '1',
      door: `${h + 1}01`,
    });
    assert.equal(home.statusCode, 201, home.body);
    for (let i = 0; i < 3; i++) {
      const res = await call('POST', '/persons', worker, {
        householdId: home.json().id,
        name: `居民${people.length + 1}号`,
        idNumber: idNumber(people.length + 1),
      });
      assert.equal(res.statusCode, 201, res.body);
      people.push(res.json().id);
    }
  }
  const command = await signIn(s, 'command', AREAS.city);
  const sampler = await signIn(s, 'sampler', AREAS.street);
  const lab = await signIn(s, 'lab', AREAS.city);
  const round = await call('POST', '/testing/rounds', command, {
    name: '第一轮全员核酸',
    startsAt: START,
    areas: [{ areaId: areas[AREAS.wenyuan], controlLevel: 'controlled' }],
  });
  assert.equal(round.statusCode, 201, round.body);
  const site = await call('POST', '/testing/sites', command, {
    areaId: areas[AREAS.wenyuanGrid],
    name: '文苑广场采样点',
  });
  const table = await call('POST', `/testing/sites/${site.json().id}/tables`, command, { name: '1号台' });
  assert.equal(table.statusCode, 201, table.body);
  return {
    s,
    app,
    call,
    areas,
    worker,
    command,
    sampler,
    lab,
    people,
    roundId: round.json().id as string,
    tableId: table.json().id as string,
  };
}

for (const { dialect, skip } of await dialects()) {
  describe(`testing round data [${dialect}]`, { skip }, () => {
    test('the rounds list gives a round the same figures as its own page (target, sampled, missing)', async () => {
      const t = await setup(dialect);
      try {
        await fillTube(t.call, t.sampler, t.roundId, t.tableId, 'T0001', t.people.slice(0, 5));
        const page = await t.call('GET', `/testing/rounds/${t.roundId}`, t.command);
        assert.equal(page.statusCode, 200, page.body);
        assert.equal(page.json().summary.target, 12);
        const list = await t.call('GET', '/testing/rounds', t.command);
        const listed = list.json().items.find((r: { id: string }) => r.id === t.roundId);
        assert.equal(listed.target, page.json().round.target);
        assert.equal(listed.target, 12);
        assert.deepEqual(listed.summary, page.json().summary);
        assert.deepEqual([listed.summary.sampled, listed.summary.missing], [5, 7]);
        const open = await t.call('GET', '/testing/rounds?status=open', t.worker);
        assert.deepEqual(open.json().items[0].summary, page.json().summary);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('a person under control is refused from a pooled tube with a reason and a single tube offered; a single tube takes them', async () => {
      const t = await setup(dialect);
      try {
        const now = t.s.clock.now();
        await t.s.db
          .insertInto('health_fact')
          .values({
            id: 'fact_q1',
            person_id: t.people[0]!,
            kind: 'centralised_quarantine',
            source_type: 'quarantine',
            source_id: 'q1',
            source_group: null,
            since: now - HOUR,
            until: null,
            ended_at: null,
            detail: '{}',
            created_at: now,
            updated_at: now,
          })
          .execute();
        const pool = await t.call('POST', '/testing/tubes', t.sampler, {
          roundId: t.roundId,
          tableId: t.tableId,
          barcode: 'P0001',
        });
        assert.equal(pool.json().capacity, 10);
        const refused = await t.call('POST', `/testing/tubes/${pool.json().id}/members`, t.sampler, {
          idNumber: idNumber(1),
        });
        assert.equal(refused.statusCode, 409, refused.body);
        assert.equal(refused.json().code, 'PERSON_UNDER_CONTROL');
        assert.equal(refused.json().reason, 'centralised_quarantine');
        assert.equal(refused.json().personId, t.people[0]);
        assert.deepEqual(refused.json().offer, { mode: 'single', poolSize: 1 });
        assert.equal((await t.call('GET', `/testing/tubes/${pool.json().id}`, t.sampler)).json().tube.members, 0);
        // Others still pool; the person goes into the single tube offered.
        assert.equal(
          (await t.call('POST', `/testing/tubes/${pool.json().id}/members`, t.sampler, { personId: t.people[1] }))
            .statusCode,
          200,
        );
        const single = await t.call('POST', '/testing/tubes', t.sampler, {
          roundId: t.roundId,
          tableId: t.tableId,
          barcode: 'S0001',
          mode: 'single',
        });
        assert.equal(single.statusCode, 201, single.body);
        const alone = await t.call('POST', `/testing/tubes/${single.json().id}/members`, t.sampler, {
          personId: t.people[0],
        });
        assert.equal(alone.statusCode, 200, alone.body);
        // A control that has ended no longer refuses.
        await t.s.db
          .updateTable('health_fact')
          .set({ until: now, ended_at: now })
          .where('id', '=', 'fact_q1')
          .execute();
        await t.s.db
          .insertInto('health_fact')
          .values({
            id: 'fact_q2',
            person_id: t.people[2]!,
            kind: 'home_quarantine',
            source_type: 'quarantine',
            source_id: 'q2',
            source_group: null,
            since: now - 2 * HOUR,
            until: now - MIN,
            ended_at: null,
            detail: '{}',
            created_at: now,
            updated_at: now,
          })
          .execute();
        assert.equal(
          (await t.call('POST', `/testing/tubes/${pool.json().id}/members`, t.sampler, { personId: t.people[2] }))
            .statusCode,
          200,
        );
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test("a table's open tubes are listed on another device; one is resumed and closed, an empty one voided (audited); scope and role refused", async () => {
      const t = await setup(dialect);
      try {
        const first = await t.call('POST', '/testing/tubes', t.sampler, {
          roundId: t.roundId,
          tableId: t.tableId,
          barcode: 'T0101',
        });
        assert.equal(
          (await t.call('POST', `/testing/tubes/${first.json().id}/members`, t.sampler, { personId: t.people[0] }))
            .statusCode,
          200,
        );
        const empty = await t.call('POST', '/testing/tubes', t.sampler, {
          roundId: t.roundId,
          tableId: t.tableId,
          barcode: 'T0102',
        });
        assert.equal(empty.statusCode, 201, empty.body);

        // Signed in again on another phone (a new session of a sampler): the barcode scanned again names the tube to resume.
        const again = await signIn(t.s, 'sampler', AREAS.wenyuan);
        const taken = await t.call('POST', '/testing/tubes', again, {
          roundId: t.roundId,
          tableId: t.tableId,
          barcode: 'T0101',
        });
        assert.equal(taken.statusCode, 409);
        assert.equal(taken.json().code, 'TUBE_BARCODE_TAKEN');
        assert.equal(taken.json().resumable.tubeId, first.json().id);
        assert.equal(taken.json().resumable.members, 1);
        const open = await t.call('GET', `/testing/tables/${t.tableId}/open-tubes?roundId=${t.roundId}`, again);
        assert.equal(open.statusCode, 200, open.body);
        assert.deepEqual(
          open.json().items.map((x: { barcode: string; members: number }) => [x.barcode, x.members]),
          [
            ['T0101', 1],
            ['T0102', 0],
          ],
        );

        const resumed = await t.call('POST', `/testing/tubes/${first.json().id}/resume`, again);
        assert.equal(resumed.statusCode, 200, resumed.body);
        assert.deepEqual(
          resumed.json().members.map((m: { personId: string }) => m.personId),
          [t.people[0]],
        );
        assert.equal(
          (await t.call('POST', `/testing/tubes/${first.json().id}/members`, again, { personId: t.people[1] }))
            .statusCode,
          200,
        );
        assert.equal(
          (await t.call('POST', `/testing/tubes/${first.json().id}/void`, again, {})).json().code,
          'TUBE_NOT_EMPTY',
        );
        assert.equal(
          (await t.call('POST', `/testing/tubes/${first.json().id}/close`, again, {})).json().status,
          'closed',
        );
        assert.equal(
          (await t.call('POST', `/testing/tubes/${first.json().id}/resume`, again)).json().code,
          'TUBE_CLOSED',
        );

        // Another area's sampler and a role without sampling are refused.
        const stranger = await signIn(t.s, 'sampler', AREAS.xingyang);
        assert.equal(
          (await t.call('GET', `/testing/tables/${t.tableId}/open-tubes?roundId=${t.roundId}`, stranger)).statusCode,
          403,
        );
        assert.equal((await t.call('POST', `/testing/tubes/${empty.json().id}/void`, stranger, {})).statusCode, 403);
        assert.equal((await t.call('POST', `/testing/tubes/${empty.json().id}/resume`, stranger)).statusCode, 403);
        assert.equal(
          (await t.call('GET', `/testing/tables/${t.tableId}/open-tubes?roundId=${t.roundId}`, t.worker)).statusCode,
          403,
        );
        assert.equal((await t.call('POST', `/testing/tubes/${empty.json().id}/void`, t.lab, {})).statusCode, 403);

        const voided = await t.call('POST', `/testing/tubes/${empty.json().id}/void`, again, {
          reason: '采样中断，空管丢弃',
        });
        assert.equal(voided.statusCode, 200, voided.body);
        assert.deepEqual(voided.json(), { barcode: 'T0102', voided: true });
        const event = await t.s.db
          .selectFrom('audit_event')
          .select(['actor_id', 'detail'])
          .where('action', '=', 'testing.tube.void')
          .executeTakeFirstOrThrow();
        assert.equal(event.actor_id, again.userId);
        assert.equal(JSON.parse(event.detail).barcode, 'T0102');
        assert.equal(
          (await t.call('GET', `/testing/tables/${t.tableId}/open-tubes?roundId=${t.roundId}`, again)).json().items
            .length,
          0,
        );
        assert.equal((await t.call('GET', `/testing/tubes/${empty.json().id}`, again)).statusCode, 404);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test("a result for a tube never boxed, handed over or received is accepted and flagged on the tube and in the round's figures", async () => {
      const t = await setup(dialect);
      try {
        const { call, s } = t;
        const loose = await fillTube(call, t.sampler, t.roundId, t.tableId, 'T0201', t.people.slice(0, 3));
        const boxedOnly = await fillTube(call, t.sampler, t.roundId, t.tableId, 'T0202', t.people.slice(3, 6));
        const chained = await fillTube(call, t.sampler, t.roundId, t.tableId, 'T0203', t.people.slice(6, 9));
        const box = await call('POST', '/testing/boxes', t.sampler, { roundId: t.roundId, code: 'B001' });
        assert.equal(
          (await call('POST', `/testing/boxes/${box.json().id}/tubes`, t.sampler, { barcodes: ['T0203'] })).statusCode,
          200,
        );
        assert.equal(
          (await call('POST', `/testing/boxes/${box.json().id}/handover`, t.sampler, { carrier: '转运车' })).statusCode,
          200,
        );
        assert.equal(
          (await call('POST', `/testing/boxes/${box.json().id}/receive`, t.lab, { lab: '市疾控' })).statusCode,
          200,
        );
        const box2 = await call('POST', '/testing/boxes', t.sampler, { roundId: t.roundId, code: 'B002' });
        assert.equal(
          (await call('POST', `/testing/boxes/${box2.json().id}/tubes`, t.sampler, { barcodes: ['T0202'] })).statusCode,
          200,
        );
        s.clock.advance(HOUR);
        const res = await call('POST', '/testing/lab/results', t.lab, {
          roundId: t.roundId,
          results: ['T0201', 'T0202', 'T0203'].map((barcode) => ({
            barcode,
            result: 'negative',
            testedAt: s.clock.now() - MIN,
          })),
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().applied, 3);
        assert.deepEqual(res.json().custodyGaps, [
          { barcode: 'T0201', missing: ['boxed', 'handed_over', 'received'] },
          { barcode: 'T0202', missing: ['handed_over', 'received'] },
        ]);
        const tube = async (id: string) => (await call('GET', `/testing/tubes/${id}`, t.command)).json().tube;
        assert.deepEqual((await tube(loose.id)).custodyMissing, ['boxed', 'handed_over', 'received']);
        assert.equal((await tube(loose.id)).status, 'resulted');
        assert.deepEqual((await tube(boxedOnly.id)).custodyMissing, ['handed_over', 'received']);
        assert.deepEqual((await tube(chained.id)).custodyMissing, []);
        const page = await call('GET', `/testing/rounds/${t.roundId}`, t.command);
        assert.equal(page.json().summary.custodyGaps, 2);
        assert.equal(page.json().summary.negative, 9);
        const event = await s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'testing.lab.results')
          .executeTakeFirstOrThrow();
        assert.equal(JSON.parse(event.detail).custodyGaps.length, 2);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });
  });
}
