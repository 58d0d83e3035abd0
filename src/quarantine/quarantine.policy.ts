// The quarantine module's rules as data: rules/quarantine.json, validated on load — the capacity norms
// (rooms per 10,000 residents, rooms per infected case), the free-room alert, the forecast's window and
// look-back, the rooms' default beds, and which hospital designations serve which care need. Sections
// of the module's other parts are added to the same file and the same schema.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, readRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';

export const QUARANTINE_RULES_FILE = fileURLToPath(new URL('../../rules/quarantine.json', import.meta.url));

const Text = Type.String({ pattern: '\\S' });
const Num = (minimum: number, maximum: number) => Type.Number({ minimum, maximum });
const Int = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });

export const ROOM_KINDS = ['single', 'double', 'family', 'accessible', 'ward_bed'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export const HOSPITAL_DESIGNATIONS = [
  'fever_clinic',
  'red_yellow_code',
  'dialysis',
  'maternity',
  'paediatrics',
  'treatment',
  'cabin',
] as const;
export type HospitalDesignation = (typeof HOSPITAL_DESIGNATIONS)[number];

export const CARE_NEEDS = ['fever', 'dialysis', 'pregnancy', 'child', 'chronic', 'treatment'] as const;
export type CareNeed = (typeof CARE_NEEDS)[number];

const Designations = Type.Array(Type.Union(HOSPITAL_DESIGNATIONS.map((d) => Type.Literal(d))), { minItems: 1 });

export const QuarantinePolicySchema = Type.Object({
  version: Text,
  effectiveFrom: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  source: Type.Optional(Type.String()),
  capacity: Type.Object({
    roomsPer10kResidents: Num(0, 10_000),
    roomsPerCase: Num(0, 100_000),
    alertFreeShare: Num(0, 1),
    forecastDays: Int(1, 60),
    lookbackDays: Int(1, 60),
    peoplePerRoom: Num(1, 10),
  }),
  rooms: Type.Object({
    defaultBeds: Type.Object(
      Object.fromEntries(ROOM_KINDS.map((k) => [k, Int(1, 20)])) as Record<RoomKind, ReturnType<typeof Int>>,
    ),
    maxBeds: Int(1, 50),
    maxFloor: Int(1, 500),
  }),
  hospitals: Type.Object({
    needs: Type.Object(
      Object.fromEntries(CARE_NEEDS.map((n) => [n, Designations])) as Record<CareNeed, typeof Designations>,
    ),
  }),
});

export type QuarantinePolicy = Static<typeof QuarantinePolicySchema>;

function crossFaults(p: QuarantinePolicy): RuleFileFault[] {
  return ROOM_KINDS.filter((k) => p.rooms.defaultBeds[k] > p.rooms.maxBeds).map((k) => ({
    path: `rooms.defaultBeds.${k}`,
    problem: `must not be above rooms.maxBeds (${p.rooms.maxBeds})`,
  }));
}

const QUARANTINE_RULES = ruleFile({
  label: 'quarantine rules (rules/quarantine.json)',
  file: QUARANTINE_RULES_FILE,
  schema: QuarantinePolicySchema,
  check: crossFaults,
});

/** Validates a parsed rule file; throws naming the bad fields (e.g. capacity.alertFreeShare). */
export function parseQuarantinePolicy(raw: unknown): QuarantinePolicy {
  return parseRuleFile(QUARANTINE_RULES, raw);
}

export function loadQuarantinePolicy(file: string = QUARANTINE_RULES_FILE): QuarantinePolicy {
  return readRuleFile(QUARANTINE_RULES, file);
}

/** The deployment's quarantine rules, read and validated once per process. */
export function quarantinePolicy(): QuarantinePolicy {
  return loadRuleFile(QUARANTINE_RULES);
}
