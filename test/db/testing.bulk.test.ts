import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, testServices } from '../support/services.ts';
import type { Actor, Role } from '../../src/access/access.rules.ts';
import { closeRound, createRound, createSite, createTable, sampleTubes } from '../../src/testing/testing.service.ts';
import { applyLabResults, rowsFromJson } from '../../src/testing/testing.lab.ts';
import { coverage } from '../../src/testing/testing.coverage.ts';
import { AppError } from '../../src/platform/errors.ts';

const START = Date.parse('2022-04-02T06:00:00+08:00');
const HOUR = 3_600_000;
const actor = (role: Role): Actor => ({ userId: `u-${role}`, username: role, displayName: role, role, areaId: 'a_220400', areaPath: '220400/', via: 'token' });

for (const { dialect, skip } of await dialects()) {
  describe(`testing bulk sampling, lab and coverage [${dialect}]`, { skip }, () => {
    test('whole tubes in bulk (set-based), refused whole on any fault; coverage against the previous round', async () => {
      const s = await testServices(dialect);
      try {
        s.clock.set(START + HOUR);
        const areas = await seedTestAreas(s);
        const now = s.clock.now();
        const people = Array.from({ length: 95 }, (_, i) => ({
          id: `p${String(i).padStart(4, '0')}`, household_id: null, area_id: i < 60 ? areas[AREAS.wenyuanGrid]! : areas[AREAS.xingyangGrid]!, name: `人员${i}`,
          id_type: 'none', id_enc: null, id_hmac: null, birth_date: null, sex: null, phone_enc: null, phone_hmac: null, relation: '', elderly_alone: 0,
          bedridden: 0, pregnant: 0, dialysis: 0, no_smartphone: 0, note: '', created_at: now, updated_at: now,
        }));
        await s.db.insertInto('person').values(people).execute();
        const ids = people.map((p) => p.id);
        const first = await createRound(s, actor('command'), { name: 'r1', startsAt: START, areas: [{ areaId: areas[AREAS.street]!, controlLevel: 'prevention' }] });
        const site = await createSite(s, actor('command'), { areaId: areas[AREAS.wenyuanGrid]!, name: 'site' });
        const table = await createTable(s, actor('command'), site.id, 't1');
        const tubes = (round: string, from: number, to: number, size: number) => {
          const out = [];
          for (let i = from; i < to; i += size) out.push({ barcode: `${round}-${i}`, tableId: table.id, personIds: ids.slice(i, Math.min(i + size, to)), sampledAt: START + HOUR / 2 });
          return out;
        };
        // Twenty per tube in a prevention area; a 21st person refuses the whole batch.
        const tooBig = [{ barcode: 'R1-X', tableId: table.id, personIds: ids.slice(0, 21), sampledAt: START + HOUR / 2 }];
        await assert.rejects(sampleTubes(s, actor('sampler'), first.id, [...tubes('R1', 21, 41, 20), ...tooBig]), (err: AppError) => {
          assert.equal(err.code, 'SAMPLES_INVALID');
          assert.deepEqual(err.faults.map((f) => [f.row, f.code]), [[2, 'TUBE_FULL']]);
          return true;
        });
        assert.equal((await s.db.selectFrom('testing_tube').select('id').execute()).length, 0);
        const done = await sampleTubes(s, actor('sampler'), first.id, tubes('R1', 0, 80, 20));
        assert.deepEqual(done, { tubes: 4, members: 80 });
        await assert.rejects(sampleTubes(s, actor('sampler'), first.id, tubes('R1', 0, 20, 20)), (err: AppError) => err.faults[0]?.code === 'TUBE_BARCODE_TAKEN');
        const lab = await applyLabResults(s, actor('lab'), rowsFromJson(tubes('R1', 0, 80, 20).map((t) => ({ barcode: t.barcode, result: 'negative', testedAt: START + HOUR }))), { roundId: first.id });
        assert.equal(lab.people, 80);

        const cov1 = await coverage(s, actor('command'), first.id, areas[AREAS.street]);
        assert.deepEqual(cov1.rows.map((r) => [r.name, r.target, r.sampled, r.resulted, r.missing]), [['文苑社区', 60, 60, 60, 0], ['兴阳社区', 35, 20, 20, 15]]);
        await closeRound(s, actor('command'), first.id);

        s.clock.set(START + 25 * HOUR);
        const second = await createRound(s, actor('command'), { name: 'r2', startsAt: START + 24 * HOUR, previousRoundId: first.id, areas: [{ areaId: areas[AREAS.street]!, controlLevel: 'controlled' }] });
        await sampleTubes(s, actor('sampler'), second.id, tubes('R2', 0, 50, 10).map((t) => ({ ...t, sampledAt: START + 24.5 * HOUR })));
        const cov2 = await coverage(s, actor('command'), second.id, areas[AREAS.street]);
        const wen = cov2.rows.find((r) => r.name === '文苑社区')!;
        assert.deepEqual([wen.sampled, wen.resulted, wen.missing, wen.previous?.sampled, wen.previous?.missing], [50, 0, 10, 60, 0]);
        assert.equal(cov2.totals.previous?.sampled, 80);
        const byBuilding = await coverage(s, actor('command'), second.id, areas[AREAS.wenyuanGrid]);
        assert.equal(byBuilding.rows[0]!.level, 'building');
        assert.equal(byBuilding.rows[0]!.target, 60);
      } finally {
        await s.close();
      }
    });
  });
}
