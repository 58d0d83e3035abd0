// Review by group: a case's contacts grouped by venue and the case's visit there, listed by group with
// paging, and one decision with one reason for a group, a filter or listed ids — all or none, capped,
// audited once, refused outside the actor's area and to a role without case.manage.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { BULK_REVIEW_MAX } from '../../src/tracing/tracing.groups.rules.ts';

const MIN = 60_000;
const NOW = Date.parse('2022-03-24T08:00:00+08:00');
const ONSET = Date.parse('2022-03-22T10:00:00+08:00');
const DAY9 = Date.parse('2022-03-23T09:00:00+08:00');
const DAY14 = Date.parse('2022-03-23T14:00:00+08:00');

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = (method: 'GET' | 'POST', url: string, who: { headers: Record<string, string> }, payload?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who.headers,
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
  const householdId = home.json().id as string;
  const casePerson = await person({ householdId, name: '张建国' });
  await person({ householdId, name: '李秀英' });
  const venue = (id: string, name: string, category: string) => ({
    id,
    name,
    category,
    address: '',
    area_id: areas[AREAS.wenyuanGrid]!,
    capacity: 500,
    operator_user_id: null,
    status: 'approved',
    approved_by: null,
    approved_at: null,
    code_version: 1,
    requires_presence: 0,
    dwell_minutes: null,
    created_at: NOW,
    updated_at: NOW,
  });
  await s.db
    .insertInto('venue')
    .values([venue('v-office', '文苑大厦', 'office'), venue('v-market', '欧亚超市', 'supermarket')])
    .execute();
  const checkin = (id: string, venueId: string, personId: string, at: number, minutes: number) => ({
    id,
    venue_id: venueId,
    person_id: personId,
    client_id: null,
    method: 'assisted',
    entered_at: at,
    exited_at: at + minutes * MIN,
    exit_kind: 'scan',
    decision: 'admitted',
    refusal_code: null,
    colour: 'green',
    reasons: null,
    test_sampled_at: null,
    test_result: null,
    vaccinated: null,
    created_at: at,
  });
  const rows = [
    checkin('c-case-office', 'v-office', casePerson, DAY9, 120),
    checkin('c-case-market', 'v-market', casePerson, DAY14, 60),
  ];
  for (let i = 0; i < 6; i++)
    rows.push(
      checkin(`c-o${i}`, 'v-office', await person({ areaId: areas[AREAS.wenyuanGrid], name: `王同事${i}` }), DAY9, 120),
    );
  for (let i = 0; i < 24; i++) {
    rows.push(
      checkin(
        `c-m${i}`,
        'v-market',
        await person({ areaId: areas[AREAS.wenyuanGrid], name: `赵顾客${i}` }),
        DAY14 + [0, 40, 70][i % 3]! * MIN,
        30,
      ),
    );
  }
  await s.db.insertInto('checkin').values(rows).execute();
  const investigator = await signIn(s, 'investigator', AREAS.city);
  const created = await call('POST', '/cases', investigator, {
    personId: casePerson,
    classification: 'confirmed',
    source: 'fever_clinic',
    onsetAt: ONSET,
  });
  assert.equal(created.statusCode, 201, created.body);
  return { s, app, call, areas, worker, investigator, caseId: created.json().case.id as string };
}

