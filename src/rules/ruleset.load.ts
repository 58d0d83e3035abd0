// Reading the rule-set files under rules/rulesets/: each is validated against its TypeBox schema and
// then across fields, and every fault names the file and the field (e.g. management.close_contact.
// testDays.centralised[4]). The files are read once per process; ruleSetFor(date) finds the edition
// in force on a date and ruleSetById(id) a named one.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, type Fault } from '../platform/errors.ts';
import {
  cachedByFile,
  parseRuleFile,
  readRuleFile,
  ruleFile,
  RuleFileError,
  type RuleFileFault,
} from '../platform/rule-file.ts';
import { venueCategories } from '../venues/venue.categories.ts';
import { isCalendarDate } from '../platform/calendar.ts';
import { RuleSetSchema, type RuleSet } from './ruleset.schema.ts';

export const RULESETS_DIR = fileURLToPath(new URL('../../rules/rulesets', import.meta.url));

export interface LoadOptions {
  /** Venue category keys a rule set may name (default: those of rules/venue-categories.json). */
  knownCategories?: ReadonlySet<string>;
}

type FieldFault = RuleFileFault;

function ascending(list: readonly number[]): boolean {
  return list.every((v, i) => i === 0 || v > list[i - 1]!);
}

/** Checks that need more than one field: periods, references between sections, categories. */
function crossFieldFaults(r: RuleSet, fileId: string | null, known: ReadonlySet<string>): FieldFault[] {
  const out: FieldFault[] = [];
  const fault = (p: string, problem: string) => out.push({ path: p, problem });

  if (!isCalendarDate(r.effectiveFrom)) fault('effectiveFrom', `is not a calendar date: ${r.effectiveFrom}`);
  if (fileId !== null && fileId !== r.id) fault('id', `must match the file name (${fileId}.json)`);

  for (const [group, plan] of Object.entries(r.management)) {
    if (!plan) continue;
    const at = `management.${group}`;
    if (plan.centralisedDays + plan.homeDays === 0) fault(at, 'has neither centralised nor home days');
    for (const phase of ['centralised', 'home'] as const) {
      const days = plan.testDays[phase];
      const length = phase === 'centralised' ? plan.centralisedDays : plan.homeDays;
      days.forEach((d, i) => {
        if (d > length)
          fault(`${at}.testDays.${phase}[${i}]`, `day ${d} is after the ${phase} period of ${length} days`);
      });
      if (!ascending(days)) fault(`${at}.testDays.${phase}`, 'must be in ascending order');
    }
  }

  const sc = r.secondaryContacts;
  if (sc.identified) {
    if (!sc.management) fault('secondaryContacts.management', 'is required when secondary contacts are identified');
    else if (!r.management[sc.management])
      fault('secondaryContacts.management', `names ${sc.management}, which has no schedule under management`);
  } else {
    if (sc.management)
      fault('secondaryContacts.management', 'must be absent when secondary contacts are not identified');
    r.colourRules.forEach((rule, i) => {
      if (rule.when === 'secondary_contact')
        fault(`colourRules[${i}].when`, 'secondary contacts are not identified in this rule set');
    });
  }

  const firstRuleFor = new Map<string, number>();
  const ruleIds = new Set<string>();
  r.colourRules.forEach((rule, i) => {
    const earlier = firstRuleFor.get(rule.when);
    if (earlier !== undefined)
      fault(
        `colourRules[${i}].when`,
        `${rule.when} is already decided by colourRules[${earlier}]; this rule would never apply`,
      );
    else firstRuleFor.set(rule.when, i);
    if (ruleIds.has(rule.id)) fault(`colourRules[${i}].id`, `${rule.id} is used twice`);
    ruleIds.add(rule.id);
  });

  const v = r.venueCoPresence;
  v.closeCategories.forEach((c, i) => {
    if (!known.has(c)) fault(`venueCoPresence.closeCategories[${i}]`, `${c} is not a venue category`);
  });
  v.generalCategories.forEach((c, i) => {
    if (!known.has(c)) fault(`venueCoPresence.generalCategories[${i}]`, `${c} is not a venue category`);
    if (v.closeCategories.includes(c))
      fault(`venueCoPresence.generalCategories[${i}]`, `${c} is also a close category`);
  });

  const ra = r.riskAreas;
  const rank = (level: string) => ra.levels.indexOf(level as (typeof ra.levels)[number]);
  if (!ra.levels.includes('high') || !ra.levels.includes('low')) fault('riskAreas.levels', 'must include high and low');
  if (rank('high') > 0 || rank('low') !== ra.levels.length - 1) fault('riskAreas.levels', 'must run from high to low');
  for (const level of ['high', 'medium'] as const) {
    const group = ra.arrivals[level];
    if (!group) continue;
    if (rank(level) < 0) fault(`riskAreas.arrivals.${level}`, `${level} is not one of the levels`);
    if (!r.management[group])
      fault(`riskAreas.arrivals.${level}`, `names ${group}, which has no schedule under management`);
  }
  ra.downgrades.forEach((d, i) => {
    const at = `riskAreas.downgrades[${i}]`;
    if (rank(d.from) < 0) fault(`${at}.from`, `${d.from} is not one of the levels`);
    if (rank(d.to) < 0) fault(`${at}.to`, `${d.to} is not one of the levels`);
    else if (rank(d.to) <= rank(d.from)) fault(`${at}.to`, `must be a lower level than ${d.from}`);
    if (d.negativeRoundOnDay !== undefined && d.negativeRoundOnDay > d.daysWithoutCase) {
      fault(
        `${at}.negativeRoundOnDay`,
        `day ${d.negativeRoundOnDay} is after the ${d.daysWithoutCase} days without a case`,
      );
    }
    if (ra.downgrades.findIndex((o) => o.from === d.from) !== i)
      fault(`${at}.from`, `${d.from} already has a downgrade`);
  });
  return out;
}

