// Pure rules of resident accounts: whom a resident may check in besides themselves, how long a phone
// stays signed in, and the limits of the one-time codes that prove control of a phone.
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

// ---- one-time codes (短信验证码) -----------------------------------------------------------------

/** Digits in a one-time code. */
export const OTP_DIGITS = 6;
/** A code is good for five minutes after it is sent. */
export const OTP_TTL_MS = 5 * 60_000;
/** Wrong codes a challenge takes before it is closed. */
export const OTP_MAX_ATTEMPTS = 5;
/** The window the send limits count in. */
export const OTP_WINDOW_MS = 60 * 60_000;
/** Codes sent per window for one person (or one ID number), one phone and one address. */
export const OTP_LIMITS = { subject: 5, phone: 5, source: 20 } as const;

export type ChallengeState = 'open' | 'expired' | 'closed' | 'exhausted';

/** Whether a challenge still takes a code at `now`. */
export function challengeState(
  c: { expires_at: number; closed_at: number | null; attempts: number },
  now: number,
): ChallengeState {
  if (c.closed_at !== null) return 'closed';
  if (Number(c.attempts) >= OTP_MAX_ATTEMPTS) return 'exhausted';
  if (now >= Number(c.expires_at)) return 'expired';
  return 'open';
}

/** Which send limit, if any, the counts of the last window reach. */
export function sendLimitReached(counts: {
  subject: number;
  phone: number;
  source: number;
}): keyof typeof OTP_LIMITS | null {
  if (counts.subject >= OTP_LIMITS.subject) return 'subject';
  if (counts.phone >= OTP_LIMITS.phone) return 'phone';
  if (counts.source >= OTP_LIMITS.source) return 'source';
  return null;
}

/** The username of a resident account: opaque, so the phone is never a plaintext identifier. */
export function residentUsername(userId: string): string {
  return `r.${userId}`;
}
