import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { officeVisit } from '../support/tracing.city.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { purgeCheckins } from '../../src/venues/venue.service.ts';
import type { ContactView } from '../../src/tracing/tracing.schema.ts';
import { storedEncounters } from '../../src/tracing/tracing.rules.ts';

const MIN = 60_000;
const NOW = Date.parse('2022-03-24T08:00:00+08:00');
const ONSET = Date.parse('2022-03-22T10:00:00+08:00');
const DAY9 = Date.parse('2022-03-23T09:00:00+08:00');

async function harness(s: TestServices) {
  const app: App = await build(s, { serveWeb: false });
  async function call(method: 'GET' | 'POST' | 'PATCH', url: string, who?: SignedIn, payload?: unknown) {
    return app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
  return { app, call };
}

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  const h = await harness(s);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const person = async (body: Record<string, unknown>) => {
    const res = await h.call('POST', '/persons', worker, body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const home = await h.call('POST', '/households', worker, {
    areaId: areas[AREAS.wenyuanGrid],
    buildingName: '3号楼',
    unit: '2',
    door: '301',
  });
  assert.equal(home.statusCode, 201, home.body);
  const householdId = home.json().id as string;
  const caseId = await person({ householdId, name: '张建国', phone: '13804371234' });
  const wife = await person({ householdId, name: '李秀英', phone: '13904375678' });
  const colleague = await person({ areaId: areas[AREAS.wenyuanGrid], name: '王磊', phone: '13704370001' });
  const driver = await person({ areaId: areas[AREAS.wenyuanGrid], name: '赵强' });
  await officeVisit(s, areas[AREAS.wenyuanGrid]!, DAY9, [caseId, colleague]);
  return { s, areas, ...h, worker, caseId, wife, colleague, driver };
}

for (const { dialect, skip } of await dialects()) {
  describe(`cases and contacts HTTP [${dialect}]`, { skip }, () => {
    test('case → contacts → review → re-trace → manual contact → status, with masked identities and every write audited', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        const investigator = await signIn(s, 'investigator', AREAS.city);
        const bad = await call('POST', '/cases', investigator, {
          personId: t.caseId,
          classification: 'sick',
          source: 'fever_clinic',
          onsetAt: ONSET,
        });
        assert.equal(bad.json().code, 'VALIDATION');
        const ghost = await call('POST', '/cases', investigator, {
          personId: 'nobody',
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: ONSET,
        });
        assert.equal(ghost.statusCode, 404);
        assert.equal(ghost.json().code, 'PERSON_NOT_FOUND');
        const future = await call('POST', '/cases', investigator, {
          personId: t.caseId,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: NOW + MIN,
        });
        assert.equal(future.json().code, 'CONTACT_WINDOW_ANCHOR_IN_FUTURE');

        const created = await call('POST', '/cases', investigator, {
          personId: t.caseId,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: ONSET,
        });
        assert.equal(created.statusCode, 201, created.body);
        const detail = created.json();
        const caseId = detail.case.id as string;
        assert.equal(detail.case.personName, '张建国');
        assert.equal(detail.case.status, 'confirmed');
        assert.equal(detail.contacts.total, 2);
        assert.equal(detail.contacts.pendingCandidates, 1);
        assert.equal(detail.trace.parameters.minimumOverlapMinutes, 15);
        assert.equal(typeof detail.trace.window.start, 'number');
        assert.equal(detail.trace.purgedBefore, null);

        const listed = await call('GET', `/cases/${caseId}/contacts`, investigator);
        assert.equal(listed.statusCode, 200, listed.body);
        const items = listed.json().items as ContactView[];
        assert.deepEqual(
          items.map((c) => [c.person.name, c.class, c.basis, c.candidate]),
          [
            ['李秀英', 'close', 'household', false],
            ['王磊', 'close', 'venue', true],
          ],
        );
        assert.equal(items[0]!.person.phone, '139****5678');
        assert.deepEqual(Object.keys(items[0]!.person).sort(), ['areaName', 'id', 'name', 'phone']);
        assert.ok(
          !listed.body.includes('13904375678') && !listed.body.includes('phone_enc'),
          'no clear phone or sealed column in the response',
        );
        const colleague = items[1]!;
        const met = storedEncounters(colleague.evidence)[0]!;
        assert.equal(met.venueName, '文苑大厦');
        assert.equal(met.overlapMinutes, 150);

        const candidates = await call(
          'GET',
          `/cases/${caseId}/contacts?reviewStatus=pending&class=close&limit=1`,
          investigator,
        );
        assert.equal(candidates.json().total, 2);
        assert.equal(candidates.json().items.length, 1);

        const noReason = await call('POST', `/contacts/${colleague.id}/review`, investigator, {
          decision: 'confirm',
          reason: '',
        });
        assert.equal(noReason.json().code, 'CASE_REASON_REQUIRED');
        const reviewed = await call('POST', `/contacts/${colleague.id}/review`, investigator, {
          decision: 'confirm',
          reason: 'shared office, no masks',
        });
        assert.equal(reviewed.statusCode, 200, reviewed.body);
        assert.equal(reviewed.json().review.status, 'confirmed');

        const retraced = await call('POST', `/cases/${caseId}/trace`, investigator);
        assert.equal(retraced.statusCode, 200, retraced.body);
        assert.equal(retraced.json().contacts.byReview.confirmed, 1);
        const again = (await call('GET', `/cases/${caseId}/contacts`, investigator)).json().items as ContactView[];
        assert.equal(again.find((c) => c.id === colleague.id)!.review.reason, 'shared office, no masks');

        const manual = await call('POST', `/cases/${caseId}/contacts`, investigator, {
          personId: t.driver,
          reasonCode: 'same_vehicle',
          note: 'drove the case to the clinic',
          firstExposureAt: ONSET,
          lastExposureAt: ONSET + 30 * MIN,
        });
        assert.equal(manual.statusCode, 201, manual.body);
        assert.equal(manual.json().reasonCode, 'same_vehicle');
        const badReason = await call('POST', `/cases/${caseId}/contacts`, investigator, {
          personId: t.driver,
          reasonCode: 'bad_luck',
          firstExposureAt: ONSET,
          lastExposureAt: ONSET,
        });
        assert.equal(badReason.json().code, 'VALIDATION');

        const recovered = await call('POST', `/cases/${caseId}/status`, investigator, {
          to: 'recovered',
          reason: 'symptoms resolved',
        });
        assert.equal(recovered.statusCode, 200, recovered.body);
        const release = await call('POST', `/cases/${caseId}/status`, investigator, {
          to: 'released',
          reason: 'tests',
          tests: [{ sampledAt: NOW - 3600_000, ct: { N: 41, ORF1ab: 42 } }],
        });
        assert.equal(release.json().code, 'CASE_RELEASE_RULE_NOT_MET');

        const read = await call('GET', `/cases/${caseId}`, investigator);
        assert.equal(read.statusCode, 200);
        assert.deepEqual(
          read.json().history.map((h: { from: string | null; to: string }) => [h.from, h.to]),
          [
            [null, 'confirmed'],
            ['confirmed', 'recovered'],
          ],
        );
        // The first row is a kind for the reader's language, not the stored word "registered".
        assert.deepEqual(
          read.json().history.map((h: { kind: string; reason: string }) => [h.kind, h.reason === '' ? '' : 'words']),
          [
            ['registered', ''],
            ['status', 'words'],
          ],
        );
        assert.equal(read.json().contacts.total, 3);

        const chain = await verifyAuditChain(s.db);
        assert.equal(chain.ok, true);
        const actions = (
          await s.db
            .selectFrom('audit_event')
            .select('action')
            .where('object_type', 'in', ['case', 'contact'])
            .orderBy('seq')
            .execute()
        ).map((r) => r.action);
        assert.deepEqual(actions, [
          'case.create',
          'case.contacts.read',
          'case.contacts.read',
          'contact.review',
          'case.trace',
          'case.contacts.read',
          'contact.create',
          'case.status',
          'case.read',
        ]);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('permissions and scope: case.manage for investigators and command, case.read in the own area', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        assert.equal((await call('GET', '/cases')).statusCode, 401);
        const body = { personId: t.caseId, classification: 'suspected', source: 'self_report', onsetAt: ONSET };
        const forbidden = await call('POST', '/cases', t.worker, body);
        assert.equal(forbidden.statusCode, 403);
        assert.equal(forbidden.json().code, 'FORBIDDEN');
        const command = await signIn(s, 'command', AREAS.city);
        const created = await call('POST', '/cases', command, body);
        assert.equal(created.statusCode, 201, created.body);
        const caseId = created.json().case.id as string;
        const contactId = (
          (await call('GET', `/cases/${caseId}/contacts`, command)).json().items as Array<{ id: string }>
        )[0]!.id;

        // The community worker of the case's area reads it, but changes nothing.
        assert.equal((await call('GET', `/cases/${caseId}`, t.worker)).statusCode, 200);
        assert.equal((await call('GET', '/cases', t.worker)).json().total, 1);
        assert.equal((await call('POST', `/cases/${caseId}/trace`, t.worker)).statusCode, 403);
        assert.equal(
          (await call('POST', `/contacts/${contactId}/review`, t.worker, { decision: 'dismiss', reason: 'x' }))
            .statusCode,
          403,
        );

        // Another community's worker sees none of it.
        const other = await signIn(s, 'community_worker', AREAS.xingyang);
        const outside = await call('GET', `/cases/${caseId}`, other);
        assert.equal(outside.statusCode, 403);
        assert.equal(outside.json().code, 'OUT_OF_SCOPE');
        assert.equal((await call('GET', `/cases/${caseId}/contacts`, other)).json().code, 'OUT_OF_SCOPE');
        assert.equal((await call('GET', '/cases', other)).json().total, 0);

        // An investigator of the other community cannot review this case's contacts.
        const otherInvestigator = await signIn(s, 'investigator', AREAS.xingyang);
        assert.equal(
          (
            await call('POST', `/contacts/${contactId}/review`, otherInvestigator, { decision: 'dismiss', reason: 'x' })
          ).json().code,
          'OUT_OF_SCOPE',
        );

        const lab = await signIn(s, 'lab', AREAS.city);
        assert.equal((await call('GET', '/cases', lab)).statusCode, 403);
        assert.equal((await call('GET', `/cases/missing`, command)).json().code, 'CASE_NOT_FOUND');
        assert.equal(
          (await call('POST', `/contacts/missing/review`, command, { decision: 'confirm', reason: 'x' })).json().code,
          'CONTACT_NOT_FOUND',
        );
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('tracing again after a purge: the contact stays with its evidence marked purged, the summary warns', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        const investigator = await signIn(s, 'investigator', AREAS.city);
        const created = await call('POST', '/cases', investigator, {
          personId: t.caseId,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: ONSET,
        });
        assert.equal(created.statusCode, 201, created.body);
        const caseId = created.json().case.id as string;
        assert.equal(created.json().trace.keptPurged, 0);
        const cutoff = DAY9 + 1;
        assert.equal((await purgeCheckins(s, cutoff)).checkins, 2);

        // Who may trace again is unchanged: another community's investigator and a community worker are refused.
        const otherInvestigator = await signIn(s, 'investigator', AREAS.xingyang);
        assert.equal((await call('POST', `/cases/${caseId}/trace`, otherInvestigator)).json().code, 'OUT_OF_SCOPE');
        assert.equal((await call('POST', `/cases/${caseId}/trace`, t.worker)).json().code, 'FORBIDDEN');

        const again = await call('POST', `/cases/${caseId}/trace`, investigator);
        assert.equal(again.statusCode, 200, again.body);
        const trace = again.json().trace;
        assert.deepEqual([trace.purgedBefore, trace.removed, trace.keptPurged, trace.found.close], [cutoff, 0, 1, 2]);
        const items = (await call('GET', `/cases/${caseId}/contacts`, investigator)).json().items as ContactView[];
        const colleague = items.find((c) => c.person.id === t.colleague)!;
        assert.deepEqual(colleague.evidence.checkinsPurged, { before: cutoff, encounters: 1 });
        const kept = storedEncounters(colleague.evidence)[0]!;
        assert.equal(kept.caseVisit.purged, true);
        assert.equal(kept.contactVisit.purged, true);
        assert.equal(kept.caseVisit.enteredAt, DAY9);
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
