// The decision-support rules that change by date, as data: rules/decision.json, validated on load —
// per period (from a date on) the Rt window, the prior, the fewest cases for an estimate, the serial
// interval to use until the city's own pairs are enough, the projection's horizon and trajectories, and
// the demand's look-back and bed rules; and how often stored projections are scored.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';
import { isCalendarDate } from '../platform/calendar.ts';

export const DECISION_RULES_FILE = fileURLToPath(new URL('../../rules/decision.json', import.meta.url));

const Text = Type.String({ pattern: '\\S' });
const Positive = Type.Number({ exclusiveMinimum: 0 });

const Period = Type.Object({
  from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  seriesDays: Type.Integer({ minimum: 14, maximum: 366 }),
  window: Type.Integer({ minimum: 1, maximum: 28 }),
  minCases: Type.Integer({ minimum: 0, maximum: 1000 }),
  prior: Type.Object({ shape: Positive, scale: Positive }),
  serialInterval: Type.Object({ mean: Type.Number({ exclusiveMinimum: 1, maximum: 30 }), sd: Positive }),
  siFromPairs: Type.Object({ minPairs: Type.Integer({ minimum: 2, maximum: 100000 }) }),
  projection: Type.Object({
    horizon: Type.Integer({ minimum: 1, maximum: 60 }),
    trajectories: Type.Integer({ minimum: 50, maximum: 20000 }),
  }),
  demand: Type.Object({
    lookBackDays: Type.Integer({ minimum: 7, maximum: 120 }),
    bedDays: Type.Integer({ minimum: 1, maximum: 60 }),
    bedClassifications: Type.Array(
      Type.Union([Type.Literal('confirmed'), Type.Literal('asymptomatic'), Type.Literal('suspected')]),
    ),
  }),
});

export const DecisionPolicySchema = Type.Object({
  version: Text,
  notes: Type.Optional(Type.Array(Text)),
  periods: Type.Array(Period, { minItems: 1 }),
  scoring: Type.Object({
    everyMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    settleDays: Type.Integer({ minimum: 0, maximum: 30 }),
  }),
});

export type DecisionPolicyFile = Static<typeof DecisionPolicySchema>;
export type DecisionPeriod = Static<typeof Period>;
export interface DecisionPolicy {
  version: string;
  /** Oldest first. */
  periods: DecisionPeriod[];
  scoring: { everyMinutes: number; settleDays: number };
}

function faults(p: DecisionPolicyFile): RuleFileFault[] {
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

const DECISION_POLICY = ruleFile({
  label: 'decision rules',
  file: DECISION_RULES_FILE,
  schema: DecisionPolicySchema,
  check: faults,
  build: (p): DecisionPolicy => ({ version: p.version, periods: p.periods, scoring: { ...p.scoring } }),
});

export function parseDecisionPolicy(raw: unknown): DecisionPolicy {
  return parseRuleFile(DECISION_POLICY, raw);
}

/** The deployment's decision rules, read and validated once per process. */
export function decisionPolicy(): DecisionPolicy {
  return loadRuleFile(DECISION_POLICY);
}

/** The period in force on a day (YYYY-MM-DD): the latest that began on or before it, else the first. */
export function periodFor(policy: DecisionPolicy, day: string): DecisionPeriod {
  let found = policy.periods[0];
  for (const p of policy.periods) if (p.from <= day) found = p;
  return found;
}
