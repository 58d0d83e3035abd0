// Pure rules of the vehicle pass (重点物资运输车辆通行证, the national template of 2022-04): county
// division codes, the 12-digit pass number (issuing county + 6-digit serial), the validity window, the
// department that reviews a cargo category on a given day (rules/logistics.json), the pass's state as a
// checkpoint sees it, and which changes each state allows. No I/O.
import { addDays, isCalendarDate } from '../platform/calendar.ts';
import { isDivisionCode } from '../registry/registry.rules.ts';
import type { LogisticsPeriod, LogisticsPolicy } from './logistics.policy.ts';

export const PASS_STATUSES = ['applied', 'issued', 'refused', 'revoked', 'withdrawn'] as const;
export type PassStatus = (typeof PASS_STATUSES)[number];
/** The state shown: an issued pass past its last day is expired, one before its first day not yet valid. */
export const PASS_STATES = [...PASS_STATUSES, 'expired', 'not_yet_valid'] as const;
export type PassState = (typeof PASS_STATES)[number];

/** A serial of one issuing county runs 000001–999999. */
export const MAX_SERIAL = 999_999;

export type DivisionCheck = { ok: true; value: string } | { ok: false; code: 'DIVISION_CODE_INVALID' };

/**
 * A county-level division code of GB/T 2260 (gb2260.tsv): six digits, a code of the list, and not a
 * prefecture's own code (…00) — origins, destinations and issuers of passes are counties.
 */
export function checkCountyCode(raw: string): DivisionCheck {
  const value = raw.trim();
  if (!/^\d{6}$/.test(value) || value.endsWith('00') || !isDivisionCode(value))
    return { ok: false, code: 'DIVISION_CODE_INVALID' };
  return { ok: true, value };
}

/** The pass number of a county's serial: "220402" + "000017". */
export function passNumber(division: string, serial: number): string {
  if (!/^\d{6}$/.test(division)) throw new RangeError(`not a division code: ${division}`);
  if (!Number.isInteger(serial) || serial < 1 || serial > MAX_SERIAL)
    throw new RangeError(`serial out of range: ${serial}`);
  return `${division}${String(serial).padStart(6, '0')}`;
}

export type PassNumberCheck =
  | { ok: true; value: string; division: string; serial: number }
  | { ok: false; code: 'PASS_NUMBER_FORMAT' | 'PASS_NUMBER_DIVISION' };

/** A 12-digit pass number: a county code of GB/T 2260, then a serial 000001–999999. Spaces are dropped. */
export function checkPassNumber(raw: string): PassNumberCheck {
  const value = raw.replace(/\s+/g, '');
  if (!/^\d{12}$/.test(value)) return { ok: false, code: 'PASS_NUMBER_FORMAT' };
  const serial = Number(value.slice(6));
  if (serial < 1) return { ok: false, code: 'PASS_NUMBER_FORMAT' };
  if (!checkCountyCode(value.slice(0, 6)).ok) return { ok: false, code: 'PASS_NUMBER_DIVISION' };
  return { ok: true, value, division: value.slice(0, 6), serial };
}

/**
 * The issuing county of an area: the first county-level code (six digits, not …00) on its path from
 * the root, e.g. "220400/220402/220402001/" → "220402"; null for an area above the counties.
 */
export function countyOfPath(areaPath: string): string | null {
  for (const code of areaPath.split('/')) if (/^\d{6}$/.test(code) && !code.endsWith('00')) return code;
  return null;
}

/** The period of the rule file in force on a day (the latest that began on or before it). */
export function periodOn(policy: LogisticsPolicy, today: string): LogisticsPeriod {
  let found = policy.periods[0]!;
  for (const p of policy.periods) if (p.from <= today) found = p;
  return found;
}

export function isCargoCategory(policy: LogisticsPolicy, code: string): boolean {
  return policy.cargoCategories.some((c) => c.code === code);
}

/** The department that reviews passes for a cargo category on a day. */
export function departmentFor(policy: LogisticsPolicy, category: string, today: string): string | null {
  return periodOn(policy, today).departmentOf[category] ?? null;
}

export type ValidityCheck =
  | { ok: true; validFrom: string; validUntil: string }
  | {
      ok: false;
      field: 'validFrom' | 'validUntil';
      code:
        | 'PASS_VALIDITY_DATE'
        | 'PASS_VALIDITY_ORDER'
        | 'PASS_VALIDITY_TOO_LONG'
        | 'PASS_VALIDITY_PAST'
        | 'PASS_VALIDITY_TOO_FAR';
      params?: Record<string, string | number>;
    };

/**
 * A validity window in calendar days, both ends included: from today (or a later day within the
 * period's applyAheadDays) to at most maxDays days; a missing end gets defaultDays.
 */
export function checkValidity(
  policy: LogisticsPolicy,
  today: string,
  validFrom: string | undefined,
  validUntil: string | undefined,
): ValidityCheck {
  const from = validFrom ?? today;
  if (!isCalendarDate(from)) return { ok: false, field: 'validFrom', code: 'PASS_VALIDITY_DATE' };
  if (from < today) return { ok: false, field: 'validFrom', code: 'PASS_VALIDITY_PAST' };
  const period = periodOn(policy, from);
  if (from > addDays(today, period.applyAheadDays))
    return { ok: false, field: 'validFrom', code: 'PASS_VALIDITY_TOO_FAR', params: { days: period.applyAheadDays } };
  const until = validUntil ?? addDays(from, period.validity.defaultDays - 1);
  if (!isCalendarDate(until)) return { ok: false, field: 'validUntil', code: 'PASS_VALIDITY_DATE' };
  if (until < from) return { ok: false, field: 'validUntil', code: 'PASS_VALIDITY_ORDER' };
  if (until > addDays(from, period.validity.maxDays - 1))
    return {
      ok: false,
      field: 'validUntil',
      code: 'PASS_VALIDITY_TOO_LONG',
      params: { days: period.validity.maxDays },
    };
  return { ok: true, validFrom: from, validUntil: until };
}

/** The state a pass is in on a day: an issued pass outside its window is expired or not yet valid. */
export function passState(status: PassStatus, validFrom: string, validUntil: string, today: string): PassState {
  if (status !== 'issued') return status;
  if (today > validUntil) return 'expired';
  if (today < validFrom) return 'not_yet_valid';
  return 'issued';
}

export type PassAction = 'issue' | 'refuse' | 'revoke' | 'withdraw';

/** Which changes a stored status allows: an application is issued, refused or withdrawn; an issued pass revoked. */
export function mayChange(status: PassStatus, action: PassAction): boolean {
  if (action === 'revoke') return status === 'issued';
  return status === 'applied';
}

/** A pass that holds its vehicle (one vehicle, one pass): applied, or issued and not yet past its last day. */
export function holdsVehicle(status: PassStatus, validUntil: string, today: string): boolean {
  return status === 'applied' || (status === 'issued' && validUntil >= today);
}
