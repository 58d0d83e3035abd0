// The GB/T 2260 division codes an ID number may start with, current and retired, read once from the
// list shipped in gb2260.tsv (its header says where it comes from and what it lacks).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cachedByFile } from '../platform/rule-file.ts';

const DIVISIONS_FILE = fileURLToPath(new URL('./gb2260.tsv', import.meta.url));

function load(): Set<string> {
  const text = fs.readFileSync(DIVISIONS_FILE, 'utf8');
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    out.add(line.slice(0, 6));
  }
  return out;
}

/** True when the six digits are a county- or prefecture-level code of GB/T 2260, now or in the past. */
export function isDivisionCode(code: string): boolean {
  return cachedByFile(DIVISIONS_FILE, load).has(code);
}

function loadNames(): Map<string, string> {
  const text = fs.readFileSync(DIVISIONS_FILE, 'utf8');
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [code, name] = line.split('\t');
    if (code && name) out.set(code, name);
  }
  return out;
}

/** The name gb2260.tsv gives a division code ("龙山区"), or null for a code it does not hold. */
export function divisionName(code: string): string | null {
  return cachedByFile(`${DIVISIONS_FILE}#names`, loadNames).get(code) ?? null;
}
