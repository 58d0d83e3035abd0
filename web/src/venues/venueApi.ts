// The client for venues, check-in and live occupancy (issue 3): the same fetch, CSRF and problem+json
// handling as api.ts.
import { json } from '../shared/api.ts';
import type { MeResponse, Page } from '../shared/types.ts';
import type { LoginResponse } from '../access/types.ts';
import type {
  MyScan,
  Challenge,
  MyPerson,
  PersonalCode,
  RegistrationStart,
  RegistrationVerify,
} from '../residents/types.ts';
import type {
  AssistedCheckin,
  LiveVenue,
  NewVenue,
  Occupancy,
  QueueKey,
  ScreenCode,
  TodayCurve,
  Venue,
  VenueCategories,
  VenueCode,
  VenueStatus,
  Verification,
} from './types.ts';

const id = (v: string) => encodeURIComponent(v);

export const venueApi = {
  categories: () => json<VenueCategories>('GET', '/venue-categories'),
  venues: (query: { limit: number; offset: number; status?: VenueStatus | '' }) =>
    json<Page<Venue>>('GET', '/venues', { query }),
  venue: (venueId: string) => json<Venue>('GET', `/venues/${id(venueId)}`),
  register: (venue: NewVenue) => json<Venue>('POST', '/venues', { json: venue }),
  approve: (venueId: string) => json<Venue>('POST', `/venues/${id(venueId)}/approve`),
  suspend: (venueId: string, reason: string) =>
    json<Venue>('POST', `/venues/${id(venueId)}/suspend`, { json: { reason } }),
  code: (venueId: string) => json<VenueCode>('GET', `/venues/${id(venueId)}/code`),
  reissue: (venueId: string, reason: string) =>
    json<VenueCode>('POST', `/venues/${id(venueId)}/code/reissue`, { json: { reason } }),
  screenCode: (venueId: string) => json<ScreenCode>('GET', `/venues/${id(venueId)}/screen-code`),
  occupancy: (venueId: string) => json<Occupancy>('GET', `/venues/${id(venueId)}/occupancy`),
  today: (venueId: string) => json<TodayCurve>('GET', `/venues/${id(venueId)}/today`),
  publicVenues: (query: { areaId?: string; q?: string; limit: number; offset: number }) =>
    json<Page<LiveVenue>>('GET', '/venues/public', { query }),
  /** The live page's area filter: the children of an area (or the top ones), down to communities. */
  liveAreas: (parentId?: string) =>
    json<{ items: Array<{ id: string; name: string; level: string }> }>('GET', '/live/areas', { query: { parentId } }),
  crowded: (limit = 10) => json<{ items: LiveVenue[] }>('GET', '/command/crowded', { query: { limit } }),

  /** Assisted check-in by a guard; a repeated clientId answers 200 with duplicate: true. */
  checkIn: (body: AssistedCheckin) => json<Verification>('POST', '/checkins', { json: body }),
  /** The key this device signs its queued scans with (the server honours a queued scan's time only then). */
  queueKey: () => json<QueueKey>('POST', '/checkins/queue-key'),

  startRegistration: (r: RegistrationStart) => json<Challenge>('POST', '/residents/register/start', { json: r }),
  verifyRegistration: (r: RegistrationVerify) =>
    json<LoginResponse & Pick<MeResponse, 'permissions'>>('POST', '/residents/register/verify', { json: r }),
  myPerson: () => json<MyPerson>('GET', '/me/person'),
  myScan: (code: string) => json<MyScan>('GET', '/me/scan', { query: { code } }),
  revealContact: (venueId: string, reason: string) =>
    json<{ venueId: string; contactPhone: string | null }>('POST', `/venues/${id(venueId)}/contact/reveal`, {
      json: { reason },
    }),
  personalCode: (personId: string) => json<PersonalCode>('GET', '/me/personal-code', { query: { personId } }),
  selfCheckIn: (body: { code: string; personIds?: string[]; clientId?: string }) =>
    json<{ results: Verification[] }>('POST', '/checkins/self', { json: body }),
};

/** Poster files, fetched by the browser as plain links (the session cookie goes along). */
export function posterHref(venueId: string, format: 'pdf' | 'png'): string {
  return `/api/v1/venues/${id(venueId)}/poster.${format}`;
}

/** A client-generated id for a scan: the same id sent twice is stored once. */
export function newClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Older phones without randomUUID (it needs a secure context): 128 random bits in hex.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
