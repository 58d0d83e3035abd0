// Pure rules of designated hospitals (定点医院): which hospital takes a person of a given code colour
// with a given care need (the designations each need is served by are data: rules/quarantine.json),
// and the order in which the routing query offers them.
import {
  CARE_NEEDS,
  HOSPITAL_DESIGNATIONS,
  type CareNeed,
  type HospitalDesignation,
  type QuarantinePolicy,
} from './quarantine.policy.ts';

export { CARE_NEEDS, HOSPITAL_DESIGNATIONS, type CareNeed, type HospitalDesignation };

export const COLOURS = ['green', 'yellow', 'red'] as const;
export type CodeColour = (typeof COLOURS)[number];

export interface HospitalFacts {
  designations: readonly string[];
  acceptsColours: readonly string[];
  active: boolean;
  bedsFree: number;
}

/** The designations that serve a need (a fever needs a fever clinic or a treating hospital, …). */
export function designationsFor(need: CareNeed, policy: QuarantinePolicy): readonly HospitalDesignation[] {
  return policy.hospitals.needs[need];
}

/** Why a hospital cannot take the person, or null when it can. */
export function refusal(
  h: HospitalFacts,
  colour: CodeColour,
  need: CareNeed | null,
  policy: QuarantinePolicy,
): 'inactive' | 'colour' | 'need' | null {
  if (!h.active) return 'inactive';
  if (!h.acceptsColours.includes(colour)) return 'colour';
  if (need && !designationsFor(need, policy).some((d) => h.designations.includes(d))) return 'need';
  return null;
}

/** Hospitals that accept the colour and serve the need, those with more free beds first (then by name). */
export function routeHospitals<T extends HospitalFacts & { name: string }>(
  hospitals: readonly T[],
  colour: CodeColour,
  need: CareNeed | null,
  policy: QuarantinePolicy,
): T[] {
  return hospitals
    .filter((h) => refusal(h, colour, need, policy) === null)
    .sort((a, b) => b.bedsFree - a.bedsFree || a.name.localeCompare(b.name, 'zh'));
}

/** A JSON array of codes as stored, keeping only the known ones. */
export function codesOf<T extends string>(json: string, known: readonly T[]): T[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v.filter((x) => known.includes(x as T)) as T[]) : [];
  } catch {
    return [];
  }
}