/** Decisions read a rule set; none may change it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function invalid(file: string, faults: FieldFault[]): AppError {
  const first = faults[0]!;
  const list: Fault[] = faults.map((f) => ({
    field: f.path,
    code: 'RULESET_FIELD_INVALID',
    params: { problem: f.problem },
  }));
  return new AppError('RULESET_INVALID', { file, path: first.path, problem: first.problem }, { faults: list });
}

/** The rule-set file `file` as a rule file: its schema, then the checks across fields, then frozen. */
function ruleSetFile(file: string, options: LoadOptions) {
  const base = path.basename(file);
  const fileId = base.endsWith('.json') ? base.slice(0, -'.json'.length) : null;
  return ruleFile({
    label: 'rule set',
    file,
    schema: RuleSetSchema,
    check: (ruleSet) =>
      crossFieldFaults(ruleSet, fileId, options.knownCategories ?? new Set(venueCategories().categories.keys())),
    build: (ruleSet): RuleSet => deepFreeze(ruleSet),
  });
}

/** A rule file's faults as the rule-set error (RULESET_INVALID, one fault per field). */
function asInvalid<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof RuleFileError) throw invalid(file, [...err.faults]);
    throw err;
  }
}

/** Validates one parsed rule set; `file` names it in errors. */
export function parseRuleSet(raw: unknown, file: string, options: LoadOptions = {}): RuleSet {
  return asInvalid(file, () => parseRuleFile(ruleSetFile(file, options), raw, file));
}

/** Reads and validates one rule-set file (every time: `cordon ruleset check` and uploads read new files). */
export function loadRuleSetFile(file: string, options: LoadOptions = {}): RuleSet {
  return asInvalid(file, () => readRuleFile(ruleSetFile(file, options), file));
}

/** Every *.json rule set in the directory, validated, oldest edition first; ids and dates unique. */
export function loadRuleSets(dir: string = RULESETS_DIR, options: LoadOptions = {}): RuleSet[] {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch (err) {
    throw invalid(dir, [{ path: '(directory)', problem: `cannot be read: ${(err as Error).message}` }]);
  }
  if (names.length === 0) throw invalid(dir, [{ path: '(directory)', problem: 'holds no rule set (*.json)' }]);
  const sets = names.map((n) => loadRuleSetFile(path.join(dir, n), options));
  const byDate = new Map<string, string>();
  for (const [i, r] of sets.entries()) {
    const other = byDate.get(r.effectiveFrom);
    if (other)
      throw invalid(path.join(dir, names[i]!), [
        { path: 'effectiveFrom', problem: `${r.effectiveFrom} is also the date of ${other}` },
      ]);
    byDate.set(r.effectiveFrom, r.id);
  }
  return sets.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
}

/** The deployment's rule sets, read and validated once per process. */
export function ruleSets(): RuleSet[] {
  return cachedByFile(RULESETS_DIR, () => loadRuleSets());
}

/** The edition in force on a date (YYYY-MM-DD): the latest whose effectiveFrom is on or before it. */
export function ruleSetFor(date: string, sets: readonly RuleSet[] = ruleSets()): RuleSet {
  let found: RuleSet | null = null;
  for (const r of sets) if (r.effectiveFrom <= date && (!found || r.effectiveFrom > found.effectiveFrom)) found = r;
  if (!found) throw new AppError('RULESET_NONE_IN_FORCE', { date });
  return found;
}

export function ruleSetById(id: string, sets: readonly RuleSet[] = ruleSets()): RuleSet {
  const found = sets.find((r) => r.id === id);
  if (!found) throw new AppError('RULESET_NOT_FOUND', { id });
  return found;
}
