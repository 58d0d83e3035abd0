// Venue registration details and the two-person approval: the operator's responsible person, contact
// phone (sealed, masked, revealed only with a reason and audited) and licence; whoever registered a
// venue cannot approve it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { phoneLookup } from '../../src/registry/person.codec.ts';
import { mayApprove } from '../../src/venues/venue.rules.ts';

const PHONE = '13912345678';

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });
  const operator = await signIn(s, 'venue_operator', AREAS.wenyuan);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const body = {
    areaId: areas[AREAS.wenyuanGrid]!,
    name: '文苑生鲜超市',
    category: 'supermarket',
    address: '文苑路8号',
    capacity: 120,
    responsiblePerson: '李四海',
    contactPhone: PHONE,
    licenceNo: '91220402ma0xk7lq3u',
  };
  return { s, areas, app, call, operator, worker, body };
}

test('two-person rule: the registrant may not approve; an unknown registrant may be approved by anyone', () => {
  assert.equal(mayApprove('u1', 'u1'), false);
  assert.equal(mayApprove('u1', 'u2'), true);
  assert.equal(mayApprove(null, 'u2'), true);
});

for (const { dialect, skip } of await dialects()) {
  describe(`venue operator details and approval [${dialect}]`, { skip }, () => {
    test('registered with responsible person, contact phone and licence: the phone sealed and masked, the audit without it', async () => {
      const t = await setup(dialect);
      try {
        const res = await t.call('POST', '/venues', t.operator, t.body);
        assert.equal(res.statusCode, 201, res.body);
        const v = res.json();
        assert.equal(v.registeredBy, t.operator.userId);
        assert.equal(v.responsiblePerson, '李四海');
        assert.equal(v.contactPhone, '139****5678');
        assert.equal(v.licenceNo, '91220402MA0XK7LQ3U');
        assert.ok(!res.body.includes(PHONE));
        const row = await t.s.db.selectFrom('venue').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
        assert.ok(row.contact_phone_enc && !row.contact_phone_enc.includes(PHONE));
        assert.equal(row.contact_phone_hmac, phoneLookup(t.s.cipher, PHONE));
        const listed = await t.call('GET', '/venues', t.worker);
        assert.equal(listed.json().items[0].contactPhone, '139****5678');
        assert.ok(!listed.body.includes(PHONE));
        const events = await t.s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'venue.create')
          .execute();
        assert.equal(events.length, 1);
        assert.ok(!String(events[0]!.detail).includes(PHONE) && !String(events[0]!.detail).includes('5678'));

        const bad = await t.call('POST', '/venues', t.operator, { ...t.body, contactPhone: '12345' });
        assert.equal(bad.statusCode, 400);
        assert.equal(bad.json().code, 'VENUE_CONTACT_PHONE_FORMAT');
        const badLicence = await t.call('POST', '/venues', t.operator, { ...t.body, licenceNo: '许可证 1' });
        assert.equal(badLicence.statusCode, 400);
        assert.equal(badLicence.json().code, 'VALIDATION');
        // Without the new fields a venue registers as before.
        const plain = await t.call('POST', '/venues', t.worker, {
          areaId: t.body.areaId,
          name: '文苑小区北门',
          category: 'residential_gate',
          capacity: 50,
        });
        assert.equal(plain.statusCode, 201, plain.body);
        assert.deepEqual(
          [plain.json().responsiblePerson, plain.json().contactPhone, plain.json().licenceNo],
          [null, null, null],
        );
        assert.equal(
          await t.s.db
            .selectFrom('venue')
            .select('id')
            .where('contact_phone_hmac', 'is', null)
            .execute()
            .then((r) => r.length),
          1,
        );
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('approval by another person: self-approval refused with its own code, nothing changed', async () => {
      const t = await setup(dialect);
      try {
        const own = (await t.call('POST', '/venues', t.worker, t.body)).json();
        const self = await t.call('POST', `/venues/${own.id}/approve`, t.worker);
        assert.equal(self.statusCode, 403);
        assert.equal(self.json().code, 'VENUE_SELF_APPROVAL');
        assert.equal((await t.call('GET', `/venues/${own.id}`, t.worker)).json().status, 'pending');
        assert.equal(
          (await t.s.db.selectFrom('audit_event').select('seq').where('action', '=', 'venue.approve').execute()).length,
          0,
        );

        const colleague = await signIn(t.s, 'community_worker', AREAS.wenyuan);
        const ok = await t.call('POST', `/venues/${own.id}/approve`, colleague);
        assert.equal(ok.statusCode, 200, ok.body);
        assert.equal(ok.json().approvedBy, colleague.userId);
        assert.equal(ok.json().registeredBy, t.worker.userId);
        // Suspending is not approving: the registrant may stop their own venue's code.
        assert.equal(
          (await t.call('POST', `/venues/${own.id}/suspend`, t.worker, { reason: '停业整顿' })).statusCode,
          200,
        );
        assert.equal((await t.call('POST', `/venues/${own.id}/approve`, t.worker)).json().code, 'VENUE_SELF_APPROVAL');

        // The operator's venue: the operator cannot approve at all; a worker of another area is out of scope.
        const shop = (await t.call('POST', '/venues', t.operator, t.body)).json();
        assert.equal((await t.call('POST', `/venues/${shop.id}/approve`, t.operator)).json().code, 'FORBIDDEN');
        const xingyang = await signIn(t.s, 'community_worker', AREAS.xingyang);
        assert.equal((await t.call('POST', `/venues/${shop.id}/approve`, xingyang)).json().code, 'OUT_OF_SCOPE');
        assert.equal((await t.call('POST', `/venues/${shop.id}/approve`, t.worker)).statusCode, 200);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('the full contact phone: with a reason, audited; refused without the permission or outside the area', async () => {
      const t = await setup(dialect);
      try {
        const shop = (await t.call('POST', '/venues', t.operator, t.body)).json();
        const none = await t.call('POST', `/venues/${shop.id}/contact/reveal`, t.worker, {});
        assert.equal(none.statusCode, 400);
        const shown = await t.call('POST', `/venues/${shop.id}/contact/reveal`, t.worker, { reason: '核实经营者身份' });
        assert.equal(shown.statusCode, 200, shown.body);
        assert.deepEqual(shown.json(), { venueId: shop.id, contactPhone: PHONE });
        const events = await t.s.db
          .selectFrom('audit_event')
          .select(['actor_id', 'reason', 'object_id'])
          .where('action', '=', 'venue.contact.reveal')
          .execute();
        assert.deepEqual(
          events.map((e) => [e.actor_id, e.reason, e.object_id]),
          [[t.worker.userId, '核实经营者身份', shop.id]],
        );

        assert.equal(
          (await t.call('POST', `/venues/${shop.id}/contact/reveal`, t.operator, { reason: 'x' })).json().code,
          'FORBIDDEN',
        );
        const investigator = await signIn(t.s, 'investigator', AREAS.city);
        assert.equal(
          (await t.call('POST', `/venues/${shop.id}/contact/reveal`, investigator, { reason: 'x' })).json().code,
          'FORBIDDEN',
        );
        const xingyang = await signIn(t.s, 'community_worker', AREAS.xingyang);
        assert.equal(
          (await t.call('POST', `/venues/${shop.id}/contact/reveal`, xingyang, { reason: 'x' })).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal(
          (await t.call('POST', `/venues/${shop.id}/contact/reveal`, undefined, { reason: 'x' })).statusCode,
          401,
        );
        assert.equal(
          (await t.s.db.selectFrom('audit_event').select('seq').where('action', '=', 'venue.contact.reveal').execute())
            .length,
          1,
        );
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });
  });
}
