import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { testServices, seedTestAreas, signIn, AREAS } from '../support/services.ts';
import { build } from '../../src/app.ts';

const URL = '/api/v1/testing/pool-advisor';

for (const { dialect, skip } of await dialects()) {
  describe(`pool-size advisor HTTP [${dialect}]`, { skip }, () => {
    test('command, lab and admin get the table and the recommendation', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        for (const role of ['command', 'lab', 'admin'] as const) {
          const user = await signIn(s, role, AREAS.city);
          const res = await app.inject({ method: 'GET', url: `${URL}?prevalence=0.01`, headers: user.headers });
          assert.equal(res.statusCode, 200, `${role}: ${res.body}`);
          const body = res.json();
          assert.deepEqual(
            body.rows.map((r: { k: number }) => r.k),
            [1, 5, 10, 20],
          );
          assert.equal(body.recommendation.poolSize, 10);
          assert.equal(body.recommendation.reason, 'lowest_expected_tests');
          assert.ok(Math.abs(body.rows[2].dorfman - 0.1956) < 5e-5);
          assert.equal(body.rows[2].tubesPer10k, 1000);
          assert.ok(Math.abs(body.rows[3].ctShift - 4.32) < 0.005);
          assert.equal(body.rows[0].threeStage, null);
          assert.deepEqual(
            body.controlLevels.map((c: { controlLevel: string; mandatedPoolSize: number }) => [
              c.controlLevel,
              c.mandatedPoolSize,
            ]),
            [
              ['sealed', 1],
              ['controlled', 10],
              ['prevention', 20],
              ['quarantine_site', 1],
              ['key_group', 1],
            ],
          );
          assert.equal(body.theory.optimalPoolSize, 11);
          assert.match(body.rules.effectiveFrom, /^\d{4}-\d{2}-\d{2}$/);
        }
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('the Ct limit, the size mode and the 30.7 % threshold come through the query', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const { headers } = await signIn(s, 'command', AREAS.city);
        const ct = await app.inject({ method: 'GET', url: `${URL}?prevalence=1%25&ctCutoff=40&typicalCt=37`, headers });
        assert.equal(ct.statusCode, 200);
        assert.deepEqual(
          ct.json().rows.map((r: { allowed: boolean }) => r.allowed),
          [true, true, false, false],
        );
        assert.equal(ct.json().recommendation.poolSize, 5);
        const any = await app.inject({ method: 'GET', url: `${URL}?prevalence=0.05&sizes=any`, headers });
        assert.equal(any.json().rows.length, 32);
        assert.equal(any.json().recommendation.poolSize, 5);
        assert.equal(any.json().sizeMode, 'any');
        const high = await app.inject({ method: 'GET', url: `${URL}?prevalence=0.4&sizes=any`, headers });
        assert.equal(high.json().recommendation.poolSize, 1);
        assert.equal(high.json().recommendation.reason, 'prevalence_above_threshold');
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('refused without testing.plan, and when signed out', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const denied = await app.inject({ method: 'GET', url: `${URL}?prevalence=0.01`, headers: worker.headers });
        assert.equal(denied.statusCode, 403);
        assert.equal(denied.json().code, 'FORBIDDEN');
        const anonymous = await app.inject({ method: 'GET', url: `${URL}?prevalence=0.01` });
        assert.equal(anonymous.statusCode, 401);
        assert.equal(anonymous.json().code, 'UNAUTHENTICATED');
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('bad input → 400 ADVISOR_INPUT_INVALID naming the option', async () => {
      const s = await testServices(dialect);
      await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const { headers } = await signIn(s, 'lab', AREAS.city);
        const cases: Array<[string, string]> = [
          ['', 'prevalence'],
          ['prevalence=0', 'prevalence'],
          ['prevalence=1.5', 'prevalence'],
          ['prevalence=abc', 'prevalence'],
          ['prevalence=0.01&sizes=5,50', 'sizes'],
          ['prevalence=0.01&typicalCt=45', 'typicalCt'],
          ['prevalence=0.01&sensitivity=2', 'sensitivity'],
        ];
        for (const [query, option] of cases) {
          const res = await app.inject({ method: 'GET', url: `${URL}?${query}`, headers });
          assert.equal(res.statusCode, 400, query);
          assert.match(String(res.headers['content-type']), /application\/problem\+json/);
          assert.equal(res.json().code, 'ADVISOR_INPUT_INVALID', query);
          assert.equal(res.json().option, option, query);
        }
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('the endpoint is in the OpenAPI document', async () => {
      const s = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      try {
        const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
        assert.ok(res.json().paths['/api/v1/testing/pool-advisor'].get);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
