// Dates and times shown in the deployment's time zone (Asia/Shanghai), in the UI language.
import { currentLanguage } from './i18n.ts';

export const TIME_ZONE = 'Asia/Shanghai';

/** The API sends instants as ISO 8601 with offset; epoch ms are accepted too. */
export function formatDateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(ms)) return String(value);
  return new Intl.DateTimeFormat(currentLanguage(), {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(ms));
}

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(currentLanguage()).format(n);
}
