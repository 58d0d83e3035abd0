// The pooling rule set as data: rules/pooling.json, validated on load — pool size per control level,
// the validated pool sizes, the range of the 'any' mode and the default Ct dilution limit.
import { fileURLToPath } from 'node:url';
import { CONTROL_LEVELS, type ControlLevel, type PoolingPolicy } from './pooling.rules.ts';
import { isObject, readRuleFile, RuleFileError } from '../platform/rule-file.ts';

const ruleError = (field: string, problem: string) => new RuleFileError('pooling rules', field, problem);

export const POOLING_RULES_FILE = fileURLToPath(new URL('../../rules/pooling.json', import.meta.url));

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw ruleError(field, 'must be a non-empty string');
  return v;
}

function integer(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw ruleError(field, `must be a whole number from ${min} to ${max}`);
  return v;
}

function ct(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 5 || v > 50) throw ruleError(field, 'must be a Ct value from 5 to 50');
  return v;
}

/** Validates the parsed rule file; throws naming the first bad field (e.g. controlLevels.controlled.poolSize). */
export function parsePoolingPolicy(raw: unknown): PoolingPolicy {
  if (!isObject(raw)) throw ruleError('(root)', 'must be an object');
  const version = text(raw.version, 'version');
  const effectiveFrom = text(raw.effectiveFrom, 'effectiveFrom');
  if (!DATE.test(effectiveFrom) || Number.isNaN(Date.parse(effectiveFrom))) throw ruleError('effectiveFrom', 'must be a date YYYY-MM-DD');

  if (!isObject(raw.anySizeRange)) throw ruleError('anySizeRange', 'must be {min, max}');
  const min = integer(raw.anySizeRange.min, 'anySizeRange.min', 2, 64);
  const max = integer(raw.anySizeRange.max, 'anySizeRange.max', min, 64);

  if (!Array.isArray(raw.validatedPoolSizes) || raw.validatedPoolSizes.length === 0) throw ruleError('validatedPoolSizes', 'must be a non-empty list');
  const validated = raw.validatedPoolSizes.map((k, i) => integer(k, `validatedPoolSizes[${i}]`, min, max));
  if (new Set(validated).size !== validated.length) throw ruleError('validatedPoolSizes', 'must not repeat a size');

  if (!isObject(raw.controlLevels)) throw ruleError('controlLevels', 'must be an object by control level');
  for (const key of Object.keys(raw.controlLevels)) {
    if (!(CONTROL_LEVELS as readonly string[]).includes(key)) throw ruleError(`controlLevels.${key}`, `is not a control level (${CONTROL_LEVELS.join(', ')})`);
  }
  const controlLevels = {} as Record<ControlLevel, { poolSize: number; householdTube: boolean }>;
  for (const level of CONTROL_LEVELS) {
    const at = `controlLevels.${level}`;
    const v = raw.controlLevels[level];
    if (!isObject(v)) throw ruleError(at, 'is missing or not an object');
    const poolSize = integer(v.poolSize, `${at}.poolSize`, 1, max);
    // Only single tubes and the validated sizes may be mandated (pooling pools again is not validated).
    if (poolSize !== 1 && !validated.includes(poolSize)) throw ruleError(`${at}.poolSize`, `must be 1 or a validated size (${validated.join(', ')})`);
    if (typeof v.householdTube !== 'boolean') throw ruleError(`${at}.householdTube`, 'must be true or false');
    controlLevels[level] = { poolSize, householdTube: v.householdTube };
  }

  if (!isObject(raw.dilution)) throw ruleError('dilution', 'must be {ctCutoff, typicalPositiveCt}');
  const ctCutoff = ct(raw.dilution.ctCutoff, 'dilution.ctCutoff');
  const typicalPositiveCt = ct(raw.dilution.typicalPositiveCt, 'dilution.typicalPositiveCt');
  if (typicalPositiveCt >= ctCutoff) throw ruleError('dilution.typicalPositiveCt', 'must be below dilution.ctCutoff');

  return {
    version, effectiveFrom,
    validatedPoolSizes: [...validated].sort((a, b) => a - b),
    anySizeRange: { min, max },
    controlLevels,
    dilution: { ctCutoff, typicalPositiveCt },
  };
}

export function loadPoolingPolicy(file: string = POOLING_RULES_FILE): PoolingPolicy {
  return parsePoolingPolicy(readRuleFile(file, 'pooling rules'));
}

let loaded: PoolingPolicy | null = null;

/** The deployment's pooling rules, read and validated once per process. */
export function poolingPolicy(): PoolingPolicy {
  loaded ??= loadPoolingPolicy();
  return loaded;
}
