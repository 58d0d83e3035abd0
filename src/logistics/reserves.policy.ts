// The supply reserves' rules, as data: rules/reserves.json, validated on load — the units, the items
// with their base unit, the other units each also uses (with the factor to the base unit) and the
// per-person daily norm a district's need is estimated from when it has no recent outflow, and per
// period (from a date on) each item's days-of-supply levels that raise a warning or a critical alert.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';
import { isCalendarDate } from '../platform/calendar.ts';

export const RESERVES_RULES_FILE = fileURLToPath(new URL('../../rules/reserves.json', import.meta.url));

const Text = Type.String({ pattern: '\\S' });
const Code = Type.String({ pattern: '^[a-z][a-z_]{0,39}$' });

export const ReservesPolicySchema = Type.Object({
  version: Text,
  source: Type.Optional(Text),
  notes: Type.Optional(Type.Array(Text)),
  units: Type.Array(Type.Object({ code: Code, zh: Text, en: Text }), { minItems: 1 }),
  items: Type.Array(
    Type.Object({
      code: Code,
      zh: Text,
      en: Text,
      unit: Code,
      alsoIn: Type.Record(Type.String(), Type.Number({ exclusiveMinimum: 0 })),
      perCapitaDaily: Type.Number({ minimum: 0 }),
    }),
    { minItems: 1 },
  ),
  periods: Type.Array(
    Type.Object({
      from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
      thresholds: Type.Record(
        Type.String(),
        Type.Object({
          warnDays: Type.Number({ exclusiveMinimum: 0, maximum: 365 }),
          criticalDays: Type.Number({ minimum: 0, maximum: 365 }),
        }),
      ),
    }),
    { minItems: 1 },
  ),
});
type ReservesPolicyFile = Static<typeof ReservesPolicySchema>;

export interface ReserveUnit {
  code: string;
  zh: string;
  en: string;
}
export interface ReserveItem {
  code: string;
  zh: string;
  en: string;
  /** The base unit stock is kept in. */
  unit: string;
  /** Other units the item uses: how many base units one of them is. */
  alsoIn: Record<string, number>;
  /** Base units a person needs a day: the estimate where a district had no outflow in the last 7 days. */
  perCapitaDaily: number;
}
export interface ReserveThreshold {
  warnDays: number;
  criticalDays: number;
}
export interface ReservesPeriod {
  from: string;
  thresholds: Record<string, ReserveThreshold>;
}
export interface ReservesPolicy {
  version: string;
  units: ReserveUnit[];
  items: ReserveItem[];
  /** Oldest first. */
  periods: ReservesPeriod[];
}

function faults(p: ReservesPolicyFile): RuleFileFault[] {
  const out: RuleFileFault[] = [];
  const units = new Set(p.units.map((u) => u.code));
  const items = new Set(p.items.map((i) => i.code));
  if (units.size !== p.units.length) out.push({ path: 'units', problem: 'a code appears twice' });
  if (items.size !== p.items.length) out.push({ path: 'items', problem: 'a code appears twice' });
  p.items.forEach((item, i) => {
    if (!units.has(item.unit))
      out.push({ path: `items[${i}].unit`, problem: `unknown unit ${JSON.stringify(item.unit)}` });
    for (const u of Object.keys(item.alsoIn)) {
      if (!units.has(u)) out.push({ path: `items[${i}].alsoIn.${u}`, problem: 'unknown unit' });
      else if (u === item.unit) out.push({ path: `items[${i}].alsoIn.${u}`, problem: 'the base unit needs no factor' });
    }
  });
  let previous = '';
  p.periods.forEach((period, i) => {
    if (!isCalendarDate(period.from)) out.push({ path: `periods[${i}].from`, problem: 'not a calendar date' });
    else if (period.from <= previous)
      out.push({ path: `periods[${i}].from`, problem: 'periods must be in date order, each from a later day' });
    previous = period.from;
    for (const [code, t] of Object.entries(period.thresholds)) {
      if (!items.has(code)) out.push({ path: `periods[${i}].thresholds.${code}`, problem: 'not an item of this file' });
      if (t.criticalDays > t.warnDays)
        out.push({ path: `periods[${i}].thresholds.${code}.criticalDays`, problem: 'more than warnDays' });
    }
  });
  return out;
}

const RESERVES_POLICY = ruleFile({
  label: 'reserves rules',
  file: RESERVES_RULES_FILE,
  schema: ReservesPolicySchema,
  check: faults,
  build: (p): ReservesPolicy => ({
    version: p.version,
    units: p.units.map((u) => ({ ...u })),
    items: p.items.map((i) => ({ ...i, alsoIn: { ...i.alsoIn } })),
    periods: p.periods.map((x) => ({
      from: x.from,
      thresholds: Object.fromEntries(Object.entries(x.thresholds).map(([k, v]) => [k, { ...v }])),
    })),
  }),
});

export function parseReservesPolicy(raw: unknown): ReservesPolicy {
  return parseRuleFile(RESERVES_POLICY, raw);
}

/** The deployment's reserves rules, read and validated once per process. */
export function reservesPolicy(): ReservesPolicy {
  return loadRuleFile(RESERVES_POLICY);
}
