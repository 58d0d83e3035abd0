// The client for the closed-loop transfer to a designated hospital: the hospitals that take the person
// of an order (or a case) with a need, the transfer with its vehicle and escort, and the way back.
import { json } from '../shared/api.ts';
import type { CareNeed, Colour, Hospital } from './sitesApi.ts';

export interface TransferOptions {
  colour: Colour;
  need: CareNeed;
  items: Hospital[];
}

export interface HospitalTransfer {
  transferId: string;
  orderId: string | null;
  caseId: string | null;
  personName: string;
  colour: Colour;
  need: CareNeed;
  hospitalId: string;
  hospitalName: string;
  vehicle: string;
  escort: string;
  at: number;
  fromSiteId: string | null;
  roomAwaitsDisinfection: boolean;
}

export interface TransferBody {
  orderId?: string;
  caseId?: string;
  hospitalId: string;
  need: CareNeed;
  vehicle: string;
  escort: string;
  at?: number;
  note?: string;
}

export type ReturnOutcome = 'room' | 'released';

export interface HospitalReturn {
  transferId: string;
  orderId: string;
  outcome: ReturnOutcome;
  personName: string;
  hospitalId: string;
  hospitalName: string;
  siteId: string | null;
  roomId: string | null;
  at: number;
  orderStatus: string;
  followOrderId: string | null;
}

export interface ReturnBody {
  orderId: string;
  outcome: ReturnOutcome;
  roomId?: string;
  vehicle?: string;
  escort?: string;
  at?: number;
  note?: string;
}

export const transferApi = {
  options: (subject: { orderId?: string; caseId?: string }, need: CareNeed) =>
    json<TransferOptions>('GET', '/quarantine/transfers/hospital-options', { query: { ...subject, need } }),
  transfer: (body: TransferBody) => json<HospitalTransfer>('POST', '/quarantine/transfers/hospital', { json: body }),
  back: (body: ReturnBody) => json<HospitalReturn>('POST', '/quarantine/transfers/return', { json: body }),
};
