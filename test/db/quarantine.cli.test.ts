// cordon quarantine allocate|pickups on a SQLite data directory, as an operator runs them: a plan for the
// named orders over a site, confirmed whole, then the pick-up list; a plan without orders is refused.
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
import { AREAS, seedTestAreas } from '../support/services.ts';
import { insertOrder, insertRooms, insertSite } from '../support/quarantine.fixtures.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('cordon quarantine allocate', () => {
  test('plans, confirms whole and lists the pick-ups from the command line', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-quarantine-'));
    try {
      const s = await createServices(loadConfig({}, { dataDir }), { clock: new FakeClock(Date.now()) });
      let siteId = '';
      const orderIds: string[] = [];
      try {
        const areas = await seedTestAreas(s);
        siteId = await insertSite(s, areas[AREAS.wenyuan]!, '文苑隔离点');
        await insertRooms(s, siteId, [{ number: '101' }, { number: '102' }, { number: '103' }]);
        for (const name of ['文苑甲', '文苑乙'])
          orderIds.push((await insertOrder(s, { name, areaId: areas[AREAS.wenyuan]! })).orderId);
      } finally {
        await s.close();
      }
      const env = { ...process.env, CORDON_DATA_DIR: dataDir, DATABASE_URL: '', LANG: 'en_US.UTF-8' };
      const cordon = (...args: string[]) =>
        spawnSync(process.execPath, ['bin/cordon.js', 'quarantine', ...args], { cwd: ROOT, env, encoding: 'utf8' });

      const made = cordon('allocate', ...orderIds, '--sites', siteId, '--confirm', '--json');
      assert.equal(made.status, 0, made.stderr);
      const plan = JSON.parse(made.stdout);
      assert.equal(plan.status, 'confirmed');
      assert.equal(plan.placed.length, 2);
      assert.equal(new Set(plan.placed.map((p: { roomId: string }) => p.roomId)).size, 2, 'one person a room');
      for (const p of plan.placed as Array<{ personName: string }>)
        assert.ok(!['文苑甲', '文苑乙'].includes(p.personName), `names masked: ${p.personName}`);

      const pickups = cordon('pickups', plan.planId, '--json');
      assert.equal(pickups.status, 0, pickups.stderr);
      const people = JSON.parse(pickups.stdout).vehicles.flatMap((v: { stops: Array<{ people: unknown[] }> }) =>
        v.stops.flatMap((x) => x.people),
      );
      assert.equal(people.length, 2);

      const again = cordon('allocate', ...orderIds, '--sites', siteId);
      assert.notEqual(again.status, 0, 'people already in rooms are not planned twice');

      const none = cordon('allocate', '--sites', siteId);
      assert.notEqual(none.status, 0);
      assert.match(none.stderr, /order ids or give --case/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