for (const { dialect, skip } of await dialects()) {
  describe(`review by group [${dialect}]`, { skip }, () => {
    test('groups by venue and slot, lists a group paged, reviews a group, a filter and ids at once, all or none, audited once', async () => {
      const t = await setup(dialect);
      const { s, call, investigator, caseId } = t;
      try {
        const groups = await call('GET', `/cases/${caseId}/contact-groups?reviewStatus=pending`, investigator);
        assert.equal(groups.statusCode, 200, groups.body);
        const g = groups.json();
        assert.equal(g.total, 31);
        assert.deepEqual(
          g.items.map((x: { kind: string; count: number }) => [x.kind, x.count]),
          [
            ['household', 1],
            ['venue', 24],
            ['venue', 6],
          ],
        );
        const market = g.items[1];
        assert.equal(market.venueName, '欧亚超市');
        assert.equal(market.key, 'venue:v-market:c-case-market');
        assert.equal(market.slotStart, DAY14);
        assert.equal(market.slotEnd, DAY14 + 60 * MIN);
        assert.deepEqual(market.byClass, { general: 24 });
        assert.ok(
          market.overlapMin >= 15 && market.overlapMin < market.overlapMax,
          `${market.overlapMin}–${market.overlapMax}`,
        );
        const office = g.items[2];
        assert.equal(office.candidates, 6);

        // The group's members, paged on the server.
        const page = await call(
          'GET',
          `/cases/${caseId}/contacts?group=${encodeURIComponent(market.key)}&limit=10&offset=20`,
          investigator,
        );
        assert.equal(page.statusCode, 200, page.body);
        assert.equal(page.json().total, 24);
        assert.equal(page.json().items.length, 4);
        for (const c of page.json().items) assert.equal(c.evidence.encounters[0].venueName, '欧亚超市');

        // Refusals change nothing.
        const bulk = (body: unknown, who = investigator) => call('POST', `/cases/${caseId}/contacts/review`, who, body);
        assert.equal(
          (await bulk({ decision: 'reclassify', reason: '同一时段', select: { group: market.key } })).json().code,
          'CONTACT_CLASS_REQUIRED',
        );
        assert.equal(
          (await bulk({ decision: 'dismiss', reason: '  ', select: { group: market.key } })).json().code,
          'CASE_REASON_REQUIRED',
        );
        assert.equal(
          (await bulk({ decision: 'dismiss', reason: '无', select: { group: 'venue:nowhere:x' } })).json().code,
          'CONTACT_BULK_EMPTY',
        );
        const officeIds = (
          await call('GET', `/cases/${caseId}/contacts?group=${encodeURIComponent(office.key)}`, investigator)
        )
          .json()
          .items.map((c: { id: string }) => c.id) as string[];
        const foreign = await bulk({
          decision: 'confirm',
          reason: '同一办公室',
          select: { ids: [...officeIds.slice(0, 2), 'not-a-contact'] },
        });
        assert.equal(foreign.statusCode, 404);
        assert.equal(foreign.json().code, 'CONTACT_BULK_NOT_IN_CASE');
        assert.equal((await bulk({ decision: 'confirm', reason: 'x', select: { ids: [] } })).json().code, 'VALIDATION');
        const still = await call('GET', `/cases/${caseId}/contacts?reviewStatus=pending`, investigator);
        assert.equal(still.json().total, 31);

        // A group dismissed at once.
        const dismissed = await bulk({
          decision: 'dismiss',
          reason: '超市短暂同场，未近距离接触',
          select: { group: market.key, reviewStatus: 'pending' },
        });
        assert.equal(dismissed.statusCode, 200, dismissed.body);
        assert.equal(dismissed.json().reviewed, 24);
        // Listed ids within a filter: two office candidates confirmed, one request.
        const confirmed = await bulk({
          decision: 'confirm',
          reason: '同一办公室两小时',
          select: { ids: officeIds.slice(0, 2), reviewStatus: 'pending' },
        });
        assert.equal(confirmed.statusCode, 200, confirmed.body);
        assert.equal(confirmed.json().reviewed, 2);
        // A filter: every pending close contact left, reclassified general.
        const rest = await bulk({
          decision: 'reclassify',
          class: 'general',
          reason: '隔断办公',
          select: { class: 'close', reviewStatus: 'pending' },
        });
        assert.equal(rest.statusCode, 200, rest.body);

        const after = (await call('GET', `/cases/${caseId}/contact-groups`, investigator)).json();
        const byKey = new Map(after.items.map((x: { key: string }) => [x.key, x]));
        assert.deepEqual((byKey.get(office.key) as { byClass: unknown }).byClass, { close: 2, general: 4 });
        const reviewed = (
          await call('GET', `/cases/${caseId}/contacts?group=${encodeURIComponent(market.key)}&limit=1`, investigator)
        ).json().items[0];
        assert.equal(reviewed.review.status, 'dismissed');
        assert.equal(reviewed.review.reason, '超市短暂同场，未近距离接触');
        const pending = (
          await call('GET', `/cases/${caseId}/contact-groups?reviewStatus=pending`, investigator)
        ).json();
        assert.ok(!pending.items.some((x: { key: string }) => x.key === market.key || x.key === office.key));

        const events = await s.db
          .selectFrom('audit_event')
          .select(['action', 'object_id', 'reason', 'detail'])
          .where('action', '=', 'contact.review.bulk')
          .orderBy('seq')
          .execute();
        assert.equal(events.length, 3);
        assert.equal(events[0]!.object_id, caseId);
        const detail = JSON.parse(events[0]!.detail);
        assert.equal(detail.count, 24);
        assert.equal(detail.contacts.length, 24);
        assert.deepEqual(detail.contacts[0].from, { class: 'general', review: 'pending' });
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test(`a selection over ${BULK_REVIEW_MAX} contacts is refused whole`, async () => {
      const t = await setup(dialect);
      const { s, call, investigator, caseId } = t;
      try {
        const one = await s.db
          .selectFrom('contact')
          .selectAll()
          .where('case_id', '=', caseId)
          .where('basis', '=', 'venue')
          .executeTakeFirstOrThrow();
        const extra = Array.from({ length: BULK_REVIEW_MAX }, (_, i) => ({
          ...one,
          id: `bulk-${String(i).padStart(5, '0')}`,
          source_key: `bulk-${i}`,
        }));
        for (let i = 0; i < extra.length; i += 200)
          await s.db
            .insertInto('contact')
            .values(extra.slice(i, i + 200))
            .execute();
        const res = await call('POST', `/cases/${caseId}/contacts/review`, investigator, {
          decision: 'dismiss',
          reason: '批量',
          select: { reviewStatus: 'pending' },
        });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().code, 'CONTACT_BULK_TOO_MANY');
        const pending = await call('GET', `/cases/${caseId}/contacts?reviewStatus=pending&limit=1`, investigator);
        assert.equal(pending.json().total, 31 + BULK_REVIEW_MAX);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('another area and a role without case.manage are refused', async () => {
      const t = await setup(dialect);
      const { s, call, caseId, worker } = t;
      try {
        const elsewhere = await signIn(s, 'investigator', AREAS.xingyang);
        const elsewhereWorker = await signIn(s, 'community_worker', AREAS.xingyang);
        const body = { decision: 'dismiss', reason: '无', select: { reviewStatus: 'pending' } };
        for (const who of [elsewhere, elsewhereWorker]) {
          const groups = await call('GET', `/cases/${caseId}/contact-groups`, who);
          assert.equal(groups.statusCode, 403);
          assert.equal(groups.json().code, 'OUT_OF_SCOPE');
          const listed = await call('GET', `/cases/${caseId}/contacts?group=household`, who);
          assert.equal(listed.json().code, 'OUT_OF_SCOPE');
        }
        const bulkElsewhere = await call('POST', `/cases/${caseId}/contacts/review`, elsewhere, body);
        assert.equal(bulkElsewhere.statusCode, 403);
        assert.equal(bulkElsewhere.json().code, 'OUT_OF_SCOPE');
        // The case's own community worker reads the groups but cannot review.
        assert.equal((await call('GET', `/cases/${caseId}/contact-groups`, worker)).statusCode, 200);
        const byWorker = await call('POST', `/cases/${caseId}/contacts/review`, worker, body);
        assert.equal(byWorker.statusCode, 403);
        assert.equal(byWorker.json().code, 'FORBIDDEN');
        const pending = await call('GET', `/cases/${caseId}/contacts?reviewStatus=pending&limit=1`, worker);
        assert.equal(pending.json().total, 31);
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
