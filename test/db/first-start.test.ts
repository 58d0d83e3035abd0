// First start: besides the staff logins, a venue operator who runs a venue of the demo city and a
// resident who signs in with the registry's phone (an account made as the door flow makes one).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { testServices } from '../support/services.ts';
import { seedDemoDeployment } from '../../src/cli/first-start.ts';
import { login } from '../../src/access/access.service.ts';
import { phoneLookup } from '../../src/registry/person.codec.ts';
import { checkpointPeriodOn, checkpointPolicy } from '../../src/logistics/checkpoint.policy.ts';
import { dateInZone } from '../../src/platform/calendar.ts';

for (const { dialect, skip } of await dialects()) {
  describe(`first start demo logins [${dialect}]`, { skip }, () => {
    test('an operator running a venue and a resident signing in by phone', async () => {
      const s = await testServices(dialect);
      try {
        const accounts = await seedDemoDeployment(s, 1000, () => {});
        const operator = accounts.find((a) => a.username === 'operator')!;
        assert.equal(operator.role, 'venue_operator');
        assert.match(operator.area, /^文苑社区 \(runs .+\)$/);
        const op = await s.db
          .selectFrom('app_user')
          .select('id')
          .where('username', '=', 'operator')
          .executeTakeFirstOrThrow();
        const runs = await s.db
          .selectFrom('venue')
          .select(['id', 'status'])
          .where('operator_user_id', '=', op.id)
          .execute();
        assert.deepEqual(
          runs.map((v) => v.status),
          ['approved'],
        );

        const resident = accounts.find((a) => a.role === 'resident')!;
        assert.match(resident.username, /^1[3-9]\d{9}$/);
        assert.match(resident.area, /^文苑社区 \(.+\)$/);
        const user = await s.db
          .selectFrom('app_user')
          .selectAll()
          .where('phone_hmac', '=', phoneLookup(s.cipher, resident.username))
          .executeTakeFirstOrThrow();
        assert.equal(user.role, 'resident');
        const person = await s.db
          .selectFrom('person')
          .select(['phone_hmac', 'relation'])
          .where('id', '=', user.person_id!)
          .executeTakeFirstOrThrow();
        assert.equal(person.phone_hmac, user.phone_hmac, 'the registry phone');
        const signedIn = await login(s, { username: resident.username, password: resident.password });
        assert.equal(signedIn.user.role, 'resident');
        const events = await s.db
          .selectFrom('audit_event')
          .select(['detail', 'actor_role'])
          .where('action', '=', 'resident.register')
          .execute();
        assert.equal(events.length, 1);
        assert.equal(JSON.parse(events[0]!.detail).demo, true);

        // Logistics: the enterprise account acts for the first demo enterprise, with passes in every state.
        const enterprise = accounts.find((a) => a.username === 'enterprise')!;
        assert.equal(enterprise.role, 'enterprise');
        assert.equal(accounts.find((a) => a.username === 'logistics')!.role, 'logistics');
        const link = await s.db
          .selectFrom('logistics_account')
          .innerJoin('app_user', 'app_user.id', 'logistics_account.user_id')
          .innerJoin('enterprise', 'enterprise.id', 'logistics_account.enterprise_id')
          .select(['enterprise.name'])
          .where('app_user.username', '=', 'enterprise')
          .executeTakeFirstOrThrow();
        assert.equal(link.name, '辽源市民生保供商贸有限公司');
        const passes = await s.db.selectFrom('vehicle_pass').select(['status', 'number']).execute();
        assert.deepEqual([...new Set(passes.map((p) => p.status))].sort(), ['applied', 'issued', 'refused', 'revoked']);
        assert.ok(passes.filter((p) => p.number).every((p) => /^220402\d{6}$/.test(p.number!)));

        // Reserves: the seed's figures opened the warehouses; the antigen kits run low and raise an alert.
        assert.equal(accounts.find((a) => a.username === 'warehouse')!.role, 'warehouse');
        const opening = await s.db
          .selectFrom('stock_movement')
          .select(['item', 'qty_milli'])
          .where('reference', '=', '期初库存（截至3月23日）')
          .execute();
        const opened = (item: string) =>
          opening.filter((m) => m.item === item).reduce((sum, m) => sum + Number(m.qty_milli), 0) / 1000;
        assert.equal(opened('vegetables'), 1172.54);
        assert.equal(opened('rice'), 2543.06);
        assert.equal(opened('flour'), 39.38);
        assert.equal(opened('oil'), 133000);
        const alerts = await s.db.selectFrom('stock_alert').select(['item']).where('cleared_at', 'is', null).execute();
        assert.ok(alerts.some((a) => a.item === 'antigen_kits'));
        assert.ok(
          (await s.db.selectFrom('stock_movement').select('households').where('kind', '=', 'distribution').execute())
            .length > 0,
        );
        // Trips, the checkpoint and the station have life: trips approved and waiting, today's checks, vehicles inside.
        const trips = await s.db.selectFrom('trip').select('status').execute();
        assert.deepEqual(trips.map((t) => t.status).sort(), ['approved', 'reported']);
        const checks = await s.db.selectFrom('checkpoint_check').select('decision').execute();
        // The red-code driver's truck: turned back, or never turned back, by the period of the demo's day.
        const day = dateInZone(s.clock.now(), s.config.timeZone);
        const failed = checkpointPeriodOn(checkpointPolicy(), day).turnBack ? 'turned_back' : 'trans_ship';
        assert.deepEqual(checks.map((c) => c.decision).sort(), ['officer', 'officer', failed].sort());
        const inside = await s.db.selectFrom('station_visit').select('step').where('closed_at', 'is', null).execute();
        assert.deepEqual(inside.map((v) => v.step).sort(), ['crew_tested', 'disinfected']);
      } finally {
        await s.close();
      }
    });
  });
}
