// What the volunteer pages share: a slot's times, a booking's state badge, a match's explanation.
import { useTranslation } from 'react-i18next';
import { TIME_ZONE } from '../shared/format.ts';
import type { BookingStatus, Explain } from './volunteersApi.ts';

const HM = new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false });
const MD = new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, month: '2-digit', day: '2-digit' });

export function slotText(startAt: number, endAt: number, withDay = false): string {
  const span = `${HM.format(new Date(startAt))}–${HM.format(new Date(endAt))}`;
  return withDay ? `${MD.format(new Date(startAt))} ${span}` : span;
}

export function todayInZone(offsetDays = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  );
}

export function BookingBadge({ status }: { status: BookingStatus }) {
  const { t } = useTranslation();
  return <span className={`vol-badge vol-badge-${status}`}>{t(`vol.booking.${status}`)}</span>;
}

export function ExplainText({ explain }: { explain: Explain }) {
  const { t } = useTranslation();
  return (
    <span className="small muted" data-testid="vol-explain">
      {t('vol.explain.line', {
        score: explain.score,
        distance: explain.distance,
        hours: explain.weekHours,
        skills: explain.skills.length,
      })}
      {explain.sameTeam ? ` · ${t('vol.explain.sameTeam')}` : ''}
    </span>
  );
}
