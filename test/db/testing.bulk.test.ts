import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, testServices } from '../support/services.ts';
import type { Actor, Role } from '../../src/access/access.rules.ts';
import { closeRound, createRound, createSite, createTable } from '../../src/testing/testing.service.ts';
import { sampleTubes } from '../../src/testing/testing.tubes.ts';
import { applyLabResults, rowsFromJson } from '../../src/testing/testing.lab.ts';
import { coverage } from '../../src/testing/testing.coverage.ts';
import { AppError } from '../../src/platform/errors.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../src/platform/audit.ts';
import * as healthPort from '../../src/health/health.facts.ts';
import { installedHealthFacts } from '../../src/testing/testing.health.ts';
import type { Ports } from '../../src/services.ts';

const START = Date.parse('2022-04-02T06:00:00+08:00');
const HOUR = 3_600_000;
const actor = (role: Role): Actor => ({
  userId: `u-${role}`,
  username: role,
  displayName: role,
  role,
  areaId: 'a_220400',
  areaPath: '220400/',
  via: 'token',
});

for (const { dialect, skip } of await dialects()) {
  describe(`testing bulk sampling, lab and coverage [${dialect}]`, { skip }, () => {
    test('whole tubes in bulk (set-based), refused whole on any fault; coverage against the previous round', async () => {
      const s = await testServices(dialect);
      try {
        s.clock.set(START + HOUR);
        const areas = await seedTestAreas(s);
        const now = s.clock.now();
        const people = Array.from({ length: 95 }, (_, i) => ({
          id: `p${String(i).padStart(4, '0')}`,
          household_id: null,
          area_id: i < 60 ? areas[AREAS.wenyuanGrid]! : areas[AREAS.xingyangGrid]!,
          name: `人员${i}`,
          id_type: 'none',
          id_enc: null,
          id_hmac: null,
          birth_date: null,
          sex: null,
          phone_enc: null,
          phone_hmac: null,
          relation: '',
          elderly_alone: 0,
          bedridden: 0,
          pregnant: 0,
          dialysis: 0,
          no_smartphone: 0,
          note: '',
          created_at: now,
          updated_at: now,
        }));
        await s.db.insertInto('person').values(people).execute();
        const ids = people.map((p) => p.id);
        const first = await createRound(s, actor('command'), {
          name: 'r1',
          startsAt: START,
          areas: [{ areaId: areas[AREAS.street]!, controlLevel: 'prevention' }],
        });
        const site = await createSite(s, actor('command'), { areaId: areas[AREAS.wenyuanGrid]!, name: 'site' });
        const table = await createTable(s, actor('command'), site.id, 't1');
        const tubes = (round: string, from: number, to: number, size: number) => {
          const out = [];
          for (let i = from; i < to; i += size)
            out.push({
              barcode: `${round}-${i}`,
              tableId: table.id,
              personIds: ids.slice(i, Math.min(i + size, to)),
              sampledAt: START + HOUR / 2,
            });
          return out;
        };
        // Twenty per tube in a prevention area; a 21st person refuses the whole batch.
        const tooBig = [
          { barcode: 'R1-X', tableId: table.id, personIds: ids.slice(0, 21), sampledAt: START + HOUR / 2 },
        ];
        await assert.rejects(
          sampleTubes(s, actor('sampler'), first.id, [...tubes('R1', 21, 41, 20), ...tooBig]),
          (err: AppError) => {
            assert.equal(err.code, 'SAMPLES_INVALID');
            assert.deepEqual(
              err.faults.map((f) => [f.row, f.code]),
              [[2, 'TUBE_FULL']],
            );
            return true;
          },
        );
        assert.equal((await s.db.selectFrom('testing_tube').select('id').execute()).length, 0);
        const done = await sampleTubes(s, actor('sampler'), first.id, tubes('R1', 0, 80, 20));
        assert.deepEqual(done, { tubes: 4, members: 80 });
        await assert.rejects(
          sampleTubes(s, actor('sampler'), first.id, tubes('R1', 0, 20, 20)),
          (err: AppError) => err.faults[0]?.code === 'TUBE_BARCODE_TAKEN',
        );
        const lab = await applyLabResults(
          s,
          actor('lab'),
          rowsFromJson(
            tubes('R1', 0, 80, 20).map((t) => ({ barcode: t.barcode, result: 'negative', testedAt: START + HOUR })),
          ),
          { roundId: first.id },
        );
        assert.equal(lab.people, 80);

        const cov1 = await coverage(s, actor('command'), first.id, areas[AREAS.street]);
        assert.deepEqual(
          cov1.rows.map((r) => [r.name, r.target, r.sampled, r.resulted, r.missing]),
          [
            ['文苑社区', 60, 60, 60, 0],
            ['兴阳社区', 35, 20, 20, 15],
          ],
        );
        await closeRound(s, actor('command'), first.id);

        s.clock.set(START + 25 * HOUR);
        const second = await createRound(s, actor('command'), {
          name: 'r2',
          startsAt: START + 24 * HOUR,
          previousRoundId: first.id,
          areas: [{ areaId: areas[AREAS.street]!, controlLevel: 'controlled' }],
        });
        await sampleTubes(
          s,
          actor('sampler'),
          second.id,
          tubes('R2', 0, 50, 10).map((t) => ({ ...t, sampledAt: START + 24.5 * HOUR })),
        );
        const cov2 = await coverage(s, actor('command'), second.id, areas[AREAS.street]);
        const wen = cov2.rows.find((r) => r.name === '文苑社区')!;
        assert.deepEqual(
          [wen.sampled, wen.resulted, wen.missing, wen.previous?.sampled, wen.previous?.missing],
          [50, 0, 10, 60, 0],
        );
        assert.equal(cov2.totals.previous?.sampled, 80);
        const byBuilding = await coverage(s, actor('command'), second.id, areas[AREAS.wenyuanGrid]);
        assert.equal(byBuilding.rows[0]!.level, 'building');
        assert.equal(byBuilding.rows[0]!.target, 60);
      } finally {
        await s.close();
      }
    });
    // ---- the lab upload in two steps (positives first) and the set-based negatives -------------------

    test('set-based negatives write exactly the rows of the per-person path; control commits before any negative', async () => {
      const fast = await labWorld(dialect);
      // A health module without the set-based entry point: the per-person list.
      const slow = await labWorld(dialect, {
        testingHealth: {
          addFacts: healthPort.addFacts,
          endFacts: healthPort.endFacts,
          recordTestResults: healthPort.recordTestResults,
        },
      });
      try {
        // The health module's set-based entry point (INSERT … SELECT over the members)…
        let seen: { pending: number; yellow: number; negatives: number; results: number } | null = null;
        const a = await applyLabResults(fast.s, actor('lab'), rowsFromJson(fast.results), {
          roundId: fast.roundId,
          afterPositives: async () => {
            // Committed and visible to any other reader, before a single negative is written.
            const members = fast.tubes[0]!.personIds;
            seen = {
              pending: (
                await fast.s.db
                  .selectFrom('health_fact')
                  .select('id')
                  .where('kind', '=', 'pooled_positive_pending_retest')
                  .where('person_id', 'in', members)
                  .where('ended_at', 'is', null)
                  .execute()
              ).length,
              yellow: (
                await fast.s.db
                  .selectFrom('health_status')
                  .select('person_id')
                  .where('person_id', 'in', members)
                  .where('colour', '=', 'yellow')
                  .execute()
              ).length,
              negatives: (
                await fast.s.db
                  .selectFrom('testing_result')
                  .select('tube_id')
                  .where('result', '=', 'negative')
                  .execute()
              ).length,
              results: (await fast.s.db.selectFrom('health_test').select('person_id').execute()).length,
            };
          },
        });
        assert.deepEqual(
          seen,
          { pending: 10, yellow: 10, negatives: 0, results: 1 },
          'the pool under control first; only the earlier test on record',
        );
        // …and the per-person list (a health module without it): the same rows.
        const b = await applyLabResults(slow.s, actor('lab'), rowsFromJson(slow.results), { roundId: slow.roundId });
        const strip = (o: typeof a) => ({ ...o, uploadId: null, pools: o.pools.map((p) => ({ ...p, id: '' })) });
        assert.deepEqual(strip(a), strip(b));
        assert.deepEqual(
          [a.applied, a.repeated, a.negative, a.positive, a.people, a.pools.length, a.pools[0]!.reported],
          [7, 1, 6, 1, 30, 1, true],
        );
        const [fa, sa] = [await labSnapshot(fast), await labSnapshot(slow)];
        assert.deepEqual(fa, sa);
        // What the set-based path wrote, pinned: a test per member of each negative tube, the latest on the
        // status row unless a later one is stored, the pending re-test of an earlier pool lifted.
        assert.equal(fa.health_test.length, 31);
        const status = new Map(fa.health_status.map((r) => [r.person_id, r]));
        assert.equal(status.get('p0031')!.test_source_id, 'T4');
        assert.equal(status.get('p0031')!.test_pooled, 0);
        assert.equal(status.get('p0022')!.test_pooled, 1);
        assert.equal(status.get('p0032')!.test_source_id, 'LATER', 'a later sample on record stays');
        assert.equal(fa.health_test.find((r) => r.person_id === 'p0021')!.ct_n, 36.5);
        assert.deepEqual(
          [status.get('p0030')!.colour, status.get('p0031')!.colour, status.get('p0000')!.colour],
          ['green', 'green', 'yellow'],
        );
        assert.deepEqual(
          fa.health_colour_history
            .map((h) => [h.person_id, h.from_colour, h.to_colour])
            .filter(([p]) => p === 'p0030' || p === 'p0031'),
          [
            ['p0030', 'green', 'yellow'],
            ['p0030', 'yellow', 'green'],
            ['p0031', 'green', 'yellow'],
            ['p0031', 'yellow', 'green'],
          ],
        );
        assert.equal((await verifyAuditChain(fast.s.db)).ok, true);
      } finally {
        await fast.s.close();
        await slow.s.close();
      }
    });

    test('negatives failing after the positives committed: LAB_UPLOAD_PARTIAL, recorded; the same file again finishes it, nothing twice', async () => {
      const clean = await labWorld(dialect);
      // The set-based negatives fail while `failing` (the disk full), then the health module works again.
      let failing = false;
      const broken = await labWorld(dialect, {
        testingHealth: {
          addFacts: healthPort.addFacts,
          endFacts: healthPort.endFacts,
          recordTestResults: healthPort.recordTestResults,
          recordTestResultsFrom: async (...args) => {
            if (failing) throw new Error('disk full');
            return installedHealthFacts.recordTestResultsFrom!(...args);
          },
          liveFactKinds: installedHealthFacts.liveFactKinds,
        },
      });
      try {
        await applyLabResults(clean.s, actor('lab'), rowsFromJson(clean.results), {
          roundId: clean.roundId,
          fileName: 'r.json',
        });

        failing = true;
        await assert.rejects(
          applyLabResults(broken.s, actor('lab'), rowsFromJson(broken.results), {
            roundId: broken.roundId,
            fileName: 'r.json',
          }),
          (err: AppError) => {
            assert.equal(err.code, 'LAB_UPLOAD_PARTIAL');
            assert.deepEqual(
              [err.extra.negativesNotApplied, (err.extra.pools as unknown[]).length, err.extra.cause],
              [6, 1, 'INTERNAL'],
            );
            return true;
          },
        );
        failing = false;
        const db = broken.s.db;
        assert.equal(
          (await db.selectFrom('testing_result').select('tube_id').where('result', '=', 'negative').execute()).length,
          0,
          'no negative half-written',
        );
        assert.equal(
          (await db.selectFrom('testing_pool').select('status').executeTakeFirstOrThrow()).status,
          'reported',
        );
        assert.equal(
          (
            await db
              .selectFrom('health_status')
              .select('person_id')
              .where('colour', '=', 'yellow')
              .where('person_id', 'in', broken.tubes[0]!.personIds)
              .execute()
          ).length,
          10,
        );
        const partial = await db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'testing.lab.partial')
          .execute();
        assert.equal(partial.length, 1);
        assert.equal(JSON.parse(partial[0]!.detail).negativesNotApplied, 6);

        // The same file again: the positive is a repeat, exactly the missing negatives are applied.
        const again = await applyLabResults(broken.s, actor('lab'), rowsFromJson(broken.results), {
          roundId: broken.roundId,
          fileName: 'r.json',
        });
        assert.deepEqual(
          [again.applied, again.repeated, again.negative, again.positive, again.people, again.pools.length],
          [6, 2, 6, 0, 30, 0],
        );
        const third = await applyLabResults(broken.s, actor('lab'), rowsFromJson(broken.results), {
          roundId: broken.roundId,
          fileName: 'r.json',
        });
        assert.deepEqual([third.applied, third.repeated, third.people], [0, 8, 0]);
        assert.deepEqual(
          await labSnapshot(broken),
          await labSnapshot(clean),
          'the same rows as an upload that never failed',
        );
        assert.equal((await verifyAuditChain(db)).ok, true);
      } finally {
        await clean.s.close();
        await broken.s.close();
      }
    });
  });
}

