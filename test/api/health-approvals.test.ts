// The command centre's list of mass recolourings held by the circuit breaker, scoped by area like
// every other list: a command user sees the held actions whose people all live inside their area
// subtree (facts added, facts ended, manual changes), on both dialects.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { setActiveRuleSet } from '../../src/rules/ruleset.service.ts';
import { addFacts, endFacts, type NewFact } from '../../src/health/health.facts.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import type { PersonTable } from '../../src/db/database.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = Date.parse('2022-03-24T08:00:00+08:00');
const OTHER_STREET = '220402002';

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

const people = (prefix: string, n = 101) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

for (const { dialect, skip } of await dialects()) {
  describe(`held recolourings by area [${dialect}]`, { skip }, () => {
    test('each command user sees the held actions inside their area subtree, whatever their kind and status', async () => {
      const s: TestServices = await testServices(dialect);
      s.clock.set(NOW);
      const areas = await seedTestAreas(s);
      // A second street of the district, next to 向阳街道.
      const district = await s.db
        .selectFrom('area')
        .select(['id', 'path'])
        .where('code', '=', AREAS.district)
        .executeTakeFirstOrThrow();
      await s.db
        .insertInto('area')
        .values({
          id: `a_${OTHER_STREET}`,
          code: OTHER_STREET,
          name: '东吉街道',
          level: 'street',
          parent_id: district.id,
          path: `${district.path}${OTHER_STREET}/`,
          created_at: NOW,
        })
        .execute();
      await setActiveRuleSet(
        s,
        { id: null, name: 'test', role: 'admin' },
        '9th-edition',
        'tests run under the 9th edition',
      );
      const app: App = await build(s, { serveWeb: false });
      const call = (method: 'GET' | 'POST', url: string, who: SignedIn, payload?: unknown) =>
        app.inject({
          method,
          url: `/api/v1${url}`,
          headers: who.headers,
          ...(payload !== undefined ? { payload: payload as object } : {}),
        });
      try {
        const wenyuan = people('w');
        const xingyang = people('x');
        const dongji = people('d');
        await s.db
          .insertInto('person')
          .values([
            ...wenyuan.map((id) => personRow(id, areas[AREAS.wenyuanGrid]!)),
            ...xingyang.map((id) => personRow(id, areas[AREAS.xingyangGrid]!)),
            ...dongji.map((id) => personRow(id, `a_${OTHER_STREET}`)),
          ])
          .execute();
        const officer = {
          actor: { id: 'u-officer', name: 'officer', role: 'command' },
          reason: 'area designated',
          manual: true,
        };
        const arrival = (ids: string[], source: string): NewFact[] =>
          ids.map((personId) => ({
            personId,
            kind: 'risk_area_arrival_pending_test',
            since: NOW,
            source: { type: 'risk_area', id: source },
          }));
        const held = async (
          run: () => Promise<
            { applied: boolean } & ({ applied: true } | { applied: false; pendingApprovalId: string })
          >,
        ) => {
          const out = await run();
          assert.equal(out.applied, false, 'held by the circuit breaker');
          s.clock.set(s.clock.now() + MIN);
          return out.applied ? '' : out.pendingApprovalId;
        };

        // Facts added for 文苑社区's people; for 东吉街道's; for people of both streets.
        const A = await held(() =>
          s.db.transaction().execute((trx) => addFacts(s, trx, arrival(wenyuan, 'ra-w'), officer)),
        );
        const B = await held(() =>
          s.db.transaction().execute((trx) => addFacts(s, trx, arrival(dongji, 'ra-d'), officer)),
        );
        const C = await held(() =>
          s.db
            .transaction()
            .execute((trx) =>
              addFacts(s, trx, arrival([...wenyuan.slice(0, 60), ...dongji.slice(0, 60)], 'ra-wd'), officer),
            ),
        );
        // 兴阳社区's facts, added by the rules (never held), then ended by hand: held.
        const applied = await s.db
          .transaction()
          .execute((trx) =>
            addFacts(s, trx, arrival(xingyang, 'ra-x'), { actor: SYSTEM_ACTOR, reason: 'area designated' }),
          );
        assert.equal(applied.applied, true);
        const D = await held(() =>
          s.db
            .transaction()
            .execute((trx) => endFacts(s, trx, { sourceType: 'risk_area', sourceId: 'ra-x' }, NOW, officer)),
        );
        // A manual change for 兴阳社区's people, approved by a second user: held for the command centre.
        const investigator = await signIn(s, 'investigator', AREAS.xingyang);
        const streetCommand = await signIn(s, 'command', AREAS.street);
        const asked = await call('POST', '/health/overrides', investigator, {
          personIds: xingyang,
          colour: 'yellow',
          legalBasis: '指挥部令 2022 第 5 号',
          reason: 'building sealed',
          endsAt: NOW + DAY,
        });
        assert.equal(asked.statusCode, 201, asked.body);
        const decided = await call('POST', `/health/overrides/${asked.json().id}/decision`, streetCommand, {
          approve: true,
          reason: 'seen',
        });
        assert.equal(decided.json().status, 'held', decided.body);
        const E = decided.json().approvalId as string;

        const cityCommand = await signIn(s, 'command', AREAS.city);
        const dongjiCommand = await signIn(s, 'command', OTHER_STREET);
        const wenyuanCommand = await signIn(s, 'command', AREAS.wenyuan);
        const list = async (who: SignedIn, query = '') => {
          const res = await call('GET', `/health/approvals${query}`, who);
          assert.equal(res.statusCode, 200, res.body);
          return (res.json().items as Array<{ id: string }>).map((a) => a.id);
        };
        // Newest first.
        assert.deepEqual(await list(cityCommand), [E, D, C, B, A], 'the city sees every street');
        assert.deepEqual(
          await list(streetCommand),
          [E, D, A],
          '向阳街道: its communities, not 东吉街道 nor the action over both streets',
        );
        assert.deepEqual(await list(dongjiCommand), [B]);
        assert.deepEqual(await list(wenyuanCommand, '?status=pending'), [A]);
        assert.deepEqual(await list(streetCommand, '?limit=2'), [E, D], 'the limit counts what the caller may see');

        // Nor can a command user decide an action outside their area: it does not exist for them.
        const foreign = await call('POST', `/health/approvals/${B}/decision`, streetCommand, {
          approve: true,
          reason: 'not mine',
        });
        assert.equal(foreign.statusCode, 404, foreign.body);
        assert.equal(foreign.json().code, 'HEALTH_APPROVAL_NOT_FOUND');
        assert.deepEqual(await list(dongjiCommand, '?status=pending'), [B], "东吉街道's action is still pending");

        // Decided ones stay in their area: the ended facts' people are still 兴阳社区's.
        const rejected = await call('POST', `/health/approvals/${D}/decision`, cityCommand, {
          approve: false,
          reason: 'not now',
        });
        assert.equal(rejected.json().status, 'rejected', rejected.body);
        const approved = await call('POST', `/health/approvals/${A}/decision`, cityCommand, {
          approve: true,
          reason: 'agreed',
        });
        assert.equal(approved.json().status, 'approved', approved.body);
        assert.deepEqual(await list(streetCommand, '?status=rejected'), [D]);
        assert.deepEqual(await list(dongjiCommand, '?status=rejected'), []);
        assert.deepEqual(await list(wenyuanCommand, '?status=approved'), [A]);
        assert.deepEqual(await list(streetCommand, '?status=pending'), [E]);

        // The held override rejected by the command centre: each decision keeps its own reason.
        const refused = await call('POST', `/health/approvals/${E}/decision`, cityCommand, {
          approve: false,
          reason: '人数有误',
        });
        assert.equal(refused.json().status, 'rejected', refused.body);
        const overrides = await call('GET', '/health/overrides?status=rejected', cityCommand);
        assert.equal(overrides.statusCode, 200, overrides.body);
        const o = (
          overrides.json().items as Array<{
            id: string;
            status: string;
            decisionReason: string | null;
            commandDecision: { approved: boolean; reason: string | null } | null;
          }>
        ).find((x) => x.id === asked.json().id)!;
        assert.equal(o.status, 'rejected');
        assert.equal(o.decisionReason, 'seen', "the first approver's reason as written");
        assert.equal(o.commandDecision?.approved, false);
        assert.equal(o.commandDecision?.reason, '人数有误');
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
