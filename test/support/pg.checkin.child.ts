// A process streaming check-ins into a PostgreSQL schema through the batched writer, for the kill
// test (test/db/checkin.pgbatch.test.ts): groups of three entries (a resident with two dependants),
// many in flight; prints `ack <group>` once a group's promise resolved (after its COMMIT), and
// `stats <batches> <jobs>` every so often. Arguments: the PostgreSQL URL, the schema, the venue.
import { connect } from '../../src/db/connect.ts';
import { ingestCheckins, writerFor, type WriteJob } from '../../src/venues/checkin.ingest.ts';

const [url, schema, venueId] = process.argv.slice(2) as [string, string, string];
const handle = connect({ databaseUrl: url, pgSchema: schema, poolSize: 4 });
const s = { db: handle.db, dialect: handle.dialect, handle };
const IN_FLIGHT = 48;

function entry(group: number, k: number, now: number): WriteJob {
  return {
    venueId,
    dwellMs: 30 * 60_000,
    capacity: 1_000_000,
    sameScanSince: null,
    policy: { allowedColours: ['green'], testWithinHours: null, vaccinationRequired: false },
    facts: null,
    row: {
      id: `g${group}-${k}`,
      venue_id: venueId,
      person_id: `p${k}`,
      client_id: `g${group}-${k}`,
      method: k === 0 ? 'self' : 'dependant',
      entered_at: now,
      exited_at: null,
      exit_kind: null,
      decision: 'refused',
      refusal_code: null,
      colour: 'green',
      reasons: null,
      test_sampled_at: null,
      test_result: null,
      vaccinated: null,
      created_at: now,
      scan_gap_ms: 0,
    },
  };
}

let next = 0;
async function lane(): Promise<void> {
  for (;;) {
    const group = next++;
    const now = Date.now();
    await ingestCheckins(
      s,
      [0, 1, 2].map((k) => entry(group, k, now)),
    );
    process.stdout.write(`ack ${group}\n`);
    if (group % 100 === 0) {
      const { batches, jobs } = writerFor(s).stats;
      process.stdout.write(`stats ${batches} ${jobs}\n`);
    }
  }
}
for (let i = 0; i < IN_FLIGHT; i++) void lane();
