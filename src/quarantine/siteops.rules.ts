// Site operations, pure: a disinfection entry checked against the schedule's item (concentration,
// contact time), the day's schedule with what is overdue, and medical waste's hand-over deadlines.
import type { CarePolicy, DisinfectionItem } from './care.policy.ts';

type Terminal = CarePolicy['disinfection']['terminal'];

/** What a disinfection entry breaks, each with its field. */
export function disinfectionFaults(
  entry: { concentrationMgL: number | null; contactMinutes: number | null },
  item: DisinfectionItem | Terminal,
): Array<{ field: string; code: 'DISINFECTION_CONCENTRATION_OUT_OF_RANGE' | 'DISINFECTION_CONTACT_TOO_SHORT' }> {
  const out: ReturnType<typeof disinfectionFaults> = [];
  if (item.minMgL !== null || item.maxMgL !== null) {
    const c = entry.concentrationMgL;
    if (c === null || (item.minMgL !== null && c < item.minMgL) || (item.maxMgL !== null && c > item.maxMgL))
      out.push({ field: 'concentrationMgL', code: 'DISINFECTION_CONCENTRATION_OUT_OF_RANGE' });
  }
  if ((entry.contactMinutes ?? 0) < item.minMinutes)
    out.push({ field: 'contactMinutes', code: 'DISINFECTION_CONTACT_TOO_SHORT' });
  return out;
}

/**
 * Each item's standing today: times required and done; overdue once the part of the day that has
 * passed called for more than was done (2 a day: one due by noon, both by the day's end).
 */
export function scheduleStatus(
  items: readonly DisinfectionItem[],
  doneToday: ReadonlyMap<string, { count: number; lastAt: number | null }>,
  fractionOfDay: number,
) {
  return items.map((it) => {
    const done = doneToday.get(it.key) ?? { count: 0, lastAt: null };
    const dueByNow = Math.floor(it.timesPerDay * fractionOfDay);
    return {
      item: it.key,
      zone: it.zone,
      timesPerDay: it.timesPerDay,
      done: done.count,
      lastAt: done.lastAt,
      overdue: done.count < dueByNow,
    };
  });
}

/** Medical waste stored at `storedAt`: when it must be handed over, and whether it is overdue or due soon. */
export function wasteStanding(storedAt: number, now: number, policy: CarePolicy['waste']) {
  const dueAt = storedAt + policy.maxStorageHours * 3_600_000;
  return {
    dueAt,
    overdue: now > dueAt,
    dueSoon: now <= dueAt && now > dueAt - policy.warnHoursBefore * 3_600_000,
  };
}
