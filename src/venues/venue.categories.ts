// Venue categories as data: rules/venue-categories.json, validated on load. Each category carries its
// names, the entry policy checked at the door and the default dwell used when nobody scans out.
import { fileURLToPath } from 'node:url';
import { COLOURS, type Colour, type EntryPolicy } from './venue.rules.ts';
import { isObject, readRuleFile, RuleFileError } from '../platform/rule-file.ts';

const ruleError = (field: string, problem: string) => new RuleFileError('venue categories', field, problem);

export interface VenueCategory {
  key: string;
  name: { zh: string; en: string };
  entryPolicy: EntryPolicy;
  defaultDwellMinutes: number;
}

export interface VenueCategoryRules {
  version: string;
  /** The date (YYYY-MM-DD) from which this rule set applies. */
  effectiveFrom: string;
  categories: ReadonlyMap<string, VenueCategory>;
  /**
   * How long a guard's device may go on using a screen code it scanned, for scans queued while offline
   * (minutes); older screen codes (photos of an earlier screen) are refused. 0: never.
   */
  screenCodeQueuedMinutes: number;
  /**
   * The queue window: how long after it was made a scan queued on a guard's device (signed with the
   * device's queue key) is still accepted, in minutes; an older one is refused (SCAN_QUEUE_EXPIRED).
   */
  queuedScanMinutes: number;
}

export const VENUE_CATEGORIES_FILE = fileURLToPath(new URL('../../rules/venue-categories.json', import.meta.url));

const KEY = /^[a-z][a-z0-9_]{1,39}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TEST_WINDOWS = [24, 48, 72] as const;

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw ruleError(field, 'must be a non-empty string');
  return v;
}

/** Validates the parsed rule file; throws naming the first bad field (e.g. categories.hotel.entryPolicy.testWithinHours). */
export function parseVenueCategories(raw: unknown): VenueCategoryRules {
  if (!isObject(raw)) throw ruleError('(root)', 'must be an object');
  const version = text(raw.version, 'version');
  const effectiveFrom = text(raw.effectiveFrom, 'effectiveFrom');
  if (!DATE.test(effectiveFrom) || Number.isNaN(Date.parse(effectiveFrom))) throw ruleError('effectiveFrom', 'must be a date YYYY-MM-DD');
  if (!isObject(raw.categories)) throw ruleError('categories', 'must be an object of categories by key');
  const categories = new Map<string, VenueCategory>();
  for (const [key, value] of Object.entries(raw.categories)) {
    const at = `categories.${key}`;
    if (!KEY.test(key)) throw ruleError(at, 'key must be lower_snake_case');
    if (!isObject(value)) throw ruleError(at, 'must be an object');
    if (!isObject(value.name)) throw ruleError(`${at}.name`, 'must be {zh, en}');
    const name = { zh: text(value.name.zh, `${at}.name.zh`), en: text(value.name.en, `${at}.name.en`) };
    const p = value.entryPolicy;
    if (!isObject(p)) throw ruleError(`${at}.entryPolicy`, 'must be an object');
    const colours = p.allowedColours;
    if (!Array.isArray(colours) || colours.length === 0) throw ruleError(`${at}.entryPolicy.allowedColours`, 'must be a non-empty list');
    for (const c of colours) {
      if (!(COLOURS as readonly unknown[]).includes(c)) throw ruleError(`${at}.entryPolicy.allowedColours`, `has unknown colour ${JSON.stringify(c)} (green, yellow, red)`);
    }
    const hours = p.testWithinHours;
    if (hours !== null && !(TEST_WINDOWS as readonly unknown[]).includes(hours)) {
      throw ruleError(`${at}.entryPolicy.testWithinHours`, 'must be 24, 48, 72 or null');
    }
    if (typeof p.vaccinationRequired !== 'boolean') throw ruleError(`${at}.entryPolicy.vaccinationRequired`, 'must be true or false');
    const dwell = value.defaultDwellMinutes;
    if (typeof dwell !== 'number' || !Number.isInteger(dwell) || dwell < 1 || dwell > 24 * 60) {
      throw ruleError(`${at}.defaultDwellMinutes`, 'must be a whole number of minutes from 1 to 1440');
    }
    categories.set(key, {
      key, name, defaultDwellMinutes: dwell,
      entryPolicy: { allowedColours: [...new Set(colours as Colour[])], testWithinHours: hours as EntryPolicy['testWithinHours'], vaccinationRequired: p.vaccinationRequired },
    });
  }
  if (categories.size === 0) throw ruleError('categories', 'must list at least one category');
  const held = raw.screenCodeQueuedMinutes;
  if (typeof held !== 'number' || !Number.isInteger(held) || held < 0 || held > 60) {
    throw ruleError('screenCodeQueuedMinutes', 'must be a whole number of minutes from 0 to 60');
  }
  const queued = raw.queuedScanMinutes;
  if (typeof queued !== 'number' || !Number.isInteger(queued) || queued < 1 || queued > 24 * 60) {
    throw ruleError('queuedScanMinutes', 'must be a whole number of minutes from 1 to 1440');
  }
  if (queued < held) throw ruleError('queuedScanMinutes', 'must not be shorter than screenCodeQueuedMinutes');
  return { version, effectiveFrom, categories, screenCodeQueuedMinutes: held, queuedScanMinutes: queued };
}

export function loadVenueCategories(file: string = VENUE_CATEGORIES_FILE): VenueCategoryRules {
  return parseVenueCategories(readRuleFile(file, 'venue categories'));
}

let loaded: VenueCategoryRules | null = null;

/** The deployment's category rules, read and validated once per process. */
export function venueCategories(): VenueCategoryRules {
  loaded ??= loadVenueCategories();
  return loaded;
}
