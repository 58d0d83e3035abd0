// Pure rules of a checkpoint (卡口): each person in the vehicle checked against the period's rules
// (temperature, code colour, a test within the validity, else antigen on the spot with a PCR sample),
// then the vehicle's decision and path: proceed (to its destination under escort, its crew handed to
// the community when it stays, or to a transfer station), the named officer's queue, turned back
// (where the period allows it) or trans-shipped with the failing crew controlled. No I/O.
import type { CheckpointPeriod, DestinationKind, OfficerReason } from './checkpoint.policy.ts';

export const COLOURS = ['green', 'yellow', 'red'] as const;
export type Colour = (typeof COLOURS)[number];
export const VEHICLE_CLASSES = ['supply', 'non_essential'] as const;
export type VehicleClass = (typeof VEHICLE_CLASSES)[number];
export const DECISIONS = ['proceed', 'officer', 'turned_back', 'trans_ship'] as const;
export type Decision = (typeof DECISIONS)[number];
export const PATHS = ['unload_return_escorted', 'crew_to_community', 'transfer_station'] as const;
export type VehiclePath = (typeof PATHS)[number];
export const CONTROLS = ['none', 'controlled', 'turned_back', 'handed_to_community'] as const;
export type Control = (typeof CONTROLS)[number];
export const PERSON_REASONS = [
  'fever',
  'code_yellow',
  'code_red',
  'antigen_positive',
  'no_valid_test',
  'test_valid',
  'antigen_negative',
] as const;
export type PersonReason = (typeof PERSON_REASONS)[number];
export const ORIGIN_RISKS = ['none', 'low', 'medium_high'] as const;
export type OriginRisk = (typeof ORIGIN_RISKS)[number];
export type TripIntent = 'unload_return' | 'stay';

const RANK: Record<Colour, number> = { green: 0, yellow: 1, red: 2 };

/** The worse of two colours; null counts as unknown. */
export function worseColour(a: Colour, b: Colour | null): Colour {
  return b !== null && RANK[b] > RANK[a] ? b : a;
}

export interface PersonFacts {
  temperature: number;
  /** The code the person shows. */
  colourShown: Colour;
  /** The colour the city holds for a resident (null for a non-resident). */
  colourKnown: Colour | null;
  /** When the latest negative PCR was sampled, if any. */
  testSampledAt: number | null;
  antigen: 'negative' | 'positive' | null;
  pcrSampled: boolean;
}

export type PersonVerdict =
  | { outcome: 'passed' | 'failed'; colour: Colour; reasons: PersonReason[] }
  | { outcome: 'incomplete'; colour: Colour; missing: 'antigen' | 'pcr_sample' };

/** Whether a negative PCR sampled at `sampledAt` still counts at `at` under the period. */
export function testValid(period: CheckpointPeriod, sampledAt: number | null, at: number): boolean {
  return sampledAt !== null && sampledAt <= at && at - sampledAt <= period.testValidityHours * 3_600_000;
}

/** One person's check (逢人必查) at `at`: failed with its reasons, passed with its basis, or what is still missing. */
export function checkPerson(period: CheckpointPeriod, f: PersonFacts, at: number): PersonVerdict {
  const colour = worseColour(f.colourShown, f.colourKnown);
  const failures: PersonReason[] = [];
  if (f.temperature >= period.feverCelsius) failures.push('fever');
  if (colour === 'yellow') failures.push('code_yellow');
  if (colour === 'red') failures.push('code_red');
  if (f.antigen === 'positive') failures.push('antigen_positive');
  if (testValid(period, f.testSampledAt, at)) {
    if (failures.length) return { outcome: 'failed', colour, reasons: failures };
    return { outcome: 'passed', colour, reasons: ['test_valid'] };
  }
  if (failures.length) return { outcome: 'failed', colour, reasons: failures };
  if (!period.antigenOnSpot) return { outcome: 'failed', colour, reasons: ['no_valid_test'] };
  if (f.antigen === null) return { outcome: 'incomplete', colour, missing: 'antigen' };
  if (period.pcrSampleWithAntigen && !f.pcrSampled) return { outcome: 'incomplete', colour, missing: 'pcr_sample' };
  return { outcome: 'passed', colour, reasons: ['antigen_negative'] };
}

