// The client for supply logistics (保通保畅): enterprises, their vehicles and drivers, vehicle passes
// (application, review, the signed code and the printable PDF) and a checkpoint's verification.
import { download, json } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';

export type EnterpriseCategory = 'supply_whitelist' | 'medical_supplies' | 'food' | 'energy' | 'production_materials';
export type VehicleType = 'truck' | 'van' | 'refrigerated' | 'tanker' | 'tractor_trailer' | 'light_truck';
export type LicenceClass = 'A1' | 'A2' | 'B1' | 'B2' | 'C1' | 'C2';
export type PassStatus = 'applied' | 'issued' | 'refused' | 'revoked' | 'withdrawn';
export type PassState = PassStatus | 'expired' | 'not_yet_valid';

export interface Named {
  code: string;
  zh: string;
  en: string;
}

export interface LogisticsRules {
  version: string;
  today: string;
  departments: Named[];
  cargoCategories: Array<Named & { department: string }>;
  validity: { defaultDays: number; maxDays: number };
  applyAheadDays: number;
  enterpriseId: string | null;
  department: string | null;
}

export interface Enterprise {
  id: string;
  name: string;
  creditCode: string;
  category: EnterpriseCategory;
  areaId: string;
  areaName: string;
  county: string;
  countyName: string | null;
  address: string;
  contactName: string;
  contactPhone: string;
  status: 'active' | 'suspended';
  vehicles: number;
  drivers: number;
  createdAt: number;
}

export interface Vehicle {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  plate: string;
  plateKind: 'standard' | 'new_energy';
  trailerPlate: string | null;
  type: VehicleType;
  loadKg: number;
  status: 'active' | 'retired';
  createdAt: number;
}

export interface Driver {
  id: string;
  enterpriseId: string;
  name: string;
  idType: 'resident_id' | 'passport' | 'other';
  idNumber: string;
  phone: string;
  resident: boolean;
  licenceClass: LicenceClass;
  status: 'active' | 'retired';
  createdAt: number;
}

export interface Place {
  code: string;
  name: string | null;
}

export interface Pass {
  id: string;
  number: string | null;
  status: PassStatus;
  state: PassState;
  enterpriseId: string;
  enterpriseName: string;
  vehicleId: string;
  plate: string;
  trailerPlate: string | null;
  vehicleType: VehicleType;
  drivers: Array<{ id: string; name: string; phone: string }>;
  origin: Place;
  destination: Place;
  cargoCategory: string;
  cargoNote: string;
  department: string;
  county: Place;
  validFrom: string;
  validUntil: string;
  appliedAt: number;
  decidedAt: number | null;
  decisionNote: string | null;
  revokedAt: number | null;
  revokeReason: string | null;
}

export interface PassApplication {
  vehicleId: string;
  driverIds: string[];
  origin: string;
  destination: string;
  cargoCategory: string;
  cargoNote?: string;
  validFrom?: string;
  validUntil?: string;
}

export const logisticsApi = {
  rules: () => json<LogisticsRules>('GET', '/logistics/rules'),
  enterprises: (q: { q?: string } = {}) =>
    json<Page<Enterprise>>('GET', '/logistics/enterprises', { query: { limit: 200, ...q } }),
  enterprise: (id: string) => json<Enterprise>('GET', `/logistics/enterprises/${id}`),
  createEnterprise: (body: {
    name: string;
    creditCode: string;
    category: EnterpriseCategory;
    areaId: string;
    contactName: string;
    contactPhone: string;
    address?: string;
  }) => json<Enterprise>('POST', '/logistics/enterprises', { json: body }),
  vehicles: (enterpriseId: string) =>
    json<Page<Vehicle>>('GET', '/logistics/vehicles', { query: { enterpriseId, limit: 500 } }),
  addVehicle: (
    enterpriseId: string,
    body: { plate: string; trailerPlate?: string; type: VehicleType; loadKg: number },
  ) => json<Vehicle>('POST', `/logistics/enterprises/${enterpriseId}/vehicles`, { json: body }),
  drivers: (enterpriseId: string) =>
    json<Page<Driver>>('GET', '/logistics/drivers', { query: { enterpriseId, limit: 500 } }),
  addDriver: (
    enterpriseId: string,
    body: { name: string; idType: Driver['idType']; idNumber: string; phone: string; licenceClass: LicenceClass },
  ) => json<Driver>('POST', `/logistics/enterprises/${enterpriseId}/drivers`, { json: body }),
  passes: (q: { status?: PassStatus; enterpriseId?: string; mine?: boolean; q?: string } = {}) =>
    json<Page<Pass>>('GET', '/logistics/passes', { query: { limit: 200, ...q } }),
  pass: (id: string) => json<Pass>('GET', `/logistics/passes/${id}`),
  apply: (body: PassApplication) => json<Pass>('POST', '/logistics/passes', { json: body }),
  issue: (id: string, note?: string) =>
    json<Pass>('POST', `/logistics/passes/${id}/issue`, { json: note ? { note } : {} }),
  refuse: (id: string, reason: string) => json<Pass>('POST', `/logistics/passes/${id}/refuse`, { json: { reason } }),
  revoke: (id: string, reason: string) => json<Pass>('POST', `/logistics/passes/${id}/revoke`, { json: { reason } }),
  withdraw: (id: string) => json<Pass>('POST', `/logistics/passes/${id}/withdraw`),
  code: (id: string) => json<{ number: string; token: string }>('GET', `/logistics/passes/${id}/code`),
  pdf: (id: string) => download(`/logistics/passes/${id}/pass.pdf`, {}, `vehicle-pass-${id}.pdf`),
  verify: (body: { code?: string; number?: string; plate?: string }) =>
    json<{ ok: true; pass: Pass; checkedAt: number }>('POST', '/logistics/passes/verify', { json: body }),
};

/** A name from the rule file in the page's language. */
export function named(list: Named[] | undefined, code: string, lang: string): string {
  const n = list?.find((x) => x.code === code);
  return n ? (lang.startsWith('zh') ? n.zh : n.en) : code;
}
