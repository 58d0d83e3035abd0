// Quarantine orders over HTTP on both dialects: a case's household contacts ordered in one batch, the
// schedule from the rule set, the health facts moving with the order, a release refused naming the
// missing test, a release with its certificate and the home phase that follows, a positive turning the
// order into a case, the community's home list, and area scope.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import {
  AREAS,
  actorOf,
  seedTestAreas,
  signIn,
  testServices,
  type SignedIn,
  type TestServices,
} from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { recordTestResults } from '../../src/health/health.facts.ts';
import { certificateData } from '../../src/quarantine/orders.service.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';

const NOW = Date.parse('2022-07-24T08:00:00+08:00');
const ONSET = Date.parse('2022-07-22T10:00:00+08:00');
const ISOLATED = Date.parse('2022-07-23T20:00:00+08:00');
const HOUR = 3_600_000;

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const person = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/persons', worker, body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const home = await call('POST', '/households', worker, {
    areaId: areas[AREAS.wenyuanGrid],
    buildingName: '3号楼',
    unit: '2',
    door: '301',
  });
  assert.equal(home.statusCode, 201, home.body);
  const householdId = home.json().id as string;
  const index = await person({ householdId, name: '张建国', phone: '13804371234' });
  const wife = await person({ householdId, name: '李秀英', phone: '13904375678' });
  const son = await person({ householdId, name: '张小明' });
  const investigator = await signIn(s, 'investigator', AREAS.wenyuan);
  const created = await call('POST', '/cases', investigator, {
    personId: index,
    classification: 'confirmed',
    source: 'fever_clinic',
    onsetAt: ONSET,
    isolatedAt: ISOLATED,
  });
  assert.equal(created.statusCode, 201, created.body);
  return { s, app, call, areas, worker, investigator, index, wife, son, caseId: created.json().case.id as string };
}

async function negative(s: TestServices, personId: string, sampledAt: number, id: string, pooled = false) {
  await s.db.transaction().execute(async (trx) =>
    recordTestResults(
      s,
      trx,
      [
        {
          personId,
          sampledAt,
          reportedAt: sampledAt + 6 * HOUR,
          result: 'negative',
          pooled,
          source: { type: 'tube', id },
        },
      ],
      { actor: SYSTEM_ACTOR, reason: 'lab results test' },
    ),
  );
}

async function colour(s: TestServices, personId: string) {
  const row = await s.db
    .selectFrom('health_status')
    .select('colour')
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row?.colour ?? 'green';
}

