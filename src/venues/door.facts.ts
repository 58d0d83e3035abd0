// The port through which the venue door learns what is known about a person: the health code colour
// with the facts it rests on, and the latest nucleic-acid test by sampling time. One primary-key read
// of the person's health status row (src/health): the hot check-in path does nothing else. Reasons
// whose end condition has passed no longer count here, even before the recompute sweep records the
// change. Vaccination is not recorded by Cordon: null (unknown).
//
// `doorFactsOf` is the pure part, shared by `factsFor` (Kysely) and the check-in writer thread, which
// reads the same row with its own prepared statement (checkin.writer.ts).
import type { Executor, HealthStatusTable } from '../db/database.ts';
import { colourAt, overrideOf, reasonText, type StoredReason } from '../health/health.rules.ts';
import { statusOf } from '../health/health.store.ts';
import type { DoorFacts } from './venue.rules.ts';

export interface PersonDoorFacts extends DoorFacts {
  /** Why the colour is what it is, in words for the record and the logs. */
  colourReason: string;
}

/** The columns of a health status row the door reads. */
export type DoorStatusRow = Pick<
  HealthStatusTable,
  'colour' | 'reasons' | 'override_id' | 'override_colour' | 'override_until' | 'test_sampled_at' | 'test_result'
>;

export const DOOR_STATUS_COLUMNS = [
  'colour',
  'reasons',
  'override_id',
  'override_colour',
  'override_until',
  'test_sampled_at',
  'test_result',
] as const satisfies ReadonlyArray<keyof DoorStatusRow>;

const NOTHING_RECORDED = 'no adverse facts recorded';

/** What the door knows of a person at `now` from their status row (none: nothing recorded, green). */
export function doorFactsOf(row: DoorStatusRow | undefined | null, now: number): PersonDoorFacts {
  if (!row || row.colour === null)
    return { colour: 'green', colourFacts: [], colourReason: NOTHING_RECORDED, latestTest: null, vaccinated: null };
  let reasons: StoredReason[] = [];
  try {
    reasons = JSON.parse(row.reasons) as StoredReason[];
  } catch {
    reasons = [];
  }
  const shown = colourAt(reasons, overrideOf(row), now);
  // The facts behind the colour shown: those of the reasons of that colour, or the manual change.
  const colourFacts = shown.override
    ? ['manual_change']
    : [...new Set(shown.reasons.filter((r) => r.colour === shown.colour).map((r) => r.fact))];
  const colourReason = shown.override
    ? `manual change ${shown.override.id}`
    : shown.reasons.length
      ? shown.reasons.map(reasonText).join('; ')
      : NOTHING_RECORDED;
  const result = row.test_result;
  const latestTest =
    row.test_sampled_at !== null && (result === 'negative' || result === 'positive')
      ? { sampledAt: Number(row.test_sampled_at), result: result as 'negative' | 'positive' }
      : null;
  return { colour: shown.colour, colourFacts, colourReason, latestTest, vaccinated: null };
}

export async function factsFor(ex: Executor, personId: string, now: number): Promise<PersonDoorFacts> {
  return doorFactsOf(await statusOf(ex, personId), now);
}
