// The port through which the venue door learns what is known about a person: health code colour,
// latest nucleic-acid test, vaccination.
//
// Cordon has no health-code module (issue 4) and no testing module (issue 5) yet, so no adverse fact can
// be on record: every person is green with the reason "no adverse facts recorded", the latest test is
// null and vaccination is unknown. This is what the records say today, not a placeholder verdict —
// with no test on record, venues whose policy needs a recent test refuse with NO_RECENT_TEST. Issues 4
// and 5 feed this function from their tables (colour with its rule and basis, latest reported test by
// sampling time, vaccination); the check-in path needs no other change.
import type { Executor } from '../db/database.ts';
import type { DoorFacts } from './venue.rules.ts';

export interface PersonDoorFacts extends DoorFacts {
  /** Why the colour is what it is, in words for the verification screen and the record. */
  colourReason: string;
}

export async function factsFor(_ex: Executor, _personId: string, _now: number): Promise<PersonDoorFacts> {
  return { colour: 'green', colourReason: 'no adverse facts recorded', latestTest: null, vaccinated: null };
}
