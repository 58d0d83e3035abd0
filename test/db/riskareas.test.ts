import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, testServices, type TestServices } from '../support/services.ts';
import { checkin, colourOf, DAY, HOUR, NOW, personRow, riskCity } from '../support/riskareas.city.ts';
import type { Actor } from '../../src/access/access.rules.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { designate, getRiskArea, lift, runRiskAreaRules } from '../../src/riskareas/riskareas.service.ts';
import { decideApproval } from '../../src/health/health.service.ts';
import { lastNegativeRoundCompletedAt, storedRounds } from '../../src/riskareas/riskareas.ports.ts';

const at = (iso: string) => Date.parse(iso);
const WHY = { reason: '社区报告确诊病例', legalBasis: '指挥部通告第 12 号' };

async function commandActor(s: TestServices): Promise<Actor> {
  const city = await s.db
    .selectFrom('area')
    .select(['id', 'path'])
    .where('code', '=', AREAS.city)
    .executeTakeFirstOrThrow();
  return {
    userId: 'u-command',
    username: 'command',
    displayName: '指挥部',
    role: 'command',
    areaId: city.id,
    areaPath: city.path,
    via: 'session',
  };
}

/** A closed round over 文苑社区 with one pooled tube of the grid, its result as given. */
async function round(
  s: TestServices,
  areas: Record<string, string>,
  id: string,
  closedAt: number,
  result: 'negative' | 'positive' | null,
): Promise<void> {
  const community = await s.db
    .selectFrom('area')
    .select(['id', 'path'])
    .where('code', '=', AREAS.wenyuan)
    .executeTakeFirstOrThrow();
  const grid = await s.db
    .selectFrom('area')
    .select(['id', 'path'])
    .where('code', '=', AREAS.wenyuanGrid)
    .executeTakeFirstOrThrow();
  await s.db
    .insertInto('testing_round')
    .values({
      id,
      name: id,
      starts_at: closedAt - 10 * HOUR,
      deadline_at: closedAt,
      closed_at: closedAt,
      previous_round_id: null,
      auto_report: 0,
      pooling_version: '1',
      testing_version: '1',
      created_by: null,
      created_at: closedAt - 12 * HOUR,
      updated_at: closedAt,
    })
    .execute();
  await s.db
    .insertInto('testing_round_area')
    .values({ round_id: id, area_id: community.id, area_path: community.path, control_level: 'controlled' })
    .execute();
  await s.db
    .insertInto('testing_tube')
    .values({
      id: `${id}-t1`,
      round_id: id,
      barcode: `${id}-T1`,
      site_id: null,
      table_id: null,
      area_id: grid.id,
      area_path: grid.path,
      mode: 'pool',
      capacity: 10,
      control_level: 'controlled',
      status: result ? 'resulted' : 'received',
      member_count: 2,
      opened_at: closedAt - 8 * HOUR,
      opened_by: null,
      opened_by_name: 'sampler',
      closed_at: closedAt - 7 * HOUR,
      closed_by_name: 'sampler',
      box_id: null,
      task_id: null,
      rules_version: '1',
    })
    .execute();
  await s.db
    .insertInto('testing_tube_member')
    .values({
      tube_id: `${id}-t1`,
      person_id: 'p-res-1',
      round_id: id,
      household_id: 'h-b-3',
      sampled_at: closedAt - 8 * HOUR,
    })
    .execute();
  if (result) {
    await s.db
      .insertInto('testing_result')
      .values({
        tube_id: `${id}-t1`,
        round_id: id,
        result,
        ct_n: null,
        ct_orf1ab: null,
        tested_at: closedAt - 2 * HOUR,
        resulted_at: closedAt - HOUR,
        upload_id: 'u1',
      })
      .execute();
  }
  void areas;
}

