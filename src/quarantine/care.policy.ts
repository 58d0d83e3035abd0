// A quarantine site's daily rules as data: rules/quarantine-ops.json, validated on load (errors name the
// field) — the health checks' slots and thresholds, when a scheduled test day counts as missed, which
// needs route where in allocation, the disinfection schedule, the medical-waste hand-over limits and the
// staff's test rhythm.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';

export const CARE_POLICY_FILE = fileURLToPath(new URL('../../rules/quarantine-ops.json', import.meta.url));

const Time = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM in the deployment zone' });
const Celsius = (description: string) => Type.Number({ minimum: 30, maximum: 45, description });
const MgL = Type.Union([Type.Null(), Type.Number({ minimum: 0, maximum: 100_000 })]);

const Item = Type.Object({
  key: Type.String({ pattern: '^[a-z_]+$' }),
  zone: Type.Union([Type.Literal('observation'), Type.Literal('service'), Type.Literal('sanitation')]),
  timesPerDay: Type.Integer({ minimum: 1, maximum: 24 }),
  minMgL: MgL,
  maxMgL: MgL,
  minMinutes: Type.Integer({ minimum: 0, maximum: 600 }),
});

export const CarePolicySchema = Type.Object({
  version: Type.String({ pattern: '\\S' }),
  checks: Type.Object({
    minTemperatureC: Celsius('A temperature below this is refused as a typing error.'),
    maxTemperatureC: Celsius('A temperature above this is refused as a typing error.'),
    feverAtC: Celsius('A temperature at or above this raises a fever alert.'),
    slots: Type.Array(Type.Object({ key: Type.String({ pattern: '^[a-z]+$' }), from: Time, missedAfter: Time }), {
      minItems: 1,
      maxItems: 4,
    }),
    symptoms: Type.Array(Type.String({ pattern: '^[a-z_]+$' }), { minItems: 1 }),
  }),
  /** A scheduled test day with no sample by this time of its date (in the zone) is missed. */
  tests: Type.Object({ missedAfter: Time }),
  allocation: Type.Object({
    accessibleNeeds: Type.Array(Type.String()),
    hospitalNeeds: Type.Record(Type.String(), Type.String()),
    kindPreference: Type.Array(Type.String(), { minItems: 1 }),
    vehicleSeats: Type.Integer({ minimum: 1, maximum: 80 }),
  }),
  disinfection: Type.Object({
    items: Type.Array(Item, { minItems: 1 }),
    terminal: Type.Object({
      key: Type.String({ pattern: '^[a-z_]+$' }),
      minMgL: MgL,
      maxMgL: MgL,
      minMinutes: Type.Integer({ minimum: 0, maximum: 600 }),
      dueWithinHours: Type.Integer({ minimum: 1, maximum: 168 }),
    }),
  }),
  waste: Type.Object({
    maxStorageHours: Type.Integer({ minimum: 1, maximum: 24 * 7 }),
    warnHoursBefore: Type.Integer({ minimum: 0, maximum: 24 * 7 }),
  }),
  staff: Type.Object({
    testEveryDays: Type.Integer({ minimum: 1, maximum: 14 }),
    feverAtC: Celsius('A staff temperature at or above this is flagged.'),
  }),
});

export type CarePolicy = Static<typeof CarePolicySchema>;
export type DisinfectionItem = Static<typeof Item>;

function check(p: CarePolicy): RuleFileFault[] {
  const faults: RuleFileFault[] = [];
  const c = p.checks;
  if (!(c.minTemperatureC < c.feverAtC && c.feverAtC < c.maxTemperatureC))
    faults.push({ path: 'checks.feverAtC', problem: 'must lie between minTemperatureC and maxTemperatureC' });
  c.slots.forEach((s, i) => {
    if (s.missedAfter <= s.from) faults.push({ path: `checks.slots[${i}].missedAfter`, problem: 'must be after from' });
  });
  const keys = new Set<string>();
  p.disinfection.items.forEach((it, i) => {
    if (keys.has(it.key)) faults.push({ path: `disinfection.items[${i}].key`, problem: 'appears twice' });
    keys.add(it.key);
    if (it.minMgL !== null && it.maxMgL !== null && it.maxMgL < it.minMgL)
      faults.push({ path: `disinfection.items[${i}].maxMgL`, problem: 'is below minMgL' });
  });
  if (keys.has(p.disinfection.terminal.key))
    faults.push({ path: 'disinfection.terminal.key', problem: 'is also a daily item' });
  if (p.waste.warnHoursBefore >= p.waste.maxStorageHours)
    faults.push({ path: 'waste.warnHoursBefore', problem: 'must be below maxStorageHours' });
  return faults;
}

const CARE_POLICY = ruleFile({
  label: 'quarantine operations rules',
  file: CARE_POLICY_FILE,
  schema: CarePolicySchema,
  check,
});

export function parseCarePolicy(raw: unknown): CarePolicy {
  return parseRuleFile(CARE_POLICY, raw);
}

/** The deployment's quarantine operations rules, read and validated once per process. */
export function carePolicy(): CarePolicy {
  return loadRuleFile(CARE_POLICY);
}
