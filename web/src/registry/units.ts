// Households of a building grouped by unit (单元), in natural order ("2" before "10").
import type { HouseholdSummary } from './types.ts';

const natural = new Intl.Collator('zh-CN', { numeric: true, sensitivity: 'base' });

export interface UnitGroup {
  unit: string;
  households: HouseholdSummary[];
}

export function groupByUnit(households: readonly HouseholdSummary[]): UnitGroup[] {
  const groups = new Map<string, HouseholdSummary[]>();
  for (const h of households) {
    const key = (h.unit ?? '').trim();
    const list = groups.get(key) ?? [];
    list.push(h);
    groups.set(key, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : natural.compare(a, b)))
    .map(([unit, list]) => ({ unit, households: list.sort((x, y) => natural.compare(x.door, y.door)) }));
}

/** "1" → "1单元" / "Unit 1"; a unit already named ("1单元", "A座") is shown as it is. */
export function isBareUnitNumber(unit: string): boolean {
  return /^\d+$/.test(unit.trim());
}