/** A case registered suspected, confirmed `confirmedAt` (or never when null), as tracing stores it. */
async function caseOf(
  s: TestServices,
  personId: string,
  registeredAt: number,
  confirmedAt: number | null,
): Promise<void> {
  const id = `k-${personId}-${registeredAt}`;
  await s.db
    .insertInto('case_record')
    .values({
      id,
      person_id: personId,
      classification: confirmedAt === null ? 'suspected' : 'confirmed',
      onset_at: registeredAt - DAY,
      first_positive_sampled_at: null,
      source: 'fever_clinic',
      isolated_at: registeredAt,
      status: confirmedAt === null ? 'suspected' : 'confirmed',
      ruleset_id: '9th-edition',
      ruleset_version: '1',
      traced_at: null,
      created_by: null,
      created_at: registeredAt,
      updated_at: confirmedAt ?? registeredAt,
    })
    .execute();
  await s.db
    .insertInto('case_status_history')
    .values({
      id: `${id}-0001`,
      case_id: id,
      from_status: null,
      to_status: 'suspected',
      at: registeredAt,
      actor_id: null,
      reason: 'registered',
      evidence: '{}',
    })
    .execute();
  if (confirmedAt !== null) {
    await s.db
      .insertInto('case_status_history')
      .values({
        id: `${id}-0002`,
        case_id: id,
        from_status: 'suspected',
        to_status: 'confirmed',
        at: confirmedAt,
        actor_id: null,
        reason: 'PCR',
        evidence: '{}',
      })
      .execute();
  }
}

