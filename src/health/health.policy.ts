// The health code's own rules as data: rules/health.json, validated on load (errors name the field).
// The colour rules themselves live in the rule sets (rules/rulesets/).
import { fileURLToPath } from 'node:url';
import { isObject, readRuleFile, RuleFileError } from '../platform/rule-file.ts';

export interface HealthPolicy {
  version: string;
  /** A reviewer answers an appeal within this many hours of its filing. */
  appealAnswerHours: number;
  /** A manual colour ends at most this many days after approval. */
  overrideMaxDays: number;
  /** A legal basis shorter than this is refused. */
  legalBasisMinLength: number;
  /** People recomputed per transaction by the end-condition sweep and `recompute --all`. */
  sweepBatch: number;
}

export const HEALTH_POLICY_FILE = fileURLToPath(new URL('../../rules/health.json', import.meta.url));

const ruleError = (field: string, problem: string) => new RuleFileError('health policy', field, problem);

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw ruleError(field, `must be an integer from ${min} to ${max}`);
  return v;
}

export function parseHealthPolicy(raw: unknown): HealthPolicy {
  if (!isObject(raw)) throw ruleError('(root)', 'must be an object');
  if (typeof raw.version !== 'string' || !raw.version.trim()) throw ruleError('version', 'must be a non-empty string');
  return {
    version: raw.version,
    appealAnswerHours: int(raw.appealAnswerHours, 'appealAnswerHours', 1, 24 * 30),
    overrideMaxDays: int(raw.overrideMaxDays, 'overrideMaxDays', 1, 60),
    legalBasisMinLength: int(raw.legalBasisMinLength, 'legalBasisMinLength', 1, 200),
    sweepBatch: int(raw.sweepBatch, 'sweepBatch', 100, 100_000),
  };
}

let cached: HealthPolicy | null = null;

export function healthPolicy(): HealthPolicy {
  cached ??= parseHealthPolicy(readRuleFile(HEALTH_POLICY_FILE, 'health policy'));
  return cached;
}
