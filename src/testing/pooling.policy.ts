// The pooling rule set as data: rules/pooling.json, validated on load — pool size per control level,
// the validated pool sizes, the range of the 'any' mode and the default Ct dilution limit.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { CONTROL_LEVELS, type ControlLevel, type PoolingPolicy } from './pooling.rules.ts';
import { loadRuleFile, parseRuleFile, readRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';

export const POOLING_RULES_FILE = fileURLToPath(new URL('../../rules/pooling.json', import.meta.url));

const Text = Type.String({ pattern: '\\S' });
const PoolSize = (minimum: number) => Type.Integer({ minimum, maximum: 64 });
const Ct = Type.Number({ minimum: 5, maximum: 50, description: 'A Ct value from 5 to 50' });
const Level = Type.Object({ poolSize: PoolSize(1), householdTube: Type.Boolean() });

export const PoolingPolicySchema = Type.Object({
  version: Text,
  effectiveFrom: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  anySizeRange: Type.Object({ min: PoolSize(2), max: PoolSize(2) }),
  validatedPoolSizes: Type.Array(PoolSize(2), { minItems: 1 }),
  controlLevels: Type.Object(
    Object.fromEntries(CONTROL_LEVELS.map((level) => [level, Level])) as Record<ControlLevel, typeof Level>,
    { additionalProperties: false },
  ),
  dilution: Type.Object({ ctCutoff: Ct, typicalPositiveCt: Ct }),
});

type PoolingFile = Static<typeof PoolingPolicySchema>;

/** The checks across fields: the date, the sizes against the range and each other, the Ct values. */
function poolingFaults(raw: PoolingFile): RuleFileFault[] {
  const out: RuleFileFault[] = [];
  const fault = (path: string, problem: string) => out.push({ path, problem });
  if (Number.isNaN(Date.parse(raw.effectiveFrom))) fault('effectiveFrom', 'must be a date YYYY-MM-DD');
  const { min, max } = raw.anySizeRange;
  if (max < min) fault('anySizeRange.max', `must not be below anySizeRange.min (${min})`);
  raw.validatedPoolSizes.forEach((k, i) => {
    if (k < min || k > max) fault(`validatedPoolSizes[${i}]`, `must be a whole number from ${min} to ${max}`);
  });
  if (new Set(raw.validatedPoolSizes).size !== raw.validatedPoolSizes.length)
    fault('validatedPoolSizes', 'must not repeat a size');
  for (const level of CONTROL_LEVELS) {
    const at = `controlLevels.${level}.poolSize`;
    const { poolSize } = raw.controlLevels[level];
    if (poolSize > max) fault(at, `must be a whole number from 1 to ${max}`);
    // Only single tubes and the validated sizes may be mandated (pooling pools again is not validated).
    else if (poolSize !== 1 && !raw.validatedPoolSizes.includes(poolSize))
      fault(at, `must be 1 or a validated size (${raw.validatedPoolSizes.join(', ')})`);
  }
  if (raw.dilution.typicalPositiveCt >= raw.dilution.ctCutoff)
    fault('dilution.typicalPositiveCt', 'must be below dilution.ctCutoff');
  return out;
}

const POOLING_RULES = ruleFile({
  label: 'pooling rules',
  file: POOLING_RULES_FILE,
  schema: PoolingPolicySchema,
  check: poolingFaults,
  build: (raw): PoolingPolicy => ({
    version: raw.version,
    effectiveFrom: raw.effectiveFrom,
    validatedPoolSizes: [...raw.validatedPoolSizes].sort((a, b) => a - b),
    anySizeRange: { min: raw.anySizeRange.min, max: raw.anySizeRange.max },
    controlLevels: Object.fromEntries(
      CONTROL_LEVELS.map((level) => {
        const { poolSize, householdTube } = raw.controlLevels[level];
        return [level, { poolSize, householdTube }];
      }),
    ) as Record<ControlLevel, { poolSize: number; householdTube: boolean }>,
    dilution: { ctCutoff: raw.dilution.ctCutoff, typicalPositiveCt: raw.dilution.typicalPositiveCt },
  }),
});

/** Validates the parsed rule file; throws naming the first bad fields (e.g. controlLevels.controlled.poolSize). */
export function parsePoolingPolicy(raw: unknown): PoolingPolicy {
  return parseRuleFile(POOLING_RULES, raw);
}

export function loadPoolingPolicy(file: string = POOLING_RULES_FILE): PoolingPolicy {
  return readRuleFile(POOLING_RULES, file);
}

/** The deployment's pooling rules, read and validated once per process. */
export function poolingPolicy(): PoolingPolicy {
  return loadRuleFile(POOLING_RULES);
}
