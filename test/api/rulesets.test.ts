import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { testServices, seedTestAreas, signIn, AREAS } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { getActiveRuleSet } from '../../src/rules/ruleset.service.ts';

for (const { dialect, skip } of await dialects()) {
  describe(`rule sets HTTP [${dialect}]`, { skip }, () => {
    test('lists the editions with the one in force today active until one is chosen', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const anonymous = await app.inject({ method: 'GET', url: '/api/v1/rulesets' });
        assert.equal(anonymous.statusCode, 401);
        s.clock.set('2022-07-01T10:00:00+08:00');
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const res = await app.inject({ method: 'GET', url: '/api/v1/rulesets', headers: worker.headers });
        assert.equal(res.statusCode, 200);
        const body = res.json();
        assert.equal(body.chosen, false);
        assert.deepEqual(
          body.items.map((r: { id: string }) => r.id),
          ['8th-edition', '9th-edition', '20-measures'],
        );
        assert.deepEqual(
          body.items.filter((r: { active: boolean }) => r.active).map((r: { id: string }) => r.id),
          ['9th-edition'],
        );
        assert.deepEqual(Object.keys(body.items[0]).sort(), ['active', 'effectiveFrom', 'id', 'name', 'version']);
        s.clock.set('2022-11-11T00:00:00+08:00');
        assert.equal((await getActiveRuleSet(s)).id, '20-measures');
        s.clock.set('2022-11-10T23:59:59+08:00');
        assert.equal((await getActiveRuleSet(s)).id, '9th-edition');
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('reads one rule set in full; an unknown id is RULESET_NOT_FOUND', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const investigator = await signIn(s, 'investigator', AREAS.city);
        const res = await app.inject({
          method: 'GET',
          url: '/api/v1/rulesets/9th-edition',
          headers: investigator.headers,
        });
        assert.equal(res.statusCode, 200);
        const doc = res.json();
        assert.equal(doc.closeContact.lookBackDays, 4);
        assert.deepEqual(doc.management.close_contact.testDays, { centralised: [1, 2, 3, 5, 7], home: [3] });
        assert.deepEqual(doc.colourRules.find((r: { when: string }) => r.when === 'suspected').endsWhen, {
          kind: 'negative_tests',
          count: 2,
          minHoursApart: 24,
        });
        const missing = await app.inject({
          method: 'GET',
          url: '/api/v1/rulesets/10th-edition',
          headers: investigator.headers,
        });
        assert.equal(missing.statusCode, 404);
        assert.equal(missing.json().code, 'RULESET_NOT_FOUND');
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('activation needs rules.manage and a reason, is audited, and changes the active set', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const put = (headers: Record<string, string>, payload: object) =>
          app.inject({ method: 'PUT', url: '/api/v1/rulesets/active', headers, payload });
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const refused = await put(worker.headers, { id: '9th-edition', reason: 'switch' });
        assert.equal(refused.statusCode, 403);
        assert.equal(refused.json().code, 'FORBIDDEN');

        const admin = await signIn(s, 'admin', AREAS.city);
        for (const reason of [undefined, '', '   ']) {
          const noReason = await put(
            admin.headers,
            reason === undefined ? { id: '9th-edition' } : { id: '9th-edition', reason },
          );
          assert.equal(noReason.statusCode, 400);
          assert.equal(noReason.json().code, 'RULESET_REASON_REQUIRED');
        }
        const unknown = await put(admin.headers, { id: '10th-edition', reason: 'switch' });
        assert.equal(unknown.statusCode, 404);
        assert.equal(unknown.json().code, 'RULESET_NOT_FOUND');
        assert.equal(Number((await s.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq), 0);
        assert.equal((await getActiveRuleSet(s)).id, '8th-edition'); // the fake clock's date, 2022-03-24

        const done = await put(admin.headers, {
          id: '9th-edition',
          reason: 'Provincial notice: the 9th edition applies',
        });
        assert.equal(done.statusCode, 200);
        assert.deepEqual(done.json(), { id: '9th-edition', version: '9.0.0', previous: '8th-edition' });
        assert.equal((await getActiveRuleSet(s)).id, '9th-edition');

        const command = await signIn(s, 'command', AREAS.city);
        const again = await put(command.headers, { id: '20-measures', reason: 'The twenty measures' });
        assert.equal(again.json().previous, '9th-edition');

        const events = await s.db
          .selectFrom('audit_event')
          .selectAll()
          .where('action', '=', 'ruleset.activate')
          .orderBy('seq')
          .execute();
        assert.equal(events.length, 2);
        assert.equal(events[0]!.actor_id, admin.userId);
        assert.equal(events[0]!.reason, 'Provincial notice: the 9th edition applies');
        assert.deepEqual(JSON.parse(events[0]!.detail), {
          previous: '8th-edition',
          previousVersion: '8.0.0',
          previousChosen: false,
          id: '9th-edition',
          version: '9.0.0',
        });
        assert.equal(JSON.parse(events[1]!.detail).previousChosen, true);
        assert.equal(events[1]!.object_id, '20-measures');

        const list = await app.inject({ method: 'GET', url: '/api/v1/rulesets', headers: worker.headers });
        assert.equal(list.json().chosen, true);
        assert.deepEqual(
          list
            .json()
            .items.filter((r: { active: boolean }) => r.active)
            .map((r: { id: string }) => r.id),
          ['20-measures'],
        );
        const active = await app.inject({ method: 'GET', url: '/api/v1/rulesets/active', headers: worker.headers });
        assert.equal(active.json().ruleSet.id, '20-measures');
        assert.equal(active.json().chosen, true);

        const auditor = await signIn(s, 'auditor', AREAS.city);
        const verify = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor.headers });
        assert.equal(verify.json().ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
