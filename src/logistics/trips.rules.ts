// Pure rules of trip pre-registrations (报备) and transfer stations: the arrival window and how far
// ahead it is reported (the period of rules/checkpoint.json), which destinations need a pass, which
// changes each status allows, the 08:00 and 16:00 arrival lists, and a station visit's steps (RULES.md
// §6: arrival → disinfection with the crew inside → crew tests → rest rooms or relay → hand-over →
// cab sealed → departure on the assigned route → delivered). No I/O.
import type { CheckpointPeriod, DestinationKind } from './checkpoint.policy.ts';

export const TRIP_STATUSES = ['reported', 'approved', 'refused', 'withdrawn', 'arrived'] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];
export const UNITS = ['t', 'boxes', 'pieces'] as const;
export const CREW_ROLES = ['driver', 'escort'] as const;
export const INTENTS = ['unload_return', 'stay'] as const;

/** The longest arrival window a trip may name. */
export const MAX_WINDOW_HOURS = 72;

export type WindowCheck =
  | { ok: true }
  | {
      ok: false;
      field: 'arriveFrom' | 'arriveUntil';
      code: 'TRIP_WINDOW_ORDER' | 'TRIP_WINDOW_LONG' | 'TRIP_REPORT_LATE';
      params?: Record<string, number>;
    };

/** The arrival window: in order, at most MAX_WINDOW_HOURS long, starting reportAheadHours after now. */
export function checkWindow(period: CheckpointPeriod, now: number, from: number, until: number): WindowCheck {
  if (until <= from) return { ok: false, field: 'arriveUntil', code: 'TRIP_WINDOW_ORDER' };
  if (until - from > MAX_WINDOW_HOURS * 3_600_000)
    return { ok: false, field: 'arriveUntil', code: 'TRIP_WINDOW_LONG', params: { hours: MAX_WINDOW_HOURS } };
  if (from - now < period.reportAheadHours * 3_600_000)
    return { ok: false, field: 'arriveFrom', code: 'TRIP_REPORT_LATE', params: { hours: period.reportAheadHours } };
  return { ok: true };
}

export function needsPass(period: CheckpointPeriod, kind: DestinationKind): boolean {
  return period.passRequiredFor.includes(kind);
}

export type TripAction = 'approve' | 'refuse' | 'withdraw' | 'arrive';

export function mayChangeTrip(status: TripStatus, action: TripAction): boolean {
  if (action === 'arrive') return status === 'approved';
  return status === 'reported';
}

export const SLOTS = ['08', '16'] as const;
export type Slot = (typeof SLOTS)[number];

/** The span an arrival list covers: the 08:00 list 08:00–16:00, the 16:00 list 16:00–08:00 the next day. */
export function slotSpan(dayStart: number, slot: Slot): { from: number; to: number } {
  const h = 3_600_000;
  return slot === '08'
    ? { from: dayStart + 8 * h, to: dayStart + 16 * h }
    : { from: dayStart + 16 * h, to: dayStart + 32 * h };
}

// ---- transfer station visits ----------------------------------------------------------------------

export const STEPS = [
  'arrived',
  'disinfected',
  'crew_tested',
  'crew_rested',
  'handed_over',
  'sealed',
  'departed',
  'delivered',
] as const;
export type Step = (typeof STEPS)[number];
export const HANDOVERS = ['unload', 'trailer_swap', 'relay'] as const;
export type Handover = (typeof HANDOVERS)[number];
export const CREW_STATES = ['inside', 'resting', 'isolated', 'relieved'] as const;
export type CrewState = (typeof CREW_STATES)[number];

export interface CrewMember {
  name: string;
  antigen: 'negative' | 'positive' | null;
  pcrSampled: boolean;
  state: CrewState;
}

/** The step after `step`, or null at the end. */
export function nextStep(step: Step): Step | null {
  const i = STEPS.indexOf(step);
  return i >= 0 && i < STEPS.length - 1 ? STEPS[i + 1]! : null;
}

export interface StepInput {
  /** crew_tested: one result per crew member, in order. */
  results?: { antigen: 'negative' | 'positive'; pcrSampled: boolean }[];
  /** crew_rested: the local relay driver taking over, when one does. */
  relayDriver?: string;
  /** handed_over */
  handover?: Handover;
  /** sealed */
  sealNumber?: string;
  /** departed */
  route?: string;
}

export type StepFault =
  | 'STATION_CREW_RESULTS'
  | 'STATION_RELAY_REQUIRED'
  | 'STATION_HANDOVER_REQUIRED'
  | 'STATION_SEAL_REQUIRED'
  | 'STATION_ROUTE_REQUIRED';

export type StepOutcome =
  | {
      ok: true;
      crew: CrewMember[];
      relayDriver?: string;
      handover?: Handover;
      sealNumber?: string;
      route?: string;
      /** Crew members isolated at this step (antigen positive): to the designated hospital. */
      isolated: string[];
    }
  | { ok: false; code: StepFault; field: string };

/**
 * Applies one step's input to the visit's crew: test results isolate the antigen-positive; resting
 * sends the negative crew to single rooms (a relay driver is needed when no crew member may drive on);
 * hand-over, seal and route each need their field.
 */
export function applyStep(
  step: Step,
  crew: CrewMember[],
  input: StepInput,
  visit: { relayDriver: string | null },
): StepOutcome {
  const next = crew.map((c) => ({ ...c }));
  const isolated: string[] = [];
  switch (step) {
    case 'crew_tested': {
      const r = input.results ?? [];
      if (r.length !== crew.length) return { ok: false, code: 'STATION_CREW_RESULTS', field: 'results' };
      r.forEach((x, i) => {
        next[i]!.antigen = x.antigen;
        next[i]!.pcrSampled = x.pcrSampled;
        if (x.antigen === 'positive') {
          next[i]!.state = 'isolated';
          isolated.push(next[i]!.name);
        }
      });
      return { ok: true, crew: next, isolated };
    }
    case 'crew_rested': {
      const relay = input.relayDriver?.trim();
      const fit = next.filter((c) => c.state !== 'isolated');
      if (!relay && fit.length === 0) return { ok: false, code: 'STATION_RELAY_REQUIRED', field: 'relayDriver' };
      for (const c of next) if (c.state === 'inside') c.state = relay ? 'relieved' : 'resting';
      return { ok: true, crew: next, isolated, ...(relay ? { relayDriver: relay } : {}) };
    }
    case 'handed_over': {
      if (!input.handover) return { ok: false, code: 'STATION_HANDOVER_REQUIRED', field: 'handover' };
      if (input.handover === 'relay' && !visit.relayDriver && !input.relayDriver?.trim())
        return { ok: false, code: 'STATION_RELAY_REQUIRED', field: 'relayDriver' };
      return { ok: true, crew: next, isolated, handover: input.handover };
    }
    case 'sealed': {
      const seal = input.sealNumber?.trim();
      if (!seal) return { ok: false, code: 'STATION_SEAL_REQUIRED', field: 'sealNumber' };
      return { ok: true, crew: next, isolated, sealNumber: seal };
    }
    case 'departed': {
      const route = input.route?.trim();
      if (!route) return { ok: false, code: 'STATION_ROUTE_REQUIRED', field: 'route' };
      return { ok: true, crew: next, isolated, route };
    }
    default:
      return { ok: true, crew: next, isolated };
  }
}

/** A visit still inside past its window. */
export function overdue(visit: { due_at: number; closed_at: number | null }, now: number): boolean {
  return visit.closed_at === null && now > visit.due_at;
}
