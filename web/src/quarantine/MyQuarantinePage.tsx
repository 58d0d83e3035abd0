// 我的隔离 The resident's own quarantine: today's day number, the next test, the results, the release
// date, a temperature report from the phone, and the certificate once released.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { formatDateTime } from '../shared/format.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { ordersApi } from './ordersApi.ts';
import { TickList } from './OrderPage.tsx';

export function MyQuarantinePage() {
  const { t } = useTranslation();
  const mine = useLoad(() => ordersApi.my(), []);
  const [temp, setTemp] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const current = mine.data?.orders.find((o) => o.order.status === 'active');
  return (
    <div className="my-quarantine narrow" data-testid="my-quarantine">
      <h1 className="page-title">{t('qorders.my.title')}</h1>
      <ErrorBox error={mine.error} />
      {mine.loading && !mine.data && <Loading />}
      {mine.data && mine.data.orders.length === 0 && <p className="empty">{t('qorders.my.none')}</p>}
      {current && (
        <div className="card">
          <p className="big-day" data-testid="my-day">
            {t('qorders.dayN', { day: current.order.day })}
          </p>
          <p>
            {t(`qorders.place.${current.order.place}`)} · {t('qorders.my.releaseDate', { date: current.releaseDate })}
          </p>
          <p data-testid="my-next-test">
            {current.nextTest
              ? t('qorders.my.nextTest', {
                  date: current.nextTest.date,
                  day: t(`qorders.phaseDay.${current.nextTest.phase}`, { day: current.nextTest.day }),
                })
              : t('qorders.my.noNextTest')}
          </p>
          <form
            className="form-row"
            onSubmit={(e) => {
              e.preventDefault();
              setError(null);
              ordersApi
                .myReport({ temperature: Number(temp), by: 'self' })
                .then((r) =>
                  setSent(t(r.fever ? 'qorders.home.fever' : 'qorders.home.saved', { temperature: r.temperature })),
                )
                .catch((err: unknown) => setError(toApiError(err)));
            }}
          >
            <label className="field">
              <span className="field-label">{t('qorders.home.temperature')}</span>
              <input inputMode="decimal" required value={temp} onChange={(e) => setTemp(e.target.value)} />
            </label>
            <button type="submit" className="btn btn-primary">
              {t('qorders.my.report')}
            </button>
          </form>
          {sent && <p data-testid="my-report-sent">{sent}</p>}
          <ErrorBox error={error} />
        </div>
      )}
      {mine.data?.orders.map((o) => (
        <div className="card" key={o.order.id}>
          <h2 className="card-title">
            {t(`qorders.kind.${o.order.kind}`)} · {t(`qorders.status.${o.order.status}`)}
          </h2>
          <TickList ticks={o.ticks} />
          {o.results.length > 0 && (
            <ul className="muted small">
              {o.results.map((r) => (
                <li key={r.sampledAt}>
                  {formatDateTime(r.sampledAt)} · {t(`qorders.tick.${r.result}`)}
                </li>
              ))}
            </ul>
          )}
          {o.order.status === 'released' && (
            <a className="btn" href={ordersApi.myCertificateHref(o.order.id)}>
              {t('qorders.order.certificate')}
            </a>
          )}
        </div>
      ))}
    </div>
  );
}
