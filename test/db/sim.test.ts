import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { dialects } from '../support/dialects.ts';
import { testServices, type TestServices } from '../support/services.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../src/platform/audit.ts';
import { hasCode } from '../support/errors.ts';
import { idLookup, openIdentifiers } from '../../src/registry/person.codec.ts';
import { checkResidentId, dateInZone } from '../../src/registry/registry.rules.ts';
import { importRoster } from '../../src/registry/roster.import.ts';
import { generateDemoCity } from '../../src/sim/city.ts';
import type { Executor } from '../../src/db/database.ts';

/** The published sample roster (a copy kept with the roster fixtures). */
const SAMPLE_ROSTER = new URL('../fixtures/household-roster.csv', import.meta.url).pathname;
const SAMPLE_ROSTER_IDS = ['220402195304120318', '220402195508230324', '22040219880615102X', '220403194011050047'];
const actor = { id: null, name: 'cli:test', role: 'system' };

async function count(
  ex: Executor,
  table: 'area' | 'building' | 'household' | 'person' | 'audit_event',
): Promise<number> {
  const row = await ex
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function withServices(dialect: 'sqlite' | 'postgres', fn: (s: TestServices) => Promise<void>): Promise<void> {
  const s = await testServices(dialect);
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

for (const { dialect, skip } of await dialects()) {
  describe(`demo city [${dialect}]`, { skip }, () => {
    test('writes what the summary says, audited once, with settings, identifiers sealed', () =>
      withServices(dialect, async (s) => {
        const phases = new Set<string>();
        const summary = await generateDemoCity(s, {
          people: 1000,
          days: 14,
          seed: 5,
          actor,
          onProgress: (_d, _t, phase) => phases.add(phase),
        });
        assert.equal(summary.persons, 1000);
        assert.deepEqual(
          [
            await count(s.db, 'area'),
            await count(s.db, 'building'),
            await count(s.db, 'household'),
            await count(s.db, 'person'),
          ],
          [summary.areas, summary.buildings, summary.households, summary.persons],
        );
        assert.ok(phases.has('persons'));

        const verdict = await verifyAuditChain(s.db);
        assert.deepEqual({ ok: verdict.ok, events: verdict.events }, { ok: true, events: 1 });
        const event = await s.db.selectFrom('audit_event').selectAll().executeTakeFirstOrThrow();
        assert.equal(event.action, 'demo.generate');
        assert.equal(event.actor_name, 'cli:test');
        const detail = JSON.parse(event.detail) as Record<string, unknown>;
        assert.equal(detail.persons, 1000);
        assert.equal(detail.seed, 5);

        const settings = Object.fromEntries(
          (await s.db.selectFrom('setting').select(['key', 'value']).where('key', 'like', 'demo.%').execute()).map(
            (r) => [r.key, r.value],
          ),
        );
        assert.deepEqual(settings, { 'demo.seed': '5', 'demo.people': '1000', 'demo.days': '14' });

        const today = dateInZone(s.clock.now(), s.config.timeZone);
        const rows = await s.db.selectFrom('person').selectAll().execute();
        const idLike = /\d{17}[\dX]/;
        let sealed = 0;
        for (const row of rows) {
          for (const column of ['id_enc', 'id_hmac', 'phone_enc', 'phone_hmac', 'name', 'note'] as const) {
            assert.ok(!idLike.test(row[column] ?? ''), `${column} of ${row.id} holds an ID number in clear`);
          }
          if (row.id_type !== 'resident_id') continue;
          sealed++;
          const clear = openIdentifiers(s.cipher, row, true);
          const check = checkResidentId(clear.idNumber!, today);
          assert.ok(check.ok && check.birthDate === row.birth_date && check.sex === row.sex);
        }
        assert.ok(sealed > 800);

        const sampleLookups = SAMPLE_ROSTER_IDS.map((id) => idLookup(s.cipher, 'resident_id', id));
        assert.equal(
          (await s.db.selectFrom('person').select('id').where('id_hmac', 'in', sampleLookups).execute()).length,
          0,
        );

        const heads = await s.db
          .selectFrom('household')
          .innerJoin('person', 'person.id', 'household.head_person_id')
          .select(['person.relation', 'person.household_id', 'household.id'])
          .execute();
        assert.equal(heads.length, summary.households);
        for (const h of heads) assert.deepEqual([h.relation, h.household_id], ['本人', h.id]);
      }));

    test('a database that holds persons is refused without --force; with it the city is rebuilt, areas kept', () =>
      withServices(dialect, async (s) => {
        const first = await generateDemoCity(s, { people: 300, days: 14, seed: 1, actor });
        // A user scoped to a demo area must survive a rebuild.
        await s.db
          .insertInto('app_user')
          .values({
            id: 'u1',
            username: 'grid-worker',
            display_name: '网格员',
            password_hash: 'x',
            role: 'community_worker',
            area_id: 'a_220402001001001',
            failed_logins: 0,
            locked_until: null,
            disabled: 0,
            created_at: s.clock.now(),
            updated_at: s.clock.now(),
          })
          .execute();

        await assert.rejects(
          generateDemoCity(s, { people: 300, days: 14, seed: 2, actor }),
          hasCode('DEMO_CITY_EXISTS'),
        );
        assert.equal(await count(s.db, 'person'), 300);
        assert.equal(await count(s.db, 'audit_event'), 1);

        const again = await generateDemoCity(s, { people: 400, days: 7, seed: 2, force: true, actor });
        assert.equal(await count(s.db, 'person'), 400);
        assert.equal(await count(s.db, 'household'), again.households);
        assert.equal(await count(s.db, 'area'), Math.max(first.areas, again.areas));
        const v = await verifyAuditChain(s.db);
        assert.deepEqual({ ok: v.ok, events: v.events }, { ok: true, events: 2 });
        const last = await s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('seq', '=', 2)
          .executeTakeFirstOrThrow();
        assert.deepEqual((JSON.parse(last.detail) as { wiped: unknown }).wiped, {
          persons: 300,
          households: first.households,
          buildings: first.buildings,
        });
        const days = await s.db
          .selectFrom('setting')
          .select('value')
          .where('key', '=', 'demo.days')
          .executeTakeFirstOrThrow();
        assert.equal(days.value, '7');
      }));

    test('areas that already exist keep their ids; bad options change nothing', () =>
      withServices(dialect, async (s) => {
        await s.db
          .insertInto('area')
          .values({
            id: 'root',
            code: '220400',
            name: '辽源',
            level: 'city',
            parent_id: null,
            path: '220400/',
            created_at: 0,
          })
          .execute();
        await assert.rejects(generateDemoCity(s, { people: 0, days: 14, seed: 1 }), hasCode('DEMO_OPTION_INVALID'));
        await assert.rejects(generateDemoCity(s, { people: 10, days: 0, seed: 1 }), hasCode('DEMO_OPTION_INVALID'));
        assert.equal(await count(s.db, 'area'), 1);
        await generateDemoCity(s, { people: 50, days: 14, seed: 1 });
        const root = await s.db.selectFrom('area').selectAll().where('code', '=', '220400').executeTakeFirstOrThrow();
        assert.deepEqual([root.id, root.name], ['root', '辽源市']);
        const districts = await s.db.selectFrom('area').select('parent_id').where('level', '=', 'district').execute();
        assert.deepEqual(
          districts.map((d) => d.parent_id),
          ['root', 'root'],
        );
      }));

    test('the sample household roster imports into the demo city: refused where its address has another head, or as new households when asked', () =>
      withServices(dialect, async (s) => {
        await generateDemoCity(s, { people: 2000, days: 14, seed: 1 });
        const read = () => fs.createReadStream(SAMPLE_ROSTER);
        const refused = await importRoster(s, { audit: SYSTEM_ACTOR, areaPath: '' }, read(), {
          fileName: 'household-roster.csv',
          format: 'csv',
        });
        assert.equal(refused.imported, 0);
        assert.ok(
          refused.faults.length > 0 && refused.faults.every((f) => f.code === 'HOUSEHOLD_HEAD_MISMATCH'),
          JSON.stringify(refused.faults),
        );
        assert.equal(await count(s.db, 'person'), 2000);
        const r = await importRoster(s, { audit: SYSTEM_ACTOR, areaPath: '' }, read(), {
          fileName: 'household-roster.csv',
          format: 'csv',
          newHouseholdOnHeadMismatch: true,
        });
        assert.deepEqual(
          { imported: r.imported, rejected: r.rejected, faults: r.faults },
          { imported: 5, rejected: 0, faults: [] },
        );
        assert.equal(await count(s.db, 'person'), 2005);
      }));

    test('a failure at the end (the audit append) leaves nothing written', () =>
      withServices(dialect, async (s) => {
        await s.db.deleteFrom('audit_head').execute();
        await assert.rejects(generateDemoCity(s, { people: 300, days: 14, seed: 1 }));
        assert.deepEqual(
          [
            await count(s.db, 'area'),
            await count(s.db, 'building'),
            await count(s.db, 'household'),
            await count(s.db, 'person'),
          ],
          [0, 0, 0, 0],
        );
        assert.equal((await s.db.selectFrom('setting').select('key').execute()).length, 0);
      }));

    test('the same seed gives the same persons in any database', () =>
      withServices(dialect, async (s) => {
        await generateDemoCity(s, { people: 200, days: 14, seed: 11 });
        const other = await testServices('sqlite');
        try {
          await generateDemoCity(other, { people: 200, days: 14, seed: 11 });
          const read = (ex: Executor) =>
            ex
              .selectFrom('person')
              .select(['id', 'name', 'birth_date', 'sex', 'relation', 'household_id'])
              .orderBy('id')
              .execute();
          assert.deepEqual(await read(s.db), await read(other.db));
        } finally {
          await other.close();
        }
      }));
  });
}
