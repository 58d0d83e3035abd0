// The demo's quarantine capacity: two sites with rooms, rosters and sampling sites, designated hospitals,
// and the demo login `quarantine` seeing the one site whose roster names it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { testServices } from '../support/services.ts';
import { seedDemoDeployment } from '../../src/cli/first-start.ts';
import { seedDemoQuarantine } from '../../src/quarantine/sites.demo.ts';
import { listSites, listRooms } from '../../src/quarantine/sites.service.ts';
import { capacityView } from '../../src/quarantine/capacity.service.ts';
import { rounds, listAlerts } from '../../src/quarantine/care.service.ts';
import { siteOps } from '../../src/quarantine/siteops.service.ts';
import { seedDemoSiteDay } from '../../src/quarantine/care.demo.ts';
import type { Actor } from '../../src/access/access.rules.ts';

for (const { dialect, skip } of await dialects()) {
  describe(`demo quarantine sites [${dialect}]`, { skip }, () => {
    test('two sites, their rooms and rosters, hospitals, and the site login scoped to its site', async () => {
      const s = await testServices(dialect);
      try {
        const accounts = await seedDemoDeployment(s, 1000, () => {});
        const login = accounts.find((a) => a.username === 'quarantine')!;
        assert.equal(login.role, 'quarantine_site');
        const user = await s.db
          .selectFrom('app_user')
          .innerJoin('area', 'area.id', 'app_user.area_id')
          .select(['app_user.id', 'app_user.area_id', 'area.path'])
          .where('username', '=', 'quarantine')
          .executeTakeFirstOrThrow();
        const city = await s.db
          .selectFrom('area')
          .select(['id', 'path'])
          .where('parent_id', 'is', null)
          .executeTakeFirstOrThrow();
        const command: Actor = {
          userId: 'u',
          username: 'c',
          displayName: 'c',
          role: 'command',
          areaId: city.id,
          areaPath: city.path,
          via: 'token',
        };
        const all = await listSites(s, command, {}, { limit: 10, offset: 0 });
        assert.equal(all.total, 2);
        const hotel = all.items.find((x) => x.kind === 'hotel')!;
        assert.equal(hotel.rooms.total, 106);
        assert.equal(hotel.rooms.out_of_service, 1);
        // The demo's orders placed in the hotel; the released one left its room awaiting disinfection.
        assert.equal(hotel.rooms.cleaning, 2);
        assert.equal(hotel.rooms.occupied, 3);
        assert.equal(hotel.staff, 9);
        assert.ok(hotel.testingSiteId);
        const dorm = all.items.find((x) => x.kind === 'dormitory')!;
        assert.equal(dorm.rooms.total, 64);

        const worker: Actor = {
          userId: user.id,
          username: 'quarantine',
          displayName: 'q',
          role: 'quarantine_site',
          areaId: user.area_id,
          areaPath: user.path,
          via: 'session',
        };
        const mine = await listSites(s, worker, {}, { limit: 10, offset: 0 });
        assert.deepEqual(
          mine.items.map((x) => x.id),
          [hotel.id],
        );
        assert.equal((await listRooms(s, worker, hotel.id, { floor: 1 })).items.length, 6);
        await assert.rejects(listRooms(s, worker, dorm.id, {}), { code: 'OUT_OF_SCOPE' });

        // The hotel's day: people in rooms, today's morning round with one fever, an open request, site logs.
        const round = await rounds(s, worker, hotel.id);
        const occupied = round.rooms.filter((r) => r.occupants.length);
        assert.equal(occupied.length, 3);
        const checked = occupied.flatMap((r) => r.occupants).filter((o) => o.checks.morning !== null);
        assert.equal(checked.length, 2);
        assert.equal(round.openRequests, 1);
        assert.deepEqual(
          round.alerts.map((a) => a.kind),
          ['fever'],
        );
        const alerts = await listAlerts(s, worker, { siteId: hotel.id, status: 'open' }, { limit: 10, offset: 0 });
        assert.equal(alerts.total, 1);
        const ops = await siteOps(s, worker, hotel.id);
        assert.equal(ops.terminal.length, 1);
        assert.equal(ops.waste.length, 1);
        assert.equal(
          ops.schedule.reduce((n, x) => n + x.done, 0),
          2,
        );
        assert.deepEqual(await seedDemoSiteDay(s), { checks: 0, fevers: 0, requests: 0, disinfections: 0, waste: 0 });

        const hospitals = await s.db.selectFrom('hospital').select('name').execute();
        assert.equal(hospitals.length, 5);
        const view = await capacityView(s, command, {});
        assert.equal(view.totals.total, 170);
        assert.equal(view.districts.length, 2);
        assert.deepEqual(await seedDemoQuarantine(s), { sites: 0, rooms: 0, staff: 0, hospitals: 0 });
      } finally {
        await s.close();
      }
    });
  });
}
