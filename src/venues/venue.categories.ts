// Venue categories as data: rules/venue-categories.json, validated on load. Each category carries its
// names, the entry policy checked at the door and the default dwell used when nobody scans out.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { COLOURS, type Colour, type EntryPolicy } from './venue.rules.ts';
import { loadRuleFile, parseRuleFile, readRuleFile, ruleFile, type RuleFileFault } from '../platform/rule-file.ts';

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

const Text = Type.String({ pattern: '\\S' });
const Minutes = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum, description: 'whole minutes' });

const CategorySchema = Type.Object({
  name: Type.Object({ zh: Text, en: Text }),
  entryPolicy: Type.Object({
    allowedColours: Type.Array(Type.Union(COLOURS.map((c) => Type.Literal(c))), { minItems: 1 }),
    testWithinHours: Type.Union([Type.Literal(24), Type.Literal(48), Type.Literal(72), Type.Null()]),
    vaccinationRequired: Type.Boolean(),
  }),
  defaultDwellMinutes: Minutes(1, 24 * 60),
});

export const VenueCategoriesSchema = Type.Object({
  version: Text,
  effectiveFrom: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  /** Categories by lower_snake_case key. */
  categories: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }), CategorySchema, {
    additionalProperties: false,
    minProperties: 1,
  }),
  screenCodeQueuedMinutes: Minutes(0, 60),
  queuedScanMinutes: Minutes(1, 24 * 60),
});

function crossFieldFaults(raw: Static<typeof VenueCategoriesSchema>): RuleFileFault[] {
  const out: RuleFileFault[] = [];
  if (Number.isNaN(Date.parse(raw.effectiveFrom)))
    out.push({ path: 'effectiveFrom', problem: 'must be a date YYYY-MM-DD' });
  if (raw.queuedScanMinutes < raw.screenCodeQueuedMinutes)
    out.push({ path: 'queuedScanMinutes', problem: 'must not be shorter than screenCodeQueuedMinutes' });
  return out;
}

const VENUE_CATEGORIES = ruleFile({
  label: 'venue categories',
  file: VENUE_CATEGORIES_FILE,
  schema: VenueCategoriesSchema,
  check: crossFieldFaults,
  build: (raw): VenueCategoryRules => {
    const categories = new Map<string, VenueCategory>();
    for (const [key, c] of Object.entries(raw.categories)) {
      categories.set(key, {
        key,
        name: { zh: c.name.zh, en: c.name.en },
        defaultDwellMinutes: c.defaultDwellMinutes,
        entryPolicy: {
          allowedColours: [...new Set(c.entryPolicy.allowedColours as Colour[])],
          testWithinHours: c.entryPolicy.testWithinHours as EntryPolicy['testWithinHours'],
          vaccinationRequired: c.entryPolicy.vaccinationRequired,
        },
      });
    }
    return {
      version: raw.version,
      effectiveFrom: raw.effectiveFrom,
      categories,
      screenCodeQueuedMinutes: raw.screenCodeQueuedMinutes,
      queuedScanMinutes: raw.queuedScanMinutes,
    };
  },
});

/** Validates the parsed rule file; throws naming the first bad fields (e.g. categories.hotel.entryPolicy.testWithinHours). */
export function parseVenueCategories(raw: unknown): VenueCategoryRules {
  return parseRuleFile(VENUE_CATEGORIES, raw);
}

export function loadVenueCategories(file: string = VENUE_CATEGORIES_FILE): VenueCategoryRules {
  return readRuleFile(VENUE_CATEGORIES, file);
}

/** The deployment's category rules, read and validated once per process. */
export function venueCategories(): VenueCategoryRules {
  return loadRuleFile(VENUE_CATEGORIES);
}
