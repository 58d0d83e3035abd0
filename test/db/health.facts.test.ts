import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, testServices, type TestServices } from '../support/services.ts';
import type { PersonTable } from '../../src/db/database.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../src/platform/audit.ts';
import { setActiveRuleSet } from '../../src/rules/ruleset.service.ts';
import {
  addFacts,
  endFacts,
  recomputeColours,
  recordTestResults,
  recordTestResultsFrom,
  type TestResultFact,
} from '../../src/health/health.facts.ts';
import { sql } from 'kysely';
import { factsFor } from '../../src/venues/door.facts.ts';
import { decideApproval, recomputeIfRuleSetChanged, sweepEndConditions } from '../../src/health/health.service.ts';
import type { Actor } from '../../src/access/access.rules.ts';
import { AppError } from '../../src/platform/errors.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2022-03-24T08:00:00+08:00');
const ADMIN = { id: 'u-admin', name: 'admin', role: 'admin' };

function personRow(id: string, areaId: string): PersonTable {
  return {
    id,
    household_id: null,
    area_id: areaId,
    name: id,
    id_type: 'none',
    id_enc: null,
    id_hmac: null,
    birth_date: null,
    sex: null,
    phone_enc: null,
    phone_hmac: null,
    relation: '',
    elderly_alone: 0,
    bedridden: 0,
    pregnant: 0,
    dialysis: 0,
    no_smartphone: 0,
    note: '',
    created_at: NOW - 30 * DAY,
    updated_at: NOW - 30 * DAY,
  };
}

async function city(s: TestServices, people: number): Promise<string[]> {
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  await setActiveRuleSet(s, ADMIN, '9th-edition', 'tests run under the 9th edition');
  const ids = Array.from({ length: people }, (_, i) => `p${String(i).padStart(6, '0')}`);
  for (let i = 0; i < ids.length; i += 500) {
    await s.db
      .insertInto('person')
      .values(ids.slice(i, i + 500).map((id) => personRow(id, areas[AREAS.wenyuanGrid]!)))
      .execute();
  }
  return ids;
}

/** Every colour change has a history row with a basis and an audit event. */
async function assertEveryChangeHasBasis(s: TestServices): Promise<void> {
  const history = await s.db.selectFrom('health_colour_history').selectAll().execute();
  for (const h of history) {
    assert.ok(h.basis.trim().length > 0, `history ${h.id} has a basis`);
    assert.ok(h.ruleset_id && h.ruleset_version, 'rule set recorded');
    assert.notEqual(h.audit_seq, null, 'linked to an audit event');
    const ev = await s.db
      .selectFrom('audit_event')
      .selectAll()
      .where('seq', '=', Number(h.audit_seq))
      .executeTakeFirstOrThrow();
    assert.equal(ev.action, 'health.colour.change');
    const detail = JSON.parse(ev.detail) as { changes: Array<{ personId: string; to: string }> };
    assert.ok(
      detail.changes.some((c) => c.personId === h.person_id && c.to === h.to_colour),
      'the audit event names the change',
    );
  }
  assert.equal((await verifyAuditChain(s.db)).ok, true);
}

