// 居家隔离 The community worker's homes under orders, on a phone: each home with its address and day,
// the door seal or sensor (and since when), the day's temperature report (by phone call or visit), the
// test days, the deliveries to a sealed home and the collections of its garbage, and breaches recorded.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { formatDateTime } from '../shared/format.ts';
import { Label } from '../shared/Label.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import {
  BREACH_KINDS,
  DOOR_MEASURES,
  HOME_SERVICE_KINDS,
  ordersApi,
  type BreachKind,
  type HomeItem,
  type HomeService,
  type HomeServiceKind,
} from './ordersApi.ts';

export function HomeQuarantinePage() {
  const { t } = useTranslation();
  const list = useLoad(() => ordersApi.home(), []);
  return (
    <div className="home-quarantine narrow" data-testid="home-quarantine">
      <h1 className="page-title">{t('qorders.home.title')}</h1>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="empty">{t('qorders.home.none')}</p>}
      {list.data?.items.map((item) => (
        <HomeCard key={item.order.id} item={item} reload={list.reload} />
      ))}
    </div>
  );
}

function HomeCard({ item, reload }: { item: HomeItem; reload: () => void }) {
  const { t } = useTranslation();
  const o = item.order;
  const [temp, setTemp] = useState('');
  const [breach, setBreach] = useState<BreachKind>('left_home');
  const [note, setNote] = useState('');
  const [service, setService] = useState<HomeServiceKind>('delivery');
  const [items, setItems] = useState('');
  const [bags, setBags] = useState('1');
  const [handledBy, setHandledBy] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const act = (run: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    run()
      .then(() => reload())
      .catch((err: unknown) => setError(toApiError(err)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="card home-card" data-testid="home-card" data-order-id={o.id}>
      <div className="card-title-row">
        <h2 className="card-title">{o.personName}</h2>
        <span className="badge">{t('qorders.dayN', { day: o.day })}</span>
      </div>
      <p className="muted small">
        {item.address || o.areaName} · {t(`qorders.place.${o.place}`)}
      </p>
      <p>
        <Label text={t('qorders.home.door')} />
        <strong data-testid="home-door">
          {t(`qorders.door.${o.doorMeasure}`)}
          {o.doorMeasureAt ? ` · ${formatDateTime(o.doorMeasureAt)}` : ''}
        </strong>
      </p>
      <div className="button-row">
        {DOOR_MEASURES.filter((m) => m !== o.doorMeasure).map((m) => (
          <button
            key={m}
            type="button"
            className="btn btn-small"
            data-testid={`home-door-${m}`}
            disabled={busy}
            onClick={() => act(() => ordersApi.door(o.id, m))}
          >
            {t(`qorders.doorSet.${m}`)}
          </button>
        ))}
      </div>
      <p data-testid="home-report-state">
        {item.reportedToday
          ? t('qorders.home.reported', {
              temperature: item.lastReport?.temperature,
              by: t(`qorders.by.${item.lastReport?.by ?? 'phone'}`),
            })
          : t('qorders.home.notReported')}
      </p>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          act(() => ordersApi.report(o.id, { temperature: Number(temp), by: 'phone' }));
        }}
      >
        <label className="field">
          <span className="field-label">{t('qorders.home.temperature')}</span>
          <input
            inputMode="decimal"
            required
            value={temp}
            data-testid="home-temp"
            onChange={(e) => setTemp(e.target.value)}
          />
        </label>
        <button type="submit" className="btn" disabled={busy} data-testid="home-report">
          {t('qorders.home.byPhone')}
        </button>
      </form>
      <p className="muted small">
        {item.nextTest
          ? t(item.testToday ? 'qorders.home.testToday' : 'qorders.home.nextTest', { date: item.nextTest.date })
          : t('qorders.my.noNextTest')}
        {item.samplingTask && (
          <span data-testid="home-sampling-task"> · {t(`qmore.samplingTask.${item.samplingTask.status}`)}</span>
        )}
        {item.breaches > 0 && <span className="warn"> · {t('qorders.home.breaches', { count: item.breaches })}</span>}
      </p>
      <div className="home-services" data-testid="home-services">
        <ServiceLine service={item.lastDelivery} kind="delivery" />
        <ServiceLine service={item.lastGarbage} kind="garbage" />
      </div>
      <form
        className="form-row"
        data-testid="home-service-form"
        onSubmit={(e) => {
          e.preventDefault();
          act(() =>
            ordersApi
              .homeService(
                o.id,
                service === 'delivery'
                  ? { kind: 'delivery', items, handledBy }
                  : { kind: 'garbage', bags: Number(bags), handledBy },
              )
              .then(() => setItems('')),
          );
        }}
      >
        <select
          value={service}
          aria-label={t('qfin.home.serviceKind')}
          data-testid="home-service-kind"
          onChange={(e) => setService(e.target.value as HomeServiceKind)}
        >
          {HOME_SERVICE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`qfin.home.kind.${k}`)}
            </option>
          ))}
        </select>
        {service === 'delivery' ? (
          <input
            required
            maxLength={200}
            value={items}
            data-testid="home-service-items"
            placeholder={t('qfin.home.items')}
            aria-label={t('qfin.home.items')}
            onChange={(e) => setItems(e.target.value)}
          />
        ) : (
          <input
            required
            type="number"
            min={1}
            max={50}
            value={bags}
            data-testid="home-service-bags"
            aria-label={t('qfin.home.bags')}
            onChange={(e) => setBags(e.target.value)}
          />
        )}
        <input
          required
          maxLength={60}
          value={handledBy}
          data-testid="home-service-by"
          placeholder={t('qfin.home.handledBy')}
          aria-label={t('qfin.home.handledBy')}
          onChange={(e) => setHandledBy(e.target.value)}
        />
        <button type="submit" className="btn" disabled={busy} data-testid="home-service-save">
          {t('qfin.home.save')}
        </button>
      </form>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          act(() => ordersApi.breach(o.id, { kind: breach, note: note || undefined }));
        }}
      >
        <select
          value={breach}
          aria-label={t('qorders.home.breach')}
          onChange={(e) => setBreach(e.target.value as BreachKind)}
        >
          {BREACH_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`qorders.breach.${k}`)}
            </option>
          ))}
        </select>
        <input value={note} placeholder={t('qorders.home.note')} onChange={(e) => setNote(e.target.value)} />
        <button type="submit" className="btn btn-ghost" disabled={busy} data-testid="home-breach">
          {t('qorders.home.breach')}
        </button>
      </form>
      <ErrorBox error={error} />
    </div>
  );
}

/** The latest delivery or garbage collection of a home, or that there was none yet. */
function ServiceLine({ service, kind }: { service: HomeService | null; kind: HomeServiceKind }) {
  const { t } = useTranslation();
  return (
    <p className="muted small" data-testid={`home-last-${kind}`}>
      <Label text={t(`qfin.home.last.${kind}`)} />
      {service
        ? kind === 'delivery'
          ? t('qfin.home.delivered', { items: service.items, by: service.handledBy, at: formatDateTime(service.at) })
          : t('qfin.home.collected', { bags: service.bags, by: service.handledBy, at: formatDateTime(service.at) })
        : t('qfin.home.never')}
    </p>
  );
}
