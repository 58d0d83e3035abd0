import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { colourOf, DAY, riskCity } from '../support/riskareas.city.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';

async function harness(s: TestServices) {
  const app: App = await build(s, { serveWeb: false });
  async function call(
    method: 'GET' | 'POST',
    url: string,
    who?: SignedIn | { headers: Record<string, string> },
    payload?: unknown,
  ) {
    return app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
  return { app, call };
}

const WHY = {
  reason: '3月23日报告确诊病例 1 例,居住于该社区',
  legalBasis: '辽源市疫情防控指挥部通告(2022 年第 12 号)',
};

for (const { dialect, skip } of await dialects()) {
  describe(`risk areas HTTP [${dialect}]`, { skip }, () => {
    test('designate → arrivals turn yellow → public list without personal data → history → lift turns them green', async () => {
      const s = await testServices(dialect);
      const city = await riskCity(s);
      const { app, call } = await harness(s);
      try {
        const command = await signIn(s, 'command', AREAS.city);
        const res = await call('POST', '/risk-areas', command, {
          unit: 'community',
          targetId: city.areas[AREAS.wenyuan],
          level: 'high',
          ...WHY,
        });
        assert.equal(res.statusCode, 200, res.body);
        const { riskArea, outcome } = res.json();
        assert.equal(riskArea.status, 'active');
        assert.equal(riskArea.level, 'high');
        assert.equal(riskArea.name, '文苑社区');
        assert.deepEqual(riskArea.ruleSet, { id: '9th-edition', version: riskArea.ruleSet.version });
        assert.equal(outcome.applied, true);
        assert.equal(outcome.people, 3, 'two residents and one visitor');
        assert.equal(outcome.colourChanges, 3);
        assert.deepEqual(riskArea.arrivals, { total: 3, active: 3 });
        assert.equal(await colourOf(s, city.visitor), 'yellow');
        assert.equal(await colourOf(s, city.residents[0]!), 'yellow');
        assert.equal(await colourOf(s, city.bystander), 'green');
        const fact = await s.db
          .selectFrom('health_fact')
          .selectAll()
          .where('person_id', '=', city.visitor)
          .executeTakeFirstOrThrow();
        assert.equal(fact.kind, 'risk_area_arrival_pending_test');
        assert.equal(fact.source_type, 'risk_area');
        assert.equal(fact.source_id, riskArea.id);
        assert.equal(JSON.parse(fact.detail).managementGroup, 'high_risk_arrival');

        const again = await call('POST', '/risk-areas', command, {
          unit: 'community',
          targetId: AREAS.wenyuan,
          level: 'high',
          ...WHY,
        });
        assert.equal(again.json().code, 'RISK_AREA_SAME_LEVEL');

        const pub = await call('GET', '/risk-areas/public');
        assert.equal(pub.statusCode, 200, pub.body);
        const list = pub.json();
        assert.equal(list.ruleSet.id, '9th-edition');
        assert.equal(list.items.length, 1);
        assert.deepEqual(list.items[0].areaNames, ['龙山区', '向阳街道']);
        assert.equal(list.items[0].level, 'high');
        assert.deepEqual(list.items[0].liftingRule, {
          to: 'medium',
          daysWithoutCase: 7,
          minDaysAtLevel: null,
          negativeRoundOnDay: 7,
        });
        assert.deepEqual(Object.keys(list.items[0]).sort(), [
          'areaNames',
          'building',
          'compound',
          'id',
          'level',
          'liftingRule',
          'name',
          'since',
          'unit',
        ]);
        for (const secret of ['p-visitor', '居民', 'arrivals', 'reason', 'legalBasis', '通告'])
          assert.ok(!pub.body.includes(secret), `public list leaks ${secret}`);

        const tree = await call('GET', '/risk-areas/tree', command);
        assert.equal(tree.statusCode, 200, tree.body);
        const nodes = tree.json().items as Array<{ code: string; riskLevel: string | null; below: { high: number } }>;
        assert.equal(nodes.find((n) => n.code === AREAS.wenyuan)!.riskLevel, 'high');
        assert.equal(nodes.find((n) => n.code === AREAS.street)!.below.high, 1);
        assert.equal(nodes.find((n) => n.code === AREAS.xingyang)!.riskLevel, null);

        const listed = await call('GET', '/risk-areas?status=active', command);
        assert.equal(listed.json().total, 1);

        // A manual step down to medium keeps the arrivals' facts (medium arrivals are arrivals too).
        const medium = await call('POST', '/risk-areas', command, {
          unit: 'community',
          targetId: AREAS.wenyuan,
          level: 'medium',
          ...WHY,
        });
        assert.equal(medium.statusCode, 200, medium.body);
        assert.equal(await colourOf(s, city.visitor), 'yellow');

        s.clock.advance(DAY / 4); // within the session's lifetime
        const lifted = await call('POST', `/risk-areas/${riskArea.id}/lift`, command, {
          reason: '连续无新增',
          legalBasis: '指挥部通告第 15 号',
        });
        assert.equal(lifted.statusCode, 200, lifted.body);
        assert.equal(lifted.json().riskArea.status, 'lifted');
        assert.equal(lifted.json().outcome.people, 3);
        assert.equal(await colourOf(s, city.visitor), 'green');
        assert.equal(await colourOf(s, city.residents[1]!), 'green');
        assert.equal((await call('GET', '/risk-areas/public')).json().items.length, 0);
        const notActive = await call('POST', `/risk-areas/${riskArea.id}/lift`, command, {
          reason: 'x',
          legalBasis: 'y',
        });
        assert.equal(notActive.json().code, 'RISK_AREA_NOT_ACTIVE');

        const detail = await call('GET', `/risk-areas/${riskArea.id}`, command);
        assert.equal(detail.statusCode, 200, detail.body);
        const history = detail.json().history as Array<{
          kind: string;
          from: string | null;
          to: string;
          manual: boolean;
          legalBasis: string;
          actorName: string;
        }>;
        assert.deepEqual(
          history.map((h) => [h.kind, h.from, h.to, h.manual]),
          [
            ['designate', null, 'high', true],
            ['designate', 'high', 'medium', true],
            ['lift', 'medium', 'lifted', true],
          ],
        );
        assert.equal(history[0]!.legalBasis, WHY.legalBasis);

        const actions = (
          await s.db
            .selectFrom('audit_event')
            .select('action')
            .where('object_type', '=', 'risk_area')
            .orderBy('seq')
            .execute()
        ).map((r) => r.action);
        assert.deepEqual(actions, ['riskarea.designate', 'riskarea.designate', 'riskarea.lift']);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('signed out, wrong role, out of scope, no CSRF token, no reason: refused, nothing written', async () => {
      const s = await testServices(dialect);
      const city = await riskCity(s);
      const { app, call } = await harness(s);
      try {
        const body = { unit: 'community', targetId: city.areas[AREAS.wenyuan], level: 'high', ...WHY };
        assert.equal((await call('GET', '/risk-areas')).statusCode, 401);
        assert.equal((await call('POST', '/risk-areas', undefined, body)).statusCode, 401);
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const forbidden = await call('POST', '/risk-areas', worker, body);
        assert.equal(forbidden.statusCode, 403);
        assert.equal(forbidden.json().code, 'FORBIDDEN');
        assert.equal((await call('GET', '/risk-areas/tree', worker)).statusCode, 403);
        const investigator = await signIn(s, 'investigator', AREAS.city);
        assert.equal((await call('POST', '/risk-areas/downgrade', investigator)).statusCode, 403);
        const xingyang = await signIn(s, 'command', AREAS.xingyang);
        const out = await call('POST', '/risk-areas', xingyang, body);
        assert.equal(out.statusCode, 403);
        assert.equal(out.json().code, 'OUT_OF_SCOPE');
        const command = await signIn(s, 'command', AREAS.city);
        const noCsrf = await call('POST', '/risk-areas', { headers: { cookie: command.headers.cookie! } }, body);
        assert.equal(noCsrf.json().code, 'CSRF_TOKEN_INVALID');
        assert.equal(
          (await call('POST', '/risk-areas', command, { ...body, reason: '  ' })).json().code,
          'RISK_AREA_REASON_REQUIRED',
        );
        assert.equal(
          (await call('POST', '/risk-areas', command, { ...body, legalBasis: '' })).json().code,
          'RISK_AREA_LEGAL_BASIS_REQUIRED',
        );
        assert.equal(
          (await call('POST', '/risk-areas', command, { ...body, unit: 'street' })).json().code,
          'RISK_AREA_TARGET_LEVEL_MISMATCH',
        );
        assert.equal(
          (await call('POST', '/risk-areas', command, { ...body, targetId: 'nowhere' })).json().code,
          'RISK_AREA_TARGET_NOT_FOUND',
        );
        assert.equal(
          (await call('POST', '/risk-areas', command, { ...body, level: 'severe' })).json().code,
          'VALIDATION',
        );
        assert.equal(await s.db.selectFrom('risk_area').select('id').executeTakeFirst(), undefined, 'nothing written');

        // Designated by the city, the area is out of the 兴阳 command user's reach in every read and write.
        const ok = await call('POST', '/risk-areas', command, body);
        assert.equal(ok.statusCode, 200, ok.body);
        const id = ok.json().riskArea.id as string;
        assert.equal((await call('GET', `/risk-areas/${id}`, xingyang)).json().code, 'OUT_OF_SCOPE');
        assert.equal(
          (await call('POST', `/risk-areas/${id}/lift`, xingyang, { reason: 'x', legalBasis: 'y' })).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal((await call('GET', '/risk-areas', xingyang)).json().total, 0);
        assert.equal(
          (await call('GET', '/risk-areas/tree', xingyang)).json().items.length,
          1,
          'only the own community',
        );
        assert.equal(
          (await call('POST', '/risk-areas/downgrade', xingyang)).json().waiting.length,
          0,
          'the run lists only areas in scope',
        );
        // The 20 measures designate per building only.
        await s.db.updateTable('setting').set({ value: '20-measures' }).where('key', '=', 'ruleset.active').execute();
        const perBuilding = await call('POST', '/risk-areas', command, {
          ...body,
          targetId: city.areas[AREAS.xingyang],
        });
        assert.equal(perBuilding.json().code, 'RISK_AREA_UNIT_NOT_IN_RULESET');
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('over the mass-recolour threshold a designation is held for a command-centre approval, then takes effect', async () => {
      const s = await testServices(dialect);
      const city = await riskCity(s, { bigBuilding: 101 });
      const { app, call } = await harness(s);
      try {
        const command = await signIn(s, 'command', AREAS.city);
        const res = await call('POST', '/risk-areas', command, {
          unit: 'building',
          targetId: city.bigBuilding,
          level: 'high',
          ...WHY,
        });
        assert.equal(res.statusCode, 202, res.body);
        const { riskArea, outcome } = res.json();
        assert.equal(outcome.applied, false);
        assert.equal(outcome.people, 101);
        assert.ok(outcome.pendingApprovalId);
        assert.equal(riskArea.status, 'pending');
        assert.equal(riskArea.level, null);
        assert.deepEqual(
          { ...riskArea.pending, at: 0 },
          {
            level: 'high',
            approvalId: outcome.pendingApprovalId,
            reason: WHY.reason,
            legalBasis: WHY.legalBasis,
            by: riskArea.pending.by,
            at: 0,
          },
        );
        assert.equal(await colourOf(s, city.bigResidents![0]!), 'green', 'nobody recoloured while held');
        assert.equal((await call('GET', '/risk-areas/public')).json().items.length, 0, 'not public while held');
        const twice = await call('POST', '/risk-areas', command, {
          unit: 'building',
          targetId: city.bigBuilding,
          level: 'medium',
          ...WHY,
        });
        assert.equal(twice.json().code, 'RISK_AREA_CHANGE_PENDING');

        // The same person cannot clear their own designation past the breaker; a second member of the command centre can.
        const self = await call('POST', `/health/approvals/${outcome.pendingApprovalId}/decision`, command, {
          approve: true,
          reason: '同意',
        });
        assert.equal(self.statusCode, 403, self.body);
        const approver = await signIn(s, 'command', AREAS.city);
        const approved = await call('POST', `/health/approvals/${outcome.pendingApprovalId}/decision`, approver, {
          approve: true,
          reason: '经指挥部会商同意',
        });
        assert.equal(approved.statusCode, 200, approved.body);
        const after = (await call('GET', `/risk-areas/${riskArea.id}`, command)).json();
        assert.equal(after.riskArea.status, 'active');
        assert.equal(after.riskArea.level, 'high');
        assert.equal(after.riskArea.pending, null);
        assert.deepEqual(
          after.history.map((h: { kind: string }) => h.kind),
          ['held', 'approved'],
        );
        assert.equal(await colourOf(s, city.bigResidents![100]!), 'yellow');
        assert.equal((await call('GET', '/risk-areas/public')).json().items[0].name, 'b-9号楼');

        // Lifting it is a mass recolouring too: held, and rejected it leaves the area as it was.
        const lift = await call('POST', `/risk-areas/${riskArea.id}/lift`, command, {
          reason: '无新增',
          legalBasis: '通告',
        });
        assert.equal(lift.statusCode, 202, lift.body);
        assert.equal(lift.json().riskArea.pending.level, 'lifted');
        const rejected = await call(
          'POST',
          `/health/approvals/${lift.json().outcome.pendingApprovalId}/decision`,
          approver,
          { approve: false, reason: '尚未满足解除条件' },
        );
        assert.equal(rejected.statusCode, 200, rejected.body);
        const kept = (await call('GET', `/risk-areas/${riskArea.id}`, command)).json();
        assert.equal(kept.riskArea.status, 'active');
        assert.equal(kept.riskArea.pending, null);
        assert.deepEqual(
          kept.history.map((h: { kind: string }) => h.kind),
          ['held', 'approved', 'held', 'rejected'],
        );
        assert.equal(await colourOf(s, city.bigResidents![0]!), 'yellow');
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
