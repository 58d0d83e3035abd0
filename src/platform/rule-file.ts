// Reading a rule file (rules/*.json): JSON from disk, and an error that names the file's field.
import fs from 'node:fs';

export class RuleFileError extends Error {
  constructor(label: string, field: string, problem: string) {
    super(`${label}: ${field} ${problem}`);
    this.name = 'RuleFileError';
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The parsed JSON of a rule file; an unreadable or malformed file throws naming it. */
export function readRuleFile(file: string, label: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${label}: cannot read ${file}: ${(err as Error).message}`);
  }
}
