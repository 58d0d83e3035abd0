// Types of the venues API: venues, codes, check-in and live occupancy (docs/openapi.json). Times are epoch milliseconds.
import type { Bilingual, CodeColour } from '../shared/types.ts';

export type VenueStatus = 'pending' | 'approved' | 'suspended';
export type CrowdLevel = 'relaxed' | 'moderate' | 'crowded' | 'full';

export interface Venue {
  id: string;
  name: string;
  category: string;
  categoryName: Bilingual;
  address: string;
  areaId: string;
  areaName: string;
  capacity: number;
  operatorUserId: string | null;
  status: VenueStatus;
  registeredBy: string | null;
  responsiblePerson: string | null;
  /** Masked (138****1234). */
  contactPhone: string | null;
  licenceNo: string | null;
  approvedBy: string | null;
  approvedAt: number | null;
  codeVersion: number;
  requiresPresence: boolean;
  dwellMinutes: number;
  dwellOverride: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewVenue {
  name: string;
  category: string;
  address?: string;
  areaId: string;
  capacity: number;
  requiresPresence?: boolean;
  responsiblePerson?: string;
  contactPhone?: string;
  licenceNo?: string;
}

export interface VenueCategory {
  key: string;
  name: Bilingual;
  entryPolicy: { allowedColours: string[]; testWithinHours: number | null; vaccinationRequired: boolean };
  defaultDwellMinutes: number;
}

export interface VenueCategories {
  version: string;
  effectiveFrom: string;
  items: VenueCategory[];
}

export interface VenueCode {
  venueId: string;
  url: string;
  codeVersion: number;
  requiresPresence: boolean;
}

export interface ScreenCode {
  venueId: string;
  url: string;
  validUntil: number;
  refreshAfterMs: number;
}

export interface Occupancy {
  venueId: string;
  venueName: string;
  count: number;
  capacity: number;
  level: CrowdLevel;
}

/** What the door shows after a scan (POST /checkins, POST /checkins/self). */
export interface Verification {
  checkinId: string;
  decision: 'admitted' | 'refused' | 'exited';
  colour: CodeColour;
  maskedName: string;
  latestTest: { sampledAt: number; result: string; hoursAgo: number } | null;
  vaccinated: boolean | null;
  venueId: string;
  venueName: string;
  method: string;
  reasons: Array<{ code: string; message: string }>;
  /** Entry time; for a refused scan, when it was scanned. */
  at: number;
  /** For 'exited': when the visit was closed. */
  exitedAt?: number | null;
  /** A repeat: the previous answer given again, nothing stored. */
  duplicate: boolean;
}

/** An assisted check-in as the guard's device sends it (possibly later, from its queue). */
export interface AssistedCheckin {
  code: string;
  personalCode?: string;
  idNumber?: string;
  clientId?: string;
  scannedAt?: number;
  /** A queued scan: the device queue that signed it and the signature (scanSignature.ts). */
  deviceId?: string;
  scanSig?: string;
}

/** POST /checkins/queue-key: the key a guard's device signs its queued scans with. */
export interface QueueKey {
  deviceId: string;
  key: string;
  issuedAt: number;
  validUntil: number;
  queuedScanMinutes: number;
}

export interface LiveVenue {
  id: string;
  name: string;
  category: string;
  categoryName: Bilingual;
  areaName: string;
  count: number;
  capacity: number;
  level: CrowdLevel;
}

export interface TodayCurve {
  hours: Array<{ hour: string; entries: number; peak: number }>;
}
