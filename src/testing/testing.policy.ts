// The testing-round rule set as data: rules/testing.json, validated on load — the round deadline, the
// planning norms, the Ct range a lab may report, the re-test target, the offline window of the sampler
// page and whether an upload reports suspected-positive pools by itself.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, readRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';

export const TESTING_RULES_FILE = fileURLToPath(new URL('../../rules/testing.json', import.meta.url));

const Text = Type.String({ pattern: '\\S' });
const Num = (minimum: number, maximum: number) => Type.Number({ minimum, maximum });
const Range = (minimum: number, maximum: number) =>
  Type.Object({ min: Num(minimum, maximum), max: Num(minimum, maximum) });

export const TestingPolicySchema = Type.Object({
  version: Text,
  effectiveFrom: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  roundDeadlineHours: Num(1, 24 * 14),
  planning: Type.Object({
    peoplePerSite: Range(1, 1_000_000),
    peoplePerTable: Range(1, 1_000_000),
    peoplePerSampler: Num(1, 1_000_000),
  }),
  ct: Range(0, 60),
  retestTargetHours: Num(0.5, 72),
  offlineWindowHours: Num(1, 24 * 7),
  clockSkewMinutes: Num(0, 60),
  autoReportOnUpload: Type.Boolean(),
  positiveSingleClassification: Type.Union([
    Type.Literal('suspected'),
    Type.Literal('confirmed'),
    Type.Literal('asymptomatic'),
  ]),
  notify: Type.Object({ squad: Text, police: Text }),
});

export type TestingPolicy = Static<typeof TestingPolicySchema>;

/** A {min, max} whose max is below its min. */
function rangeFaults(p: TestingPolicy): RuleFileFault[] {
  const ranges = {
    'planning.peoplePerSite': p.planning.peoplePerSite,
    'planning.peoplePerTable': p.planning.peoplePerTable,
    ct: p.ct,
  };
  return Object.entries(ranges)
    .filter(([, r]) => r.max < r.min)
    .map(([at, r]) => ({ path: `${at}.max`, problem: `must not be below ${at}.min (${r.min})` }));
}

const TESTING_RULES = ruleFile({
  label: 'testing rules (rules/testing.json)',
  file: TESTING_RULES_FILE,
  schema: TestingPolicySchema,
  check: rangeFaults,
  build: (p): TestingPolicy => ({
    version: p.version,
    effectiveFrom: p.effectiveFrom,
    roundDeadlineHours: p.roundDeadlineHours,
    planning: {
      peoplePerSite: { min: p.planning.peoplePerSite.min, max: p.planning.peoplePerSite.max },
      peoplePerTable: { min: p.planning.peoplePerTable.min, max: p.planning.peoplePerTable.max },
      peoplePerSampler: p.planning.peoplePerSampler,
    },
    ct: { min: p.ct.min, max: p.ct.max },
    retestTargetHours: p.retestTargetHours,
    offlineWindowHours: p.offlineWindowHours,
    clockSkewMinutes: p.clockSkewMinutes,
    autoReportOnUpload: p.autoReportOnUpload,
    positiveSingleClassification: p.positiveSingleClassification,
    notify: { squad: p.notify.squad, police: p.notify.police },
  }),
});

/** Validates the parsed rule file; throws naming the first bad fields (e.g. planning.peoplePerSite.min). */
export function parseTestingPolicy(raw: unknown): TestingPolicy {
  return parseRuleFile(TESTING_RULES, raw);
}

export function loadTestingPolicy(file: string = TESTING_RULES_FILE): TestingPolicy {
  return readRuleFile(TESTING_RULES, file);
}

/** The deployment's testing rules, read and validated once per process. */
export function testingPolicy(): TestingPolicy {
  return loadRuleFile(TESTING_RULES);
}
