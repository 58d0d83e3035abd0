// The client for volunteers (志愿者): the public sign-up, vetting, needs, matching and the volunteer's
// own page.
import { json } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';

export interface Named {
  code: string;
  zh: string;
  en: string;
}

export function named(list: Named[] | undefined, code: string, lang: string): string {
  const n = list?.find((x) => x.code === code);
  return n ? (lang.startsWith('zh') ? n.zh : n.en) : code;
}

export type VolunteerStatus = 'pending' | 'info_requested' | 'approved' | 'rejected';
export type Health = 'none' | 'green' | 'green_test';
export type BookingStatus = 'offered' | 'accepted' | 'declined' | 'cancelled';
export type HardFault =
  | 'health_red'
  | 'health_colour'
  | 'health_test'
  | 'skill_missing'
  | 'unavailable'
  | 'overlap'
  | 'rest_day'
  | 'rest_week';

export interface SignupForm {
  version: string;
  orgKinds: Named[];
  skills: Array<Named & { proof: { zh: string; en: string } | null }>;
  availability: string[];
  areas: Array<{ id: string; name: string; parent: string }>;
}

export interface VolunteerRules {
  version: string;
  today: string;
  orgKinds: Named[];
  skills: Named[];
  taskTypes: Named[];
  unitKinds: Named[];
  testWithinHours: number[];
  maxHoursPerDay: number;
  maxHoursPerWeek: number;
}

export interface Volunteer {
  id: string;
  name: string;
  idNumber: string;
  phone: string;
  areaId: string;
  areaName: string;
  orgKind: string;
  team: string;
  skills: Array<{ code: string; proof: string }>;
  availability: string[];
  status: VolunteerStatus;
  statusNote: string;
  resident: boolean;
  username: string | null;
  createdAt: number;
}

export interface Need {
  id: string;
  unitKind: string;
  unitName: string;
  taskType: string;
  areaId: string;
  areaName: string;
  place: string;
  date: string;
  startAt: number;
  endAt: number;
  people: number;
  skills: string[];
  health: Health;
  testWithinHours: number | null;
  team: string;
  contactName: string;
  contactPhone: string;
  seriesId: string;
  status: 'open' | 'cancelled';
  offered: number;
  accepted: number;
  createdAt: number;
}

export interface Explain {
  skills: string[];
  distance: number;
  weekHours: number;
  sameTeam: boolean;
  score: number;
}

export interface Booking {
  id: string;
  needId: string;
  volunteerId: string;
  volunteerName: string;
  startAt: number;
  endAt: number;
  status: BookingStatus;
  score: number;
  explain: Explain;
  declineReason: string;
  createdAt: number;
}

export interface Proposal {
  date: string;
  needs: number;
  proposals: Array<{ needId: string; volunteerId: string; volunteerName: string; score: number; explain: Explain }>;
  unfilled: Array<{ needId: string; missing: number; reasons: Array<{ fault: HardFault; count: number }> }>;
}

export interface MyPage {
  volunteer: Volunteer;
  tasks: Array<{
    booking: Booking;
    need: { id: string; unitName: string; taskType: string; areaName: string; place: string; contactName: string };
  }>;
  hours: { week: number; total: number };
}

export interface VetResult {
  volunteer: Volunteer;
  account: { username: string; password: string } | null;
}

export interface SignupBody {
  name: string;
  idNumber: string;
  phone: string;
  areaId: string;
  orgKind: string;
  team?: string;
  skills: Array<{ code: string; proof?: string }>;
  availability: string[];
  consent: boolean;
}

export interface NeedBody {
  unitKind: string;
  unitName: string;
  taskType: string;
  areaId: string;
  place?: string;
  date: string;
  startTime: string;
  endTime: string;
  people: number;
  skills?: string[];
  health: Health;
  testWithinHours?: number;
  contactName: string;
  contactPhone: string;
  repeatDays?: number;
}

export const volunteersApi = {
  form: () => json<SignupForm>('GET', '/volunteers/signup/form'),
  signup: (body: SignupBody) =>
    json<{ id: string; status: VolunteerStatus }>('POST', '/volunteers/signup', { json: body }),
  rules: () => json<VolunteerRules>('GET', '/volunteers/rules'),
  list: (query: { status?: VolunteerStatus; limit?: number; offset?: number }) =>
    json<Page<Volunteer>>('GET', '/volunteers', { query }),
  vet: (id: string, decision: 'approve' | 'reject' | 'request_info', note?: string) =>
    json<VetResult>('POST', `/volunteers/${id}/vet`, { json: { decision, ...(note ? { note } : {}) } }),
  needs: (query: { date?: string; limit?: number }) => json<Page<Need>>('GET', '/volunteers/needs', { query }),
  postNeed: (body: NeedBody) => json<Need[]>('POST', '/volunteers/needs', { json: body }),
  propose: (date: string) => json<Proposal>('POST', '/volunteers/match/propose', { json: { date } }),
  confirm: (assignments: Array<{ needId: string; volunteerId: string }>) =>
    json<{ booked: number; bookings: Booking[] }>('POST', '/volunteers/match/confirm', { json: { assignments } }),
  me: () => json<MyPage>('GET', '/volunteers/me'),
  accept: (id: string) => json<Booking>('POST', `/volunteers/me/tasks/${id}/accept`),
  decline: (id: string, reason?: string) =>
    json<{ booking: Booking; refill: Booking | null }>('POST', `/volunteers/me/tasks/${id}/decline`, {
      json: reason ? { reason } : {},
    }),
};
