// The job runner (src/platform/jobs.ts): of several runners on one database a job runs once per
// period, a dead holder's lease passes to another after it expires, a failure is recorded and the
// health report's view of the leases says so. Runners here stand for processes: each has its own
// holder name; they tick by hand on the fake clock.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { JobRunner, jobStatuses, LEASE_MS, type Job } from '../../src/platform/jobs.ts';

const MIN = 60_000;

function counted(name: string, everyMs: number, work: () => Promise<void> = async () => {}) {
  const runs: number[] = [];
  const job: Job = {
    name,
    everyMs,
    run: async (_s, ctx) => {
      runs.push(ctx.startedAt);
      await work();
    },
  };
  return { job, runs };
}

for (const { dialect, skip } of await dialects()) {
  describe(`scheduled jobs [${dialect}]`, { skip }, () => {
    test('two runners on one database: the job runs once per period, whichever ticks', async () => {
      const s = await testServices(dialect);
      try {
        const { job, runs } = counted('test.every-minute', MIN);
        const a = new JobRunner(s, [job], { holder: 'a' });
        const b = new JobRunner(s, [job], { holder: 'b' });
        const first = await Promise.all([a.tick(), b.tick()]);
        assert.deepEqual(first.map((o) => o[job.name]).sort(), ['ran', 'skipped']);
        assert.equal(runs.length, 1);
        s.clock.advance(MIN / 2);
        assert.deepEqual([(await a.tick())[job.name], (await b.tick())[job.name]], ['skipped', 'skipped']);
        s.clock.advance(MIN / 2);
        assert.equal((await b.tick())[job.name], 'ran');
        assert.equal((await a.tick())[job.name], 'skipped');
        assert.equal(runs.length, 2);
        const [status] = await jobStatuses(s.db, s.clock.now());
        assert.equal(status!.state, 'ok');
        assert.equal(status!.holder, 'b');
        assert.equal(status!.lastOkAt, s.clock.now());
      } finally {
        await s.close();
      }
    });

    test('a holder that died mid-run keeps the job until its lease expires, then another takes it over', async () => {
      const s = await testServices(dialect);
      try {
        let release = () => {};
        const stuck = new Promise<void>((resolve) => (release = resolve));
        const { job, runs } = counted('test.hourly', 60 * MIN, () => (runs.length === 1 ? stuck : Promise.resolve()));
        const dead = new JobRunner(s, [job], { holder: 'dead' });
        const alive = new JobRunner(s, [job], { holder: 'alive' });
        const deadRun = dead.tick(); // never finishes while the test looks: its process "died"
        while (runs.length === 0) await new Promise((r) => setTimeout(r, 5));
        assert.equal((await jobStatuses(s.db, s.clock.now()))[0]!.state, 'running');
        s.clock.advance(LEASE_MS - 1);
        assert.equal((await alive.tick())[job.name], 'skipped', 'the lease still holds');
        s.clock.advance(1);
        assert.equal((await jobStatuses(s.db, s.clock.now()))[0]!.state, 'abandoned');
        assert.equal((await alive.tick())[job.name], 'ran', 'taken over at once, not a period later');
        assert.equal(runs.length, 2);
        const [status] = await jobStatuses(s.db, s.clock.now());
        assert.deepEqual([status!.state, status!.holder], ['ok', 'alive']);
        // The dead process's run, should it end after all, does not overwrite the newer run's record.
        release();
        assert.equal((await deadRun)[job.name], 'ran');
        assert.equal((await jobStatuses(s.db, s.clock.now()))[0]!.holder, 'alive');
      } finally {
        await s.close();
      }
    });

    test('a failed run is recorded with its error, retried next period, and cleared by a success', async () => {
      const s = await testServices(dialect);
      const logged: string[] = [];
      try {
        let fail = true;
        const job: Job = {
          name: 'test.flaky',
          everyMs: MIN,
          run: async () => {
            if (fail) throw new Error('the gateway said no');
            return 'done';
          },
        };
        const runner = new JobRunner(s, [job], { holder: 'p', log: (m) => logged.push(m) });
        assert.equal((await runner.tick())[job.name], 'failed');
        let [status] = await jobStatuses(s.db, s.clock.now());
        assert.deepEqual([status!.state, status!.lastError, status!.lastOkAt], ['failed', 'the gateway said no', null]);
        assert.equal((await runner.tick())[job.name], 'skipped', 'not before its period');
        fail = false;
        s.clock.advance(MIN);
        assert.equal((await runner.tick())[job.name], 'ran');
        [status] = await jobStatuses(s.db, s.clock.now());
        assert.deepEqual([status!.state, status!.lastError, status!.lastOkAt], ['ok', null, s.clock.now()]);
        assert.deepEqual(logged, ['test.flaky failed: the gateway said no', 'done']);
      } finally {
        await s.close();
      }
    });

    test('the context carries the start of the latest successful run, wherever it ran', async () => {
      const s = await testServices(dialect);
      try {
        const seen: Array<number | null> = [];
        const job: Job = { name: 'test.since', everyMs: MIN, run: async (_s, ctx) => void seen.push(ctx.lastOkAt) };
        const start = s.clock.now();
        await new JobRunner(s, [job], { holder: 'a' }).tick();
        s.clock.advance(MIN);
        await new JobRunner(s, [job], { holder: 'b' }).tick();
        assert.deepEqual(seen, [null, start]);
      } finally {
        await s.close();
      }
    });

    test('the health report lists the jobs; the holder and the last error only to an administrator of the whole deployment', async () => {
      const s = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      try {
        await seedTestAreas(s);
        const job: Job = {
          name: 'test.reported',
          everyMs: MIN,
          run: async () => {
            throw new Error('no answer from the gateway');
          },
        };
        await new JobRunner(s, [job], { holder: 'host:42:abc', log: () => {} }).tick();
        const jobsFor = async (headers: Record<string, string> = {}) =>
          (await app.inject({ method: 'GET', url: '/api/v1/health', headers })).json().jobs as unknown[];
        const admin = await signIn(s, 'admin', AREAS.city);
        const local = await signIn(s, 'admin', AREAS.wenyuan);
        const at = s.clock.now();
        assert.deepEqual(await jobsFor(admin.headers), [
          {
            name: 'test.reported',
            state: 'failed',
            holder: 'host:42:abc',
            lastRunAt: at,
            lastOkAt: null,
            lastError: 'no answer from the gateway',
          },
        ]);
        const plain = [{ name: 'test.reported', state: 'failed', lastRunAt: at, lastOkAt: null }];
        assert.deepEqual(await jobsFor(local.headers), plain);
        assert.deepEqual(await jobsFor(), plain);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
