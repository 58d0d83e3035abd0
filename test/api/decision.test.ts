// Decision support over HTTP on both dialects: Rt by day from a seeded outbreak (local and imported, the
// serial interval from the city's own pairs), bad serial intervals and windows refused with their codes,
// too few cases said so, a projection stored with its demand and scored by the job once its days have
// passed, and area scope.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices } from '../support/services.ts';
import { personRow } from '../support/tracing.city.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { insertHouseholds, insertPersons } from '../../src/registry/roster.store.ts';
import { seedDemoOutbreak } from '../../src/decision/decision.demo.ts';
import { scoreDueProjections } from '../../src/decision/decision.service.ts';
import { decisionJobs } from '../../src/decision/decision.jobs.ts';
import { JobRunner } from '../../src/platform/jobs.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import type { ProjectionView, RtView } from '../../src/decision/decision.schema.ts';

const NOW = Date.parse('2022-07-24T08:00:00+08:00');
const DAY = 86_400_000;

async function setup(dialect: 'sqlite' | 'postgres', people = 3000) {
  const s = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  const households = [];
  const persons = [];
  for (let i = 0; i < people; i++) {
    const areaId = areas[i % 2 ? AREAS.wenyuanGrid : AREAS.xingyangGrid];
    const hid = `h${i}`;
    households.push({
      id: hid,
      building_id: null,
      area_id: areaId,
      unit: '',
      door: String(i),
      address: '',
      rooms: null,
      head_person_id: null,
      created_at: NOW - 60 * DAY,
      updated_at: NOW - 60 * DAY,
    });
    persons.push(personRow(`p${i}`, areaId, hid));
  }
  await insertHouseholds(s.db, households);
  await insertPersons(s.db, persons);
  const app: App = await build(s, { serveWeb: false });
  const call = (method: 'GET' | 'POST', url: string, who?: { headers: Record<string, string> }, payload?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const command = await signIn(s, 'command', AREAS.city);
  return { s, app, call, areas, command };
}

for (const { dialect, skip } of await dialects()) {
  describe(`decision support (${dialect})`, { skip }, () => {
    test('Rt by day, projections with demand, scores, and refusals', async () => {
      const { s, app, call, areas, command } = await setup(dialect);
      try {
        // Before any case: no estimate, and a projection is refused saying why.
        const empty = await call('GET', '/decision/rt', command);
        assert.equal(empty.statusCode, 200, empty.body);
        assert.equal((empty.json() as RtView).latest, null);
        const refused = await call('POST', '/decision/projections', command, {});
        assert.equal(refused.statusCode, 409);
        assert.equal(refused.json().code, 'DECISION_TOO_FEW_CASES');

        const seeded = await seedDemoOutbreak(s, { seed: 3 });
        assert.ok(seeded.cases >= 300, `cases ${seeded.cases}`);
        assert.ok(seeded.projections >= 1);
        assert.ok(seeded.scored >= 1, 'the older demo projections are scored');

        const res = await call('GET', '/decision/rt', command);
        assert.equal(res.statusCode, 200, res.body);
        const rt = res.json() as RtView;
        assert.equal(rt.window, 7);
        assert.deepEqual(rt.prior, { shape: 1, scale: 5 });
        assert.equal(rt.days.length, 56);
        // Every case counts once, on its onset (else sample) day; the few sampled today fall after the series.
        const counted = rt.days.reduce((n, d) => n + d.local + d.imported, 0);
        assert.ok(counted <= seeded.cases && counted >= seeded.cases - 20, `${counted} of ${seeded.cases}`);
        assert.ok(rt.days.some((d) => d.imported > 0));
        assert.ok(rt.withoutOnset > 0, 'asymptomatic infections count on their sample day');
        assert.equal(rt.serialInterval.source, 'pairs');
        assert.ok(rt.serialInterval.pairs.used >= rt.serialInterval.pairs.minPairs);
        assert.ok(rt.latest, 'an estimate for yesterday');
        // The closed form: mean = shape × scale with shape = 1 + window cases, scale = 1/(1/5 + Λ).
        const last = rt.days[rt.days.length - 1];
        assert.ok(last.rt);
        assert.equal(last.rt.shape, 1 + last.windowCases);
        assert.ok(Math.abs(last.rt.scale - 1 / (0.2 + last.infectiousness)) < 1e-12);
        assert.ok(last.rt.q025 < last.rt.mean && last.rt.mean < last.rt.q975);
        assert.ok(rt.days.slice(0, 10).every((d) => d.rt === null && d.reason !== null));
        assert.deepEqual(
          rt.areas.map((a) => a.level),
          ['city', 'district'],
        );

        // A district: the same cases here (the test city has one district).
        const district = await call('GET', `/decision/rt?areaId=${areas[AREAS.district]}`, command);
        assert.equal(district.statusCode, 200);
        assert.equal((district.json() as RtView).area.level, 'district');

        // The request's serial interval, and bad ones refused with code and field.
        const given = await call('GET', '/decision/rt?siMean=4&siSd=2&window=5', command);
        assert.equal(given.statusCode, 200);
        assert.equal((given.json() as RtView).serialInterval.source, 'request');
        assert.equal((given.json() as RtView).window, 5);
        const bad = async (qs: string, code: string, field: string) => {
          const r = await call('GET', `/decision/rt?${qs}`, command);
          assert.equal(r.statusCode, 400, `${qs}: ${r.body}`);
          assert.equal(r.json().code, code, qs);
          assert.equal(r.json().errors?.[0]?.field, field, qs);
        };
        await bad('siMean=0&siSd=1', 'DECISION_SI_MEAN', 'si.mean');
        await bad('siMean=-3&siSd=1', 'DECISION_SI_MEAN', 'si.mean');
        await bad('siMean=3&siSd=0', 'DECISION_SI_SD', 'si.sd');
        await bad('siDistribution=0,0.5,0.4', 'DECISION_SI_DISCRETE', 'si.distribution');
        await bad('siDistribution=0.1,0.9', 'DECISION_SI_DISCRETE', 'si.distribution[0]');
        await bad('window=0', 'DECISION_WINDOW', 'window');
        const discrete = await call('GET', '/decision/rt?siDistribution=0,0.2,0.5,0.3', command);
        assert.equal(discrete.statusCode, 200, discrete.body);
        assert.equal((discrete.json() as RtView).serialInterval.kind, 'discrete');

        // A projection: stored with its demand, the same seed giving the same bands.
        const made = await call('POST', '/decision/projections', command, { seed: 42 });
        assert.equal(made.statusCode, 201, made.body);
        const p = made.json() as ProjectionView;
        assert.equal(p.days.length, 14);
        assert.equal(p.firstDay, '2022-07-24');
        assert.ok(p.days.every((d) => d.q025 <= d.q25 && d.q25 <= d.median && d.median <= d.q75 && d.q75 <= d.q975));
        assert.equal(p.demand.centralisedDays, 7);
        assert.ok(p.demand.contactsPerCase > 0 && p.demand.bedShare > 0 && p.demand.bedShare < 1);
        assert.ok(p.demand.high.roomDays >= p.demand.median.roomDays);
        assert.equal(p.score, null);
        const again = await call('POST', '/decision/projections', command, { seed: 42 });
        assert.deepEqual(
          (again.json() as ProjectionView).days.map((d) => d.median),
          p.days.map((d) => d.median),
        );
        const one = await call('GET', `/decision/projections/${p.id}`, command);
        assert.equal(one.statusCode, 200);
        assert.deepEqual(one.json(), p);
        assert.equal(
          (await call('GET', '/decision/projections/nope', command)).json().code,
          'DECISION_PROJECTION_NOT_FOUND',
        );

        // Scored by the job once its 14 days and the settling days have passed; a restart loses nothing.
        s.clock.set(NOW + 16 * DAY);
        assert.equal(await scoreDueProjections(s), 0, 'not yet: settling days');
        s.clock.set(NOW + 17 * DAY);
        const runner = new JobRunner(s, decisionJobs(), { log: () => {} });
        assert.deepEqual(await runner.tick(), { 'decision.score-projections': 'ran' });
        const later = await signIn(s, 'command', AREAS.city); // sessions lapse over 17 days
        const list = await call('GET', '/decision/projections', later);
        assert.equal(list.statusCode, 200, list.body);
        const scored = (list.json().items as ProjectionView[]).find((x) => x.id === p.id)!;
        assert.ok(scored.score, 'scored');
        assert.equal(scored.score.days, 14);
        assert.ok(scored.score.coverage95 >= 0 && scored.score.coverage95 <= 1);
        assert.ok(scored.score.wis >= 0);
        assert.ok(scored.days.every((d) => d.observed !== null));
        assert.equal(await scoreDueProjections(s), 0, 'scored once');

        // Scope and permissions.
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        assert.equal((await call('GET', '/decision/rt', worker)).statusCode, 403);
        const xingyang = await signIn(s, 'command', AREAS.xingyang);
        const other = await call('GET', `/decision/rt?areaId=${areas[AREAS.wenyuan]}`, xingyang);
        assert.equal(other.statusCode, 403);
        assert.equal(other.json().code, 'OUT_OF_SCOPE');
        assert.equal((await call('GET', `/decision/projections/${p.id}`, xingyang)).json().code, 'OUT_OF_SCOPE');
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
