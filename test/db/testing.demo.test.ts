import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { testServices } from '../support/services.ts';
import { seedDemoDeployment } from '../../src/cli/first-start.ts';
import { roundSummary } from '../../src/testing/testing.service.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../src/platform/audit.ts';
import { generateDemoCity } from '../../src/sim/city.ts';

const HOUR = 3_600_000;
/** Who was sampled and which tube turned positive, per dialect: the same seed draws the same on both. */
const draws = new Map<string, string>();

for (const { dialect, skip } of await dialects()) {
  describe(`demo testing round [${dialect}]`, { skip }, () => {
    test('the first start seeds a round in progress: part sampled, most negative, one reported pool under control', async () => {
      const s = await testServices(dialect);
      try {
        const accounts = await seedDemoDeployment(s, 2000, () => {});
        assert.ok(
          accounts.some((a) => a.username === 'sampler' && a.role === 'sampler'),
          'a demo sampler account',
        );
        const now = s.clock.now();

        const rounds = await s.db.selectFrom('testing_round').selectAll().execute();
        assert.equal(rounds.length, 1);
        const round = rounds[0]!;
        assert.ok(
          Number(round.starts_at) < now - HOUR && Number(round.deadline_at) > now && round.closed_at === null,
          'started a few hours ago, still open',
        );
        const areas = await s.db
          .selectFrom('testing_round_area')
          .innerJoin('area', 'area.id', 'testing_round_area.area_id')
          .select(['area.level', 'testing_round_area.control_level'])
          .where('round_id', '=', round.id)
          .execute();
        const communities = await s.db.selectFrom('area').select('id').where('level', '=', 'community').execute();
        assert.equal(areas.length, communities.length);
        assert.ok(areas.every((a) => a.level === 'community' && a.control_level === 'controlled'));

        const summary = await roundSummary(s.db, round.id);
        assert.equal(summary.target, 2000);
        assert.ok(
          summary.sampled > 0.4 * 2000 && summary.sampled < 0.8 * 2000,
          `about 60 % sampled (${summary.sampled})`,
        );
        assert.ok(summary.missing > 0);

        const tubes = await s.db
          .selectFrom('testing_tube')
          .select(['mode', 'capacity', 'member_count', 'status', 'control_level'])
          .where('round_id', '=', round.id)
          .execute();
        assert.ok(
          tubes.every(
            (t) =>
              t.mode === 'pool' &&
              Number(t.capacity) === 10 &&
              Number(t.member_count) <= 10 &&
              t.control_level === 'controlled',
          ),
        );
        const results = await s.db
          .selectFrom('testing_result')
          .select('result')
          .where('round_id', '=', round.id)
          .execute();
        assert.ok(
          results.length > tubes.length / 2 && results.length < tubes.length,
          'most tubes resulted, some still at the lab',
        );
        assert.equal(results.filter((r) => r.result === 'positive').length, 1);

        const staff = await s.db
          .selectFrom('testing_staff')
          .innerJoin('app_user', 'app_user.id', 'testing_staff.user_id')
          .select(['app_user.username', 'testing_staff.table_id'])
          .where('round_id', '=', round.id)
          .execute();
        assert.deepEqual(
          staff.map((x) => x.username),
          ['sampler'],
        );
        assert.ok(staff[0]!.table_id);
        assert.ok((await s.db.selectFrom('testing_site').select('id').execute()).length >= 1);

        const pools = await s.db.selectFrom('testing_pool').selectAll().where('round_id', '=', round.id).execute();
        assert.equal(pools.length, 1);
        assert.equal(pools[0]!.status, 'reported');
        const pool = pools[0]!;
        const members = await s.db
          .selectFrom('testing_tube_member')
          .select('person_id')
          .where('tube_id', '=', pool.tube_id)
          .execute();
        assert.equal(members.length, 10);
        const tasks = await s.db
          .selectFrom('testing_task')
          .select(['person_id', 'status', 'kind'])
          .where('pool_id', '=', pool.id)
          .execute();
        assert.deepEqual(
          tasks.map((t) => [t.kind, t.status]),
          members.map(() => ['retest', 'open']),
        );
        const ids = members.map((m) => m.person_id);
        const colours = await s.db
          .selectFrom('health_status')
          .select(['person_id', 'colour'])
          .where('person_id', 'in', ids)
          .execute();
        assert.equal(colours.length, 10);
        assert.ok(
          colours.every((c) => c.colour !== 'green'),
          `pool members under control: ${colours.map((c) => c.colour).join(',')}`,
        );
        const facts = await s.db
          .selectFrom('health_fact')
          .select('person_id')
          .where('source_type', '=', 'pool')
          .where('source_id', '=', pool.id)
          .where('ended_at', 'is', null)
          .execute();
        assert.equal(facts.length, 10);
        // Never in a community with its own demo account.
        const memberAreas = await s.db
          .selectFrom('person')
          .innerJoin('area', 'area.id', 'person.area_id')
          .select('area.path')
          .where('person.id', 'in', ids)
          .execute();
        const quiet = await s.db
          .selectFrom('area')
          .select('path')
          .where('name', 'in', ['文苑社区', '兴阳社区'])
          .execute();
        assert.ok(memberAreas.every((m) => !quiet.some((q) => m.path.startsWith(q.path))));

        // Negative members have their latest test recorded.
        const tested = await s.db
          .selectFrom('health_status')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('test_result', '=', 'negative')
          .executeTakeFirstOrThrow();
        assert.ok(Number(tested.n) > 0);
        assert.equal((await verifyAuditChain(s.db)).ok, true);

        const sampledIds = await s.db
          .selectFrom('testing_tube_member')
          .select('person_id')
          .where('round_id', '=', round.id)
          .execute();
        const draw = `${sampledIds
          .map((m) => m.person_id)
          .sort()
          .join(',')}|${[...ids].sort().join(',')}`;
        draws.set(dialect, draw);
        for (const other of draws.values()) assert.equal(other, draw, 'the same draw on every database');
      } finally {
        await s.close();
      }
    });

    test('cordon demo --force rebuilds a seeded deployment: the old round, colours and cases go with the old people', async () => {
      const s = await testServices(dialect);
      try {
        await seedDemoDeployment(s, 1000, () => {});
        await generateDemoCity(s, { people: 800, days: 1, seed: 9, force: true, actor: SYSTEM_ACTOR });
        for (const table of [
          'testing_round',
          'testing_tube_member',
          'health_fact',
          'health_status',
          'case_record',
        ] as const) {
          const n = await s.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow();
          assert.equal(Number(n.n), 0, table);
        }
        const persons = await s.db
          .selectFrom('person')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(persons.n), 800);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await s.close();
      }
    });
  });
}
