// The floors of the check-in benchmark (npm run bench -- checkin --floors): servers that do only part
// of a check-in, behind the same Fastify route, body and answer schemas as Cordon's, so the benchmark
// shows what each part costs in the same run:
//   route   the route alone: parse and validate the body, answer a fixed verification (201);
//   append  + a durable acknowledgement at its cheapest: the check-in row appended to a table without
//           indexes by a writer thread, one transaction (one fsync) a batch (floors/append.worker.ts);
//   fold    + the appended rows moved into the check-in table with its indexes, 2,000 at a time, behind
//           the acknowledgements (the indexes kept at the least cost a row);
//   write   + Cordon's own durable write instead (checkin.ingest.ts: the writer thread, the check-in
//           table and its indexes, the entry decided), without sign-in, code verification or the
//           door's answer.
// Usage: node --import tsx bench/floors/server.ts <route|append|fold|write> <dataDir> <port>
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { newId } from '../../src/platform/crypto.ts';
import { startWorker } from '../../src/platform/workers.ts';
import { ingestCheckin } from '../../src/venues/checkin.ingest.ts';
import { parseVenueCode } from '../../src/venues/venue.codes.ts';
import { CheckinBody, ExitSchema, VerificationSchema, type VerificationView } from '../../src/venues/venue.schema.ts';
import { categoryOf, dwellOf } from '../../src/venues/venue.service.ts';
import type { CheckinTable, VenueTable } from '../../src/db/database.ts';
import { FLOORS, type Floor } from './names.ts';

const [floor, dataDir, port] = process.argv.slice(2) as [Floor, string, string];
if (!FLOORS.includes(floor)) throw new Error(`floor must be one of ${FLOORS.join(', ')}`);

const s = await createServices(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }, { dataDir }));
const venues = new Map(
  (await s.db.selectFrom('venue').selectAll().execute()).map((v): [string, VenueTable] => [v.id, v]),
);
const anyPerson = (await s.db.selectFrom('person').select('id').executeTakeFirstOrThrow()).id;

/** Appends check-in rows durably on a thread, a batch at a time; resolves once committed. */
class AppendFloor {
  private readonly worker: Worker;
  private queue: Array<{ row: CheckinTable; resolve(): void }> = [];
  private inFlight: typeof this.queue | null = null;

  constructor(fold: boolean) {
    this.worker = startWorker(new URL('./append.worker.ts', import.meta.url), {
      file: path.join(dataDir, 'cordon.db'),
      fold,
    });
    this.worker.on('message', () => {
      for (const p of this.inFlight!) p.resolve();
      this.inFlight = null;
      this.pump();
    });
  }

  append(row: CheckinTable): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ row, resolve });
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0) return;
    this.inFlight = this.queue.splice(0);
    this.worker.postMessage({ rows: JSON.stringify(this.inFlight.map((p) => p.row)) });
  }
}
const appendFloor = floor === 'append' || floor === 'fold' ? new AppendFloor(floor === 'fold') : null;

const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
await app.register(cookie);
app.post(
  '/api/v1/checkins',
  { schema: { body: CheckinBody, response: { 201: VerificationSchema } } },
  async (request, reply) => {
    const body = request.body as CheckinBody;
    const now = Date.now();
    const venue = venues.get(parseVenueCode(body.code)?.venueId ?? '');
    if (!venue) throw new Error('unknown venue');
    const personId = body.personId ?? anyPerson;
    const row: CheckinTable = {
      id: newId(now),
      venue_id: venue.id,
      person_id: personId,
      client_id: body.clientId ?? null,
      method: 'assisted',
      entered_at: now,
      exited_at: null,
      exit_kind: null,
      decision: 'admitted',
      refusal_code: null,
      colour: 'green',
      reasons: null,
      test_sampled_at: null,
      test_result: null,
      vaccinated: null,
      created_at: now,
      scan_gap_ms: 0,
    };
    let checkinId = row.id;
    if (appendFloor) await appendFloor.append(row);
    else if (floor === 'write') {
      // Cordon's ingest decides the entry itself (the person's facts, the venue's policy and count).
      const stored = await ingestCheckin(s, {
        venueId: venue.id,
        dwellMs: dwellOf(venue) * 60_000,
        policy: categoryOf(venue.category).entryPolicy,
        capacity: venue.capacity,
        facts: null,
        sameScanSince: null,
        rescan: false,
        row: { ...row, decision: 'refused' },
      });
      checkinId = stored.row.id;
    }
    reply.status(201);
    const answer: VerificationView = {
      checkinId,
      decision: 'admitted',
      colour: 'green',
      maskedName: '*三',
      latestTest: null,
      vaccinated: null,
      venueId: venue.id,
      venueName: venue.name,
      method: 'assisted',
      reasons: [],
      at: now,
      duplicate: false,
    };
    return answer;
  },
);
app.post('/api/v1/checkins/:id/exit', { schema: { response: { 200: ExitSchema } } }, async (request) => {
  const now = Date.now();
  return {
    checkinId: (request.params as { id: string }).id,
    venueId: '',
    enteredAt: now,
    exitedAt: now,
    exitKind: 'guard',
  };
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
console.log('floor listening');
