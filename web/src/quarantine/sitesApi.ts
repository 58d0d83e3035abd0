// The client for quarantine sites (隔离点), their rooms and staff, designated hospitals (定点医院) and the
// capacity view. Same fetch, CSRF and problem+json handling as api.ts.
import { json } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';

export type SiteKind = 'hotel' | 'dormitory' | 'cabin_hospital';
export type SiteStatus = 'in_service' | 'out_of_service';
export type RoomKind = 'single' | 'double' | 'family' | 'accessible' | 'ward_bed';
export type RoomStatus = 'in_service' | 'cleaning' | 'out_of_service';
export type RoomState = 'free' | 'reserved' | 'occupied' | 'cleaning' | 'out_of_service';
export type StaffRole = 'manager' | 'medical' | 'service' | 'security' | 'cleaning' | 'psychological' | 'liaison';
export type StaffShift = 'day' | 'night' | 'rotating';
export type Designation =
  'fever_clinic' | 'red_yellow_code' | 'dialysis' | 'maternity' | 'paediatrics' | 'treatment' | 'cabin';
export type Colour = 'green' | 'yellow' | 'red';
export type CareNeed = 'fever' | 'dialysis' | 'pregnancy' | 'child' | 'chronic' | 'treatment';

export const ROOM_STATES: RoomState[] = ['free', 'reserved', 'occupied', 'cleaning', 'out_of_service'];
export const SITE_KINDS: SiteKind[] = ['hotel', 'dormitory', 'cabin_hospital'];
export const DESIGNATIONS: Designation[] = [
  'fever_clinic',
  'red_yellow_code',
  'dialysis',
  'maternity',
  'paediatrics',
  'treatment',
  'cabin',
];
export const COLOURS: Colour[] = ['green', 'yellow', 'red'];
export const CARE_NEEDS: CareNeed[] = ['fever', 'dialysis', 'pregnancy', 'child', 'chronic', 'treatment'];

export interface RoomCounts {
  total: number;
  beds: number;
  free: number;
  reserved: number;
  occupied: number;
  cleaning: number;
  out_of_service: number;
}

export interface Site {
  id: string;
  areaId: string;
  areaName: string;
  name: string;
  address: string;
  kind: SiteKind;
  zones: { observation: string; service: string; sanitation: string };
  status: SiteStatus;
  testingSiteId: string | null;
  rooms: RoomCounts;
  staff: number;
  createdAt: number;
  updatedAt: number;
}

export interface Room {
  id: string;
  siteId: string;
  floor: number;
  number: string;
  kind: RoomKind;
  beds: number;
  ownBathroom: boolean;
  status: RoomStatus;
  state: RoomState;
  occupants: number;
  disinfectionDueAt: number | null;
  disinfectedAt: number | null;
}

export interface Staff {
  id: string;
  siteId: string;
  userId: string | null;
  username: string | null;
  name: string;
  role: StaffRole;
  shift: StaffShift;
  ppeLevel: number;
  active: boolean;
  createdAt: number;
}

export interface RoomImport {
  dryRun: boolean;
  rows: number;
  created: number;
  beds: number;
  byKind: Record<string, number>;
}

export interface Hospital {
  id: string;
  areaId: string;
  areaName: string;
  name: string;
  address: string;
  phone: string;
  designations: Designation[];
  acceptsColours: Colour[];
  beds: number;
  bedsFree: number;
  active: boolean;
  updatedAt: number;
}

export interface HospitalRoute {
  colour: Colour;
  need: CareNeed | null;
  designations: Designation[];
  items: Hospital[];
}

export interface PublicHospital {
  id: string;
  name: string;
  district: string;
  address: string;
  phone: string;
  designations: Designation[];
  acceptsColours: Colour[];
}

export interface PublicHospitals {
  need: CareNeed | null;
  items: PublicHospital[];
}

