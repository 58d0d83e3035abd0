// The volunteer rules as data: rules/volunteers.json, validated on load — organisation kinds, skills
// (and which need a proof, with its pattern), task types and the skills each prefers, the kinds of unit
// that post needs, and per period (from a date on) the rest limits, the test windows a need may ask for,
// how long a daily repeat may run, and the weights of the matching's score.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';
import { isCalendarDate } from '../platform/calendar.ts';

export const VOLUNTEER_RULES_FILE = fileURLToPath(new URL('../../rules/volunteers.json', import.meta.url));

const Text = Type.String({ pattern: '\\S' });
const Code = Type.String({ pattern: '^[a-z][a-z_]{1,39}$' });
const Named = Type.Object({ code: Code, zh: Text, en: Text });

export const VolunteerPolicySchema = Type.Object({
  version: Text,
  source: Type.Optional(Text),
  notes: Type.Optional(Type.Array(Text)),
  orgKinds: Type.Array(Named, { minItems: 1 }),
  skills: Type.Array(
    Type.Object({
      code: Code,
      zh: Text,
      en: Text,
      proof: Type.Optional(Type.Object({ zh: Text, en: Text, pattern: Text })),
    }),
    { minItems: 1 },
  ),
  taskTypes: Type.Array(Type.Object({ code: Code, zh: Text, en: Text, preferredSkills: Type.Array(Code) }), {
    minItems: 1,
  }),
  unitKinds: Type.Array(Named, { minItems: 1 }),
  periods: Type.Array(
    Type.Object({
      from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
      maxHoursPerDay: Type.Number({ exclusiveMinimum: 0, maximum: 24 }),
      maxHoursPerWeek: Type.Number({ exclusiveMinimum: 0, maximum: 168 }),
      testWithinHours: Type.Array(Type.Integer({ minimum: 1, maximum: 168 }), { minItems: 1 }),
      maxRepeatDays: Type.Integer({ minimum: 1, maximum: 366 }),
      weights: Type.Object({
        base: Type.Number({ minimum: 0 }),
        skill: Type.Number({ minimum: 0 }),
        distanceStep: Type.Number({ minimum: 0 }),
        weekHour: Type.Number({ minimum: 0 }),
        sameTeam: Type.Number({ minimum: 0 }),
      }),
    }),
    { minItems: 1 },
  ),
});

export type VolunteerPolicyFile = Static<typeof VolunteerPolicySchema>;
export interface Named {
  code: string;
  zh: string;
  en: string;
}
export interface SkillDef extends Named {
  proof: { zh: string; en: string; pattern: RegExp } | null;
}
export interface TaskTypeDef extends Named {
  preferredSkills: string[];
}
export interface ScoreWeights {
  base: number;
  skill: number;
  distanceStep: number;
  weekHour: number;
  sameTeam: number;
}
export interface VolunteerPeriod {
  from: string;
  maxHoursPerDay: number;
  maxHoursPerWeek: number;
  testWithinHours: number[];
  maxRepeatDays: number;
  weights: ScoreWeights;
}
export interface VolunteerPolicy {
  version: string;
  orgKinds: Named[];
  skills: SkillDef[];
  taskTypes: TaskTypeDef[];
  unitKinds: Named[];
  /** Oldest first. */
  periods: VolunteerPeriod[];
}

function unique(list: Array<{ code: string }>, path: string, out: RuleFileFault[]): Set<string> {
  const set = new Set(list.map((x) => x.code));
  if (set.size !== list.length) out.push({ path, problem: 'a code appears twice' });
  return set;
}

function faults(p: VolunteerPolicyFile): RuleFileFault[] {
  const out: RuleFileFault[] = [];
  unique(p.orgKinds, 'orgKinds', out);
  unique(p.unitKinds, 'unitKinds', out);
  unique(p.taskTypes, 'taskTypes', out);
  const skills = unique(p.skills, 'skills', out);
  p.skills.forEach((s, i) => {
    if (!s.proof) return;
    try {
      new RegExp(s.proof.pattern);
    } catch {
      out.push({ path: `skills[${i}].proof.pattern`, problem: 'not a regular expression' });
    }
  });
  p.taskTypes.forEach((t, i) =>
    t.preferredSkills.forEach((s, j) => {
      if (!skills.has(s)) out.push({ path: `taskTypes[${i}].preferredSkills[${j}]`, problem: `unknown skill ${s}` });
    }),
  );
  let previous = '';
  p.periods.forEach((period, i) => {
    if (!isCalendarDate(period.from)) out.push({ path: `periods[${i}].from`, problem: 'not a calendar date' });
    else if (period.from <= previous)
      out.push({ path: `periods[${i}].from`, problem: 'periods must be in date order, each from a later day' });
    previous = period.from;
    if (period.maxHoursPerDay > period.maxHoursPerWeek)
      out.push({ path: `periods[${i}].maxHoursPerDay`, problem: 'more than maxHoursPerWeek' });
  });
  return out;
}

const VOLUNTEER_POLICY = ruleFile({
  label: 'volunteer rules',
  file: VOLUNTEER_RULES_FILE,
  schema: VolunteerPolicySchema,
  check: faults,
  build: (p): VolunteerPolicy => ({
    version: p.version,
    orgKinds: p.orgKinds.map((x) => ({ ...x })),
    skills: p.skills.map((s) => ({
      code: s.code,
      zh: s.zh,
      en: s.en,
      proof: s.proof ? { zh: s.proof.zh, en: s.proof.en, pattern: new RegExp(s.proof.pattern) } : null,
    })),
    taskTypes: p.taskTypes.map((t) => ({ ...t, preferredSkills: [...t.preferredSkills] })),
    unitKinds: p.unitKinds.map((x) => ({ ...x })),
    periods: p.periods.map((x) => ({ ...x, testWithinHours: [...x.testWithinHours], weights: { ...x.weights } })),
  }),
});

export function parseVolunteerPolicy(raw: unknown): VolunteerPolicy {
  return parseRuleFile(VOLUNTEER_POLICY, raw);
}

/** The deployment's volunteer rules, read and validated once per process. */
export function volunteerPolicy(): VolunteerPolicy {
  return loadRuleFile(VOLUNTEER_POLICY);
}

/** The period in force on a day (the latest that began on or before it; the first before any). */
export function periodOn(policy: VolunteerPolicy, day: string): VolunteerPeriod {
  let found = policy.periods[0]!;
  for (const p of policy.periods) if (p.from <= day) found = p;
  return found;
}
