// The command centre's home page summary: area-scoped, each figure equal to its module's page, refused
// to a role without command.view; sections a role may not read are null.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';

const HOUR = 3_600_000;

for (const { dialect, skip } of await dialects()) {
  describe(`command summary [${dialect}]`, { skip }, () => {
    test('today’s cases, pending review, colours and open pools equal their pages; scoped by area; refused without command.view', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const app: App = await build(s, { serveWeb: false });
      const call = (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: object) =>
        app.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });
      try {
        let worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        let investigator = await signIn(s, 'investigator', AREAS.city);
        let command = await signIn(s, 'command', AREAS.city);
        const person = async (name: string) => {
          const res = await call('POST', '/persons', worker, { areaId: areas[AREAS.wenyuanGrid], name });
          assert.equal(res.statusCode, 201, res.body);
          return res.json().id as string;
        };
        const empty = (await call('GET', '/command/summary', command)).json();
        assert.deepEqual(
          [empty.cases, empty.pendingReview, empty.openPools, empty.rounds],
          [{ total: 0, today: 0 }, 0, 0, []],
        );

        // Yesterday one case; today another, with a contact waiting for review.
        const older = await person('李国庆');
        const made = await call('POST', '/cases', investigator, {
          personId: older,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: s.clock.now() - 48 * HOUR,
        });
        assert.equal(made.statusCode, 201, made.body);
        s.clock.advance(24 * HOUR);
        [worker, investigator, command] = [
          // sessions last 12 h
          await signIn(s, 'community_worker', AREAS.wenyuan),
          await signIn(s, 'investigator', AREAS.city),
          await signIn(s, 'command', AREAS.city),
        ];
        const patient = await person('张建国');
        const kase = await call('POST', '/cases', investigator, {
          personId: patient,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: s.clock.now() - 24 * HOUR,
        });
        assert.equal(kase.statusCode, 201, kase.body);
        const contact = await person('王丽娟');
        const manual = await call('POST', `/cases/${kase.json().case.id}/contacts`, investigator, {
          personId: contact,
          reasonCode: 'same_household',
          firstExposureAt: s.clock.now() - 30 * HOUR,
          lastExposureAt: s.clock.now() - 26 * HOUR,
        });
        assert.equal(manual.statusCode, 201, manual.body);

        const summary = await call('GET', '/command/summary', command);
        assert.equal(summary.statusCode, 200, summary.body);
        const sum = summary.json();
        const casesPage = (await call('GET', '/cases', command)).json();
        const queue = (await call('GET', '/contacts/review-queue', command)).json();
        const pools = (await call('GET', '/testing/pools', command)).json();
        assert.deepEqual(sum.cases, { total: casesPage.total, today: 1 });
        assert.equal(casesPage.total, 2);
        assert.equal(sum.pendingReview, queue.total);
        assert.equal(sum.openPools, pools.total);
        const stored = await s.db.selectFrom('health_status').select(['colour']).execute();
        const byColour = { green: 0, yellow: 0, red: 0 } as Record<string, number>;
        for (const r of stored) byColour[r.colour]! += 1;
        assert.deepEqual(sum.colours, byColour);
        assert.ok(sum.colours.red >= 1, 'the cases are red');
        assert.ok(sum.dayStart <= s.clock.now() && sum.dayStart > s.clock.now() - 24 * HOUR);

        // Area-scoped: a command officer of 兴阳 sees none of 文苑's figures.
        const xingyang = await signIn(s, 'command', AREAS.xingyang);
        const theirs = (await call('GET', '/command/summary', xingyang)).json();
        assert.deepEqual(
          [theirs.cases, theirs.pendingReview, theirs.colours],
          [{ total: 0, today: 0 }, 0, { green: 0, yellow: 0, red: 0 }],
        );

        // Roles: the admin has command.view but not cases or colours (those sections are null).
        const admin = await signIn(s, 'admin', AREAS.city);
        const adminView = (await call('GET', '/command/summary', admin)).json();
        assert.deepEqual([adminView.cases, adminView.pendingReview, adminView.colours], [null, null, null]);
        assert.deepEqual(adminView.rounds, []);
        for (const role of ['investigator', 'community_worker', 'auditor', 'lab'] as const) {
          const who = await signIn(s, role, AREAS.city);
          const res = await call('GET', '/command/summary', who);
          assert.equal(res.statusCode, 403, role);
          assert.equal(res.json().code, 'FORBIDDEN');
        }
        assert.equal((await call('GET', '/command/summary')).statusCode, 401);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