for (const { dialect, skip } of await dialects()) {
  describe(`quarantine orders HTTP [${dialect}]`, { skip }, () => {
    test('batch from a case → schedule → refused release → release with certificate and home phase → verify', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        const batch = await call('POST', '/quarantine/orders/batch', t.investigator, {
          source: 'case',
          sourceId: t.caseId,
        });
        assert.equal(batch.statusCode, 201, batch.body);
        const { created, skipped } = batch.json();
        assert.equal(created.length, 2, 'the wife and the son');
        assert.deepEqual(skipped, []);
        const order = created.find((o: { personId: string }) => o.personId === t.wife);
        assert.equal(order.kind, 'close_contact');
        assert.equal(order.place, 'centralised');
        assert.equal(order.ruleSetId, '9th-edition');
        assert.equal(order.personName, '李*英');
        assert.equal(order.caseId, t.caseId);
        assert.deepEqual(
          order.testDays.map((d: { phase: string; day: number }) => `${d.phase}${d.day}`),
          ['centralised1', 'centralised2', 'centralised3', 'centralised5', 'centralised7', 'home3'],
        );
        assert.equal(order.testDays[0].date, '2022-07-24', 'day 0 is the isolation of the case (the last exposure)');
        assert.equal(order.day, 1);
        assert.equal(await colour(s, t.wife), 'red');
        const fact = await s.db
          .selectFrom('health_fact')
          .selectAll()
          .where('source_type', '=', 'quarantine')
          .where('source_id', '=', order.id)
          .executeTakeFirstOrThrow();
        assert.equal(fact.kind, 'centralised_quarantine');
        assert.equal(Number(fact.until), order.centralisedUntil, 'the fact ends with the order');

        const again = await call('POST', '/quarantine/orders/batch', t.investigator, {
          source: 'case',
          sourceId: t.caseId,
        });
        assert.equal(again.statusCode, 201);
        assert.deepEqual(
          again.json().skipped.map((x: { code: string }) => x.code),
          ['QUARANTINE_ORDER_EXISTS', 'QUARANTINE_ORDER_EXISTS'],
        );

        // Tests on days 1, 2, 3, 5 and 7, but day 3's is missing.
        const dates = order.testDays.filter((d: { phase: string }) => d.phase === 'centralised');
        for (const d of dates)
          if (d.day !== 3) await negative(s, t.wife, Date.parse(`${d.date}T09:00:00+08:00`), `tube-${d.day}`);
        s.clock.set(Date.parse(`${dates[4].date}T16:00:00+08:00`));
        const investigator = await signIn(s, 'investigator', AREAS.wenyuan);
        const refused = await call('POST', `/quarantine/orders/${order.id}/release`, investigator, {});
        assert.equal(refused.statusCode, 409, refused.body);
        assert.equal(refused.json().code, 'QUARANTINE_RELEASE_TEST_MISSING');
        assert.deepEqual(
          refused.json().errors.map((e: { code: string }) => e.code),
          ['QUARANTINE_RELEASE_TEST_MISSING'],
        );
        assert.match(refused.json().detail, /day 3|第 3 天/);
        const detail = await call('GET', `/quarantine/orders/${order.id}`, investigator);
        assert.equal(detail.statusCode, 200, detail.body);
        assert.equal(detail.json().release.releasable, false);
        assert.deepEqual(
          detail.json().ticks.map((x: { state: string }) => x.state),
          ['negative', 'negative', 'missing', 'negative', 'negative', 'due'],
        );

        await negative(s, t.wife, Date.parse(`${dates[2].date}T09:00:00+08:00`), 'tube-3');
        const released = await call('POST', `/quarantine/orders/${order.id}/release`, investigator, {
          note: '按期解除',
        });
        assert.equal(released.statusCode, 200, released.body);
        const r = released.json();
        assert.equal(r.order.status, 'released');
        assert.equal(r.followOn.place, 'home_health_monitoring');
        assert.equal(r.followOn.sourceType, 'order');
        assert.deepEqual(
          r.followOn.testDays.map((d: { day: number }) => d.day),
          [3],
        );
        assert.equal(r.followOn.endsAt, order.endsAt);
        const ended = await s.db
          .selectFrom('health_fact')
          .select('ended_at')
          .where('id', '=', fact.id)
          .executeTakeFirstOrThrow();
        assert.equal(Number(ended.ended_at), s.clock.now());
        // The close-contact fact of tracing still holds until the end of day 7; home monitoring adds no colour.
        const live = await s.db
          .selectFrom('health_fact')
          .select('kind')
          .where('person_id', '=', t.wife)
          .where('ended_at', 'is', null)
          .execute();
        assert.deepEqual(
          live.map((f) => f.kind),
          ['close_contact'],
        );

        const pdf = await call('GET', `/quarantine/orders/${order.id}/certificate.pdf`, investigator);
        assert.equal(pdf.statusCode, 200, pdf.body.slice(0, 300));
        assert.equal(pdf.headers['content-type'], 'application/pdf');
        assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

        const actor = await actorOf(s, 'investigator', AREAS.wenyuan);
        const { token } = await certificateData(s, actor, order.id);
        const ok = await call('GET', `/quarantine/certificates/verify?c=${encodeURIComponent(token)}`);
        assert.equal(ok.statusCode, 200);
        assert.equal(ok.json().valid, true);
        assert.equal(ok.json().certificate.personName, '李*英');
        const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
        assert.equal(
          (await call('GET', `/quarantine/certificates/verify?c=${encodeURIComponent(forged)}`)).json().valid,
          false,
        );

        const events = await call('GET', `/quarantine/orders/${order.id}`, investigator);
        assert.deepEqual(
          events.json().events.map((e: { kind: string }) => e.kind),
          ['created', 'released'],
        );
        const audit = await s.db
          .selectFrom('audit_event')
          .select('action')
          .where('action', 'like', 'quarantine.%')
          .execute();
        assert.ok(audit.some((a) => a.action === 'quarantine.order.create'));
        assert.ok(audit.some((a) => a.action === 'quarantine.order.release'));
        assert.ok(audit.some((a) => a.action === 'quarantine.certificate.print'));
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('extension moves the fact; a positive converts the order; home list, door, reports, breaches; scope', async () => {
      const t = await setup(dialect);
      const { s, call, investigator } = t;
      try {
        const one = await call('POST', '/quarantine/orders', investigator, {
          personId: t.son,
          kind: 'secondary_contact',
          startAt: NOW - 2 * HOUR,
        });
        assert.equal(one.statusCode, 201, one.body);
        assert.equal(one.json().code, undefined);
        const homeOrder = one.json();
        assert.equal(homeOrder.place, 'home_quarantine');
        const wife = await call('POST', '/quarantine/orders', investigator, {
          personId: t.wife,
          kind: 'close_contact',
        });
        assert.equal(wife.statusCode, 400, 'no start and no contact');
        assert.equal(wife.json().code, 'QUARANTINE_ORDER_START_REQUIRED');
        const contact = await s.db
          .selectFrom('contact')
          .select('id')
          .where('person_id', '=', t.wife)
          .executeTakeFirstOrThrow();
        const fromContact = await call('POST', '/quarantine/orders', investigator, {
          personId: t.wife,
          contactId: contact.id,
        });
        assert.equal(fromContact.statusCode, 201, fromContact.body);
        const order = fromContact.json();

        s.clock.set(NOW + 24 * HOUR);
        const investigator2 = await signIn(s, 'investigator', AREAS.wenyuan);
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const extended = await call('POST', `/quarantine/orders/${order.id}/extend`, investigator2, {
          exposureAt: NOW + 20 * HOUR,
          reason: '同住人员新增阳性',
        });
        assert.equal(extended.statusCode, 200, extended.body);
        assert.ok(extended.json().order.endsAt > order.endsAt);
        const fact = await s.db
          .selectFrom('health_fact')
          .select(['until', 'ended_at'])
          .where('source_id', '=', order.id)
          .where('kind', '=', 'centralised_quarantine')
          .executeTakeFirstOrThrow();
        assert.equal(Number(fact.until), extended.json().order.centralisedUntil);
        assert.equal(fact.ended_at, null);
        const earlier = await call('POST', `/quarantine/orders/${order.id}/extend`, investigator2, {
          exposureAt: NOW - 48 * HOUR,
          reason: '更早的暴露',
        });
        assert.equal(earlier.json().code, 'QUARANTINE_ORDER_EXTENSION_BEFORE_START');

        // A positive single tube: the lab registers a suspected case at once; the order converts.
        const positive = await call('POST', '/cases', investigator2, {
          personId: t.wife,
          classification: 'suspected',
          source: 'testing_round',
          firstPositiveSampledAt: NOW + 22 * HOUR,
        });
        assert.equal(positive.statusCode, 201, positive.body);
        const after = await call('GET', `/quarantine/orders/${order.id}`, investigator2);
        assert.equal(after.json().order.status, 'converted');
        const ev = after.json().events.find((e: { kind: string }) => e.kind === 'positive');
        assert.equal(ev.detail.caseId, positive.json().case.id);
        assert.equal(await colour(s, t.wife), 'red', 'the suspected case keeps the colour');
        const late = await call('POST', `/quarantine/orders/${order.id}/release`, investigator2, {});
        assert.equal(late.json().code, 'QUARANTINE_ORDER_NOT_ACTIVE');

        // The community worker's home list.
        const list = await call('GET', '/quarantine/home', worker);
        assert.equal(list.statusCode, 200, list.body);
        assert.deepEqual(
          list.json().items.map((i: { order: { id: string } }) => i.order.id),
          [homeOrder.id],
        );
        assert.equal(list.json().items[0].address, '3号楼 2 301');
        const door = await call('POST', `/quarantine/home/${homeOrder.id}/door`, worker, { measure: 'sensor' });
        assert.equal(door.statusCode, 200, door.body);
        assert.equal(door.json().doorMeasure, 'sensor');
        const hot = await call('POST', `/quarantine/home/${homeOrder.id}/reports`, worker, {
          temperature: 44,
          by: 'phone',
        });
        assert.equal(hot.statusCode, 400);
        assert.equal(hot.json().code, 'QUARANTINE_HOME_TEMPERATURE_RANGE');
        const rep = await call('POST', `/quarantine/home/${homeOrder.id}/reports`, worker, {
          temperature: 37.5,
          by: 'phone',
        });
        assert.equal(rep.statusCode, 200, rep.body);
        assert.equal(rep.json().fever, true);
        // The fever is an alert like one found on a site's rounds, once however often it is reported.
        await call('POST', `/quarantine/home/${homeOrder.id}/reports`, worker, { temperature: 37.8, by: 'phone' });
        const alerts = await s.db
          .selectFrom('quarantine_alert')
          .select(['kind', 'status', 'site_id'])
          .where('order_id', '=', homeOrder.id)
          .execute();
        assert.deepEqual(alerts, [{ kind: 'fever', status: 'open', site_id: null }]);
        const breach = await call('POST', `/quarantine/home/${homeOrder.id}/breaches`, worker, {
          kind: 'left_home',
          note: '下楼取快递',
        });
        assert.equal(breach.statusCode, 200, breach.body);
        const list2 = (await call('GET', '/quarantine/home', worker)).json().items[0];
        assert.equal(list2.reportedToday, true);
        assert.equal(list2.lastReport.by, 'phone');
        assert.equal(list2.breaches, 1);

        // Scope: another community's investigator sees nothing and may order nobody here.
        const other = await signIn(s, 'investigator', AREAS.xingyang);
        const out = await call('POST', '/quarantine/orders', other, { personId: t.son, kind: 'secondary_contact' });
        assert.equal(out.statusCode, 403);
        assert.equal(out.json().code, 'OUT_OF_SCOPE');
        assert.equal((await call('GET', `/quarantine/orders/${homeOrder.id}`, other)).statusCode, 403);
        assert.equal((await call('GET', '/quarantine/orders', other)).json().total, 0);
        const forbidden = await call('POST', '/quarantine/orders', worker, {
          personId: t.son,
          kind: 'secondary_contact',
        });
        assert.equal(forbidden.json().code, 'FORBIDDEN');
        // Site staff see only the people of their sites: none here.
        const staff = await signIn(s, 'quarantine_site', AREAS.wenyuan);
        assert.equal((await call('GET', '/quarantine/orders', staff)).json().total, 0);
        assert.equal((await call('GET', `/quarantine/orders/${homeOrder.id}`, staff)).statusCode, 403);
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