export interface Capacity {
  at: number;
  today: string;
  rules: {
    version: string;
    roomsPer10kResidents: number;
    roomsPerCase: number;
    alertFreeShare: number;
    forecastDays: number;
    lookbackDays: number;
  };
  totals: RoomCounts & { usable: number; freeShare: number; alert: boolean };
  sites: Array<{
    id: string;
    name: string;
    areaName: string;
    districtId: string | null;
    status: SiteStatus;
    rooms: RoomCounts;
  }>;
  districts: Array<{
    areaId: string;
    name: string;
    residents: number;
    infectedCases: number;
    rooms: number;
    free: number;
    norm: { byPopulation: number; byCases: number; required: number; shortfall: number };
  }>;
  orders: {
    active: number;
    centralised: number;
    unplaced: number;
    byKind: Array<{ kind: string; people: number; byDay: Array<{ day: number; people: number }> }>;
  };
  releases: Array<{ date: string; people: number }>;
  forecast: {
    casesPerDay: number;
    contactsPerCase: number;
    days: Array<{ day: number; date: string; arrivals: number; releases: number; demand: number; free: number }>;
    runsOutOn: string | null;
  };
}

export interface SiteInput {
  areaId: string;
  name: string;
  address?: string;
  kind: SiteKind;
  zones?: { observation?: string; service?: string; sanitation?: string };
}

export interface HospitalInput {
  areaId: string;
  name: string;
  address?: string;
  phone?: string;
  designations: Designation[];
  acceptsColours: Colour[];
  beds: number;
  bedsFree?: number;
}

export const sitesApi = {
  sites: (query: { areaId?: string; limit?: number; offset?: number } = {}) =>
    json<Page<Site>>('GET', '/quarantine/sites', { query }),
  site: (id: string) => json<Site>('GET', `/quarantine/sites/${encodeURIComponent(id)}`),
  createSite: (body: SiteInput) => json<Site>('POST', '/quarantine/sites', { json: body }),
  updateSite: (id: string, body: Partial<Omit<SiteInput, 'areaId'>> & { status?: SiteStatus }) =>
    json<Site>('PATCH', `/quarantine/sites/${encodeURIComponent(id)}`, { json: body }),
  rooms: (id: string) =>
    json<{ site: Site; items: Room[] }>('GET', `/quarantine/sites/${encodeURIComponent(id)}/rooms`),
  addRoom: (
    id: string,
    body: { floor: number; number: string; kind: RoomKind; beds?: number; ownBathroom?: boolean },
  ) => json<Room>('POST', `/quarantine/sites/${encodeURIComponent(id)}/rooms`, { json: body }),
  updateRoom: (id: string, body: { status?: RoomStatus; kind?: RoomKind; beds?: number; ownBathroom?: boolean }) =>
    json<Room>('PATCH', `/quarantine/rooms/${encodeURIComponent(id)}`, { json: body }),
  importRooms: (id: string, file: File, dryRun: boolean) => {
    const form = new FormData();
    form.append('file', file);
    return json<RoomImport>('POST', `/quarantine/sites/${encodeURIComponent(id)}/rooms/import`, {
      query: { dryRun: dryRun ? 'true' : undefined },
      form,
    });
  },
  staff: (id: string) => json<{ items: Staff[] }>('GET', `/quarantine/sites/${encodeURIComponent(id)}/staff`),
  addStaff: (id: string, body: { name: string; role: StaffRole; shift: StaffShift; ppeLevel: number }) =>
    json<Staff>('POST', `/quarantine/sites/${encodeURIComponent(id)}/staff`, { json: body }),
  hospitals: (query: { designation?: Designation } = {}) =>
    json<{ items: Hospital[] }>('GET', '/quarantine/hospitals', { query }),
  createHospital: (body: HospitalInput) => json<Hospital>('POST', '/quarantine/hospitals', { json: body }),
  updateHospital: (id: string, body: Partial<Omit<HospitalInput, 'areaId'>> & { active?: boolean }) =>
    json<Hospital>('PATCH', `/quarantine/hospitals/${encodeURIComponent(id)}`, { json: body }),
  route: (colour: Colour, need?: CareNeed) =>
    json<HospitalRoute>('GET', '/quarantine/hospitals/route', { query: { colour, need } }),
  publicHospitals: (need?: CareNeed) =>
    json<PublicHospitals>('GET', '/quarantine/hospitals/public', { query: { need } }),
  capacity: (areaId?: string) => json<Capacity>('GET', '/quarantine/capacity', { query: { areaId } }),
};
