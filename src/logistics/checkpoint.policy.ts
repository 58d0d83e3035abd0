// The checkpoint and trip rules that change by date, as data: rules/checkpoint.json, validated on load.
// Per period (from a date on): how far ahead a trip is pre-registered, which destinations need a pass,
// how old a driver's test may be, the fever line, antigen on the spot, whether a truck may be turned
// back, which vehicles go to the named officer, and how late a queued offline check is accepted.
// The rules (checkpoint.rules.ts, trips.rules.ts) read the period in force on a given day.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';
import { isCalendarDate } from '../platform/calendar.ts';

export const CHECKPOINT_RULES_FILE = fileURLToPath(new URL('../../rules/checkpoint.json', import.meta.url));

export const DESTINATION_KINDS = ['closed_loop_enterprise', 'warehouse', 'transfer_station'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
export const OFFICER_REASONS = [
  'unreported',
  'non_essential',
  'origin_low',
  'origin_medium_high',
  'crew_mismatch',
] as const;
export type OfficerReason = (typeof OFFICER_REASONS)[number];

const Text = Type.String({ pattern: '\\S' });

export const CheckpointPolicySchema = Type.Object({
  version: Text,
  source: Type.Optional(Text),
  notes: Type.Optional(Type.Array(Text)),
  periods: Type.Array(
    Type.Object({
      from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
      reportAheadHours: Type.Integer({ minimum: 0, maximum: 240 }),
      passRequiredFor: Type.Array(Type.Union(DESTINATION_KINDS.map((k) => Type.Literal(k)))),
      testValidityHours: Type.Integer({ minimum: 1, maximum: 720 }),
      feverCelsius: Type.Number({ minimum: 36, maximum: 40 }),
      antigenOnSpot: Type.Boolean(),
      pcrSampleWithAntigen: Type.Boolean(),
      turnBack: Type.Boolean(),
      officerFor: Type.Array(Type.Union(OFFICER_REASONS.map((k) => Type.Literal(k)))),
      queuedCheckMinutes: Type.Integer({ minimum: 0, maximum: 1440 }),
    }),
    { minItems: 1 },
  ),
});

export type CheckpointPolicyFile = Static<typeof CheckpointPolicySchema>;
export type CheckpointPeriod = CheckpointPolicyFile['periods'][number];
export interface CheckpointPolicy {
  version: string;
  /** Oldest first. */
  periods: CheckpointPeriod[];
}

function faults(p: CheckpointPolicyFile): RuleFileFault[] {
  const out: RuleFileFault[] = [];
  let previous = '';
  p.periods.forEach((period, i) => {
    if (!isCalendarDate(period.from)) out.push({ path: `periods[${i}].from`, problem: 'not a calendar date' });
    else if (period.from <= previous)
      out.push({ path: `periods[${i}].from`, problem: 'periods must be in date order, each from a later day' });
    previous = period.from;
  });
  return out;
}

const CHECKPOINT_POLICY = ruleFile({
  label: 'checkpoint rules',
  file: CHECKPOINT_RULES_FILE,
  schema: CheckpointPolicySchema,
  check: faults,
  build: (p): CheckpointPolicy => ({
    version: p.version,
    periods: p.periods.map((x) => ({ ...x, passRequiredFor: [...x.passRequiredFor], officerFor: [...x.officerFor] })),
  }),
});

export function parseCheckpointPolicy(raw: unknown): CheckpointPolicy {
  return parseRuleFile(CHECKPOINT_POLICY, raw);
}

/** The deployment's checkpoint rules, read and validated once per process. */
export function checkpointPolicy(): CheckpointPolicy {
  return loadRuleFile(CHECKPOINT_POLICY);
}

/** The period in force on a day (the latest that began on or before it; the first before any). */
export function checkpointPeriodOn(policy: CheckpointPolicy, day: string): CheckpointPeriod {
  let found = policy.periods[0]!;
  for (const p of policy.periods) if (p.from <= day) found = p;
  return found;
}
