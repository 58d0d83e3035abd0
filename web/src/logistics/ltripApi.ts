// The client for trip pre-registrations (报备), checkpoints (卡口) and transfer stations (中转站).
import { download, json } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';
import type { Pass } from './logisticsApi.ts';

export type TripStatus = 'reported' | 'approved' | 'refused' | 'withdrawn' | 'arrived';
export type DestinationKind = 'closed_loop_enterprise' | 'warehouse' | 'transfer_station';
export type OriginRisk = 'none' | 'low' | 'medium_high';
export type Colour = 'green' | 'yellow' | 'red';
export type Decision = 'proceed' | 'officer' | 'turned_back' | 'trans_ship';
export type VehiclePath = 'unload_return_escorted' | 'crew_to_community' | 'transfer_station';
export type Step =
  'arrived' | 'disinfected' | 'crew_tested' | 'crew_rested' | 'handed_over' | 'sealed' | 'departed' | 'delivered';
export const STEPS: Step[] = [
  'arrived',
  'disinfected',
  'crew_tested',
  'crew_rested',
  'handed_over',
  'sealed',
  'departed',
  'delivered',
];

export interface Trip {
  id: string;
  status: TripStatus;
  enterpriseId: string;
  enterpriseName: string;
  passId: string | null;
  passNumber: string | null;
  vehicleId: string;
  plate: string;
  crew: Array<{ driverId: string; role: 'driver' | 'escort'; name: string; phone: string }>;
  cargoCategory: string;
  cargoName: string;
  quantity: number;
  unit: 't' | 'boxes' | 'pieces';
  origin: { code: string; name: string | null };
  originRisk: OriginRisk;
  destinationKind: DestinationKind;
  destinationId: string | null;
  destinationName: string;
  intent: 'unload_return' | 'stay';
  arriveFrom: number;
  arriveUntil: number;
  department: string;
  reportedAt: number;
  decidedAt: number | null;
  decisionNote: string | null;
  arrivedAt: number | null;
}

export interface TripBody {
  passId?: string;
  vehicleId: string;
  crew: Array<{ driverId: string; role: 'driver' | 'escort' }>;
  cargoCategory: string;
  cargoName: string;
  quantity: number;
  unit: Trip['unit'];
  origin: string;
  originRisk: OriginRisk;
  destinationKind: DestinationKind;
  destinationId?: string;
  destinationName?: string;
  intent: Trip['intent'];
  arriveFrom: number;
  arriveUntil: number;
}

export interface Station {
  id: string;
  name: string;
  areaId: string;
  county: string;
  address: string;
  windowMinutes: number;
}

export interface Visit {
  id: string;
  stationId: string;
  tripId: string | null;
  plate: string;
  onList: boolean;
  step: Step;
  handover: 'unload' | 'trailer_swap' | 'relay' | null;
  crew: Array<{
    name: string;
    antigen: string | null;
    pcrSampled: boolean;
    state: 'inside' | 'resting' | 'isolated' | 'relieved';
  }>;
  relayDriver: string | null;
  route: string | null;
  sealNumber: string | null;
  arrivedAt: number;
  dueAt: number;
  overdue: boolean;
  closedAt: number | null;
  steps: Array<{ step: Step; at: number; by: string; note: string }>;
}

export interface Board {
  station: Station;
  visits: Visit[];
  inside: number;
  overdue: number;
}

export interface Checkpoint {
  id: string;
  name: string;
  areaId: string;
  officerUserId: string | null;
}

export interface Lookup {
  plate: string;
  pass: Pass | null;
  trip: Trip | null;
  crew: Array<{
    driverId: string;
    role: string;
    name: string;
    resident: boolean;
    colour: Colour | null;
    testSampledAt: number | null;
    testResult: string | null;
    testValid: boolean;
  }>;
  testValidityHours: number;
  rulesVersion: string;
}

export interface PersonCheck {
  driverId?: string;
  name?: string;
  role: 'driver' | 'escort' | 'other';
  temperature: number;
  colourShown: Colour;
  testSampledAt?: number | null;
  antigen?: 'negative' | 'positive' | null;
  pcrSampled?: boolean;
}