/**
 * A round (controlled, reported on upload) with 40 people sampled in seven tubes: T0 positive (a pool of
 * ten), T1, T2 and T7 negative pools (T2 with a Ct value), T3–T5 negative single tubes. Before the round,
 * p0030 and p0031 were put under control by an earlier pool (their single negative lifts it), and p0032
 * has a later test on record than this round's sample.
 */
async function labWorld(dialect: 'sqlite' | 'postgres', ports?: Partial<Ports>) {
  const s = await testServices(dialect, { ports });
  s.clock.set(START + HOUR);
  const areas = await seedTestAreas(s);
  const now = s.clock.now();
  const ids = Array.from({ length: 40 }, (_, i) => `p${String(i).padStart(4, '0')}`);
  await s.db
    .insertInto('person')
    .values(
      ids.map((id) => ({
        id,
        household_id: null,
        area_id: areas[AREAS.wenyuanGrid]!,
        name: id,
        id_type: 'none',
        id_enc: null,
        id_hmac: null,
        birth_date: null,
        sex: null,
        phone_enc: null,
        phone_hmac: null,
        relation: '',
        elderly_alone: 0,
        bedridden: 0,
        pregnant: 0,
        dialysis: 0,
        no_smartphone: 0,
        note: '',
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  const basis = { actor: SYSTEM_ACTOR, reason: 'earlier' };
  await s.db.transaction().execute((trx) =>
    healthPort.addFacts(
      s,
      trx,
      ['p0030', 'p0031'].map((personId) => ({
        personId,
        kind: 'pooled_positive_pending_retest' as const,
        since: START - HOUR,
        source: { type: 'pool' as const, id: 'pool_earlier' },
      })),
      basis,
    ),
  );
  await s.db.transaction().execute((trx) =>
    healthPort.recordTestResults(
      s,
      trx,
      [
        {
          personId: 'p0032',
          sampledAt: START + 0.75 * HOUR,
          reportedAt: now,
          result: 'negative',
          pooled: false,
          source: { type: 'tube', id: 'LATER' },
        },
      ],
      basis,
    ),
  );
  const round = await createRound(s, actor('command'), {
    name: 'r',
    startsAt: START,
    autoReport: true,
    areas: [{ areaId: areas[AREAS.street]!, controlLevel: 'controlled' }],
  });
  const site = await createSite(s, actor('command'), { areaId: areas[AREAS.wenyuanGrid]!, name: 'site' });
  const table = await createTable(s, actor('command'), site.id, 't1');
  const at = START + HOUR / 2;
  const pool = (i: number, from: number, to: number) => ({
    barcode: `T${i}`,
    tableId: table.id,
    personIds: ids.slice(from, to),
    sampledAt: at,
    mode: 'pool' as const,
    poolSize: 10,
  });
  const single = (i: number, p: number) => ({
    barcode: `T${i}`,
    tableId: table.id,
    personIds: [ids[p]!],
    sampledAt: at,
    mode: 'single' as const,
  });
  const tubes = [
    pool(0, 0, 10),
    pool(1, 10, 20),
    pool(2, 20, 30),
    single(3, 30),
    single(4, 31),
    single(5, 32),
    pool(7, 33, 40),
  ];
  await sampleTubes(s, actor('sampler'), round.id, tubes);
  s.clock.set(START + 3 * HOUR);
  const results = tubes.map((t) =>
    t.barcode === 'T0'
      ? { barcode: t.barcode, result: 'positive', ctN: 31.5, ctOrf1ab: 32, testedAt: START + 2 * HOUR }
      : {
          barcode: t.barcode,
          result: 'negative',
          ...(t.barcode === 'T2' ? { ctN: 36.5 } : {}),
          testedAt: START + 2 * HOUR,
        },
  );
  // One row twice in the file: a repeat, not an error.
  results.push({ ...results[1]! });
  return { s, roundId: round.id, tubes, results };
}

/** Every row the upload writes, with the ids each database draws for itself (tubes, round, upload, facts) named alike. */
async function labSnapshot(w: Awaited<ReturnType<typeof labWorld>>) {
  const db = w.s.db;
  const tubes = await db.selectFrom('testing_tube').select(['id', 'barcode', 'status']).orderBy('barcode').execute();
  const num = <T extends Record<string, unknown>>(rows: T[]) =>
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) && k !== 'person_id' ? Number(v) : v,
        ]),
      ),
    );
  const raw = {
    tubes: tubes.map((t) => [t.barcode, t.status]),
    testing_result: await db
      .selectFrom('testing_result')
      .select(['tube_id', 'round_id', 'result', 'ct_n', 'ct_orf1ab', 'tested_at', 'resulted_at'])
      .orderBy('tube_id')
      .execute(),
    testing_pool: await db.selectFrom('testing_pool').selectAll().execute(),
    testing_task: await db.selectFrom('testing_task').selectAll().orderBy('id').execute(),
    testing_notification: await db.selectFrom('testing_notification').selectAll().orderBy('id').execute(),
    health_test: await db.selectFrom('health_test').selectAll().orderBy('person_id').orderBy('source_id').execute(),
    health_status: await db.selectFrom('health_status').selectAll().orderBy('person_id').execute(),
    health_fact: await db
      .selectFrom('health_fact')
      .select([
        'person_id',
        'kind',
        'source_type',
        'source_id',
        'source_group',
        'since',
        'until',
        'ended_at',
        'detail',
        'created_at',
        'updated_at',
      ])
      .orderBy('person_id')
      .orderBy('kind')
      .orderBy('source_id')
      .execute(),
    health_colour_history: await db
      .selectFrom('health_colour_history')
      .select([
        'person_id',
        'from_colour',
        'to_colour',
        'reasons',
        'at',
        'actor_id',
        'actor_name',
        'actor_role',
        'basis',
        'manual',
        'ruleset_id',
        'ruleset_version',
        'override_id',
        'approval_id',
      ])
      .orderBy('person_id')
      .orderBy('at')
      .orderBy('to_colour', 'desc')
      .execute(),
  };
  let text = JSON.stringify(
    Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, num(v as Array<Record<string, unknown>>)])),
  );
  for (const t of tubes) text = text.split(t.id).join(t.barcode);
  text = text.split(w.roundId).join('ROUND');
  for (const u of await db.selectFrom('testing_lab_upload').select('id').execute())
    text = text.split(u.id).join('UPLOAD');
  const sorted = Object.fromEntries(
    Object.entries(JSON.parse(text) as Record<string, unknown[]>).map(([k, rows]) => [
      k,
      rows
        .map((r) => [JSON.stringify(r), r] as const)
        .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
        .map(([, r]) => r),
    ]),
  );
  return sorted as {
    health_test: Array<Record<string, unknown> & { person_id: string; ct_n: number | null }>;
    health_status: Array<
      Record<string, unknown> & {
        person_id: string;
        colour: string;
        test_source_id: string | null;
        test_pooled: number | null;
      }
    >;
    health_colour_history: Array<{ person_id: string; from_colour: string; to_colour: string }>;
  } & Record<string, unknown>;
}
