// A city of one area, ten people (p0…p9) and one venue (v1) for the check-in writer's tests on
// PostgreSQL, and a check-in job at that venue.
import type { Executor } from '../../src/db/database.ts';
import type { WriteJob } from '../../src/venues/checkin.ingest.ts';

const DWELL_MS = 30 * 60_000;

export async function seed(h: { db: Executor }, capacity: number): Promise<void> {
  const now = Date.now();
  await h.db
    .insertInto('area')
    .values({
      id: 'a1',
      code: '220400',
      name: '辽源市',
      level: 'city',
      parent_id: null,
      path: '220400/',
      created_at: now,
    })
    .execute();
  for (let i = 0; i < 10; i++)
    await h.db
      .insertInto('person')
      .values({
        id: `p${i}`,
        name: `居民${i}`,
        area_id: 'a1',
        id_type: 'resident_id',
        created_at: now,
        updated_at: now,
      } as never)
      .execute();
  await h.db
    .insertInto('venue')
    .values({
      id: 'v1',
      name: '便利店',
      category: 'supermarket',
      address: '',
      area_id: 'a1',
      capacity,
      operator_user_id: null,
      status: 'approved',
      approved_by: null,
      approved_at: null,
      code_version: 1,
      requires_presence: 0,
      dwell_minutes: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

let seq = 0;
export function entry(personId: string, now: number, extra: Partial<WriteJob['row']> = {}): WriteJob {
  seq += 1;
  return {
    venueId: 'v1',
    dwellMs: DWELL_MS,
    capacity: 3,
    sameScanSince: null,
    policy: { allowedColours: ['green'], testWithinHours: null, vaccinationRequired: false },
    facts: null,
    row: {
      id: `c${String(seq).padStart(6, '0')}`,
      venue_id: 'v1',
      person_id: personId,
      client_id: `client-${seq}`,
      method: 'assisted',
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
      ...extra,
    },
  };
}
