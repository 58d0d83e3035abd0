// The check-in page before and after the tap: the venue is named first (publicly through its
// occupancy; for a signed-in resident with what their scan will do), a second scan is a check-out,
// and a scan within a minute is answered as a repeat with nothing stored.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';

for (const { dialect, skip } of await dialects()) {
  describe(`check-in preview, repeat and check-out [${dialect}]`, { skip }, () => {
    test('named before the tap; enter, repeat, check-out, repeat of the check-out, enter again', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const app: App = await build(s, { serveWeb: false });
      const call = (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: object) =>
        app.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const operator = await signIn(s, 'venue_operator', AREAS.wenyuan);
        const person = await call('POST', '/persons', worker, { areaId: areas[AREAS.wenyuanGrid], name: '张建国' });
        assert.equal(person.statusCode, 201, person.body);
        const resident = await signIn(s, 'resident', AREAS.wenyuan);
        await s.db
          .updateTable('app_user')
          .set({ person_id: person.json().id })
          .where('id', '=', resident.userId)
          .execute();
        const venue = (
          await call('POST', '/venues', operator, {
            areaId: areas[AREAS.wenyuanGrid],
            name: '文苑小区北门',
            category: 'residential_gate',
            capacity: 100,
          })
        ).json();
        assert.equal((await call('POST', `/venues/${venue.id}/approve`, worker)).statusCode, 200);
        const code = (await call('GET', `/venues/${venue.id}/code`, operator)).json().url as string;
        const scanUrl = `/me/scan?code=${encodeURIComponent(code)}`;

        // Signed out: the public occupancy names the venue.
        const occ = await call('GET', `/venues/${venue.id}/occupancy`);
        assert.equal(occ.json().venueName, '文苑小区北门');

        const preview = async () =>
          (await call('GET', scanUrl, resident)).json() as {
            venueName: string;
            next: string;
            enteredAt: number | null;
          };
        const scan = async () => {
          const res = await call('POST', '/checkins/self', resident, { code });
          assert.equal(res.statusCode, 200, res.body);
          return res.json().results[0] as {
            decision: string;
            duplicate: boolean;
            at: number;
            exitedAt?: number | null;
          };
        };
        assert.deepEqual(await preview(), {
          venueId: venue.id,
          venueName: '文苑小区北门',
          next: 'enter',
          enteredAt: null,
        });
        const entered = await scan();
        assert.deepEqual([entered.decision, entered.duplicate, entered.exitedAt], ['admitted', false, null]);

        s.clock.advance(20_000);
        assert.deepEqual([(await preview()).next, (await preview()).enteredAt], ['repeat-entry', entered.at]);
        const repeat = await scan();
        assert.deepEqual([repeat.decision, repeat.duplicate, repeat.at], ['admitted', true, entered.at]);

        s.clock.advance(60_000); // within the gate's dwell (5 minutes)
        assert.equal((await preview()).next, 'exit', 'the button says check-out');
        const out = await scan();
        assert.deepEqual(
          [out.decision, out.duplicate, out.at, out.exitedAt],
          ['exited', false, entered.at, s.clock.now()],
        );

        s.clock.advance(10_000);
        assert.equal((await preview()).next, 'repeat-exit');
        const again = await scan();
        assert.deepEqual([again.decision, again.duplicate, again.exitedAt], ['exited', true, out.exitedAt]);
        const rows = await s.db
          .selectFrom('checkin')
          .select(['entered_at', 'exited_at'])
          .where('venue_id', '=', venue.id)
          .execute();
        assert.equal(rows.length, 1, 'repeats store nothing');

        s.clock.advance(2 * 60_000);
        assert.equal((await preview()).next, 'enter');

        // Refused: not a resident, not signed in, a forged code.
        const staff = await call('GET', scanUrl, worker);
        assert.equal(staff.statusCode, 403);
        assert.equal(staff.json().code, 'RESIDENT_NOT_LINKED');
        assert.equal((await call('GET', scanUrl)).statusCode, 401);
        const forged = await call(
          'GET',
          `/me/scan?code=${encodeURIComponent(code.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))}`,
          resident,
        );
        assert.equal(forged.json().code, 'VENUE_CODE_INVALID');
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
