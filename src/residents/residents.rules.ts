// Pure rules of resident accounts: whom a resident may check in besides themselves, and how long a
// phone stays signed in.
import { ageOn } from '../registry/registry.rules.ts';

/** A phone registered as a resident's device stays signed in this long (30 days). */
export const RESIDENT_SESSION_TTL_MS = 30 * 86_400_000;

/** Under this age a household member is a child a parent checks in. */
export const CHILD_UNDER_AGE = 18;
/** From this age a household member is elderly and may be checked in by family. */
export const ELDERLY_FROM_AGE = 70;

export interface HouseholdMember {
  id: string;
  birth_date: string | null;
  no_smartphone: number;
}

/**
 * A household member another member may check in (代扫 by family): a child, an elderly person, or
 * someone without a smartphone. Age counts on `today` (YYYY-MM-DD); unknown age counts as neither.
 */
export function isDependant(member: HouseholdMember, today: string): boolean {
  if (member.no_smartphone === 1) return true;
  const age = ageOn(member.birth_date, today);
  return age !== null && (age < CHILD_UNDER_AGE || age >= ELDERLY_FROM_AGE);
}
