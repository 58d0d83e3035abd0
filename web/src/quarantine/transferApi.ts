// The client for the closed-loop transfer to a designated hospital: the hospitals that take the person
// of an order (or a case) with a need, and the transfer with its vehicle and escort.
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

export const transferApi = {
  options: (subject: { orderId?: string; caseId?: string }, need: CareNeed) =>
    json<TransferOptions>('GET', '/quarantine/transfers/hospital-options', { query: { ...subject, need } }),
  transfer: (body: TransferBody) => json<HospitalTransfer>('POST', '/quarantine/transfers/hospital', { json: body }),
};
