// Types of a resident's own API: registration, the personal code, scans and the door account (docs/openapi.json). Times are epoch milliseconds.

/** GET /me/scan: the venue a code names and what the resident's scan will do there. */
export interface MyScan {
  venueId: string;
  venueName: string;
  next: 'enter' | 'exit' | 'repeat-entry' | 'repeat-exit';
  enteredAt: number | null;
}

/** Step one of resident registration: the person as registered and the registry's phone. */
export interface RegistrationStart {
  phone: string;
  name: string;
  idNumber: string;
}

/** A one-time code was sent (if the details matched the registry) to `sentTo` (masked). */
export interface Challenge {
  challengeId: string;
  expiresAt: string;
  sentTo: string;
}

/** Step two: the texted code and the new account's password. */
export interface RegistrationVerify {
  challengeId: string;
  code: string;
  password: string;
}

/** A community worker's door registration or re-binding of a resident account. */
export interface DoorAccount {
  userId: string;
  personId: string;
  created: boolean;
  phone: string;
  password: string | null;
  sessionsEnded: number;
}

export interface MyPerson {
  person: { id: string; name: string; maskedName: string };
  dependants: Array<{ id: string; name: string; relation: string; age: number | null }>;
}

export interface PersonalCode {
  token: string;
  /** ISO 8601. */
  expiresAt: string;
  personId: string;
  /** The colour and latest test signed into the code (健康码). */
  colour?: 'green' | 'yellow' | 'red';
  latestTest?: { sampledAt: string; result: 'negative' | 'positive' } | null;
}
