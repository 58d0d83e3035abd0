// 隔离医学观察 Quarantine orders: the orders of the user's area (names masked), filtered by status, kind
// and place, paged; each opens its order page (day N, schedule, events, release).
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../shared/format.ts';
import { useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import {
  ORDER_KINDS,
  ORDER_PLACES,
  ORDER_STATUSES,
  ordersApi,
  type OrderKind,
  type OrderPlace,
  type OrderStatus,
} from './ordersApi.ts';

const PAGE = 50;

export function OrdersPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const caseId = params.get('caseId') ?? undefined;
  const [offset, setOffset] = useState(0);
  const [status, setStatus] = useState<OrderStatus | ''>('active');
  const [kind, setKind] = useState<OrderKind | ''>('');
  const [place, setPlace] = useState<OrderPlace | ''>('');
  const list = useLoad(
    () => ordersApi.list({ limit: PAGE, offset, status, kind, place, caseId }),
    [offset, status, kind, place, caseId],
  );
  const filter = <T extends string>(
    label: string,
    value: T | '',
    values: readonly T[],
    prefix: string,
    set: (v: T | '') => void,
  ) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <select
        data-testid={`orders-filter-${prefix}`}
        value={value}
        onChange={(e) => {
          set(e.target.value as T | '');
          setOffset(0);
        }}
      >
        <option value="">{t('qorders.all')}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {t(`qorders.${prefix}.${v}`)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="orders-page">
      <h1 className="page-title">{t('qorders.list.title')}</h1>
      {caseId && <p className="muted small">{t('qorders.list.ofCase')}</p>}
      <div className="card">
        <div className="filters">
          {filter(t('qorders.list.status'), status, ORDER_STATUSES, 'status', setStatus)}
          {filter(t('qorders.list.kind'), kind, ORDER_KINDS, 'kind', setKind)}
          {filter(t('qorders.list.place'), place, ORDER_PLACES, 'place', setPlace)}
        </div>
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.items.length === 0 && <p className="empty">{t('qorders.list.none')}</p>}
        {list.data && list.data.items.length > 0 && (
          <table className="table rtable" data-testid="orders-table">
            <thead>
              <tr>
                <th>{t('qorders.list.person')}</th>
                <th>{t('qorders.list.kind')}</th>
                <th>{t('qorders.list.place')}</th>
                <th>{t('qorders.list.day')}</th>
                <th>{t('qorders.list.ends')}</th>
                <th>{t('qorders.list.status')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((o) => (
                <tr key={o.id} data-testid="order-row" data-order-id={o.id}>
                  <td className="rtable-head">
                    <Link to={`/quarantine/orders/${o.id}`}>{o.personName}</Link>
                    <div className="muted small">{o.areaName}</div>
                  </td>
                  <td data-label={t('qorders.list.kind')}>{t(`qorders.kind.${o.kind}`)}</td>
                  <td data-label={t('qorders.list.place')}>{t(`qorders.place.${o.place}`)}</td>
                  <td data-label={t('qorders.list.day')}>
                    {o.status === 'active' ? t('qorders.dayN', { day: o.day }) : '—'}
                  </td>
                  <td data-label={t('qorders.list.ends')}>{formatDateTime(o.endsAt)}</td>
                  <td data-label={t('qorders.list.status')}>
                    <span className={`badge order-${o.status}`}>{t(`qorders.status.${o.status}`)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {list.data && <Pager total={list.data.total} limit={PAGE} offset={offset} onChange={setOffset} />}
      </div>
    </div>
  );
}
