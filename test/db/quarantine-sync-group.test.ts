// Phones' check syncs arriving at once are written as one group — one transaction, one commit — on
// both dialects, each answered with its own per-operation results: two staff of two sites syncing
// together each get their own answers (the other site's person refused as out of scope), an operation
// id sent by two phones of the group is applied once and replayed once, and a request that fails as
// a whole inside a group is written again alone, failing alone.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices } from '../support/services.ts';
import { insertOrder, insertRooms, insertSite, insertStaff, insertStay } from '../support/quarantine.fixtures.ts';
import { syncChecks } from '../../src/quarantine/care.service.ts';
import { TransactionGroup, type Settled } from '../../src/db/group-commit.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import type { Actor } from '../../src/access/access.rules.ts';
import { installErrorCatalogue } from '../../src/errors.catalogue.ts';

installErrorCatalogue();
const NOW = Date.parse('2022-07-24T20:00:00+08:00');

for (const { dialect, skip } of await dialects()) {
  describe(`grouped check syncs [${dialect}]`, { skip }, () => {
    test('phones syncing at once: one group, each its own results, a shared operation id applied once', async () => {
      const s = await testServices(dialect);
      s.clock.set(NOW);
      try {
        const areas = await seedTestAreas(s);
        const siteA = await insertSite(s, areas[AREAS.wenyuanGrid]!, '龙山宾馆隔离点');
        const siteB = await insertSite(s, areas[AREAS.wenyuanGrid]!, '向阳公寓隔离点');
        const roomsA = await insertRooms(s, siteA, [{ number: '101' }, { number: '102' }]);
        const roomsB = await insertRooms(s, siteB, [{ number: '201' }]);
        const testDays = [{ phase: 'centralised' as const, day: 1, date: '2022-07-24' }];
        const a1 = await insertOrder(s, { name: '甲一', areaId: areas[AREAS.wenyuan]!, testDays });
        const a2 = await insertOrder(s, { name: '甲二', areaId: areas[AREAS.wenyuan]!, testDays });
        const b1 = await insertOrder(s, { name: '乙一', areaId: areas[AREAS.wenyuan]!, testDays });
        await insertStay(s, a1.orderId, siteA, roomsA['101']!);
        await insertStay(s, a2.orderId, siteA, roomsA['102']!);
        await insertStay(s, b1.orderId, siteB, roomsB['201']!);
        const [staffA, staffB] = await Promise.all([
          signIn(s, 'quarantine_site', AREAS.wenyuan),
          signIn(s, 'quarantine_site', AREAS.wenyuan),
        ]);
        await insertStaff(s, siteA, staffA.userId);
        await insertStaff(s, siteB, staffB.userId, 'medical', '张医生');
        const area = await s.db
          .selectFrom('area')
          .select(['id', 'path'])
          .where('id', '=', areas[AREAS.wenyuan]!)
          .executeTakeFirstOrThrow();
        const actorOf = (userId: string): Actor => ({
          userId,
          username: userId,
          displayName: userId,
          role: 'quarantine_site',
          areaId: area.id,
          areaPath: area.path,
          via: 'session',
        });
        const op = (clientOpId: string, orderId: string, temperature = 36.5) => ({
          clientOpId,
          orderId,
          slot: 'morning' as const,
          date: '2022-07-24',
          temperature,
          at: NOW - 3_600_000,
        });
        const [fromA, fromB, again] = await Promise.all([
          syncChecks(s, actorOf(staffA.userId), {
            ops: [op('a-1', a1.orderId, 37.9), op('a-2', a2.orderId), op('x', b1.orderId)],
          }),
          syncChecks(s, actorOf(staffB.userId), { ops: [op('b-1', b1.orderId), op('x2', a1.orderId)] }),
          syncChecks(s, actorOf(staffA.userId), { ops: [op('a-1', a1.orderId, 37.9)] }),
        ]);
        assert.deepEqual(
          fromA.results.map((r) => [r.clientOpId, r.outcome, r.code]),
          [
            ['a-1', 'applied', null],
            ['a-2', 'applied', null],
            ['x', 'refused', 'OUT_OF_SCOPE'],
          ],
        );
        assert.deepEqual(fromA.results[0]!.alerts, ['fever']);
        assert.deepEqual(
          fromB.results.map((r) => [r.clientOpId, r.outcome, r.code]),
          [
            ['b-1', 'applied', null],
            ['x2', 'refused', 'OUT_OF_SCOPE'],
          ],
        );
        assert.deepEqual(
          again.results.map((r) => r.outcome),
          ['replayed'],
        );
        const checks = await s.db.selectFrom('quarantine_check').select(['client_op_id', 'recorded_by']).execute();
        assert.equal(checks.length, 3);
        const audit = await s.db
          .selectFrom('audit_event')
          .select(['actor_id'])
          .where('action', '=', 'quarantine.check.sync')
          .execute();
        assert.deepEqual(
          audit.map((a) => a.actor_id).sort(),
          [staffA.userId, staffB.userId].sort(),
          'one audit event per request that applied checks, by its own actor',
        );
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await s.close();
      }
    });

    test('a group commits once; a request that fails the group is written again alone and fails alone', async () => {
      const s = await testServices(dialect);
      try {
        let transactions = 0;
        const group = new TransactionGroup<number, number>(s.db, async (trx, jobs): Promise<Array<Settled<number>>> => {
          transactions += 1;
          await trx.selectFrom('area').select('id').execute();
          if (jobs.includes(13)) throw new Error('thirteen');
          return jobs.map((j) => ({ ok: true, value: j * 2 }));
        });
        const first = await Promise.all([1, 2, 3, 4].map((j) => group.enqueue(j)));
        assert.deepEqual(first, [2, 4, 6, 8]);
        assert.ok(transactions <= 2, `requests arriving together share transactions (${transactions})`);
        transactions = 0;
        const mixed = await Promise.allSettled([5, 13, 6].map((j) => group.enqueue(j)));
        assert.deepEqual(
          mixed.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
          [10, 'thirteen', 12],
        );
        await group.drain();
      } finally {
        await s.close();
      }
    });
  });
}
