// One quarantine order: the person (masked), today's day number as the rules count it, the schedule of
// tests with their results and the test days flagged as missed, the events with their basis, and the
// actions: release (refused naming the missing day or test), extension on a new exposure, cancellation,
// the closed-loop transfer to a designated hospital and the way back; the certificate once released.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { formatDateTime } from '../shared/format.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { ordersApi, type OrderDetail, type ReleaseFault, type Tick } from './ordersApi.ts';
import { HospitalTransfer, MissedTests } from './HospitalTransfer.tsx';
import { HospitalReturn, hospitalNow } from './HospitalReturn.tsx';

export function TickList({ ticks }: { ticks: Tick[] }) {
  const { t } = useTranslation();
  if (!ticks.length) return <p className="muted small">{t('qorders.order.noTests')}</p>;
  return (
    <table className="table" data-testid="order-schedule">
      <thead>
        <tr>
          <th>{t('qorders.order.testDay')}</th>
          <th>{t('qorders.order.date')}</th>
          <th>{t('qorders.order.result')}</th>
        </tr>
      </thead>
      <tbody>
        {ticks.map((k) => (
          <tr key={`${k.phase}${k.day}`} data-testid="tick" data-state={k.state}>
            <td>{t(`qorders.phaseDay.${k.phase}`, { day: k.day })}</td>
            <td>{k.date}</td>
            <td>
              <span className={`badge tick-${k.state}`}>
                {k.state === 'negative' ? '✓ ' : ''}
                {t(`qorders.tick.${k.state}`)}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function faultText(t: (k: string, o?: Record<string, unknown>) => string, f: ReleaseFault): string {
  return t(`qorders.fault.${f.code}`, { ...f });
}

export function OrderPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const detail = useLoad(() => ordersApi.get(id), [id]);
  return (
    <div className="order-page" data-testid="order-page">
      <ErrorBox error={detail.error} />
      {detail.loading && !detail.data && <Loading />}
      {detail.data && <OrderView detail={detail.data} reload={detail.reload} />}
      <p>
        <Link to="/quarantine/orders">{t('qorders.order.back')}</Link>
      </p>
    </div>
  );
}

function OrderView({ detail, reload }: { detail: OrderDetail; reload: () => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const o = detail.order;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [extendOpen, setExtendOpen] = useState(false);
  const [exposure, setExposure] = useState('');
  const [reason, setReason] = useState('');
  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await run();
      reload();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const active = o.status === 'active';
  const atHospital = hospitalNow(detail.events);
  return (
    <>
      <div className="card-title-row">
        <h1 className="page-title">{t('qorders.order.title', { name: o.personName })}</h1>
        <span className={`badge order-${o.status}`} data-testid="order-status">
          {t(`qorders.status.${o.status}`)}
        </span>
      </div>
      <div className="card">
        {active && (
          <p className="order-day" data-testid="order-day">
            <strong>{t('qorders.dayN', { day: o.day })}</strong>
            <span className="muted"> · {t(`qorders.phaseDay.${o.phase}`, { day: o.phaseDay })}</span>
          </p>
        )}
        <dl className="facts">
          <dt>{t('qorders.list.kind')}</dt>
          <dd>{t(`qorders.kind.${o.kind}`)}</dd>
          <dt>{t('qorders.list.place')}</dt>
          <dd>{t(`qorders.place.${o.place}`)}</dd>
          <dt>{t('qorders.order.start')}</dt>
          <dd>{formatDateTime(o.startAt)}</dd>
          {o.centralisedUntil > o.startAt && (
            <>
              <dt>{t('qorders.order.centralisedUntil')}</dt>
              <dd>{formatDateTime(o.centralisedUntil)}</dd>
            </>
          )}
          <dt>{t('qorders.list.ends')}</dt>
          <dd>{formatDateTime(o.endsAt)}</dd>
          <dt>{t('qorders.order.ruleSet')}</dt>
          <dd>{o.ruleSetId}</dd>
          <dt>{t('qorders.order.area')}</dt>
          <dd>{o.areaName}</dd>
          {o.caseId && (
            <>
              <dt>{t('qorders.order.case')}</dt>
              <dd>
                <Link to={`/cases/${o.caseId}`}>{t('qorders.order.openCase')}</Link>
              </dd>
            </>
          )}
          {o.followOrderId && (
            <>
              <dt>{t('qorders.order.followOn')}</dt>
              <dd>
                <Link to={`/quarantine/orders/${o.followOrderId}`} data-testid="order-follow-on">
                  {t('qorders.order.openFollowOn')}
                </Link>
              </dd>
            </>
          )}
        </dl>
      </div>
      <div className="card">
        <h2 className="card-title">{t('qorders.order.schedule')}</h2>
        <TickList ticks={detail.ticks} />
        <MissedTests items={detail.missedTests} />
      </div>
      {active && can('quarantine.allocate') && !atHospital && <HospitalTransfer orderId={o.id} onDone={reload} />}
      {active && can('quarantine.allocate') && atHospital && (
        <HospitalReturn orderId={o.id} hospital={atHospital} onDone={reload} />
      )}
      <div className="card">
        <h2 className="card-title">{t('qorders.order.release')}</h2>
        {active && !detail.release.releasable && (
          <ul className="release-faults" data-testid="release-faults">
            {detail.release.faults.map((f, i) => (
              <li key={i}>{faultText(t, f)}</li>
            ))}
          </ul>
        )}
        {active && detail.release.releasable && <p data-testid="release-ready">{t('qorders.order.releasable')}</p>}
        <ErrorBox error={error} />
        <div className="button-row">
          {active && can('quarantine.order') && (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="order-release"
              disabled={busy}
              onClick={() => void act(() => ordersApi.release(o.id))}
            >
              {t('qorders.order.releaseButton')}
            </button>
          )}
          {o.status === 'released' && (
            <a className="btn" data-testid="order-certificate" href={ordersApi.certificateHref(o.id)}>
              {t('qorders.order.certificate')}
            </a>
          )}
          {active && can('quarantine.order') && (
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="order-extend-open"
              onClick={() => setExtendOpen((v) => !v)}
            >
              {t('qorders.order.extend')}
            </button>
          )}
          {active && can('quarantine.order') && (
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="order-cancel"
              disabled={busy}
              onClick={() => {
                const why = window.prompt(t('qorders.order.cancelReason'));
                if (why) void act(() => ordersApi.cancel(o.id, why));
              }}
            >
              {t('qorders.order.cancel')}
            </button>
          )}
        </div>
        {extendOpen && active && (
          <form
            className="form-row"
            onSubmit={(e) => {
              e.preventDefault();
              void act(() => ordersApi.extend(o.id, { exposureAt: new Date(exposure).getTime(), reason })).then(() =>
                setExtendOpen(false),
              );
            }}
          >
            <label className="field">
              <span className="field-label">{t('qorders.order.exposureAt')}</span>
              <input type="datetime-local" required value={exposure} onChange={(e) => setExposure(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">{t('qorders.order.reason')}</span>
              <input required value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
            <button type="submit" className="btn" disabled={busy}>
              {t('qorders.order.extendSave')}
            </button>
          </form>
        )}
      </div>
      <div className="card">
        <h2 className="card-title">{t('qorders.order.events')}</h2>
        <ul className="timeline" data-testid="order-events">
          {detail.events.map((e) => (
            <li key={e.id} data-kind={e.kind}>
              <span className="muted small">{formatDateTime(e.at)}</span> {t(`qorders.event.${e.kind}`)}
              {typeof e.detail.hospitalName === 'string' ? (
                <span data-testid="event-hospital">
                  {' '}
                  {t('qmore.transfer.event', {
                    hospital: e.detail.hospitalName,
                    vehicle: String(e.detail.vehicle ?? ''),
                    escort: String(e.detail.escort ?? ''),
                  })}
                </span>
              ) : null}
              {e.kind === 'returned' && typeof e.detail.fromHospitalName === 'string' ? (
                <span data-testid="event-returned">
                  {' '}
                  {t('qfin.return.event', { hospital: e.detail.fromHospitalName })}
                </span>
              ) : null}
              {typeof e.detail.reason === 'string' && e.detail.reason ? (
                <span className="muted"> · {e.detail.reason}</span>
              ) : null}
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
