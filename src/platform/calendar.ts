// Calendar days in the deployment's time zone: which day an instant falls on, when a day starts, and
// day arithmetic. Pure; works for any IANA zone, including ones with daylight saving.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (rejects 2022-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(ms: number, timeZone: string): Record<string, number> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The calendar date (YYYY-MM-DD) of an instant in the zone. */
export function dateInZone(ms: number, timeZone: string): string {
  const p = partsIn(ms, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The zone's offset from UTC at an instant, in milliseconds (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The first millisecond of a calendar date in the zone. */
export function startOfDate(date: string, timeZone: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const midnightUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Two passes settle the offset even when midnight sits next to a daylight-saving change.
  let guess = midnightUtc - offsetAt(midnightUtc, timeZone);
  guess = midnightUtc - offsetAt(guess, timeZone);
  return guess;
}

/** The date `days` calendar days after (or before, when negative) a date. */
export function addDays(date: string, days: number): string {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return t.toISOString().slice(0, 10);
}

/** The first millisecond of the day the instant falls on, `days` days later (or earlier). */
export function startOfDayPlus(ms: number, days: number, timeZone: string): number {
  return startOfDate(addDays(dateInZone(ms, timeZone), days), timeZone);
}

/**
 * An instant given as epoch milliseconds, a calendar date (a `to` bound means that day's end, in the
 * zone) or an ISO time with its offset (a bare local time would be read in the server's zone, so it is
 * not taken). Blank is undefined; anything else is null, for the caller to refuse with its own code.
 */
export function parseInstant(
  value: string | undefined,
  timeZone: string,
  bound: 'from' | 'to',
): number | undefined | null {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d{1,15}$/.test(v)) return Number(v);
  if (isCalendarDate(v)) return startOfDate(bound === 'to' ? addDays(v, 1) : v, timeZone);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return ms;
  }
  return null;
}
