// The check-in writer on PostgreSQL (checkin.pgwriter.ts): scans gathered into batches, one transaction
// and one COMMIT each; two processes over one database keep a venue's capacity exact (advisory locks);
// a group with an unknown member writes nothing; the same queued scan twice in one batch is stored
// once; and a process killed in the middle of a stream has lost nothing it acknowledged and left no
// group half-written. PostgreSQL only: SQLite's writer has its own tests (checkin.writer.test.ts,
// checkin.durability.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, type DbHandle } from '../../src/db/connect.ts';
import { ingestCheckin, ingestCheckins, writerFor } from '../../src/venues/checkin.ingest.ts';
import { dialects, freshDatabase, PG_URL } from '../support/dialects.ts';
import { entry, seed } from '../support/checkin.fixture.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pg = (await dialects()).find((d) => d.dialect === 'postgres') ?? { skip: 'PostgreSQL not selected' };

const services = (h: DbHandle) => ({ db: h.db, dialect: h.dialect, handle: h });

test(
  'batches on PostgreSQL: capacity exact across two processes, groups whole, one queued scan stored once',
  { skip: pg.skip },
  async () => {
    const a = await freshDatabase('postgres');
    const b = connect({ databaseUrl: PG_URL, pgSchema: a.pgSchema, poolSize: 4 });
    try {
      await seed(a, 3);
      const now = Date.now();
      // Forty scans at once, half through each process: exactly three admitted.
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => ingestCheckin(services(i % 2 ? b : a), entry(`p${i % 10}`, now))),
      );
      assert.equal(results.filter((r) => r.row.decision === 'admitted').length, 3);
      assert.ok(results.every((r) => r.stored));
      const stored = await a.db
        .selectFrom('checkin')
        .select(['decision', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('decision')
        .execute();
      assert.deepEqual(Object.fromEntries(stored.map((r) => [r.decision, Number(r.n)])), { admitted: 3, refused: 37 });
      // Batched: fewer transactions than scans.
      const statsA = writerFor(services(a)).stats;
      assert.equal(statsA.jobs, 20);
      assert.ok(statsA.batches < statsA.jobs, `${statsA.batches} batches for ${statsA.jobs} scans`);

      // A group with an unknown member: nobody stored, and the batch's other jobs are.
      const before = await count(a);
      const [bad, good] = await Promise.allSettled([
        ingestCheckins(services(a), [entry('p1', now), entry('nobody', now), entry('p2', now)]),
        ingestCheckin(services(a), entry('p3', now)),
      ]);
      assert.equal(bad.status, 'rejected');
      assert.equal((bad as PromiseRejectedResult).reason.code, 'PERSON_NOT_FOUND');
      assert.equal(good.status, 'fulfilled');
      assert.equal(await count(a), before + 1);

      // The same queued scan twice at once (in one batch, or two racing for the venue's lock) and once more
      // later: one row, and every answer is that row.
      const first = entry('p4', now);
      const again = { ...entry('p4', now), row: { ...first.row, id: 'other-id' } };
      const [x, y] = await Promise.all([ingestCheckin(services(a), first), ingestCheckin(services(a), again)]);
      const z = await ingestCheckin(services(b), { ...again, row: { ...again.row, id: 'third-id' } });
      assert.deepEqual([x.stored, y.stored, z.stored].filter(Boolean), [true]);
      assert.equal(z.stored, false);
      assert.deepEqual([x.row.id, y.row.id, z.row.id], Array(3).fill((x.stored ? x : y).row.id));
      assert.equal(await count(a), before + 2);
    } finally {
      await b.close();
      await a.close();
    }
  },
);

async function count(h: DbHandle): Promise<number> {
  const r = await h.db
    .selectFrom('checkin')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

test(
  'a process killed mid-stream: every acknowledged group stored, none half-written',
  { skip: pg.skip, timeout: 120_000 },
  async () => {
    const h = await freshDatabase('postgres');
    try {
      await seed(h, 1_000_000);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/support/pg.checkin.child.ts', PG_URL, h.pgSchema!, 'v1'],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const acked: number[] = [];
      let batches = 0;
      let jobs = 0;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      for await (const line of createInterface({ input: child.stdout! })) {
        const [kind, x, y] = line.split(' ');
        if (kind === 'ack') acked.push(Number(x));
        if (kind === 'stats') [batches, jobs] = [Number(x), Number(y)];
        if (acked.length === 600) child.kill('SIGKILL');
      }
      await exited;
      assert.equal(child.signalCode, 'SIGKILL');
      assert.ok(jobs > batches, `batched: ${jobs} groups in ${batches} transactions`);

      const rows = await h.db.selectFrom('checkin').select(['client_id']).execute();
      const members = new Map<number, number>();
      for (const r of rows) {
        const group = Number(/^g(\d+)-\d$/.exec(r.client_id!)![1]);
        members.set(group, (members.get(group) ?? 0) + 1);
      }
      const lost = acked.filter((g) => members.get(g) !== 3);
      assert.deepEqual(lost, [], `${lost.length} acknowledged groups missing`);
      const partial = [...members].filter(([, n]) => n !== 3);
      assert.deepEqual(partial, [], 'no group half-written');
      assert.ok(members.size >= acked.length);
    } finally {
      await h.close();
    }
  },
);
