import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { testServices, seedTestAreas, signIn, AREAS } from '../support/services.ts';
import { build } from '../../src/app.ts';

for (const { dialect, skip } of await dialects()) {
  describe(`platform HTTP [${dialect}]`, { skip }, () => {
    test('health answers with the dialect and version', async () => {
      const s = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      try {
        const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
        assert.equal(res.statusCode, 200);
        assert.deepEqual(Object.keys(res.json()).sort(), ['checks', 'db', 'jobs', 'status', 'version']);
        assert.ok(Array.isArray(res.json().jobs), 'the scheduled jobs with their state');
        assert.equal(res.json().db, dialect);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('unknown routes and unauthenticated requests get problem+json with a code', async () => {
      const s = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      try {
        const res = await app.inject({ method: 'GET', url: '/api/v1/nope' });
        assert.equal(res.statusCode, 404);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/);
        assert.equal(res.json().code, 'ROUTE_NOT_FOUND');
        const audit = await app.inject({ method: 'GET', url: '/api/v1/audit/events' });
        assert.equal(audit.statusCode, 401);
        assert.equal(audit.json().code, 'UNAUTHENTICATED');
        const en = await app.inject({
          method: 'GET',
          url: '/api/v1/audit/events',
          headers: { 'accept-language': 'en' },
        });
        assert.equal(en.json().detail, 'Please sign in first');
        const bad = await app.inject({
          method: 'GET',
          url: '/api/v1/audit/events',
          headers: { authorization: 'Bearer nope' },
        });
        assert.equal(bad.statusCode, 401);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('the OpenAPI document is served', async () => {
      const s = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      try {
        const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
        assert.equal(res.statusCode, 200);
        assert.equal(res.json().openapi.startsWith('3.'), true);
        assert.ok(res.json().paths['/api/v1/health']);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('roles without audit.read are refused; an auditor reads and verifies', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const denied = await app.inject({ method: 'GET', url: '/api/v1/audit/events', headers: worker.headers });
        assert.equal(denied.statusCode, 403);
        assert.equal(denied.json().code, 'FORBIDDEN');
        const auditor = await signIn(s, 'auditor', AREAS.city);
        const verify = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor.headers });
        assert.equal(verify.statusCode, 200);
        assert.equal(verify.json().ok, true);
        await s.audit(
          s.db,
          { id: null, name: 'system', role: 'system' },
          { action: 'demo.generate', objectType: 'city' },
        );
        const events = await app.inject({ method: 'GET', url: '/api/v1/audit/events', headers: auditor.headers });
        assert.equal(events.json().items.length, 1);
        assert.equal(events.json().nextBeforeSeq, null);
        assert.equal(
          events.json().items[0].at,
          '2022-03-24T08:00:00+08:00',
          'instants leave the API as ISO 8601 with offset',
        );
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
