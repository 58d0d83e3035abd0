// The port through which the venue door learns what is known about a person: the health code colour
// with its reason, and the latest nucleic-acid test by sampling time. One primary-key read of the
// person's health status row (src/health): the hot check-in path does nothing else. Reasons whose end
// condition has passed no longer count here, even before the recompute sweep records the change.
// Vaccination is not recorded by Cordon: null (unknown).
import type { Executor } from '../db/database.ts';
import { colourAt, reasonText, type StoredReason } from '../health/health.rules.ts';
import { overrideOf } from '../health/health.facts.ts';
import type { DoorFacts } from './venue.rules.ts';

export interface PersonDoorFacts extends DoorFacts {
  /** Why the colour is what it is, in words for the verification screen and the record. */
  colourReason: string;
}

export async function factsFor(ex: Executor, personId: string, now: number): Promise<PersonDoorFacts> {
  const row = await ex.selectFrom('health_status')
    .select(['colour', 'reasons', 'override_id', 'override_colour', 'override_until', 'test_sampled_at', 'test_result'])
    .where('person_id', '=', personId).executeTakeFirst();
  if (!row) return { colour: 'green', colourReason: 'no adverse facts recorded', latestTest: null, vaccinated: null };
  let reasons: StoredReason[] = [];
  try { reasons = JSON.parse(row.reasons) as StoredReason[]; } catch { reasons = []; }
  const shown = colourAt(reasons, overrideOf(row), now);
  const colourReason = shown.override
    ? `manual change ${shown.override.id}`
    : shown.reasons.length ? shown.reasons.map(reasonText).join('; ') : 'no adverse facts recorded';
  const result = row.test_result;
  const latestTest = row.test_sampled_at !== null && (result === 'negative' || result === 'positive')
    ? { sampledAt: Number(row.test_sampled_at), result: result as 'negative' | 'positive' }
    : null;
  return { colour: shown.colour, colourReason, latestTest, vaccinated: null };
}