export interface TripFacts {
  originRisk: OriginRisk;
  destinationKind: DestinationKind;
  intent: TripIntent;
  /** The people in the vehicle are the crew reported. */
  crewMatches: boolean;
}

export interface VehicleFacts {
  vehicleClass: VehicleClass;
  /** The vehicle's approved trip arriving now, if any. */
  trip: TripFacts | null;
  persons: { outcome: 'passed' | 'failed' }[];
}

export interface VehicleVerdict {
  decision: Decision;
  path: VehiclePath | null;
  reasons: string[];
  /** Per person, in order. */
  controls: Control[];
}

/** The path of a vehicle let on: to the station it was reported to, else by whether its crew stays. */
export function pathOf(trip: Pick<TripFacts, 'destinationKind' | 'intent'>): VehiclePath {
  if (trip.destinationKind === 'transfer_station') return 'transfer_station';
  return trip.intent === 'stay' ? 'crew_to_community' : 'unload_return_escorted';
}

/** The vehicle's decision (逢车必检) once every person is checked. */
export function decideVehicle(period: CheckpointPeriod, v: VehicleFacts): VehicleVerdict {
  if (v.persons.some((p) => p.outcome === 'failed')) {
    if (period.turnBack)
      return {
        decision: 'turned_back',
        path: null,
        reasons: ['person_failed'],
        controls: v.persons.map(() => 'turned_back'),
      };
    // Never turned back: the failing crew is controlled on the spot, the cargo goes to a transfer station.
    return {
      decision: 'trans_ship',
      path: 'transfer_station',
      reasons: ['person_failed'],
      controls: v.persons.map((p) => (p.outcome === 'failed' ? 'controlled' : 'none')),
    };
  }
  const officer: OfficerReason[] = [];
  if (!v.trip) officer.push('unreported');
  if (v.vehicleClass === 'non_essential') officer.push('non_essential');
  if (v.trip?.originRisk === 'low') officer.push('origin_low');
  if (v.trip?.originRisk === 'medium_high') officer.push('origin_medium_high');
  if (v.trip && !v.trip.crewMatches) officer.push('crew_mismatch');
  const queued = officer.filter((r) => period.officerFor.includes(r));
  if (queued.length || !v.trip)
    return {
      decision: 'officer',
      path: null,
      reasons: queued.length ? queued : ['unreported'],
      controls: v.persons.map(() => 'none'),
    };
  const path = pathOf(v.trip);
  return {
    decision: 'proceed',
    path,
    reasons: ['trip_checked'],
    controls: v.persons.map(() => (path === 'crew_to_community' ? 'handed_to_community' : 'none')),
  };
}

export type Resolution = 'proceed' | 'turned_back' | 'trans_ship';

/** What the officer may decide for a queued vehicle under the period: turning back only where allowed. */
export function mayResolve(period: CheckpointPeriod, resolution: Resolution): boolean {
  return resolution !== 'turned_back' || period.turnBack;
}

/** A queued offline check is accepted within the period's window and never dated in the future. */
export function queuedCheckAccepted(period: CheckpointPeriod, checkedAt: number, now: number): boolean {
  return checkedAt <= now + 60_000 && now - checkedAt <= period.queuedCheckMinutes * 60_000;
}

/** The hour (0–23) of an instant in a time zone. */
export function hourInZone(ms: number, timeZone: string): number {
  const h = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(ms);
  return Number(h);
}

export interface HourCount {
  hour: number;
  vehicles: number;
  persons: number;
  proceed: number;
  officer: number;
  turnedBack: number;
  transShip: number;
}

/** Counts per hour of a day's checks at a checkpoint (every hour, zeros included). */
export function countsByHour(
  rows: { checkedAt: number; decision: Decision; persons: number }[],
  timeZone: string,
): HourCount[] {
  const out: HourCount[] = Array.from({ length: 24 }, (_, hour) => ({
    hour,
    vehicles: 0,
    persons: 0,
    proceed: 0,
    officer: 0,
    turnedBack: 0,
    transShip: 0,
  }));
  for (const r of rows) {
    const c = out[hourInZone(r.checkedAt, timeZone)]!;
    c.vehicles += 1;
    c.persons += r.persons;
    if (r.decision === 'proceed') c.proceed += 1;
    else if (r.decision === 'officer') c.officer += 1;
    else if (r.decision === 'turned_back') c.turnedBack += 1;
    else c.transShip += 1;
  }
  return out;
}
