// The client for quarantine orders (隔离医学观察): the list and detail, one order or a batch, extension,
// cancellation, release with its certificate, the community's home list with door, reports and
// breaches, and the resident's own quarantine. Same fetch, CSRF and problem+json handling as api.ts.
import { json, url } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';

export const ORDER_KINDS = [
  'close_contact',
  'secondary_contact',
  'high_risk_arrival',
  'medium_risk_arrival',
  'released_case',
] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
export const ORDER_PLACES = ['centralised', 'home_quarantine', 'home_health_monitoring'] as const;
export type OrderPlace = (typeof ORDER_PLACES)[number];
export const ORDER_STATUSES = ['active', 'released', 'converted', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const DOOR_MEASURES = ['none', 'seal', 'sensor'] as const;
export type DoorMeasure = (typeof DOOR_MEASURES)[number];
export const BREACH_KINDS = ['left_home', 'seal_broken', 'sensor_alarm', 'refused_test', 'other'] as const;
export type BreachKind = (typeof BREACH_KINDS)[number];
export type Phase = 'centralised' | 'home';

export interface TestDay {
  phase: Phase;
  day: number;
  date: string;
}

export interface Tick extends TestDay {
  state: 'negative' | 'positive' | 'missing' | 'due';
  sampledAt: number | null;
}

export interface Order {
  id: string;
  personId: string;
  personName: string;
  areaId: string;
  areaName: string;
  kind: OrderKind;
  place: OrderPlace;
  status: OrderStatus;
  sourceType: 'contact' | 'case' | 'pool' | 'risk_area' | 'order' | 'manual';
  sourceId: string | null;
  caseId: string | null;
  ruleSetId: string;
  startAt: number;
  centralisedUntil: number;
  homeUntil: number;
  endsAt: number;
  homeKind: 'home_quarantine' | 'home_health_monitoring';
  testDays: TestDay[];
  day: number;
  phase: Phase;
  phaseDay: number;
  doorMeasure: DoorMeasure;
  doorMeasureAt: number | null;
  releasedAt: number | null;
  followOrderId: string | null;
  createdAt: number;
}

export interface ReleaseFault {
  code: string;
  phase?: string;
  day?: number;
  lastDay?: number;
  date?: string;
  hours?: number;
  minHours?: number;
}

export interface OrderEvent {
  id: string;
  kind:
    | 'created'
    | 'extended'
    | 'allocated'
    | 'moved'
    | 'transferred'
    | 'test_result'
    | 'positive'
    | 'released'
    | 'cancelled'
    | 'door'
    | 'breach'
    | 'report'
    | 'sampling_task'
    | 'delivery'
    | 'garbage'
    | 'returned';
  detail: Record<string, unknown>;
  actorId: string | null;
  at: number;
}

export interface MissedTest {
  alertId: string;
  phase: Phase;
  day: number;
  date: string;
  status: 'open' | 'followed_up' | 'closed';
  followUp: string | null;
}

export interface OrderDetail {
  order: Order;
  ticks: Tick[];
  missedTests: MissedTest[];
  events: OrderEvent[];
  release: { releasable: boolean; phase: Phase; lastDay: number; lastDate: string; faults: ReleaseFault[] };
}

export interface BatchResult {
  created: Order[];
  skipped: Array<{ personId: string; code: string }>;
}

export interface ReleaseResult {
  order: Order;
  followOn: Order | null;
  certificateUrl: string;
}

export interface MyQuarantine {
  orders: Array<{
    order: Order;
    ticks: Tick[];
    nextTest: TestDay | null;
    releaseDate: string;
    results: Array<{ sampledAt: number; result: 'negative' | 'positive'; pooled: boolean }>;
  }>;
}

export interface HomeItem {
  order: Order;
  address: string;
  reportedToday: boolean;
  lastReport: { temperature: number; by: string; at: number; date: string; slot: string } | null;
  nextTest: TestDay | null;
  testToday: boolean;
  samplingTask: { id: string; status: 'open' | 'sampled' | 'negative' | 'positive' | 'cancelled' } | null;
  breaches: number;
  lastDelivery: HomeService | null;
  lastGarbage: HomeService | null;
}

export const HOME_SERVICE_KINDS = ['delivery', 'garbage'] as const;
export type HomeServiceKind = (typeof HOME_SERVICE_KINDS)[number];

/** A delivery to a sealed home (what, when, by whom) or a collection of its garbage (bags). */
export interface HomeService {
  id: string;
  orderId: string;
  kind: HomeServiceKind;
  items: string;
  bags: number | null;
  handledBy: string;
  note: string;
  at: number;
  recordedAt: number;
}

export interface HomeServiceBody {
  kind: HomeServiceKind;
  items?: string;
  bags?: number;
  handledBy: string;
  at?: number;
  note?: string;
}

export interface HomeList {
  items: HomeItem[];
}

export interface HomeReportResult {
  date: string;
  slot: string;
  temperature: number;
  fever: boolean;
}

export interface OrderFilter {
  limit: number;
  offset: number;
  status?: OrderStatus | '';
  kind?: OrderKind | '';
  place?: OrderPlace | '';
  caseId?: string;
}

export const ordersApi = {
  list: (q: OrderFilter) =>
    json<Page<Order>>('GET', '/quarantine/orders', {
      query: { ...q, status: q.status || undefined, kind: q.kind || undefined, place: q.place || undefined },
    }),
  get: (id: string) => json<OrderDetail>('GET', `/quarantine/orders/${encodeURIComponent(id)}`),
  create: (body: { personId: string; kind?: OrderKind; startAt?: number; contactId?: string; reason?: string }) =>
    json<Order>('POST', '/quarantine/orders', { json: body }),
  batch: (body: { source: 'case' | 'pool' | 'risk_area'; sourceId: string; kind?: OrderKind; reason?: string }) =>
    json<BatchResult>('POST', '/quarantine/orders/batch', { json: body }),
  extend: (id: string, body: { exposureAt: number; reason: string }) =>
    json<OrderDetail>('POST', `/quarantine/orders/${encodeURIComponent(id)}/extend`, { json: body }),
  cancel: (id: string, reason: string) =>
    json<OrderDetail>('POST', `/quarantine/orders/${encodeURIComponent(id)}/cancel`, { json: { reason } }),
  release: (id: string, note?: string) =>
    json<ReleaseResult>('POST', `/quarantine/orders/${encodeURIComponent(id)}/release`, {
      json: note ? { note } : {},
    }),
  certificateHref: (id: string) => url(`/quarantine/orders/${encodeURIComponent(id)}/certificate.pdf`),
  myCertificateHref: (id: string) => url(`/quarantine/my/orders/${encodeURIComponent(id)}/certificate.pdf`),
  my: () => json<MyQuarantine>('GET', '/quarantine/my'),
  myReport: (body: { temperature: number; by: 'self' }) =>
    json<HomeReportResult>('POST', '/quarantine/my/reports', { json: body }),
  home: () => json<HomeList>('GET', '/quarantine/home'),
  door: (id: string, measure: DoorMeasure) =>
    json<Order>('POST', `/quarantine/home/${encodeURIComponent(id)}/door`, { json: { measure } }),
  report: (id: string, body: { temperature: number; by: 'phone' | 'visit' }) =>
    json<HomeReportResult>('POST', `/quarantine/home/${encodeURIComponent(id)}/reports`, { json: body }),
  breach: (id: string, body: { kind: BreachKind; note?: string }) =>
    json<Order>('POST', `/quarantine/home/${encodeURIComponent(id)}/breaches`, { json: body }),
  homeService: (id: string, body: HomeServiceBody) =>
    json<HomeService>('POST', `/quarantine/home/${encodeURIComponent(id)}/services`, { json: body }),
  homeServices: (id: string) =>
    json<{ items: HomeService[] }>('GET', `/quarantine/home/${encodeURIComponent(id)}/services`),
};
