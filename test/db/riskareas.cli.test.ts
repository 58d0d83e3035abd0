// cordon risk-areas list|designate|lift|downgrade on a SQLite data directory, as an operator runs them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { AREAS, type TestServices } from '../support/services.ts';
import { riskCity } from '../support/riskareas.city.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('cordon risk-areas', () => {
  test('designate, list, downgrade and lift from the command line, audited as cli:<user>', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-risk-'));
    try {
      const s = (await createServices(loadConfig({}, { dataDir }), { clock: new FakeClock() })) as TestServices;
      try {
        await riskCity(s);
      } finally {
        await s.close();
      }
      const env = { ...process.env, CORDON_DATA_DIR: dataDir, DATABASE_URL: '', LANG: 'en_US.UTF-8' };
      const cordon = (...args: string[]) =>
        spawnSync(process.execPath, ['bin/cordon.js', 'risk-areas', ...args], { cwd: ROOT, env, encoding: 'utf8' });

      const made = cordon(
        'designate',
        '--unit',
        'community',
        '--target',
        AREAS.wenyuan,
        '--level',
        'high',
        '--reason',
        '报告确诊病例',
        '--basis',
        '通告第12号',
        '--json',
      );
      assert.equal(made.status, 0, made.stderr);
      const result = JSON.parse(made.stdout);
      assert.equal(result.riskArea.level, 'high');
      assert.equal(result.outcome.applied, true);
      assert.equal(
        result.outcome.people,
        2,
        "the two residents (the visitor's stay is years before this clock's look-back)",
      );

      const bad = cordon(
        'designate',
        '--unit',
        'county',
        '--target',
        AREAS.wenyuan,
        '--level',
        'high',
        '--reason',
        'x',
        '--basis',
        'y',
      );
      assert.notEqual(bad.status, 0);
      const grid = cordon(
        'designate',
        '--unit',
        'community',
        '--target',
        AREAS.wenyuanGrid,
        '--level',
        'high',
        '--reason',
        'x',
        '--basis',
        'y',
      );
      assert.notEqual(grid.status, 0);
      assert.match(grid.stderr, /RISK_AREA_TARGET_LEVEL_MISMATCH/);

      const listed = cordon('list', '--json');
      assert.equal(listed.status, 0, listed.stderr);
      assert.equal(JSON.parse(listed.stdout).total, 1);

      const run = cordon('downgrade');
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /unchanged\t文苑社区\thigh\tnot_met/);

      const lifted = cordon('lift', result.riskArea.id, '--reason', '连续无新增', '--basis', '通告第15号');
      assert.equal(lifted.status, 0, lifted.stderr);
      assert.match(lifted.stdout, /lifted/);

      const s2 = await createServices(loadConfig({}, { dataDir }));
      try {
        const events = await s2.db
          .selectFrom('audit_event')
          .select(['action', 'actor_name'])
          .where('object_type', '=', 'risk_area')
          .orderBy('seq')
          .execute();
        assert.deepEqual(
          events.map((e) => e.action),
          ['riskarea.designate', 'riskarea.lift'],
        );
        assert.ok(events.every((e) => e.actor_name.startsWith('cli:')));
      } finally {
        await s2.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