export interface CheckBody {
  clientId: string;
  checkedAt?: number;
  code?: string;
  number?: string;
  plate: string;
  vehicleClass: 'supply' | 'non_essential';
  persons: PersonCheck[];
  handedToAreaId?: string;
  note?: string;
}

export interface Check {
  id: string;
  checkpointId: string;
  clientId: string;
  plate: string;
  passId: string | null;
  tripId: string | null;
  vehicleClass: 'supply' | 'non_essential';
  decision: Decision;
  path: VehiclePath | null;
  reasons: string[];
  note: string;
  queueStatus: 'open' | 'resolved' | null;
  officerUserId: string | null;
  resolutionNote: string | null;
  handedToAreaId: string | null;
  persons: Array<{
    name: string;
    role: string;
    temperature: number;
    colour: Colour;
    testSampledAt: number | null;
    antigen: string | null;
    pcrSampled: boolean;
    outcome: 'passed' | 'failed';
    reasons: string[];
    control: 'none' | 'controlled' | 'turned_back' | 'handed_to_community';
  }>;
  rulesVersion: string;
  checkedAt: number;
  syncGapMs: number;
}

export interface SyncResult {
  results: Array<{ clientId: string; ok: boolean; check?: Check; code?: string; message?: string }>;
}

export interface Counts {
  checkpointId: string;
  date: string;
  hours: Array<{
    hour: number;
    vehicles: number;
    persons: number;
    proceed: number;
    officer: number;
    turnedBack: number;
    transShip: number;
  }>;
  vehicles: number;
  persons: number;
}

export const ltripApi = {
  trips: (q: { status?: TripStatus; mine?: boolean; incoming?: boolean } = {}) =>
    json<Page<Trip>>('GET', '/logistics/trips', { query: { limit: 200, ...q } }),
  report: (body: TripBody) => json<Trip>('POST', '/logistics/trips', { json: body }),
  approve: (id: string, note?: string) =>
    json<Trip>('POST', `/logistics/trips/${id}/approve`, { json: note ? { note } : {} }),
  refuse: (id: string, reason: string) => json<Trip>('POST', `/logistics/trips/${id}/refuse`, { json: { reason } }),
  withdraw: (id: string) => json<Trip>('POST', `/logistics/trips/${id}/withdraw`),
  stations: () => json<Station[]>('GET', '/logistics/stations'),
  board: (id: string) => json<Board>('GET', `/logistics/stations/${id}/board`),
  arrivals: (id: string, date: string, slot: '08' | '16') =>
    json<{ trips: Trip[]; from: number; to: number }>('GET', `/logistics/stations/${id}/arrivals`, {
      query: { date, slot },
    }),
  arrive: (id: string, body: { plate: string; crew?: string[] }) =>
    json<Visit>('POST', `/logistics/stations/${id}/visits`, { json: body }),
  step: (visitId: string, body: Record<string, unknown>) =>
    json<Visit>('POST', `/logistics/visits/${visitId}/steps`, { json: body }),
  slip: (visitId: string) => download(`/logistics/visits/${visitId}/slip.pdf`, {}, `handover-slip-${visitId}.pdf`),
  checkpoints: () => json<Checkpoint[]>('GET', '/logistics/checkpoints'),
  lookup: (id: string, body: { code?: string; number?: string; plate?: string }) =>
    json<Lookup>('POST', `/logistics/checkpoints/${id}/lookup`, { json: body }),
  check: (id: string, body: CheckBody) => json<Check>('POST', `/logistics/checkpoints/${id}/checks`, { json: body }),
  sync: (id: string, checks: CheckBody[]) =>
    json<SyncResult>('POST', `/logistics/checkpoints/${id}/sync`, { json: { checks } }),
  counts: (id: string, date: string) => json<Counts>('GET', `/logistics/checkpoints/${id}/counts`, { query: { date } }),
  checks: (q: { queue?: 'open' | 'resolved'; checkpointId?: string } = {}) =>
    json<Page<Check>>('GET', '/logistics/checks', { query: { limit: 100, ...q } }),
  resolve: (id: string, body: { resolution: 'proceed' | 'turned_back' | 'trans_ship'; reason: string }) =>
    json<Check>('POST', `/logistics/checks/${id}/resolve`, { json: body }),
};
