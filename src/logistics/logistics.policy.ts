// The logistics rules that change by date, as data: rules/logistics.json, validated on load — the
// departments that review passes, the cargo categories, and per period (from a date on) which
// department reviews which category, a pass's default and longest validity and how far ahead one may
// be applied for. The rules (passes.rules.ts) read the period in force on a given day.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';
import { isCalendarDate } from '../platform/calendar.ts';

export const LOGISTICS_RULES_FILE = fileURLToPath(new URL('../../rules/logistics.json', import.meta.url));

const Text = Type.String({ pattern: '\\S' });
const Code = Type.String({ pattern: '^[a-z][a-z_]{1,39}$' });
const Named = Type.Object({ code: Code, zh: Text, en: Text });

export const LogisticsPolicySchema = Type.Object({
  version: Text,
  source: Type.Optional(Text),
  notes: Type.Optional(Type.Array(Text)),
  departments: Type.Array(Named, { minItems: 1 }),
  cargoCategories: Type.Array(Named, { minItems: 1 }),
  periods: Type.Array(
    Type.Object({
      from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
      departmentOf: Type.Record(Type.String(), Code),
      validity: Type.Object({
        defaultDays: Type.Integer({ minimum: 1, maximum: 366 }),
        maxDays: Type.Integer({ minimum: 1, maximum: 366 }),
      }),
      applyAheadDays: Type.Integer({ minimum: 0, maximum: 90 }),
    }),
    { minItems: 1 },
  ),
});

export type LogisticsPolicyFile = Static<typeof LogisticsPolicySchema>;
export interface Named {
  code: string;
  zh: string;
  en: string;
}
export interface LogisticsPeriod {
  from: string;
  departmentOf: Record<string, string>;
  validity: { defaultDays: number; maxDays: number };
  applyAheadDays: number;
}
export interface LogisticsPolicy {
  version: string;
  departments: Named[];
  cargoCategories: Named[];
  /** Oldest first. */
  periods: LogisticsPeriod[];
}

function faults(p: LogisticsPolicyFile): RuleFileFault[] {
  const out: RuleFileFault[] = [];
  const departments = new Set(p.departments.map((d) => d.code));
  const categories = new Set(p.cargoCategories.map((c) => c.code));
  if (departments.size !== p.departments.length) out.push({ path: 'departments', problem: 'a code appears twice' });
  if (categories.size !== p.cargoCategories.length)
    out.push({ path: 'cargoCategories', problem: 'a code appears twice' });
  let previous = '';
  p.periods.forEach((period, i) => {
    if (!isCalendarDate(period.from)) out.push({ path: `periods[${i}].from`, problem: 'not a calendar date' });
    else if (period.from <= previous)
      out.push({ path: `periods[${i}].from`, problem: 'periods must be in date order, each from a later day' });
    previous = period.from;
    if (period.validity.defaultDays > period.validity.maxDays)
      out.push({ path: `periods[${i}].validity.defaultDays`, problem: 'longer than maxDays' });
    for (const c of categories)
      if (!(c in period.departmentOf))
        out.push({ path: `periods[${i}].departmentOf.${c}`, problem: 'no department for this cargo category' });
    for (const [c, d] of Object.entries(period.departmentOf)) {
      if (!categories.has(c))
        out.push({ path: `periods[${i}].departmentOf.${c}`, problem: 'not a cargo category of this file' });
      else if (!departments.has(d))
        out.push({ path: `periods[${i}].departmentOf.${c}`, problem: `unknown department ${JSON.stringify(d)}` });
    }
  });
  return out;
}

const LOGISTICS_POLICY = ruleFile({
  label: 'logistics rules',
  file: LOGISTICS_RULES_FILE,
  schema: LogisticsPolicySchema,
  check: faults,
  build: (p): LogisticsPolicy => ({
    version: p.version,
    departments: p.departments.map((d) => ({ ...d })),
    cargoCategories: p.cargoCategories.map((c) => ({ ...c })),
    periods: p.periods.map((x) => ({
      from: x.from,
      departmentOf: { ...x.departmentOf },
      validity: { ...x.validity },
      applyAheadDays: x.applyAheadDays,
    })),
  }),
});

export function parseLogisticsPolicy(raw: unknown): LogisticsPolicy {
  return parseRuleFile(LOGISTICS_POLICY, raw);
}

/** The deployment's logistics rules, read and validated once per process. */
export function logisticsPolicy(): LogisticsPolicy {
  return loadRuleFile(LOGISTICS_POLICY);
}
