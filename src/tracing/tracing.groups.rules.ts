// Review by group (pure): a case's contacts grouped the way an investigator judges them — by the venue
// and the case's visit there (the time slot they overlapped in: "超市 14:00–15:00, 312 people, overlap
// 15–40 min"), household members together, secondary and interview contacts each together. A venue
// contact met the case more than once goes to the group of its longest encounter. Group keys are
// stable across reads (venue and the case's check-in), so a bulk review can name a group.
import type { ContactClass, Encounter } from './tracing.rules.ts';

/** The most contacts one bulk review may change in one request. */
export const BULK_REVIEW_MAX = 1000;

export const GROUP_KINDS = ['venue', 'household', 'secondary', 'manual'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

/** What grouping reads of a contact: a slice of its row, evidence parsed. */
export interface GroupableContact {
  id: string;
  class: string;
  basis: string;
  candidate: boolean;
  evidence: Record<string, unknown>;
}

export interface ContactGroup {
  key: string;
  kind: GroupKind;
  venueId: string | null;
  venueName: string | null;
  category: string | null;
  /** The case's visit in the group's venue: the slot the group's contacts overlapped it in. */
  slotStart: number | null;
  slotEnd: number | null;
  count: number;
  candidates: number;
  /** Rounded minutes of the group's (longest) encounters: least and most. */
  overlapMin: number | null;
  overlapMax: number | null;
  byClass: Record<string, number>;
}

/** The encounter a venue contact is grouped by: its longest, the earliest of equals. */
export function primaryEncounter(evidence: Record<string, unknown>): Encounter | null {
  const list = Array.isArray(evidence.encounters) ? (evidence.encounters as Encounter[]) : [];
  let best: Encounter | null = null;
  for (const e of list) {
    if (!e || typeof e.venueId !== 'string' || !e.caseVisit) continue;
    if (
      !best ||
      e.overlapMinutes > best.overlapMinutes ||
      (e.overlapMinutes === best.overlapMinutes && e.overlapStart < best.overlapStart)
    )
      best = e;
  }
  return best;
}

/** The key of the group a contact belongs to. */
export function groupKeyOf(c: Pick<GroupableContact, 'basis' | 'evidence'>): string {
  if (c.basis === 'venue') {
    const e = primaryEncounter(c.evidence);
    if (e) return `venue:${e.venueId}:${e.caseVisit.checkinId}`;
  }
  return c.basis === 'household' || c.basis === 'secondary' || c.basis === 'manual' ? c.basis : 'manual';
}

const KIND_ORDER: Record<GroupKind, number> = { household: 0, venue: 1, secondary: 2, manual: 3 };

/** The contacts' groups: household first, then venue slots largest first (then earliest), then the rest. */
export function groupContacts(contacts: readonly GroupableContact[]): ContactGroup[] {
  const groups = new Map<string, ContactGroup>();
  for (const c of contacts) {
    const key = groupKeyOf(c);
    let g = groups.get(key);
    const e = c.basis === 'venue' ? primaryEncounter(c.evidence) : null;
    if (!g) {
      const kind: GroupKind = e ? 'venue' : (key as GroupKind);
      g = {
        key,
        kind,
        venueId: e?.venueId ?? null,
        venueName: e?.venueName ?? null,
        category: e?.category ?? null,
        slotStart: e ? e.caseVisit.enteredAt : null,
        slotEnd: e ? e.caseVisit.exitedAt : null,
        count: 0,
        candidates: 0,
        overlapMin: null,
        overlapMax: null,
        byClass: {},
      };
      groups.set(key, g);
    }
    g.count += 1;
    if (c.candidate) g.candidates += 1;
    g.byClass[c.class as ContactClass] = (g.byClass[c.class as ContactClass] ?? 0) + 1;
    if (e) {
      const m = Math.round(e.overlapMinutes);
      g.overlapMin = g.overlapMin === null ? m : Math.min(g.overlapMin, m);
      g.overlapMax = g.overlapMax === null ? m : Math.max(g.overlapMax, m);
    }
  }
  return [...groups.values()].sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      b.count - a.count ||
      (a.slotStart ?? 0) - (b.slotStart ?? 0) ||
      a.key.localeCompare(b.key),
  );
}
