// Reading a rule file (rules/*.json) the one way every loader does: JSON from disk, validated against
// the file's TypeBox schema, then against the checks that need more than one field, and built into
// the value the rules read. A fault names the file and the field path (e.g. planning.peoplePerSite.min);
// a file is read and validated once per process and then served from the cache.
import fs from 'node:fs';
import path from 'node:path';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** One fault of a rule file: the field (dotted path, [i] for list items) and what is wrong with it. */
export interface RuleFileFault {
  path: string;
  problem: string;
}

/** How many faults the message of a RuleFileError lists (all are in `faults`). */
const LISTED = 5;

export class RuleFileError extends Error {
  constructor(
    readonly label: string,
    readonly file: string | null,
    readonly faults: readonly RuleFileFault[],
  ) {
    const listed = faults
      .slice(0, LISTED)
      .map((f) => `${f.path}: ${f.problem}`)
      .join('; ');
    const more = faults.length > LISTED ? `; and ${faults.length - LISTED} more` : '';
    super(`${label}${file ? ` (${file})` : ''}: ${listed}${more}`);
    this.name = 'RuleFileError';
  }
}

/** What a rule file is: its name in errors, where it lives, its schema, and what the rules read. */
export interface RuleFileSpec<S extends TSchema, T> {
  /** Names the file in errors, e.g. 'testing rules'. */
  label: string;
  /** The shipped file. */
  file: string;
  schema: S;
  /** Checks across fields, run once the schema holds; each fault names its field. */
  check?: (value: Static<S>) => RuleFileFault[];
  /** The value the rules read (default: the validated document itself). */
  build?: (value: Static<S>) => T;
}

/** A rule file's spec; the identity function, for inference of the schema's static type. */
export function ruleFile<S extends TSchema, T = Static<S>>(spec: RuleFileSpec<S, T>): RuleFileSpec<S, T> {
  return spec;
}

/** JSON pointer "/colourRules/3/when" → "colourRules[3].when". */
export function fieldPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/** Schema faults, one per field; a tagged union ({kind: …}) is checked against the variant its kind names. */
export function schemaFaults(schema: TSchema, value: unknown, prefix = ''): RuleFileFault[] {
  const out: RuleFileFault[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, value)) {
    const pointer = prefix + e.path;
    const variants = (e.schema as { anyOf?: TSchema[] }).anyOf;
    const kind = typeof e.value === 'object' && e.value !== null ? (e.value as { kind?: unknown }).kind : undefined;
    const variant = variants?.find(
      (v) => (v as { properties?: { kind?: { const?: unknown } } }).properties?.kind?.const === kind,
    );
    if (variant && kind !== undefined) {
      out.push(...schemaFaults(variant, e.value, pointer));
      continue;
    }
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    const problem = variants && kind !== undefined ? `${e.message}: unknown kind ${JSON.stringify(kind)}` : e.message;
    out.push({ path: fieldPath(pointer), problem });
  }
  return out;
}

/** The faults of a parsed document: the schema's, else the checks across fields. */
export function ruleFileFaults<S extends TSchema, T>(spec: RuleFileSpec<S, T>, raw: unknown): RuleFileFault[] {
  const faults = schemaFaults(spec.schema, raw);
  if (faults.length) return faults;
  return spec.check?.(raw as Static<S>) ?? [];
}

/** Validates a parsed document and builds what the rules read; throws a RuleFileError naming `file`. */
export function parseRuleFile<S extends TSchema, T>(
  spec: RuleFileSpec<S, T>,
  raw: unknown,
  file: string | null = null,
): T {
  const faults = ruleFileFaults(spec, raw);
  if (faults.length) throw new RuleFileError(spec.label, file, faults);
  const value = raw as Static<S>;
  return spec.build ? spec.build(value) : (value as unknown as T);
}

/** The parsed JSON of a file; an unreadable or malformed file throws a RuleFileError naming it. */
export function readJsonFile(file: string, label: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RuleFileError(label, file, [
      { path: '(file)', problem: `cannot be read as JSON: ${(err as Error).message}` },
    ]);
  }
}

/** Reads and validates a rule file (the shipped one by default), every time it is called. */
export function readRuleFile<S extends TSchema, T>(spec: RuleFileSpec<S, T>, file: string = spec.file): T {
  return parseRuleFile(spec, readJsonFile(file, spec.label), file);
}

const cache = new Map<string, unknown>();

/** What `load` answers for `file`, computed once per process: the cache every rule loader shares. */
export function cachedByFile<T>(file: string, load: () => T): T {
  const key = path.isAbsolute(file) ? file : path.resolve(file);
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = load();
    cache.set(key, value);
  }
  return value;
}

/** A rule file (the shipped one by default), read and validated once per process. */
export function loadRuleFile<S extends TSchema, T>(spec: RuleFileSpec<S, T>, file: string = spec.file): T {
  return cachedByFile(file, () => readRuleFile(spec, file));
}
