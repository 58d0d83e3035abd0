// The testing-round rule set as data: rules/testing.json, validated on load — the round deadline, the
// planning norms, the Ct range a lab may report, the re-test target, the offline window of the sampler
// page and whether an upload reports suspected-positive pools by itself.
import { fileURLToPath } from 'node:url';
import { isObject, readRuleFile, RuleFileError } from '../platform/rule-file.ts';

export interface TestingPolicy {
  version: string;
  effectiveFrom: string;
  roundDeadlineHours: number;
  planning: {
    peoplePerSite: { min: number; max: number };
    peoplePerTable: { min: number; max: number };
    peoplePerSampler: number;
  };
  ct: { min: number; max: number };
  retestTargetHours: number;
  offlineWindowHours: number;
  clockSkewMinutes: number;
  autoReportOnUpload: boolean;
  positiveSingleClassification: 'suspected' | 'confirmed' | 'asymptomatic';
  notify: { squad: string; police: string };
}

export const TESTING_RULES_FILE = fileURLToPath(new URL('../../rules/testing.json', import.meta.url));
const LABEL = 'testing rules (rules/testing.json)';
const ruleError = (field: string, problem: string) => new RuleFileError(LABEL, field, problem);

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw ruleError(field, 'must be a non-empty string');
  return v;
}

function num(v: unknown, field: string, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw ruleError(field, `must be a ${integer ? 'whole ' : ''}number from ${min} to ${max}`);
  }
  return v;
}

function range(v: unknown, field: string, min: number, max: number): { min: number; max: number } {
  if (!isObject(v)) throw ruleError(field, 'must be {min, max}');
  const lo = num(v.min, `${field}.min`, min, max);
  const hi = num(v.max, `${field}.max`, lo, max);
  return { min: lo, max: hi };
}

/** Validates the parsed rule file; throws naming the first bad field (e.g. planning.peoplePerSite.min). */
export function parseTestingPolicy(raw: unknown): TestingPolicy {
  if (!isObject(raw)) throw ruleError('(root)', 'must be an object');
  const version = text(raw.version, 'version');
  const effectiveFrom = text(raw.effectiveFrom, 'effectiveFrom');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom)) throw ruleError('effectiveFrom', 'must be a date YYYY-MM-DD');
  if (!isObject(raw.planning)) throw ruleError('planning', 'must be an object');
  const planning = {
    peoplePerSite: range(raw.planning.peoplePerSite, 'planning.peoplePerSite', 1, 1_000_000),
    peoplePerTable: range(raw.planning.peoplePerTable, 'planning.peoplePerTable', 1, 1_000_000),
    peoplePerSampler: num(raw.planning.peoplePerSampler, 'planning.peoplePerSampler', 1, 1_000_000),
  };
  const classification = raw.positiveSingleClassification;
  if (classification !== 'suspected' && classification !== 'confirmed' && classification !== 'asymptomatic') {
    throw ruleError('positiveSingleClassification', 'must be suspected, confirmed or asymptomatic');
  }
  if (typeof raw.autoReportOnUpload !== 'boolean') throw ruleError('autoReportOnUpload', 'must be true or false');
  if (!isObject(raw.notify)) throw ruleError('notify', 'must be {squad, police}');
  return {
    version, effectiveFrom,
    roundDeadlineHours: num(raw.roundDeadlineHours, 'roundDeadlineHours', 1, 24 * 14),
    planning,
    ct: range(raw.ct, 'ct', 0, 60),
    retestTargetHours: num(raw.retestTargetHours, 'retestTargetHours', 0.5, 72),
    offlineWindowHours: num(raw.offlineWindowHours, 'offlineWindowHours', 1, 24 * 7),
    clockSkewMinutes: num(raw.clockSkewMinutes, 'clockSkewMinutes', 0, 60),
    autoReportOnUpload: raw.autoReportOnUpload,
    positiveSingleClassification: classification,
    notify: { squad: text(raw.notify.squad, 'notify.squad'), police: text(raw.notify.police, 'notify.police') },
  };
}

export function loadTestingPolicy(file: string = TESTING_RULES_FILE): TestingPolicy {
  return parseTestingPolicy(readRuleFile(file, LABEL));
}

let loaded: TestingPolicy | null = null;

/** The deployment's testing rules, read and validated once per process. */
export function testingPolicy(): TestingPolicy {
  loaded ??= loadTestingPolicy();
  return loaded;
}
