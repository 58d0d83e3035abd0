// Types of the registry API: areas, buildings, households, persons and the roster (docs/openapi.json). Times are epoch milliseconds.
import type { Area, Fault } from '../shared/types.ts';

export const CARE_TAGS = ['elderly_alone', 'bedridden', 'pregnant', 'dialysis', 'no_smartphone'] as const;
export type CareTag = (typeof CARE_TAGS)[number];

export const ID_TYPES = ['resident_id', 'passport', 'other', 'none'] as const;
export type IdType = (typeof ID_TYPES)[number];

export type Sex = 'M' | 'F';

export interface AreaDetail {
  area: Area;
  ancestors: Area[];
  counts: { children: number; buildings: number; households: number; persons: number };
}

export interface BuildingRow {
  id: string;
  name: string;
  /** The residential compound (小区); '' when not known. */
  compound: string;
  /** As a citizen names it: "瑞景家园 1号楼". */
  label: string;
  address: string;
  areaId: string;
  areaName: string;
  households: number;
  persons: number;
}

export interface HouseholdSummary {
  id: string;
  unit: string;
  door: string;
  address: string;
  rooms: number | null;
  headName: string | null;
  members: number;
  careTags: string[];
}

export interface BuildingDetail {
  building: { id: string; name: string; compound: string; label: string; address: string; areaId: string };
  ancestors: Area[];
  /** The requested page of the building's households (up to 500). */
  households: HouseholdSummary[];
  householdsTotal: number;
}

export interface PersonView {
  id: string;
  name: string;
  sex: Sex | null;
  birthDate: string | null;
  age: number | null;
  idType: string;
  idNumber: string | null;
  phone: string | null;
  relation: string | null;
  careTags: string[];
  note: string | null;
  householdId: string | null;
  areaId: string;
  areaName: string;
  address: string | null;
}

export interface HouseholdDetail {
  household: {
    id: string;
    buildingId: string | null;
    buildingName: string | null;
    areaId: string;
    unit: string;
    door: string;
    address: string;
    rooms: number | null;
    headPersonId: string | null;
  };
  ancestors: Area[];
  members: PersonView[];
}

export interface NewPerson {
  householdId?: string;
  areaId?: string;
  name: string;
  idType?: IdType;
  idNumber?: string;
  sex?: Sex;
  birthDate?: string;
  phone?: string;
  relation?: string;
  careTags?: CareTag[];
  note?: string;
}

export interface Revealed {
  idNumber: string | null;
  phone: string | null;
}

export interface ImportResult {
  dryRun: boolean;
  partial: boolean;
  rows: number;
  imported: number;
  rejected: number;
  /** Households and buildings created (or that would be). */
  households: number;
  buildings: number;
  /** Households and buildings the rows go into, new or already registered. */
  householdsInFile: number;
  buildingsInFile: number;
  /** The first faults (at most 1000); totalErrors counts them all. */
  errors: Fault[];
  totalErrors: number;
  warnings: Fault[];
  rejectsCsv: string | null;
}
