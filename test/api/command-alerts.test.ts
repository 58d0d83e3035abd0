// The duty officer's alerts over HTTP on both dialects: a run of the rules opens one alert per condition
// with its evidence (twice run, still one), lists them by severity and age inside the officer's area,
// an acknowledgement is taken once (the second is a coded 409), a close needs a note, and a condition
// that goes clears its alert.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { alertFacts, runAlerts } from '../../src/command/alerts.service.ts';
import type { AlertFacts } from '../../src/command/alerts.rules.ts';
import { areasByIds } from '../../src/db/sql.ts';

const HOUR = 3_600_000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an answer is read as the JSON it is
type Wall = Record<string, any>;

for (const { dialect, skip } of await dialects()) {
  describe(`command alerts [${dialect}]`, { skip }, () => {
    test('open once, list by severity and age, acknowledge once, close with a note, clear', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const app: App = await build(s, { serveWeb: false });
      const call = (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: object) =>
        app.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });
      try {
        // The facts of an empty city: every module answers, nothing holds.
        const none = await alertFacts(s);
        assert.deepEqual([none.pools, none.unplacedOrders, none.feverAlerts, none.venues], [[], [], [], []]);
        assert.deepEqual(await runAlerts(s), { opened: 0, held: 0, cleared: 0 });

        const [wenyuan, xingyang, district] = await areasByIds(s.db, [
          areas[AREAS.wenyuan]!,
          areas[AREAS.xingyang]!,
          areas[AREAS.district]!,
        ]).then((rows) =>
          [AREAS.wenyuan, AREAS.xingyang, AREAS.district].map((c) => rows.find((r) => r.id === areas[c])!),
        );
        const now = s.clock.now();
        const facts = (pools: string[]): AlertFacts => ({
          now,
          pools: pools.map((id) => ({
            id,
            areaId: wenyuan!.id,
            areaPath: wenyuan!.path,
            detectedAt: now - 7 * HOUR,
            members: 10,
            status: 'detected',
          })),
          districts: [
            { id: district!.id, areaId: district!.id, areaPath: district!.path, name: '龙山区', usable: 50, free: 2 },
          ],
          venues: [
            { id: 'v1', areaId: xingyang!.id, areaPath: xingyang!.path, name: '兴阳超市', count: 120, capacity: 100 },
          ],
        });
        assert.deepEqual(await runAlerts(s, facts(['pool-1', 'pool-2'])), { opened: 4, held: 0, cleared: 0 });
        // The same conditions again: no new alert.
        assert.deepEqual(await runAlerts(s, facts(['pool-1', 'pool-2'])), { opened: 0, held: 4, cleared: 0 });

        const city = await signIn(s, 'command', AREAS.city);
        const list = await call('GET', '/command/alerts', city);
        assert.equal(list.statusCode, 200, list.body);
        const items = list.json().items as Array<Wall>;
        assert.equal(list.json().total, 4);
        assert.deepEqual(
          items.map((a) => a.rule),
          ['pool_unresolved', 'pool_unresolved', 'rooms_low', 'venue_over_capacity'],
        );
        assert.equal(items[0]!.severity, 'critical');
        assert.equal(items[0]!.evidence.targetHours, 6);
        assert.equal(items[0]!.areaName, '文苑社区');
        assert.ok(items[0]!.notify.includes('command'));

        // 兴阳's command post sees its venue only.
        const xy = await signIn(s, 'command', AREAS.xingyang);
        const theirs = (await call('GET', '/command/alerts', xy)).json();
        assert.deepEqual(
          theirs.items.map((a: { rule: string }) => a.rule),
          ['venue_over_capacity'],
        );
        const pool1 = items.find((a) => a.subjectId === 'pool-1')!;
        const refused = await call('POST', `/command/alerts/${pool1.id}/acknowledge`, xy);
        assert.equal(refused.statusCode, 403);
        assert.equal(refused.json().code, 'OUT_OF_SCOPE');

        // Acknowledged once; the second is refused with a code.
        const ack = await call('POST', `/command/alerts/${pool1.id}/acknowledge`, city);
        assert.equal(ack.statusCode, 200, ack.body);
        assert.equal(ack.json().status, 'acknowledged');
        assert.ok(ack.json().acknowledgedBy);
        const twice = await call('POST', `/command/alerts/${pool1.id}/acknowledge`, city);
        assert.equal(twice.statusCode, 409);
        assert.equal(twice.json().code, 'COMMAND_ALERT_ALREADY_ACKNOWLEDGED');
        const missing = await call('POST', '/command/alerts/nope/acknowledge', city);
        assert.equal(missing.statusCode, 404);
        assert.equal(missing.json().code, 'COMMAND_ALERT_NOT_FOUND');

        // Closed by a person with a note; without a note it is refused.
        const venue = items.find((a) => a.rule === 'venue_over_capacity')!;
        const noNote = await call('POST', `/command/alerts/${venue.id}/close`, city, {});
        assert.equal(noNote.statusCode, 400);
        const closed = await call('POST', `/command/alerts/${venue.id}/close`, city, { note: '已现场限流' });
        assert.equal(closed.statusCode, 200, closed.body);
        assert.deepEqual([closed.json().status, closed.json().closeReason], ['closed', 'note']);
        const again = await call('POST', `/command/alerts/${venue.id}/close`, city, { note: '再次关闭' });
        assert.equal(again.json().code, 'COMMAND_ALERT_CLOSED');
        const ackClosed = await call('POST', `/command/alerts/${venue.id}/acknowledge`, city);
        assert.equal(ackClosed.json().code, 'COMMAND_ALERT_CLOSED');

        // pool-2 settled; the venue still over capacity opens a new alert (the old one was closed by hand).
        s.clock.advance(HOUR);
        assert.deepEqual(await runAlerts(s, facts(['pool-1'])), { opened: 1, held: 2, cleared: 1 });
        const active = (await call('GET', '/command/alerts', city)).json();
        assert.deepEqual(
          active.items.map((a: { subjectId: string }) => a.subjectId),
          ['pool-1', district!.id, 'v1'],
        );
        const closedList = (await call('GET', '/command/alerts?status=closed', city)).json();
        assert.deepEqual(
          closedList.items.map((a: { subjectId: string; closeReason: string }) => [a.subjectId, a.closeReason]).sort(),
          [
            ['pool-2', 'cleared'],
            ['v1', 'note'],
          ],
        );
        const audit = await s.db
          .selectFrom('audit_event')
          .select(['action'])
          .where('action', 'like', 'command.alert.%')
          .execute();
        assert.equal(audit.filter((a) => a.action === 'command.alert.open').length, 5);
        assert.equal(audit.filter((a) => a.action === 'command.alert.acknowledge').length, 1);
        assert.equal(audit.filter((a) => a.action === 'command.alert.close').length, 2);

        for (const role of ['investigator', 'community_worker'] as const) {
          const res = await call('GET', '/command/alerts', await signIn(s, role, AREAS.city));
          assert.equal(res.statusCode, 403, role);
        }
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
