import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { testServices } from '../support/services.ts';
import { generateDemoCity } from '../../src/sim/city.ts';
import { venueCategories } from '../../src/venues/venue.categories.ts';

for (const { dialect, skip } of await dialects()) {
  describe(`demo venues and movements [${dialect}]`, { skip }, () => {
    test('cordon demo stores approved venues of every category and the movements; --force replaces them', async () => {
      const s = await testServices(dialect);
      try {
        const first = await generateDemoCity(s, { people: 400, days: 3, seed: 5 });
        assert.ok(first.checkins > 400 * 3, `${first.checkins} check-ins`);
        const venues = await s.db.selectFrom('venue').select(['id', 'category', 'status', 'area_id']).execute();
        assert.equal(venues.length, first.venues);
        assert.deepEqual(
          [...new Set(venues.map((v) => v.category))].sort(),
          [...venueCategories().categories.keys()].sort(),
        );
        assert.ok(venues.every((v) => v.status === 'approved'));
        const count = async () =>
          Number(
            (
              await s.db
                .selectFrom('checkin')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        assert.equal(await count(), first.checkins);

        // Stored as planned: inside the window, admitted, closed ones after their entry, and every one at a demo venue.
        const now = s.clock.now();
        const bad = await s.db
          .selectFrom('checkin')
          .select((eb) => eb.fn.countAll().as('n'))
          .where((eb) =>
            eb.or([
              eb('entered_at', '<', now - 3 * 86_400_000),
              eb('entered_at', '>', now),
              eb('decision', '!=', 'admitted'),
              eb.and([eb('exited_at', 'is not', null), eb('exited_at', '<=', eb.ref('entered_at'))]),
              eb('venue_id', 'not like', 'vdemo%'),
            ]),
          )
          .executeTakeFirstOrThrow();
        assert.equal(Number(bad.n), 0);
        const audit = await s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'demo.generate')
          .executeTakeFirstOrThrow();
        assert.equal(JSON.parse(audit.detail).checkins, first.checkins);

        // Rebuilt with --force: the same city again (same seed, same clock), nothing doubled.
        const again = await generateDemoCity(s, { people: 400, days: 3, seed: 5, force: true });
        assert.equal(again.checkins, first.checkins);
        assert.equal(await count(), first.checkins);
        const venuesAgain = await s.db.selectFrom('venue').select('id').execute();
        assert.deepEqual(venuesAgain.map((v) => v.id).sort(), venues.map((v) => v.id).sort());
      } finally {
        await s.close();
      }
    });
  });
}
