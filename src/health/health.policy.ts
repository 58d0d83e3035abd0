// The health code's own rules as data: rules/health.json, validated on load (errors name the field).
// The colour rules themselves live in the rule sets (rules/rulesets/).
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, ruleFile } from '../platform/rule-file.ts';

export const HEALTH_POLICY_FILE = fileURLToPath(new URL('../../rules/health.json', import.meta.url));

const Int = (minimum: number, maximum: number, description: string) => Type.Integer({ minimum, maximum, description });

export const HealthPolicySchema = Type.Object({
  version: Type.String({ pattern: '\\S' }),
  appealAnswerHours: Int(1, 24 * 30, 'A reviewer answers an appeal within this many hours of its filing.'),
  overrideMaxDays: Int(1, 60, 'A manual colour ends at most this many days after approval.'),
  legalBasisMinLength: Int(1, 200, 'A legal basis shorter than this is refused.'),
  sweepBatch: Int(100, 100_000, 'People recomputed per transaction by the end-condition sweep and `recompute --all`.'),
});

export type HealthPolicy = Static<typeof HealthPolicySchema>;

const HEALTH_POLICY = ruleFile({
  label: 'health policy',
  file: HEALTH_POLICY_FILE,
  schema: HealthPolicySchema,
  build: (p): HealthPolicy => ({
    version: p.version,
    appealAnswerHours: p.appealAnswerHours,
    overrideMaxDays: p.overrideMaxDays,
    legalBasisMinLength: p.legalBasisMinLength,
    sweepBatch: p.sweepBatch,
  }),
});

export function parseHealthPolicy(raw: unknown): HealthPolicy {
  return parseRuleFile(HEALTH_POLICY, raw);
}

/** The deployment's health policy, read and validated once per process. */
export function healthPolicy(): HealthPolicy {
  return loadRuleFile(HEALTH_POLICY);
}
