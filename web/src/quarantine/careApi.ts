// The client for a quarantine site's daily work: allocation plans and pick-up lists (安置、转运), the
// twice-daily health checks with their alerts and the requests from rooms (健康监测、人文关怀), the rounds
// page's data, an occupant's detail, and the site's operations logs (环境消杀、垃圾处置、工作人员健康).
// Same fetch, CSRF and problem+json handling as api.ts. People appear by order and masked name only.
import { json } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';

export const ALERT_KINDS = ['fever', 'symptom', 'missed_check', 'missed_test', 'positive'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATUSES = ['open', 'followed_up', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const REQUEST_KINDS = [
  'meal',
  'medicine',
  'necessities',
  'psychological',
  'family_call',
  'delivery',
  'garbage',
  'other',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const REQUEST_STATUSES = ['open', 'in_progress', 'done', 'declined'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** The symptoms a check may name (the rules file's list; the server refuses any other). */
export const SYMPTOMS = [
  'fever',
  'cough',
  'sore_throat',
  'fatigue',
  'loss_of_smell',
  'diarrhoea',
  'short_breath',
  'muscle_ache',
] as const;
export const UNPLACED_REASONS = ['no_room', 'guardian_kind_differs', 'guardian_not_placed'] as const;
export type CheckBy = 'self' | 'staff' | 'phone';

export interface PlanLine {
  stayId: string;
  orderId: string;
  personName: string;
  orderKind: string;
  needs: string[];
  siteId: string;
  siteName: string;
  roomId: string;
  roomNumber: string;
  roomKind: string;
  floor: number;
}

export interface Plan {
  planId: string;
  status: 'planned' | 'confirmed';
  placed: PlanLine[];
  hospital: Array<{
    orderId: string;
    personName: string;
    need: string;
    designation: string;
    hospitalId: string | null;
    hospitalName: string | null;
  }>;
  unplaced: Array<{ orderId: string; personName: string; reason: (typeof UNPLACED_REASONS)[number] }>;
  vehicles: number;
}

export interface PickupList {
  planId: string;
  vehicles: Array<{
    vehicle: string;
    siteId: string;
    siteName: string;
    siteAddress: string;
    seats: number;
    stops: Array<{
      address: string;
      people: Array<{ orderId: string; name: string; roomNumber: string; needs: string[] }>;
    }>;
  }>;
}

export interface Check {
  id: string;
  orderId: string;
  date: string;
  slot: string;
  temperature: number;
  symptoms: string[];
  by: string;
  recordedAt: number;
}

export interface CheckResult {
  check: Check;
  alerts: AlertKind[];
}

export interface CheckOp {
  clientOpId: string;
  orderId: string;
  slot: string;
  date: string;
  temperature: number;
  symptoms?: string[];
  by?: CheckBy;
  at: number;
}

export interface SyncResult {
  results: Array<{
    clientOpId: string;
    outcome: 'applied' | 'replayed' | 'refused';
    code: string | null;
    field: string | null;
    alerts: AlertKind[];
  }>;
  applied: number;
  replayed: number;
  refused: number;
}

export interface Alert {
  id: string;
  orderId: string;
  personName: string;
  siteId: string | null;
  roomNumber: string | null;
  kind: AlertKind;
  date: string;
  slot: string | null;
  temperature: number | null;
  symptoms: string[];
  status: AlertStatus;
  followUp: string | null;
  handledBy: string | null;
  handledAt: number | null;
  raisedAt: number;
}

export interface CareRequest {
  id: string;
  orderId: string;
  personName: string;
  siteId: string | null;
  roomNumber: string | null;
  kind: RequestKind;
  detail: string;
  status: RequestStatus;
  note: string | null;
  handledBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RoundsOccupant {
  orderId: string;
  personName: string;
  orderKind: string;
  day: number;
  needs: string[];
  checks: Record<string, number | null>;
  openAlerts: number;
}

export interface RoundsRoom {
  roomId: string;
  number: string;
  floor: number;
  status: string;
  done: boolean;
  occupants: RoundsOccupant[];
}

export interface Rounds {
  siteId: string;
  siteName: string;
  date: string;
  slot: string;
  slots: string[];
  next: string | null;
  rooms: RoundsRoom[];
  alerts: Alert[];
  openRequests: number;
}

export interface Occupant {
  orderId: string;
  personName: string;
  orderKind: string;
  status: string;
  day: number;
  startAt: number;
  centralisedUntil: number;
  endsAt: number;
  needs: string[];
  siteId: string | null;
  siteName: string | null;
  roomNumber: string | null;
  testDays: Array<{ phase: string; day: number; date: string; due: boolean }>;
  checks: Check[];
  alerts: Alert[];
  requests: CareRequest[];
}

export interface SiteOps {
  siteId: string;
  siteName: string;
  date: string;
  schedule: Array<{
    item: string;
    zone: string;
    timesPerDay: number;
    done: number;
    lastAt: number | null;
    overdue: boolean;
  }>;
  terminal: Array<{ roomId: string; number: string; dueAt: number; overdue: boolean }>;
  waste: Array<{
    id: string;
    bags: number;
    weightKg: number;
    storedAt: number;
    dueAt: number;
    overdue: boolean;
    dueSoon: boolean;
  }>;
  staff: Array<{
    staffId: string;
    name: string;
    role: string;
    checked: boolean;
    temperature: number | null;
    fever: boolean;
    testDue: boolean;
    lastTest: string | null;
  }>;
  log: Array<{
    id: string;
    item: string;
    roomNumber: string | null;
    agent: string;
    concentrationMgL: number | null;
    contactMinutes: number | null;
    operator: string;
    at: number;
  }>;
}

export interface DisinfectionInput {
  item: string;
  roomId?: string;
  zone?: string;
  agent: string;
  concentrationMgL?: number | null;
  contactMinutes?: number | null;
  operator: string;
}

const enc = encodeURIComponent;

export const careApi = {
  plan: (body: { orderIds?: string[]; caseId?: string; siteIds: string[] }) =>
    json<Plan>('POST', '/quarantine/allocation/plans', { json: body }),
  getPlan: (planId: string) => json<Plan>('GET', `/quarantine/allocation/plans/${enc(planId)}`),
  adjust: (planId: string, body: { stayId: string; roomId: string }) =>
    json<Plan>('POST', `/quarantine/allocation/plans/${enc(planId)}/adjust`, { json: body }),
  confirm: (planId: string, body: { vehicleSeats?: number; note?: string } = {}) =>
    json<Plan>('POST', `/quarantine/allocation/plans/${enc(planId)}/confirm`, { json: body }),
  cancel: (planId: string) =>
    json<{ dropped: number }>('POST', `/quarantine/allocation/plans/${enc(planId)}/cancel`, { json: {} }),
  pickups: (planId: string) => json<PickupList>('GET', `/quarantine/allocation/plans/${enc(planId)}/pickups`),

  check: (body: {
    orderId: string;
    slot: string;
    date?: string;
    temperature: number;
    symptoms?: string[];
    by?: CheckBy;
  }) => json<CheckResult>('POST', '/quarantine/care/checks', { json: body }),
  syncChecks: (ops: CheckOp[]) => json<SyncResult>('POST', '/quarantine/care/checks/sync', { json: { ops } }),
  alerts: (query: { siteId?: string; status?: AlertStatus; limit?: number; offset?: number } = {}) =>
    json<Page<Alert>>('GET', '/quarantine/care/alerts', { query }),
  followUp: (id: string, body: { note: string; close?: boolean }) =>
    json<Alert>('POST', `/quarantine/care/alerts/${enc(id)}/follow-up`, { json: body }),
  requests: (query: { siteId?: string; status?: RequestStatus; limit?: number; offset?: number } = {}) =>
    json<Page<CareRequest>>('GET', '/quarantine/care/requests', { query }),
  addRequest: (body: { orderId: string; kind: RequestKind; detail?: string }) =>
    json<CareRequest>('POST', '/quarantine/care/requests', { json: body }),
  updateRequest: (id: string, body: { status: RequestStatus; note?: string }) =>
    json<CareRequest>('POST', `/quarantine/care/requests/${enc(id)}`, { json: body }),
  rounds: (siteId: string) => json<Rounds>('GET', `/quarantine/care/sites/${enc(siteId)}/rounds`),
  occupant: (orderId: string) => json<Occupant>('GET', `/quarantine/care/occupants/${enc(orderId)}`),

  ops: (siteId: string) => json<SiteOps>('GET', `/quarantine/ops/sites/${enc(siteId)}`),
  disinfect: (siteId: string, body: DisinfectionInput) =>
    json<{ id: string }>('POST', `/quarantine/ops/sites/${enc(siteId)}/disinfections`, { json: body }),
  storeWaste: (siteId: string, body: { bags: number; weightKg: number; sealed: boolean }) =>
    json<{ id: string }>('POST', `/quarantine/ops/sites/${enc(siteId)}/waste`, { json: body }),
  handOver: (id: string, body: { receiverUnit: string; receiverSignature: string; staffSignature: string }) =>
    json<{ id: string }>('POST', `/quarantine/ops/waste/${enc(id)}/hand-over`, { json: body }),
  staffCheck: (
    siteId: string,
    body: {
      staffId: string;
      temperature: number;
      symptoms?: string[];
      test?: 'negative' | 'positive' | 'pending' | 'none';
    },
  ) => json<{ id: string }>('POST', `/quarantine/ops/sites/${enc(siteId)}/staff-checks`, { json: body }),
};
