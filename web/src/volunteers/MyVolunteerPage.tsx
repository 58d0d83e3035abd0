// A volunteer's own page (我的志愿服务): their tasks with accept and decline, and their hours.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { BookingBadge, slotText } from './shared.tsx';
import { named, volunteersApi } from './volunteersApi.ts';
import './volunteers.css';

export function MyVolunteerPage() {
  const { t, i18n } = useTranslation();
  const page = useLoad(() => Promise.all([volunteersApi.me(), volunteersApi.rules()]), []);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      page.reload();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const [me, rules] = page.data ?? [];
  return (
    <div className="vol-phone-page">
      <h1 className="page-title">{t('vol.me.title')}</h1>
      <ErrorBox error={page.error} />
      {page.loading && !page.data && <Loading />}
      {me && (
        <>
          <div className="card" data-testid="vol-me-card">
            <h2 className="card-title">{me.volunteer.name}</h2>
            <p className="small muted">
              {me.volunteer.areaName} · {named(rules?.orgKinds, me.volunteer.orgKind, i18n.language)}
              {me.volunteer.team ? ` · ${me.volunteer.team}` : ''}
            </p>
            <p data-testid="vol-hours">{t('vol.me.hours', { week: me.hours.week, total: me.hours.total })}</p>
          </div>
          <ErrorBox error={error} />
          {me.tasks.length === 0 && <p className="empty">{t('vol.me.none')}</p>}
          <ul className="vol-tasks" data-testid="vol-tasks">
            {me.tasks.map(({ booking, need }) => (
              <li key={booking.id} className="card" data-testid="vol-task">
                <div className="card-title-row">
                  <h2 className="card-title">{named(rules?.taskTypes, need.taskType, i18n.language)}</h2>
                  <BookingBadge status={booking.status} />
                </div>
                <p>
                  {slotText(booking.startAt, booking.endAt, true)} · {need.unitName}
                </p>
                <p className="small muted">
                  {need.areaName}
                  {need.place ? ` · ${need.place}` : ''} · {t('vol.me.contact', { name: need.contactName })}
                </p>
                {(booking.status === 'offered' || booking.status === 'accepted') && booking.startAt > Date.now() && (
                  <div className="vol-actions">
                    {booking.status === 'offered' && (
                      <button
                        type="button"
                        className="btn btn-primary"
                        disabled={busy}
                        onClick={() => void run(() => volunteersApi.accept(booking.id))}
                        data-testid="vol-accept"
                      >
                        {t('vol.me.accept')}
                      </button>
                    )}
                    <button
                      type="button"
                      className="btn"
                      disabled={busy}
                      onClick={() => void run(() => volunteersApi.decline(booking.id))}
                      data-testid="vol-decline"
                    >
                      {t('vol.me.decline')}
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
