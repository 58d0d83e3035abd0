// Masking of personal identifiers for display. Full values are shown only to roles that may, on request.

/** 220402195304120318 → 220402********0318; passports keep their first 2 and last 2 characters. */
export function maskIdNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  if (value.length === 18) return `${value.slice(0, 6)}********${value.slice(-4)}`;
  if (value.length <= 4) return '*'.repeat(value.length);
  return `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

/** 13804371234 → 138****1234 */
export function maskPhone(value: string | null | undefined): string | null {
  if (!value) return null;
  if (value.length < 7) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

/** 张建国 → 张*国, 王丽 → 王*, for screens seen by others (door verification). */
export function maskName(value: string): string {
  const chars = [...value];
  if (chars.length <= 1) return value;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** A mainland mobile number standing alone in text (not part of a longer digit run such as an ID number). */
const MOBILE_IN_TEXT = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/**
 * Masks every mobile number standing alone in a text: for audit events written before resident phones
 * were sealed (a resident's username was their phone), so the auditor's reading shows them masked too.
 */
export function maskPhonesIn(text: string): string {
  return text.replace(MOBILE_IN_TEXT, (m) => maskPhone(m)!);
}