for (const { dialect, skip } of await dialects()) {
  describe(`health facts port [${dialect}]`, { skip }, () => {
    test('a close-contact fact turns red with its end condition; ending it turns green; both with a basis', async () => {
      const s = await testServices(dialect);
      try {
        const [a, b] = await city(s, 2);
        const out = await s.db.transaction().execute((trx) =>
          addFacts(
            s,
            trx,
            [
              {
                personId: a!,
                kind: 'close_contact',
                since: NOW - DAY,
                until: NOW + 6 * DAY,
                source: { type: 'contact', id: 'c1' },
                detail: { caseId: 'k1' },
              },
            ],
            { actor: SYSTEM_ACTOR, reason: 'contact c1 confirmed' },
          ),
        );
        assert.equal(out.applied, true);
        assert.deepEqual(out.applied && out.changes, [
          { personId: a, from: 'green', to: 'red', reasons: ['close-contact'] },
        ]);
        const door = await factsFor(s.db, a!, NOW);
        assert.equal(door.colour, 'red');
        assert.match(door.colourReason, /close-contact/);
        assert.equal((await factsFor(s.db, b!, NOW)).colour, 'green');
        // the quarantine end passes: the door shows green at once, the sweep records it
        assert.equal((await factsFor(s.db, a!, NOW + 7 * DAY)).colour, 'green');
        // adding the same fact again updates it (no duplicate, no change)
        const again = await s.db.transaction().execute((trx) =>
          addFacts(
            s,
            trx,
            [
              {
                personId: a!,
                kind: 'close_contact',
                since: NOW - DAY,
                until: NOW + 6 * DAY,
                source: { type: 'contact', id: 'c1' },
              },
            ],
            { actor: SYSTEM_ACTOR, reason: 'rerun' },
          ),
        );
        assert.deepEqual(again.applied && again.changes, []);
        const ended = await s.db.transaction().execute((trx) =>
          endFacts(s, trx, { sourceType: 'contact', sourceId: 'c1' }, NOW, {
            actor: SYSTEM_ACTOR,
            reason: 'contact c1 dismissed',
          }),
        );
        assert.deepEqual(ended.applied && ended.changes.map((c) => [c.from, c.to]), [['red', 'green']]);
        const history = await s.db.selectFrom('health_colour_history').selectAll().orderBy('audit_seq').execute();
        assert.deepEqual(
          history.map((h) => [h.from_colour, h.to_colour, h.basis]),
          [
            ['green', 'red', 'contact c1 confirmed'],
            ['red', 'green', 'contact c1 dismissed'],
          ],
        );
        await assertEveryChangeHasBasis(s);
      } finally {
        await s.close();
      }
    });

    test('a fact recorded ahead of time gives its colour when it begins; the sweep records it with a basis', async () => {
      const s = await testServices(dialect);
      try {
        const [a] = await city(s, 1);
        const out = await s.db.transaction().execute((trx) =>
          addFacts(
            s,
            trx,
            [
              {
                personId: a!,
                kind: 'home_quarantine',
                since: NOW + HOUR,
                until: NOW + 3 * DAY,
                source: { type: 'quarantine', id: 'q1' },
              },
            ],
            { actor: SYSTEM_ACTOR, reason: 'home quarantine ordered from tomorrow' },
          ),
        );
        assert.deepEqual(out.applied && out.changes, []);
        assert.equal((await factsFor(s.db, a!, NOW)).colour, 'green');
        s.clock.set(NOW + HOUR + 1);
        assert.equal(await sweepEndConditions(s), 1);
        assert.equal((await factsFor(s.db, a!, NOW + HOUR + 1)).colour, 'red');
        assert.equal(await sweepEndConditions(s), 0);
        s.clock.set(NOW + 3 * DAY);
        assert.equal(await sweepEndConditions(s), 1);
        assert.equal((await factsFor(s.db, a!, NOW + 3 * DAY)).colour, 'green');
        await assertEveryChangeHasBasis(s);
      } finally {
        await s.close();
      }
    });

    test('a change of the active rule set recomputes everyone under it, each change with its basis', async () => {
      const s = await testServices(dialect);
      try {
        const [a, b] = await city(s, 2);
        await s.db.transaction().execute((trx) =>
          addFacts(
            s,
            trx,
            [
              {
                personId: a!,
                kind: 'secondary_contact',
                since: NOW - HOUR,
                until: NOW + 5 * DAY,
                source: { type: 'contact', id: 'c2' },
              },
              {
                personId: b!,
                kind: 'close_contact',
                since: NOW - HOUR,
                until: NOW + 5 * DAY,
                source: { type: 'contact', id: 'c3' },
              },
            ],
            { actor: SYSTEM_ACTOR, reason: 'contacts confirmed' },
          ),
        );
        assert.equal((await factsFor(s.db, a!, NOW)).colour, 'yellow');
        assert.equal((await recomputeIfRuleSetChanged(s))?.changes, 0, 'first run: recorded, nothing to change');
        assert.equal(await recomputeIfRuleSetChanged(s), null);
        await setActiveRuleSet(s, ADMIN, '20-measures', 'the 20 measures are in force');
        const re = await recomputeIfRuleSetChanged(s);
        assert.equal(re?.changes, 1, 'the 20 measures give secondary contacts no colour');
        assert.equal((await factsFor(s.db, a!, NOW)).colour, 'green');
        assert.equal((await factsFor(s.db, b!, NOW)).colour, 'red');
        const last = await s.db
          .selectFrom('health_colour_history')
          .selectAll()
          .where('person_id', '=', a!)
          .orderBy('audit_seq', 'desc')
          .executeTakeFirstOrThrow();
        assert.equal(last.ruleset_id, '20-measures');
        assert.match(last.basis, /20-measures/);
        const status = await s.db
          .selectFrom('health_status')
          .select(['ruleset_id'])
          .where('person_id', '=', b!)
          .executeTakeFirstOrThrow();
        assert.equal(status.ruleset_id, '20-measures', 'unchanged colours record the rule set too');
        await assertEveryChangeHasBasis(s);
      } finally {
        await s.close();
      }
    });

    test('pooled positive pending re-test ends with a negative single test; the latest test is on the door read', async () => {
      const s = await testServices(dialect);
      try {
        const [a] = await city(s, 1);
        await s.db.transaction().execute((trx) =>
          addFacts(
            s,
            trx,
            [
              {
                personId: a!,
                kind: 'pooled_positive_pending_retest',
                since: NOW - HOUR,
                source: { type: 'pool', id: 'pool1' },
              },
            ],
            { actor: SYSTEM_ACTOR, reason: 'pool T1 reported suspected positive' },
          ),
        );
        assert.equal((await factsFor(s.db, a!, NOW)).colour, 'yellow');
        s.clock.set(NOW + 2 * HOUR);
        const changes = await s.db.transaction().execute((trx) =>
          recordTestResults(
            s,
            trx,
            [
              {
                personId: a!,
                sampledAt: NOW + HOUR,
                reportedAt: NOW + 2 * HOUR,
                result: 'negative',
                pooled: false,
                source: { type: 'tube', id: 'tube9' },
              },
            ],
            { actor: SYSTEM_ACTOR, reason: 'lab upload 1' },
          ),
        );
        assert.deepEqual(
          changes.map((c) => [c.from, c.to]),
          [['yellow', 'green']],
        );
        const door = await factsFor(s.db, a!, NOW + 2 * HOUR);
        assert.equal(door.colour, 'green');
        assert.deepEqual(door.latestTest, { sampledAt: NOW + HOUR, result: 'negative' });
        await assertEveryChangeHasBasis(s);
      } finally {
        await s.close();
      }
    });

    test('a mass negative round for people with no facts records tests only; a manual action over the threshold is held', async () => {
      const s = await testServices(dialect);
      try {
        const ids = await city(s, 3_000);
        const results: TestResultFact[] = ids.map((p, i) => ({
          personId: p,
          sampledAt: NOW - HOUR,
          reportedAt: NOW,
          result: 'negative',
          pooled: true,
          source: { type: 'tube', id: `t${Math.floor(i / 10)}` },
        }));
        const t0 = performance.now();
        const changes = await s.db
          .transaction()
          .execute((trx) => recordTestResults(s, trx, results, { actor: SYSTEM_ACTOR, reason: 'lab upload' }));
        const ms = performance.now() - t0;
        assert.deepEqual(changes, []);
        assert.equal(
          Number(
            (
              await s.db
                .selectFrom('health_test')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
          3_000,
        );
        assert.equal(
          Number(
            (
              await s.db
                .selectFrom('health_colour_history')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
          0,
        );
        assert.ok(ms < 20_000, `3000 results in ${ms} ms`);
        // the same tube twice in one upload, and the same fact twice in one batch: the last one counts
        await s.db.transaction().execute((trx) =>
          recordTestResults(s, trx, [results[1]!, { ...results[1]!, result: 'positive' }], {
            actor: SYSTEM_ACTOR,
            reason: 'dup',
          }),
        );
        assert.equal(
          (
            await s.db
              .selectFrom('health_test')
              .select('result')
              .where('person_id', '=', ids[1]!)
              .executeTakeFirstOrThrow()
          ).result,
          'positive',
        );
        // an older result does not replace the latest
        await s.db.transaction().execute((trx) =>
          recordTestResults(
            s,
            trx,
            [
              {
                personId: ids[0]!,
                sampledAt: NOW - DAY,
                reportedAt: NOW,
                result: 'positive',
                pooled: false,
                source: { type: 'tube', id: 'old' },
              },
            ],
            { actor: SYSTEM_ACTOR, reason: 'late upload' },
          ),
        );
        assert.deepEqual((await factsFor(s.db, ids[0]!, NOW)).latestTest, {
          sampledAt: NOW - HOUR,
          result: 'negative',
        });

        const manual = {
          actor: { id: 'u1', name: 'officer', role: 'command' },
          reason: 'area designated',
          manual: true,
        };
        const held = await s.db.transaction().execute((trx) =>
          addFacts(
            s,
            trx,
            ids.slice(0, 101).map((p) => ({
              personId: p,
              kind: 'risk_area_arrival_pending_test' as const,
              since: NOW,
              source: { type: 'risk_area' as const, id: 'ra1' },
            })),
            manual,
          ),
        );
        assert.equal(held.applied, false);
        assert.equal(!held.applied && held.people, 101);
        assert.equal(
          await s.db.selectFrom('health_fact').select('id').executeTakeFirst(),
          undefined,
          'nothing applied while held',
        );
        const fine = await s.db.transaction().execute((trx) =>
          addFacts(
            s,
            trx,
            ids.slice(0, 100).map((p) => ({
              personId: p,
              kind: 'risk_area_arrival_pending_test' as const,
              since: NOW,
              source: { type: 'risk_area' as const, id: 'ra1' },
            })),
            manual,
          ),
        );
        assert.equal(fine.applied && fine.changes.length, 100);
        // held actions apply when a command-centre user other than the requester approves them
        const commandActor = async (userId: string): Promise<Actor> => {
          const area = await s.db
            .selectFrom('area')
            .select(['id', 'path'])
            .where('code', '=', AREAS.city)
            .executeTakeFirstOrThrow();
          return {
            userId,
            username: userId,
            displayName: userId,
            role: 'command',
            areaId: area.id,
            areaPath: area.path,
            via: 'session',
          };
        };
        await assert.rejects(
          decideApproval(s, await commandActor('u1'), held.applied ? '' : held.pendingApprovalId, {
            approve: true,
            reason: 'mine',
          }),
          (err: unknown) => err instanceof AppError && err.code === 'HEALTH_SAME_USER',
        );
        const approved = await decideApproval(s, await commandActor('u2'), held.applied ? '' : held.pendingApprovalId, {
          approve: true,
          reason: 'agreed',
        });
        assert.equal(approved.changes, 1, 'the 101st person (the first 100 were coloured by the action below before)');
        const heldEnd = await s.db
          .transaction()
          .execute((trx) => endFacts(s, trx, { sourceType: 'risk_area', sourceId: 'ra1' }, NOW, manual));
        assert.equal(heldEnd.applied, false, 'ending 101 people by hand is held too');
        const rejected = await decideApproval(
          s,
          await commandActor('u2'),
          heldEnd.applied ? '' : heldEnd.pendingApprovalId,
          { approve: false, reason: 'no' },
        );
        assert.equal(rejected.status, 'rejected');
        assert.equal((await factsFor(s.db, ids[100]!, NOW)).colour, 'yellow', 'a rejected action changes nothing');
        // the system (rule-driven) is never held
        const sys = await s.db.transaction().execute((trx) =>
          endFacts(s, trx, { sourceType: 'risk_area', sourceId: 'ra1' }, NOW, {
            actor: SYSTEM_ACTOR,
            reason: 'area downgraded',
          }),
        );
        assert.equal(sys.applied && sys.changes.length, 101);
        const again = await s.db
          .transaction()
          .execute((trx) => recomputeColours(s, trx, ids.slice(0, 200), { actor: SYSTEM_ACTOR, reason: 'recompute' }));
        assert.deepEqual(again, []);
        await assertEveryChangeHasBasis(s);
      } finally {
        await s.close();
      }
    });

    test('results given as a query (recordTestResultsFrom) write exactly the rows of the list (recordTestResults)', async () => {
      const list = await testServices(dialect);
      const query = await testServices(dialect);
      try {
        const basis = { actor: SYSTEM_ACTOR, reason: 'lab upload' };
        for (const s of [list, query]) {
          await city(s, 6);
          await s.db.transaction().execute((trx) =>
            addFacts(
              s,
              trx,
              [
                {
                  personId: 'p000000',
                  kind: 'pooled_positive_pending_retest',
                  since: NOW - HOUR,
                  source: { type: 'pool', id: 'pool1' },
                },
              ],
              basis,
            ),
          );
          await s.db.transaction().execute((trx) =>
            recordTestResults(
              s,
              trx,
              [
                {
                  personId: 'p000001',
                  sampledAt: NOW + 2 * HOUR,
                  reportedAt: NOW + 2 * HOUR,
                  result: 'negative',
                  pooled: false,
                  source: { type: 'tube', id: 'later' },
                },
              ],
              basis,
            ),
          );
          s.clock.set(NOW + 3 * HOUR);
        }
        const at = NOW + 3 * HOUR;
        const r = (
          personId: string,
          tube: string,
          sampledAt: number,
          result: 'negative' | 'positive',
          pooled: boolean,
          ct?: { N: number | null; ORF1ab: number | null },
        ): TestResultFact => ({
          personId,
          sampledAt,
          reportedAt: at,
          result,
          pooled,
          source: { type: 'tube', id: tube },
          ...(ct ? { ct } : {}),
        });
        const results = [
          r('p000000', 't1', NOW + HOUR, 'negative', false), // ends the pending re-test: yellow → green
          r('p000001', 't2', NOW + HOUR, 'negative', true), // older than the test on record: not the latest
          r('p000002', 't2', NOW + HOUR, 'negative', true, { N: 36.5, ORF1ab: null }),
          r('p000003', 't2', NOW + HOUR, 'negative', true),
          r('p000003', 't3', NOW + 1.5 * HOUR, 'negative', true), // two tubes: the later sample is the latest
          r('p000004', 't4', NOW + HOUR, 'positive', false, { N: 30, ORF1ab: 31 }),
        ];
        const fromList = await list.db.transaction().execute((trx) => recordTestResults(list, trx, results, basis));
        const data = JSON.stringify(
          results.map((x) => [
            x.personId,
            x.source.id,
            x.sampledAt,
            x.result,
            x.pooled ? 1 : 0,
            x.ct?.N ?? null,
            x.ct?.ORF1ab ?? null,
          ]),
        );
        const source =
          dialect === 'postgres'
            ? sql<never>`select x->>0 as person_id, x->>1 as source_id, (x->>2)::bigint as sampled_at, x->>3 as result, (x->>4)::integer as pooled,
              (x->>5)::double precision as ct_n, (x->>6)::double precision as ct_orf1ab from json_array_elements(${data}::json) as x`
            : sql<never>`select value->>0 as person_id, value->>1 as source_id, value->>2 as sampled_at, value->>3 as result, value->>4 as pooled,
              value->>5 as ct_n, value->>6 as ct_orf1ab from json_each(${data})`;
        const fromQuery = await query.db
          .transaction()
          .execute((trx) => recordTestResultsFrom(query, trx, source, at, basis));
        assert.equal(fromQuery.recorded, results.length);
        assert.deepEqual(fromQuery.changes, fromList);
        assert.deepEqual(
          fromList.map((c) => [c.personId, c.from, c.to]),
          [['p000000', 'yellow', 'green']],
        );
        const rows = async (s: TestServices) => ({
          tests: await s.db.selectFrom('health_test').selectAll().orderBy('person_id').orderBy('source_id').execute(),
          statuses: await s.db.selectFrom('health_status').selectAll().orderBy('person_id').execute(),
          history: await s.db
            .selectFrom('health_colour_history')
            .select(['person_id', 'from_colour', 'to_colour', 'reasons', 'at', 'basis', 'ruleset_id'])
            .orderBy('person_id')
            .orderBy('at')
            .orderBy('to_colour')
            .execute(),
        });
        const [a, b] = [await rows(list), await rows(query)];
        assert.deepEqual(b, a);
        const latest = new Map(b.statuses.map((x) => [x.person_id, x.test_source_id]));
        assert.deepEqual(
          ['p000001', 'p000003', 'p000004'].map((p) => latest.get(p)),
          ['later', 't3', 't4'],
        );
        await assertEveryChangeHasBasis(query);
      } finally {
        await list.close();
        await query.close();
      }
    });
  });
}
