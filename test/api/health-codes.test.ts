import { describe, test } from 'node:test';
import { basisText, type BasisKind, type BasisParams } from '../../src/health/basis.rules.ts';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { officeVisit, personRow } from '../support/tracing.city.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { verifyPersonalCode } from '../../src/venues/venue.codes.ts';
import { setActiveRuleSet } from '../../src/rules/ruleset.service.ts';
import { sweepEndConditions } from '../../src/health/health.service.ts';
import { createSession } from '../../src/access/session.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.parse('2022-03-24T08:00:00+08:00');
const ONSET = Date.parse('2022-03-22T10:00:00+08:00');
const DAY9 = Date.parse('2022-03-23T09:00:00+08:00');

async function setup(dialect: 'sqlite' | 'postgres') {
  const s: TestServices = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  await setActiveRuleSet(
    s,
    { id: null, name: 'test', role: 'admin' },
    '9th-edition',
    'tests run under the 9th edition',
  );
  const app: App = await build(s, { serveWeb: false });
  async function call(method: 'GET' | 'POST' | 'PATCH', url: string, who?: SignedIn, payload?: unknown) {
    return app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
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
  const caseId = await person({ householdId, name: '张建国', phone: '13804371234' });
  const wife = await person({ householdId, name: '李秀英', phone: '13904375678' });
  const colleague = await person({ areaId: areas[AREAS.wenyuanGrid], name: '王磊', phone: '13704370001' });
  const outsider = 'outsider1';
  await s.db
    .insertInto('person')
    .values(personRow(outsider, areas[AREAS.xingyangGrid]!, null, '孙丽'))
    .execute();
  await officeVisit(s, areas[AREAS.wenyuanGrid]!, DAY9, [caseId, colleague]);
  /** A resident account linked to the person. */
  const resident = async (personId: string) => {
    const who = await signIn(s, 'resident', AREAS.wenyuan);
    await s.db.updateTable('app_user').set({ person_id: personId }).where('id', '=', who.userId).execute();
    return who;
  };
  return { s, app, call, areas, worker, caseId, wife, colleague, outsider, resident };
}

async function everyChangeHasBasis(s: TestServices): Promise<number> {
  const history = await s.db.selectFrom('health_colour_history').selectAll().execute();
  for (const h of history) {
    assert.ok(h.basis.trim(), `history ${h.id} has a basis`);
    // Every new row carries its basis as data too, for each reader's language; its sentence is the one of the record.
    assert.ok(h.basis_kind && h.basis_kind !== 'other', `history ${h.id} has a basis kind (${h.basis})`);
    assert.equal(basisText(h.basis_kind as BasisKind, JSON.parse(h.basis_params ?? '{}') as BasisParams), h.basis);
    assert.ok(h.actor_name && h.ruleset_id && h.ruleset_version);
    const ev = await s.db
      .selectFrom('audit_event')
      .selectAll()
      .where('seq', '=', Number(h.audit_seq))
      .executeTakeFirstOrThrow();
    assert.equal(ev.action, 'health.colour.change');
    assert.ok(
      (JSON.parse(ev.detail) as { changes: Array<{ personId: string }> }).changes.some(
        (c) => c.personId === h.person_id,
      ),
    );
  }
  assert.equal((await verifyAuditChain(s.db)).ok, true);
  return history.length;
}

for (const { dialect, skip } of await dialects()) {
  describe(`health codes HTTP [${dialect}]`, { skip }, () => {
    test('case → contacts → colours with reasons → personal code → door refuses with 红码 → dismiss and release turn green', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        let investigator = await signIn(s, 'investigator', AREAS.city);
        const created = await call('POST', '/cases', investigator, {
          personId: t.caseId,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: ONSET,
        });
        assert.equal(created.statusCode, 201, created.body);
        const caseId = created.json().case.id as string;

        const colourOf = async (id: string) => (await call('GET', `/persons/${id}/health`, investigator)).json();
        const patient = await colourOf(t.caseId);
        assert.equal(patient.colour, 'red');
        assert.deepEqual(
          patient.reasons.map((r: { rule: string }) => r.rule),
          ['confirmed'],
        );
        assert.deepEqual(patient.reasons[0].endsWhen, { kind: 'released' });
        const wife = await colourOf(t.wife);
        assert.equal(wife.colour, 'red', 'a household member is a close contact at once');
        assert.equal(wife.reasons[0].rule, 'close-contact');
        assert.deepEqual(wife.reasons[0].endsWhen, { kind: 'quarantine_end' });
        // 9th edition: 7 days centralised from the last exposure (the case was isolated now), then monitoring
        assert.equal(wife.reasons[0].endsAt, Date.parse('2022-04-01T00:00:00+08:00'));
        assert.equal(wife.ruleSet.id, '9th-edition');
        assert.equal(wife.history.length, 1);
        assert.equal(wife.history[0].to, 'red');
        assert.match(wife.history[0].basis, /registered/);
        assert.equal(
          (await colourOf(t.colleague)).colour,
          'green',
          'a co-presence candidate waits for the investigator',
        );

        const contacts = (await call('GET', `/cases/${caseId}/contacts`, investigator)).json().items as Array<{
          id: string;
          person: { id: string };
        }>;
        const colleagueContact = contacts.find((c) => c.person.id === t.colleague)!;
        const confirmed = await call('POST', `/contacts/${colleagueContact.id}/review`, investigator, {
          decision: 'confirm',
          reason: 'shared office',
        });
        assert.equal(confirmed.statusCode, 200, confirmed.body);
        const colleague = await colourOf(t.colleague);
        assert.equal(colleague.colour, 'red');
        assert.match(colleague.history[0].basis, /shared office/);

        // The wife's personal code carries her colour; any checkpoint verifies it offline.
        const wifeResident = await t.resident(t.wife);
        const code = await call('GET', '/me/personal-code', wifeResident);
        assert.equal(code.statusCode, 200, code.body);
        assert.equal(code.json().colour, 'red');
        const key = (await call('GET', '/codes/public-key')).json().publicKeyPem as string;
        const verdict = verifyPersonalCode(key, code.json().token, s.clock.now());
        assert.equal(verdict.ok && verdict.colour, 'red');
        assert.equal(verdict.ok && verdict.personId, t.wife);

        // The door refuses her with 红码, naming the fact it rests on.
        const gate = await call('POST', '/venues', t.worker, {
          areaId: t.areas[AREAS.wenyuanGrid],
          capacity: 100,
          name: '文苑小区北门',
          category: 'residential_gate',
        });
        assert.equal(gate.statusCode, 201, gate.body);
        await call('POST', `/venues/${gate.json().id}/approve`, await signIn(s, 'command', AREAS.city));
        const poster = (await call('GET', `/venues/${gate.json().id}/code`, t.worker)).json().url as string;
        const door = await call('POST', '/checkins', t.worker, { code: poster, personalCode: code.json().token });
        assert.equal(door.statusCode, 201, door.body);
        assert.equal(door.json().decision, 'refused');
        assert.equal(door.json().colour, 'red');
        assert.deepEqual(
          door.json().reasons.map((r: { code: string }) => r.code),
          ['RED_CODE'],
        );
        assert.equal(door.json().reasons[0].params.facts, 'close_contact');
        assert.equal(door.json().reasons[0].message, '红码（密切接触者），禁止进入');

        // Dismissing the colleague ends the fact: green, with the reason recorded.
        const dismissed = await call('POST', `/contacts/${colleagueContact.id}/review`, investigator, {
          decision: 'dismiss',
          reason: 'different floor',
        });
        assert.equal(dismissed.statusCode, 200, dismissed.body);
        const after = await colourOf(t.colleague);
        assert.equal(after.colour, 'green');
        assert.deepEqual(
          after.history.map((h: { from: string; to: string }) => [h.from, h.to]),
          [
            ['red', 'green'],
            ['green', 'red'],
          ],
        );
        assert.match(after.history[0].basis, /different floor/);

        // Release under the Ct rule ends the case's colour.
        assert.equal(
          (
            await call('POST', `/cases/${caseId}/status`, investigator, {
              to: 'recovered',
              reason: 'symptoms resolved',
            })
          ).statusCode,
          200,
        );
        s.clock.set(NOW + 3 * DAY);
        investigator = await signIn(s, 'investigator', AREAS.city); // sessions expire
        const released = await call('POST', `/cases/${caseId}/status`, investigator, {
          to: 'released',
          reason: 'two tests Ct ≥ 35',
          tests: [
            { sampledAt: NOW + DAY, ct: { N: 36, ORF1ab: 37 } },
            { sampledAt: NOW + 2 * DAY + HOUR, ct: { N: 40, ORF1ab: 38 } },
          ],
        });
        assert.equal(released.statusCode, 200, released.body);
        assert.equal((await colourOf(t.caseId)).colour, 'green');

        // The wife's quarantine ends on its day: the door shows green at once, the sweep records it.
        s.clock.set(Date.parse('2022-04-01T00:00:01+08:00'));
        investigator = await signIn(s, 'investigator', AREAS.city);
        assert.equal((await colourOf(t.wife)).colour, 'green');
        assert.equal(await sweepEndConditions(s), 1);
        const ended = await colourOf(t.wife);
        assert.match(ended.history[0].basis, /end condition reached/);
        assert.ok((await everyChangeHasBasis(s)) >= 6);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('manual change needs a legal basis and a second authorised user in scope; it ends by its end time', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        const a = await signIn(s, 'investigator', AREAS.wenyuan);
        let b = await signIn(s, 'investigator', AREAS.city);
        const body = {
          personIds: [t.wife],
          colour: 'yellow',
          legalBasis: '《传染病防治法》第三十九条',
          reason: 'fever reported by the clinic',
          endsAt: NOW + 2 * DAY,
        };
        assert.equal(
          (await call('POST', '/health/overrides', a, { ...body, legalBasis: ' ' })).json().code,
          'HEALTH_LEGAL_BASIS_REQUIRED',
        );
        assert.equal(
          (await call('POST', '/health/overrides', a, { ...body, endsAt: NOW - 1 })).json().code,
          'HEALTH_OVERRIDE_END_INVALID',
        );
        assert.equal(
          (await call('POST', '/health/overrides', a, { ...body, personIds: [t.outsider] })).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal((await call('POST', '/health/overrides', t.worker, body)).json().code, 'FORBIDDEN');
        const asked = await call('POST', '/health/overrides', a, body);
        assert.equal(asked.statusCode, 201, asked.body);
        const id = asked.json().id as string;
        assert.equal(asked.json().status, 'pending');
        assert.equal(asked.json().persons[0].maskedName, '李*英');
        assert.equal(
          (await call('GET', `/persons/${t.wife}/health`, b)).json().colour,
          'green',
          'nothing changes on a request',
        );

        const same = await call('POST', `/health/overrides/${id}/decision`, a, { approve: true, reason: 'ok' });
        assert.equal(same.statusCode, 403);
        assert.equal(same.json().code, 'HEALTH_SAME_USER');
        assert.equal(
          (await call('POST', `/health/overrides/${id}/decision`, t.worker, { approve: true, reason: 'ok' })).json()
            .code,
          'FORBIDDEN',
        );
        const otherArea = await signIn(s, 'investigator', AREAS.xingyang);
        assert.equal(
          (await call('POST', `/health/overrides/${id}/decision`, otherArea, { approve: true, reason: 'ok' })).json()
            .code,
          'OUT_OF_SCOPE',
        );
        const queue = await call('GET', '/health/overrides?status=pending', b);
        assert.deepEqual(
          queue.json().items.map((o: { id: string }) => o.id),
          [id],
        );

        const ok = await call('POST', `/health/overrides/${id}/decision`, b, {
          approve: true,
          reason: 'clinic report seen',
        });
        assert.equal(ok.statusCode, 200, ok.body);
        assert.equal(ok.json().status, 'approved');
        assert.equal(
          (await call('POST', `/health/overrides/${id}/decision`, b, { approve: true, reason: 'again' })).json().code,
          'HEALTH_OVERRIDE_NOT_PENDING',
        );
        const view = (await call('GET', `/persons/${t.wife}/health`, b)).json();
        assert.equal(view.colour, 'yellow');
        assert.deepEqual(view.override, { id, colour: 'yellow', until: NOW + 2 * DAY });
        assert.equal(view.history[0].manual, true);
        assert.equal(view.history[0].overrideId, id);
        assert.match(view.history[0].basis, /传染病防治法/);

        s.clock.set(NOW + 2 * DAY + 1);
        b = await signIn(s, 'investigator', AREAS.city);
        assert.equal((await call('GET', `/persons/${t.wife}/health`, b)).json().colour, 'green');
        assert.equal(await sweepEndConditions(s), 1);
        await everyChangeHasBasis(s);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('appeal: the resident files about their own colour; a reviewer upholds, or corrects through a second approval', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        let me = await t.resident(t.wife);
        const mine = await call('GET', '/me/health', me);
        assert.equal(mine.statusCode, 200, mine.body);
        assert.equal(mine.json().colour, 'green');
        // A resident reads no one else's colour.
        assert.equal((await call('GET', `/persons/${t.caseId}/health`, me)).statusCode, 403);
        assert.equal((await call('GET', '/health/appeals', me)).statusCode, 403);
        let staff = await signIn(s, 'investigator', AREAS.wenyuan);
        assert.equal((await call('GET', '/me/health', staff)).json().code, 'HEALTH_NOT_RESIDENT');

        assert.equal(
          (await call('POST', '/me/appeals', me, { statement: ' ' })).json().code,
          'APPEAL_STATEMENT_REQUIRED',
        );
        const filed = await call('POST', '/me/appeals', me, { statement: 'I was not at the office that day' });
        assert.equal(filed.statusCode, 201, filed.body);
        assert.equal(filed.json().status, 'open');
        assert.equal(filed.json().dueAt, NOW + 24 * HOUR);
        assert.equal(
          (await call('POST', '/me/appeals', me, { statement: 'again' })).json().code,
          'APPEAL_ALREADY_OPEN',
        );

        const outside = await signIn(s, 'investigator', AREAS.xingyang);
        assert.equal((await call('GET', '/health/appeals?status=open', outside)).json().items.length, 0);
        assert.equal(
          (
            await call('POST', `/health/appeals/${filed.json().id}/answer`, outside, {
              decision: 'uphold',
              answer: 'x',
            })
          ).json().code,
          'OUT_OF_SCOPE',
        );
        s.clock.set(NOW + 25 * HOUR);
        staff = await signIn(s, 'investigator', AREAS.wenyuan);
        const renewed = await createSession(s, me.userId);
        me = {
          userId: me.userId,
          headers: { cookie: `cordon_session=${renewed.token}`, 'x-csrf-token': renewed.csrfToken },
        };
        const queue = (await call('GET', '/health/appeals?status=open', staff)).json().items;
        assert.equal(queue.length, 1);
        assert.equal(queue[0].overdue, true);
        const upheld = await call('POST', `/health/appeals/${filed.json().id}/answer`, staff, {
          decision: 'uphold',
          answer: 'the record is right: green',
        });
        assert.equal(upheld.statusCode, 200, upheld.body);
        assert.equal(upheld.json().status, 'upheld');

        // A second appeal is corrected: the correction is a manual change another user approves.
        const second = (
          await call('POST', '/me/appeals', me, { statement: 'my colour should show my quarantine' })
        ).json();
        const incomplete = await call('POST', `/health/appeals/${second.id}/answer`, staff, {
          decision: 'correct',
          answer: 'agreed',
        });
        assert.equal(incomplete.json().code, 'APPEAL_CORRECTION_INCOMPLETE');
        const corrected = await call('POST', `/health/appeals/${second.id}/answer`, staff, {
          decision: 'correct',
          answer: 'agreed',
          colour: 'yellow',
          legalBasis: '《传染病防治法》第三十九条',
          endsAt: s.clock.now() + DAY,
        });
        assert.equal(corrected.json().status, 'correction_pending');
        const overrideId = corrected.json().overrideId as string;
        assert.equal(
          (await call('POST', `/health/overrides/${overrideId}/decision`, staff, { approve: true, reason: 'x' })).json()
            .code,
          'HEALTH_SAME_USER',
        );
        const approver = await signIn(s, 'command', AREAS.city);
        assert.equal(
          (
            await call('POST', `/health/overrides/${overrideId}/decision`, approver, {
              approve: true,
              reason: 'checked',
            })
          ).statusCode,
          200,
        );
        const appeals = (await call('GET', '/me/appeals', me)).json().items as Array<{ id: string; status: string }>;
        assert.equal(appeals.find((a) => a.id === second.id)!.status, 'corrected');
        assert.equal((await call('GET', '/me/health', me)).json().colour, 'yellow');
        await everyChangeHasBasis(s);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('circuit breaker: a manual change over the threshold is held for a command-centre user who is not the requester', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        const ids = Array.from({ length: 101 }, (_, i) => `bulk${String(i).padStart(3, '0')}`);
        await s.db
          .insertInto('person')
          .values(ids.map((id) => personRow(id, t.areas[AREAS.wenyuanGrid]!, null)))
          .execute();
        const a = await signIn(s, 'investigator', AREAS.city);
        const b = await signIn(s, 'command', AREAS.city);
        const c = await signIn(s, 'command', AREAS.city);
        const asked = (
          await call('POST', '/health/overrides', a, {
            personIds: ids,
            colour: 'yellow',
            legalBasis: '指挥部令 2022 第 5 号',
            reason: 'building sealed',
            endsAt: NOW + DAY,
          })
        ).json();
        const held = await call('POST', `/health/overrides/${asked.id}/decision`, b, { approve: true, reason: 'seen' });
        assert.equal(held.statusCode, 200, held.body);
        assert.equal(held.json().status, 'held');
        const approvalId = held.json().approvalId as string;
        assert.equal(
          (await call('GET', `/persons/${ids[0]}/health`, b)).json().colour,
          'green',
          'nothing recoloured while held',
        );
        assert.equal((await call('GET', '/health/approvals', a)).statusCode, 403);
        const pending = (await call('GET', '/health/approvals?status=pending', c)).json().items;
        assert.deepEqual(
          pending.map((p: { id: string; people: number; threshold: number }) => [p.id, p.people, p.threshold]),
          [[approvalId, 101, 100]],
        );
        assert.equal(
          (await call('POST', `/health/approvals/${approvalId}/decision`, b, { approve: true, reason: 'x' })).json()
            .code,
          'HEALTH_SAME_USER',
        );
        assert.equal(
          (await call('POST', `/health/approvals/${approvalId}/decision`, a, { approve: true, reason: 'x' }))
            .statusCode,
          403,
        );
        const done = await call('POST', `/health/approvals/${approvalId}/decision`, c, {
          approve: true,
          reason: 'command centre agrees',
        });
        assert.equal(done.statusCode, 200, done.body);
        assert.equal(done.json().status, 'approved');
        assert.equal(done.json().changes, 101);
        const view = (await call('GET', `/persons/${ids[100]}/health`, c)).json();
        assert.equal(view.colour, 'yellow');
        assert.equal(view.history[0].approvalId, approvalId);
        assert.equal(
          (await call('POST', `/health/approvals/${approvalId}/decision`, c, { approve: false, reason: 'x' })).json()
            .code,
          'HEALTH_APPROVAL_NOT_PENDING',
        );
        assert.equal(await everyChangeHasBasis(s), 101);
        // recompute is for command and admin only
        assert.equal((await call('POST', '/health/recompute', a, { all: true })).statusCode, 403);
        const re = await call('POST', '/health/recompute', c, { all: true });
        assert.equal(re.statusCode, 200, re.body);
        assert.equal(re.json().changes, 0);
      } finally {
        await t.app.close();
        await s.close();
      }
    });

    test('signed out and CSRF: refused', async () => {
      const t = await setup(dialect);
      const { s, call } = t;
      try {
        assert.equal((await call('GET', `/persons/${t.wife}/health`)).statusCode, 401);
        assert.equal((await call('GET', '/me/health')).statusCode, 401);
        const a = await signIn(s, 'investigator', AREAS.city);
        const noCsrf = await t.app.inject({
          method: 'POST',
          url: '/api/v1/health/overrides',
          headers: { cookie: a.headers.cookie! },
          payload: {
            personIds: [t.wife],
            colour: 'red',
            legalBasis: '《传染病防治法》',
            reason: 'x',
            endsAt: NOW + DAY,
          },
        });
        assert.equal(noCsrf.statusCode, 403);
        const outside = await signIn(s, 'community_worker', AREAS.xingyang);
        assert.equal((await call('GET', `/persons/${t.wife}/health`, outside)).json().code, 'OUT_OF_SCOPE');
        const lab = await signIn(s, 'lab', AREAS.city);
        assert.equal((await call('GET', `/persons/${t.wife}/health`, lab)).json().code, 'FORBIDDEN');
      } finally {
        await t.app.close();
        await s.close();
      }
    });
  });
}
