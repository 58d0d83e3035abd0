// The client for the supply reserves (物资储备): the catalogue, warehouses and their stock, movements,
// days of supply per item and district, and the open alerts.
import { json } from '../shared/api.ts';
import type { Page } from '../shared/types.ts';

export type MovementKind = 'in' | 'out' | 'transfer' | 'distribution';
export type SupplyLevel = 'ok' | 'warn' | 'critical' | 'empty';

export interface ReserveCatalogue {
  version: string;
  units: Array<{ code: string; zh: string; en: string }>;
  items: Array<{
    code: string;
    zh: string;
    en: string;
    unit: string;
    units: string[];
    perCapitaDaily: number;
    warnDays: number | null;
    criticalDays: number | null;
  }>;
}

export interface StockLine {
  item: string;
  unit: string;
  quantity: number;
  updatedAt: number;
}

export interface Warehouse {
  id: string;
  name: string;
  areaId: string;
  areaName: string;
  ownerUnit: string;
  address: string;
  status: 'active' | 'closed';
  createdAt: number;
  stock: StockLine[];
}

export interface Movement {
  id: string;
  kind: MovementKind;
  item: string;
  warehouseId: string;
  warehouseName: string;
  toWarehouseId: string | null;
  toWarehouseName: string | null;
  communityId: string | null;
  communityName: string | null;
  households: number | null;
  quantity: number;
  baseUnit: string;
  unit: string;
  unitQuantity: number;
  reference: string;
  note: string;
  occurredAt: number;
  recordedAt: number;
}

export interface MovementInput {
  kind: MovementKind;
  warehouseId: string;
  item: string;
  unit: string;
  quantity?: number;
  perHousehold?: number;
  toWarehouseId?: string;
  communityId?: string;
  reference?: string;
  note?: string;
}

export interface SupplyRow {
  item: string;
  unit: string;
  areaId: string | null;
  areaName: string;
  population: number;
  stock: number;
  outflow7d: number;
  dailyConsumption: number;
  basis: 'outflow' | 'norm' | 'none';
  perCapitaDaily: number | null;
  daysOfSupply: number | null;
  level: SupplyLevel;
  warnDays: number | null;
  criticalDays: number | null;
}

export interface ReservesReport {
  asOf: number;
  rulesVersion: string;
  outflowDays: number;
  rows: SupplyRow[];
}

export interface StockAlert {
  id: string;
  item: string;
  areaId: string;
  areaName: string;
  level: 'warn' | 'critical' | 'empty';
  daysOfSupply: number | null;
  thresholdDays: number;
  raisedAt: number;
  updatedAt: number;
}

export const reservesApi = {
  catalogue: () => json<ReserveCatalogue>('GET', '/logistics/reserves/catalogue'),
  report: () => json<ReservesReport>('GET', '/logistics/reserves'),
  alerts: () => json<StockAlert[]>('GET', '/logistics/reserves/alerts'),
  warehouses: () => json<Page<Warehouse>>('GET', '/logistics/warehouses', { query: { limit: 200 } }),
  warehouse: (id: string) => json<Warehouse>('GET', `/logistics/warehouses/${id}`),
  movements: (id: string, q: { limit: number; offset: number; item?: string; kind?: MovementKind }) =>
    json<Page<Movement>>('GET', `/logistics/warehouses/${id}/movements`, { query: q }),
  record: (body: MovementInput) => json<Movement>('POST', '/logistics/stock/movements', { json: body }),
};

/** An item's or a unit's name in the page's language. */
export function nameOf(
  list: ReadonlyArray<{ code: string; zh: string; en: string }> | undefined,
  code: string,
  lang: string,
): string {
  const found = list?.find((x) => x.code === code);
  return found ? (lang.startsWith('en') ? found.en : found.zh) : code;
}
