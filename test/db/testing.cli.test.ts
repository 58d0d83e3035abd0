// cordon round coverage and cordon round pooling: the reports the commands print, on each dialect (the
// commands' own functions over the services), and the commands themselves run as an operator runs them
// on a SQLite data directory.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Actor, Role } from '../../src/access/access.rules.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { AppError } from '../../src/platform/errors.ts';
import * as svc from '../../src/testing/testing.service.ts';
import * as tubes from '../../src/testing/testing.tubes.ts';
import { applyLabResults, rowsFromJson } from '../../src/testing/testing.lab.ts';
import { coverageReport, expected, roundPoolingReport } from '../../src/testing/testing.cli.ts';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, testServices, type TestServices } from '../support/services.ts';
import { personRow } from '../support/riskareas.city.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MIN = 60_000;
const HOUR = 60 * MIN;

const actor = (role: Role): Actor => ({
  userId: `t-${role}`,
  username: `t-${role}`,
  displayName: role,
  role,
  areaId: '',
  areaPath: '',
  via: 'token',
});

/**
 * 文苑社区 1号楼 with six people, 兴阳社区 8号楼 with four. 第一轮 over 文苑: five sampled (a positive pool of
 * three, a negative tube of two). 第二轮 over 文苑 (controlled) and 兴阳 (prevention), compared with 第一轮:
 * four of 文苑 and one of 兴阳 sampled, no results yet.
 */