for (const { dialect, skip } of await dialects()) {
  describe(`risk areas under the rule set [${dialect}]`, { skip }, () => {
    test('9th edition: high → medium on day 7 with a negative round, medium → low 3 days later, each step recording its rule; facts end at low', async () => {
      const s = await testServices(dialect);
      try {
        const city = await riskCity(s);
        const actor = await commandActor(s);
        const { riskArea } = await designate(s, actor, {
          unit: 'community',
          targetId: city.areas[AREAS.wenyuan]!,
          level: 'high',
          ...WHY,
        });
        assert.equal(await colourOf(s, city.visitor), 'yellow');

        s.clock.set(at('2022-03-31T09:00:00+08:00'));
        const noRound = await runRiskAreaRules(s);
        assert.equal(noRound.changes.length, 0);
        assert.equal(noRound.waiting[0]!.reason, 'not_met');
        assert.equal(noRound.waiting[0]!.history!.daysWithoutCase, 7);

        // A round still waiting for its result, or with a positive pool, is not a negative round.
        await round(s, city.areas, 'r-open', at('2022-03-31T05:00:00+08:00'), null);
        await round(s, city.areas, 'r-pos', at('2022-03-31T05:30:00+08:00'), 'positive');
        assert.deepEqual(
          await storedRounds.negativeRoundsCompletedAt(
            s,
            {
              unit: 'community',
              target_id: city.areas[AREAS.wenyuan]!,
              area_path: `${AREAS.city}/${AREAS.district}/${AREAS.street}/${AREAS.wenyuan}/`,
            },
            0,
          ),
          [],
        );
        assert.equal((await runRiskAreaRules(s)).changes.length, 0);

        await round(s, city.areas, 'r-neg', at('2022-03-31T06:00:00+08:00'), 'negative');
        const unit = {
          unit: 'building',
          target_id: city.building,
          area_path: `${AREAS.city}/${AREAS.district}/${AREAS.street}/${AREAS.wenyuan}/${AREAS.wenyuanGrid}/`,
        };
        assert.equal(
          await lastNegativeRoundCompletedAt(s, unit),
          at('2022-03-31T06:00:00+08:00'),
          "the building's residents were in the tube",
        );
        const step1 = await runRiskAreaRules(s);
        assert.deepEqual(
          step1.changes.map((c) => [c.from, c.to, c.rule]),
          [['high', 'medium', 'riskAreas.downgrades[0]']],
        );
        assert.deepEqual(step1.changes[0]!.history.negativeRoundDays, [7]);
        assert.equal(await colourOf(s, city.visitor), 'yellow', 'arrivals of a medium area are still arrivals');

        s.clock.set(at('2022-04-02T23:00:00+08:00'));
        assert.equal((await runRiskAreaRules(s)).changes.length, 0, 'only 2 days at medium');
        s.clock.set(at('2022-04-03T09:00:00+08:00'));
        const step2 = await runRiskAreaRules(s);
        assert.deepEqual(
          step2.changes.map((c) => [c.from, c.to, c.rule]),
          [['medium', 'low', 'riskAreas.downgrades[1]']],
        );
        assert.equal(await colourOf(s, city.visitor), 'green');
        assert.equal(await colourOf(s, city.residents[0]!), 'green');
        assert.equal((await runRiskAreaRules(s)).changes.length, 0, 'low has no rule');

        const detail = await getRiskArea(s, actor, riskArea.id);
        assert.deepEqual(
          detail.history.map((h) => [h.kind, h.from, h.to, h.manual, h.rule, h.actorName]),
          [
            ['designate', null, 'high', true, null, 'command'],
            ['downgrade', 'high', 'medium', false, 'riskAreas.downgrades[0]', 'system'],
            ['downgrade', 'medium', 'low', false, 'riskAreas.downgrades[1]', 'system'],
          ],
        );
        assert.equal(detail.riskArea.level, 'low');
        assert.deepEqual(detail.riskArea.arrivals, { total: 3, active: 0 });
        const colourHistory = await s.db
          .selectFrom('health_colour_history')
          .select(['person_id', 'to_colour', 'basis', 'manual'])
          .where('person_id', '=', city.visitor)
          .orderBy('at')
          .execute();
        assert.deepEqual(
          colourHistory.map((h) => [h.to_colour, h.manual]),
          [
            ['yellow', 1],
            ['green', 0],
          ],
        );
        assert.match(colourHistory[1]!.basis, /riskAreas\.downgrades\[1\]/);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await s.close();
      }
    });

    test('20 measures: a building goes back to low after 5 days without a case; a confirmed case starts the count again', async () => {
      const s = await testServices(dialect);
      try {
        const city = await riskCity(s, { ruleSet: '20-measures' });
        const actor = await commandActor(s);
        await designate(s, actor, { unit: 'building', targetId: city.building, level: 'high', ...WHY });
        assert.equal(await colourOf(s, city.residents[0]!), 'yellow');
        assert.equal(
          await colourOf(s, city.visitor),
          'green',
          "venues are not buildings: a building's arrivals are its residents",
        );
        await caseOf(s, city.residents[0]!, NOW + DAY, null); // suspected, never confirmed: not a new infection
        await caseOf(s, city.residents[1]!, NOW + DAY, NOW + 2 * DAY); // confirmed the day after

        s.clock.set(NOW + 5 * DAY);
        const waiting = await runRiskAreaRules(s);
        assert.equal(waiting.changes.length, 0);
        assert.equal(waiting.waiting[0]!.history!.daysWithoutCase, 3);
        s.clock.set(NOW + 7 * DAY);
        const run = await runRiskAreaRules(s);
        assert.deepEqual(
          run.changes.map((c) => [c.from, c.to, c.rule]),
          [['high', 'low', 'riskAreas.downgrades[0]']],
        );
        assert.equal(await colourOf(s, city.residents[0]!), 'green');
      } finally {
        await s.close();
      }
    });

    test('arrivals after the designation get their facts on the next run; stays before the look-back do not count', async () => {
      const s = await testServices(dialect);
      try {
        const city = await riskCity(s);
        await checkin(s, 'c-old', city.bystander, NOW - 12 * DAY);
        const actor = await commandActor(s);
        const { outcome } = await designate(s, actor, {
          unit: 'community',
          targetId: city.areas[AREAS.wenyuan]!,
          level: 'medium',
          ...WHY,
        });
        assert.equal(outcome.people, 3);
        assert.equal(await colourOf(s, city.bystander), 'green', '12 days ago is before the 7-day look-back');
        s.clock.advance(HOUR);
        await checkin(s, 'c-new', city.bystander, NOW + 30 * 60_000);
        const run = await runRiskAreaRules(s);
        assert.equal(run.newArrivals, 1);
        assert.equal(await colourOf(s, city.bystander), 'yellow');
        const fact = await s.db
          .selectFrom('health_fact')
          .selectAll()
          .where('person_id', '=', city.bystander)
          .executeTakeFirstOrThrow();
        assert.equal(Number(fact.since), NOW + 30 * 60_000, 'the fact starts at the stay');
        assert.equal(JSON.parse(fact.detail).managementGroup, 'medium_risk_arrival');
        assert.equal((await runRiskAreaRules(s)).newArrivals, 0, 'idempotent');
        // The scheduled run sweeps what was stored since its previous run, a scan queued offline included.
        const previousRun = s.clock.now();
        s.clock.advance(HOUR);
        await s.db.insertInto('person').values(personRow('p-late', city.areas[AREAS.xingyangGrid]!)).execute();
        await checkin(s, 'c-offline', 'p-late', previousRun - 2 * HOUR);
        await s.db.updateTable('checkin').set({ created_at: s.clock.now() }).where('id', '=', 'c-offline').execute();
        assert.equal((await runRiskAreaRules(s, { arrivalsSince: previousRun })).newArrivals, 1);
        assert.equal(await colourOf(s, 'p-late'), 'yellow');
      } finally {
        await s.close();
      }
    });

    test('lifted and designated again, arrivals get their facts again; a rejected designation ends its arrivals and can be asked again', async () => {
      const s = await testServices(dialect);
      try {
        const city = await riskCity(s, { bigBuilding: 101 });
        const actor = await commandActor(s);
        const approver: Actor = { ...actor, userId: 'u-approver', username: 'approver' };
        const first = await designate(s, actor, {
          unit: 'community',
          targetId: city.areas[AREAS.xingyang]!,
          level: 'medium',
          ...WHY,
        });
        assert.equal(await colourOf(s, city.bystander), 'yellow');
        s.clock.advance(HOUR);
        await lift(s, actor, first.riskArea.id, { reason: '无新增', legalBasis: '通告' });
        assert.equal(await colourOf(s, city.bystander), 'green');
        s.clock.advance(HOUR);
        const again = await designate(s, actor, {
          unit: 'community',
          targetId: city.areas[AREAS.xingyang]!,
          level: 'high',
          ...WHY,
        });
        assert.equal(again.riskArea.id, first.riskArea.id, 'one row per unit');
        assert.equal(again.riskArea.episodeStart, NOW + 2 * HOUR);
        assert.equal(await colourOf(s, city.bystander), 'yellow');

        const held = await designate(s, actor, {
          unit: 'building',
          targetId: city.bigBuilding!,
          level: 'high',
          ...WHY,
        });
        assert.equal(held.outcome.applied, false);
        assert.deepEqual(held.riskArea.arrivals, { total: 101, active: 101 });
        await decideApproval(s, approver, held.outcome.pendingApprovalId!, { approve: false, reason: '证据不足' });
        const rejected = await getRiskArea(s, actor, held.riskArea.id);
        assert.equal(rejected.riskArea.status, 'rejected');
        assert.equal(rejected.riskArea.pending, null);
        assert.deepEqual(rejected.riskArea.arrivals, { total: 101, active: 0 });
        assert.deepEqual(
          rejected.history.map((h) => h.kind),
          ['held', 'rejected'],
        );
        assert.equal(await colourOf(s, city.bigResidents![0]!), 'green');
        const askedAgain = await designate(s, actor, {
          unit: 'building',
          targetId: city.bigBuilding!,
          level: 'high',
          ...WHY,
        });
        assert.equal(askedAgain.riskArea.status, 'pending');
        await decideApproval(s, approver, askedAgain.outcome.pendingApprovalId!, { approve: true, reason: '会商同意' });
        assert.equal((await getRiskArea(s, actor, held.riskArea.id)).riskArea.status, 'active');
        assert.equal(await colourOf(s, city.bigResidents![0]!), 'yellow');
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await s.close();
      }
    });

    test('without the health module the designation stands and its arrivals are kept; their facts follow once it is back', async () => {
      const s = await testServices(dialect);
      try {
        const city = await riskCity(s);
        const actor = await commandActor(s);
        // The same services with the health port missing (Services.ports.riskAreaHealth null).
        const withoutHealth = { ...s, ports: { ...s.ports, riskAreaHealth: null } };
        const { riskArea, outcome } = await designate(withoutHealth, actor, {
          unit: 'community',
          targetId: city.areas[AREAS.wenyuan]!,
          level: 'high',
          ...WHY,
        });
        assert.equal(outcome.healthAvailable, false);
        assert.equal(riskArea.status, 'active');
        assert.deepEqual(riskArea.arrivals, { total: 3, active: 3 });
        assert.equal(await colourOf(s, city.visitor), 'green');
        const run = await runRiskAreaRules(s);
        assert.equal(run.newArrivals, 3);
        assert.equal(await colourOf(s, city.visitor), 'yellow');
      } finally {
        await s.close();
      }
    });
  });
}
