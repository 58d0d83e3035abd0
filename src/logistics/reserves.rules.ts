// The reserves' arithmetic, pure: a quantity in a unit the item uses turned into thousandths of its base
// unit (refused in a unit it does not use), and the days of supply of an item in a district — daily
// consumption from the last 7 days' outflow, or, with no outflow in that window, the rule file's
// per-person norm times the population served — with the level the period's thresholds give it.
import type { ReserveItem, ReserveThreshold, ReservesPolicy } from './reserves.policy.ts';

export const MOVEMENT_KINDS = ['in', 'out', 'transfer', 'distribution'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export const SUPPLY_LEVELS = ['ok', 'warn', 'critical', 'empty'] as const;
export type SupplyLevel = (typeof SUPPLY_LEVELS)[number];
export const CONSUMPTION_BASES = ['outflow', 'norm', 'none'] as const;
export type ConsumptionBasis = (typeof CONSUMPTION_BASES)[number];

/** The window daily consumption is estimated over. */
export const OUTFLOW_DAYS = 7;
/** Kinds that leave the reserve for good (a transfer only moves stock between warehouses). */
export const OUTFLOW_KINDS: readonly MovementKind[] = ['out', 'distribution'];
export const MILLI = 1000;

export type QuantityCheck =
  { ok: true; milli: number } | { ok: false; code: 'STOCK_UNIT_NOT_USED' | 'STOCK_QUANTITY_INVALID' };

/** Units the item is counted in: its base unit first. */
export function unitsOf(item: ReserveItem): string[] {
  return [item.unit, ...Object.keys(item.alsoIn)];
}

/** `qty` of `unit` as thousandths of the item's base unit; a unit the item does not use is refused. */
export function toMilli(item: ReserveItem, qty: number, unit: string): QuantityCheck {
  const factor = unit === item.unit ? 1 : item.alsoIn[unit];
  if (factor === undefined) return { ok: false, code: 'STOCK_UNIT_NOT_USED' };
  if (!Number.isFinite(qty) || qty <= 0) return { ok: false, code: 'STOCK_QUANTITY_INVALID' };
  const exact = qty * factor * MILLI;
  const milli = Math.round(exact);
  // Finer than a thousandth of the base unit (0.0001 t) is not kept: refused rather than rounded away.
  if (milli < 1 || Math.abs(exact - milli) > 1e-6 * Math.max(1, Math.abs(exact)))
    return { ok: false, code: 'STOCK_QUANTITY_INVALID' };
  if (!Number.isSafeInteger(milli)) return { ok: false, code: 'STOCK_QUANTITY_INVALID' };
  return { ok: true, milli };
}

/** Thousandths back to base units (2 543 060 → 2543.06). */
export function fromMilli(milli: number): number {
  return Math.round(milli) / MILLI;
}

/** The thresholds in force on `date` (YYYY-MM-DD): the latest period from that day or before, else the first. */
export function thresholdsOn(policy: ReservesPolicy, date: string): Record<string, ReserveThreshold> {
  let found = policy.periods[0]!;
  for (const p of policy.periods) if (p.from <= date) found = p;
  return found.thresholds;
}

export interface SupplyInput {
  /** On hand now, thousandths of the base unit. */
  stockMilli: number;
  /** Left the reserve (out, distribution) in the last OUTFLOW_DAYS days, thousandths. */
  outflowMilli: number;
  /** People the district's warehouses serve. */
  population: number;
  item: Pick<ReserveItem, 'perCapitaDaily'>;
  threshold?: ReserveThreshold;
}

export interface SupplyFigures {
  /** Base units a day. */
  dailyConsumption: number;
  basis: ConsumptionBasis;
  /** Base units a person a day, from the basis; null without population. */
  perCapitaDaily: number | null;
  /** null when nothing is consumed (no outflow and no norm or no population). */
  daysOfSupply: number | null;
  level: SupplyLevel;
}

/** An item's days of supply in a district and its level under the thresholds. */
export function supplyFigures(input: SupplyInput): SupplyFigures {
  let daily: number;
  let basis: ConsumptionBasis;
  if (input.outflowMilli > 0) {
    daily = input.outflowMilli / MILLI / OUTFLOW_DAYS;
    basis = 'outflow';
  } else if (input.population > 0 && input.item.perCapitaDaily > 0) {
    // Rounded off the float noise of a norm like 0.0003 × 100,000.
    daily = Math.round(input.population * input.item.perCapitaDaily * 1e9) / 1e9;
    basis = 'norm';
  } else {
    daily = 0;
    basis = 'none';
  }
  const stock = input.stockMilli / MILLI;
  const days = daily > 0 ? stock / daily : null;
  return {
    dailyConsumption: daily,
    basis,
    perCapitaDaily: input.population > 0 && daily > 0 ? daily / input.population : null,
    daysOfSupply: days,
    level: levelOf(input.stockMilli, days, input.threshold),
  };
}

/** empty with nothing on hand; critical / warn under the thresholds' days; ok otherwise (and with no consumption). */
export function levelOf(stockMilli: number, days: number | null, threshold: ReserveThreshold | undefined): SupplyLevel {
  if (stockMilli <= 0) return 'empty';
  if (days === null || !threshold) return 'ok';
  if (days < threshold.criticalDays) return 'critical';
  if (days < threshold.warnDays) return 'warn';
  return 'ok';
}

/** The signed change a movement makes to the stock of its warehouse (and of a transfer's receiving one). */
export function stockDeltas(kind: MovementKind, milli: number): { from: number; to: number } {
  if (kind === 'in') return { from: milli, to: 0 };
  if (kind === 'transfer') return { from: -milli, to: milli };
  return { from: -milli, to: 0 };
}