async function seedRounds(s: TestServices): Promise<{ first: string; second: string }> {
  const areas = await seedTestAreas(s);
  const now = s.clock.now();
  const people: Record<string, string[]> = {};
  for (const [id, name, grid, n] of [
    ['b-1', '1号楼', AREAS.wenyuanGrid, 6],
    ['b-8', '8号楼', AREAS.xingyangGrid, 4],
  ] as const) {
    await s.db
      .insertInto('building')
      .values({ id, area_id: areas[grid]!, name, compound: '', address: '', created_at: now })
      .execute();
    await s.db
      .insertInto('household')
      .values({
        id: `h-${id}`,
        building_id: id,
        area_id: areas[grid]!,
        unit: '1',
        door: '101',
        address: '',
        rooms: 3,
        head_person_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    people[id] = Array.from({ length: n }, (_, i) => `p-${id}-${i + 1}`);
    await s.db
      .insertInto('person')
      .values(people[id]!.map((p) => personRow(p, areas[grid]!, `h-${id}`)))
      .execute();
  }
  const [w, x] = [people['b-1']!, people['b-8']!];
  const command = actor('command');
  const site = await svc.createSite(s, command, { areaId: areas[AREAS.wenyuanGrid]!, name: '文苑广场采样点' });
  const table = await svc.createTable(s, command, site.id, '1号台');

  const first = await svc.createRound(s, command, {
    name: '第一轮',
    startsAt: s.clock.now() - HOUR,
    autoReport: false,
    areas: [{ areaId: areas[AREAS.wenyuan]!, controlLevel: 'controlled' }],
  });
  const sampledAt = s.clock.now() - 30 * MIN;
  await tubes.sampleTubes(s, actor('sampler'), first.id, [
    { barcode: 'R1P', tableId: table.id, personIds: [w[0]!, w[1]!, w[2]!], sampledAt },
    { barcode: 'R1N', tableId: table.id, personIds: [w[3]!, w[4]!], sampledAt },
  ]);
  await applyLabResults(
    s,
    actor('lab'),
    rowsFromJson([
      { barcode: 'R1P', result: 'positive', ctN: 31.5, ctOrf1ab: 32.2, testedAt: s.clock.now() - MIN },
      { barcode: 'R1N', result: 'negative', testedAt: s.clock.now() - MIN },
    ]),
    { roundId: first.id },
  );
  await svc.closeRound(s, command, first.id);

  s.clock.advance(24 * HOUR);
  const second = await svc.createRound(s, command, {
    name: '第二轮',
    startsAt: s.clock.now() - HOUR,
    autoReport: false,
    previousRoundId: first.id,
    areas: [
      { areaId: areas[AREAS.wenyuan]!, controlLevel: 'controlled' },
      { areaId: areas[AREAS.xingyang]!, controlLevel: 'prevention' },
    ],
  });
  await tubes.sampleTubes(s, actor('sampler'), second.id, [
    { barcode: 'R2A', tableId: table.id, personIds: [w[0]!, w[1]!, w[2]!, w[3]!], sampledAt: s.clock.now() - 30 * MIN },
    { barcode: 'R2B', tableId: table.id, personIds: [x[0]!], sampledAt: s.clock.now() - 30 * MIN },
  ]);
  return { first: first.id, second: second.id };
}

/** The cells of a text table's row whose first cell is `name` (columns are two or more spaces apart). */
function rowOf(text: string, name: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `no row ${name} in\n${text}`);
  return line.split(/\s{2,}/);
}

for (const { dialect, skip } of await dialects()) {
  describe(`cordon round coverage and pooling reports [${dialect}]`, { skip }, () => {
    test('coverage prints every dashboard figure with the previous round’s beside it, — where it did not go; pooling prints the advisor per area', async () => {
      const s = await testServices(dialect);
      try {
        const { first, second } = await seedRounds(s);
        const cov = await coverageReport(s, second);
        assert.match(cov.text, /^第二轮\n/);
        assert.deepEqual(cov.text.split('\n')[2]!.split(/\s{2,}/), [
          'area',
          'target',
          'sampled',
          'resulted',
          'positive pools',
          'missing',
          'rate',
          'previous rate',
          'previous missing',
          'previous pools',
        ]);
        assert.deepEqual(rowOf(cov.text, '文苑社区'), [
          '文苑社区',
          '6',
          '4',
          '0',
          '0',
          '2',
          '66.7%',
          '83.3%',
          '1',
          '1',
        ]);
        assert.deepEqual(rowOf(cov.text, '兴阳社区'), ['兴阳社区', '4', '1', '0', '0', '3', '25.0%', '—', '—', '—']);
        assert.deepEqual(rowOf(cov.text, 'total'), ['total', '10', '5', '0', '0', '5', '50.0%', '83.3%', '1', '1']);
        assert.deepEqual(
          cov.view.rows.map((r) => r.previous?.positivePools ?? null),
          [1, null],
        );

        // A grid by building; the first round (no previous round) without the previous columns.
        const grid = await coverageReport(s, second, AREAS.wenyuanGrid);
        assert.match(grid.text, /^第二轮 · 第一网格\n/);
        assert.deepEqual(rowOf(grid.text, '1号楼'), ['1号楼', '6', '4', '0', '0', '2', '66.7%', '83.3%', '1', '1']);
        const firstCov = await coverageReport(s, first);
        assert.deepEqual(rowOf(firstCov.text, '文苑社区'), ['文苑社区', '6', '5', '5', '1', '1', '83.3%']);
        assert.doesNotMatch(firstCov.text, /previous/);
        await assert.rejects(coverageReport(s, second, '999999'), (e: AppError) => e.code === 'AREA_NOT_FOUND');

        // Pooling: estimated from the first round (five resulted, one pool still open), or typed.
        const estimated = await roundPoolingReport(s, second);
        assert.equal(estimated.view.source, 'estimated');
        assert.match(estimated.text, /^prevalence 25\.000% \(estimated from 第一轮: 1 positive of 5 resulted\)\n/);
        const typed = await roundPoolingReport(s, second, '0.2%');
        assert.match(typed.text, /^prevalence 0\.200% \(typed\)\n/);
        assert.deepEqual(rowOf(typed.text, '文苑社区').slice(0, 5), ['文苑社区', 'controlled', '6', '10:1', '10:1']);
        assert.deepEqual(rowOf(typed.text, '兴阳社区').slice(0, 5), ['兴阳社区', 'prevention', '4', '20:1', '20:1']);
        const w = typed.view.areas[0]!;
        assert.deepEqual(
          rowOf(typed.text, '文苑社区').slice(6, 10),
          [w.expectedTubes, w.expectedPositiveTubes, w.expectedRetests, w.expectedControlled].map(expected),
        );
        assert.deepEqual([1, 0.0412, 4.56, 120].map(expected), ['1', '0.04', '4.6', '120']);
        assert.equal(rowOf(typed.text, 'total')[1], '10');
        const none = await roundPoolingReport(s, first);
        assert.equal(none.view.source, 'none');
        assert.match(none.text, /^prevalence: none typed/);
        assert.deepEqual(rowOf(none.text, '文苑社区').slice(3, 7), ['10:1', '—', '—', '—']);
        await assert.rejects(
          roundPoolingReport(s, second, 'lots'),
          (e: AppError) => e.code === 'ADVISOR_INPUT_INVALID' && e.params.option === '--prevalence',
        );
      } finally {
        await s.close();
      }
    });
  });
}

describe('cordon round coverage|pooling on the command line', () => {
  test('prints the tables, --json the whole views; a bad prevalence fails naming its flag', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-round-'));
    try {
      const s = (await createServices(loadConfig({}, { dataDir }), { clock: new FakeClock() })) as TestServices;
      let ids: { first: string; second: string };
      try {
        ids = await seedRounds(s);
      } finally {
        await s.close();
      }
      const env = { ...process.env, CORDON_DATA_DIR: dataDir, DATABASE_URL: '', LANG: 'en_US.UTF-8' };
      const cordon = (...args: string[]) =>
        spawnSync(process.execPath, ['bin/cordon.js', 'round', ...args], { cwd: ROOT, env, encoding: 'utf8' });

      const text = cordon('coverage', ids.second);
      assert.equal(text.status, 0, text.stderr);
      assert.deepEqual(rowOf(text.stdout, '兴阳社区'), ['兴阳社区', '4', '1', '0', '0', '3', '25.0%', '—', '—', '—']);
      const json = cordon('coverage', ids.second, '--json');
      assert.equal(json.status, 0, json.stderr);
      const view = JSON.parse(json.stdout);
      assert.deepEqual(
        view.rows.map((r: { name: string; previous: unknown }) => [r.name, r.previous]),
        [
          ['文苑社区', { target: 6, sampled: 5, missing: 1, rate: 5 / 6, positivePools: 1 }],
          ['兴阳社区', null],
        ],
      );
      assert.equal(view.totals.missing, 5);

      const pooling = cordon('pooling', ids.second, '--prevalence', '0.2%');
      assert.equal(pooling.status, 0, pooling.stderr);
      assert.match(pooling.stdout, /^prevalence 0\.200% \(typed\)/);
      assert.deepEqual(rowOf(pooling.stdout, '兴阳社区').slice(0, 5), ['兴阳社区', 'prevention', '4', '20:1', '20:1']);
      const pjson = cordon('pooling', ids.second, '--json');
      assert.equal(pjson.status, 0, pjson.stderr);
      const advice = JSON.parse(pjson.stdout);
      assert.deepEqual(
        [advice.source, advice.estimate.rounds.map((r: { name: string }) => r.name), advice.areas.length],
        ['estimated', ['第一轮'], 2],
      );

      const bad = cordon('pooling', ids.second, '--prevalence', 'lots');
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /ADVISOR_INPUT_INVALID: .*--prevalence.*lots/);
      const unknown = cordon('pooling', 'r_no_such_round');
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /ROUND_NOT_FOUND/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
