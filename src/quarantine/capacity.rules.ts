// Pure rules of the capacity picture (point 9): the norm per district (rooms per 10,000 residents, rooms
// per infected case) and its shortfall, the free-room alert, and the 7-day room-demand forecast with the
// day the rooms run out if nothing changes. The numbers come from rules/quarantine.json.
import type { QuarantinePolicy } from './quarantine.policy.ts';

export interface DistrictNorm {
  byPopulation: number;
  byCases: number;
  /** The larger of the two. */
  required: number;
  shortfall: number;
}

/** Rooms the norm asks for in a district of `residents` people with `cases` infected cases, and the gap. */
export function districtNorm(
  residents: number,
  cases: number,
  rooms: number,
  policy: QuarantinePolicy['capacity'],
): DistrictNorm {
  const byPopulation = Math.ceil((residents * policy.roomsPer10kResidents) / 10_000);
  const byCases = Math.ceil(cases * policy.roomsPerCase);
  const required = Math.max(byPopulation, byCases);
  return { byPopulation, byCases, required, shortfall: Math.max(0, required - rooms) };
}

/** The share of usable rooms that are free (0 when there are none) and whether it is under the alert line. */
export function freeAlert(
  free: number,
  usable: number,
  policy: QuarantinePolicy['capacity'],
): { freeShare: number; alert: boolean } {
  const freeShare = usable > 0 ? free / usable : 0;
  return { freeShare, alert: freeShare < policy.alertFreeShare };
}

export interface ForecastInput {
  /** Rooms that can be used (in service or being cleaned; not out of service). */
  usableRooms: number;
  /** Rooms someone stays in now (or that are reserved by a planned allocation). */
  occupiedRooms: number;
  /** People under an active centralised order without a room yet. */
  unplaced: number;
  /** Cases reported in the look-back window, and their confirmed close contacts. */
  recentCases: number;
  recentContacts: number;
  lookbackDays: number;
  /** Rooms freed on each coming day (index 0 = day 1): their occupants' centralised phase ends then. */
  releasesByDay: readonly number[];
  days: number;
  peoplePerRoom: number;
}

export interface ForecastDay {
  /** 1 = tomorrow. */
  day: number;
  /** New people expected that day (cases per day × contacts per case). */
  arrivals: number;
  releases: number;
  /** Rooms needed at the end of the day. */
  demand: number;
  free: number;
}

export interface Forecast {
  casesPerDay: number;
  contactsPerCase: number;
  days: ForecastDay[];
  /** The first day (1-based) on which demand exceeds the usable rooms; null when it does not within the window. */
  runsOutOnDay: number | null;
}

/**
 * Room demand day by day: today's occupied rooms plus the unplaced people (placed on day 1), plus each
 * day's expected contacts (the look-back's cases per day × confirmed contacts per case), minus the rooms
 * whose occupants' centralised phase ends that day. Rooms hold `peoplePerRoom` people on average.
 */
export function forecastRooms(input: ForecastInput): Forecast {
  const casesPerDay = input.lookbackDays > 0 ? input.recentCases / input.lookbackDays : 0;
  const contactsPerCase = input.recentCases > 0 ? input.recentContacts / input.recentCases : 0;
  const perDay = casesPerDay * contactsPerCase;
  const days: ForecastDay[] = [];
  let people = input.unplaced;
  let releasedRooms = 0;
  let runsOutOnDay: number | null = null;
  for (let d = 1; d <= input.days; d++) {
    people += perDay;
    const releases = input.releasesByDay[d - 1] ?? 0;
    releasedRooms += releases;
    const demand = Math.max(0, input.occupiedRooms - releasedRooms + Math.ceil(people / input.peoplePerRoom));
    const free = input.usableRooms - demand;
    if (free < 0 && runsOutOnDay === null) runsOutOnDay = d;
    days.push({ day: d, arrivals: Math.round(perDay * 10) / 10, releases, demand, free });
  }
  return {
    casesPerDay: Math.round(casesPerDay * 100) / 100,
    contactsPerCase: Math.round(contactsPerCase * 100) / 100,
    days,
    runsOutOnDay,
  };
}

/** Whole days from calendar date `from` to `to` (YYYY-MM-DD): the rules' day number when `from` is day 0. */
export function daysBetween(from: string, to: string): number {
  const ms = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((ms(to) - ms(from)) / 86_400_000);
}

/** Counts by key of the 1-based day (index 0 = the day after `today`) each date falls on, within `days`. */
export function perComingDay(dates: readonly string[], today: string, days: number): number[] {
  const out = new Array<number>(days).fill(0);
  for (const d of dates) {
    const n = daysBetween(today, d);
    if (n >= 1 && n <= days) out[n - 1]!++;
  }
  return out;
}
