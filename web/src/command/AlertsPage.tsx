// 值班预警 The duty officer's alerts: those not closed (or the closed ones) of the officer's area, most
// severe first and then the oldest, each with its evidence, the roles told, its age; acknowledged by a
// person (once), closed with a note. Refreshed each half-minute.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatDateTime } from '../shared/format.ts';
import { useLoad, toApiError } from '../shared/useLoad.ts';
import type { ApiError } from '../shared/api.ts';
import { alertsApi, type Alert } from './alertsApi.ts';
import './command.css';

const MINUTE = 60_000;

function ageText(t: (k: string, o?: Record<string, unknown>) => string, ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / MINUTE));
  if (minutes < 60) return t('cmdAlerts.ageMinutes', { n: minutes });
  return t('cmdAlerts.ageHours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

function Evidence({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const e = alert.evidence;
  return (
    <span className="small" data-testid="alert-evidence">
      {t(`cmdAlerts.evidence.${alert.rule}`, {
        ...e,
        detectedAt: typeof e.detectedAt === 'number' ? formatDateTime(e.detectedAt) : '',
        orderedAt: typeof e.orderedAt === 'number' ? formatDateTime(e.orderedAt) : '',
        raisedAt: typeof e.raisedAt === 'number' ? formatDateTime(e.raisedAt) : '',
        freeShare: typeof e.freeShare === 'number' ? Math.round(e.freeShare * 1000) / 10 : '',
        threshold: typeof e.threshold === 'number' ? Math.round(e.threshold * 100) : '',
      })}
    </span>
  );
}

export function AlertsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'active' | 'closed'>('active');
  const [tick, setTick] = useState(0);
  const list = useLoad(() => alertsApi.list(status), [status, tick]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [closing, setClosing] = useState<string | null>(null);
  const [note, setNote] = useState('');
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 30_000);
    return () => clearInterval(timer);
  }, []);

  const act = async (id: string, run: () => Promise<unknown>) => {
    setBusy(id);
    setError(null);
    try {
      await run();
      setClosing(null);
      setNote('');
      setTick((n) => n + 1);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page" data-testid="alerts-page">
      <div className="page-head">
        <h1>{t('cmdAlerts.title')}</h1>
        <div className="segmented" role="group">
          {(['active', 'closed'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={`btn ${status === s ? 'btn-primary' : ''}`}
              aria-pressed={status === s}
              data-testid={`alerts-${s}`}
              onClick={() => setStatus(s)}
            >
              {t(`cmdAlerts.show.${s}`)}
            </button>
          ))}
        </div>
      </div>
      <ErrorBox error={error ?? list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && (
        <p className="muted" data-testid="alerts-none">
          {t(status === 'active' ? 'cmdAlerts.none' : 'cmdAlerts.noneClosed')}
        </p>
      )}
      {list.data && list.data.items.length > 0 && (
        <div className="card">
          <p className="muted small">{t('cmdAlerts.count', { n: list.data.total })}</p>
          <table className="table" data-testid="alerts-table">
            <thead>
              <tr>
                <th>{t('cmdAlerts.severity')}</th>
                <th>{t('cmdAlerts.rule')}</th>
                <th>{t('cmdAlerts.area')}</th>
                <th>{t('cmdAlerts.evidenceHead')}</th>
                <th>{t('cmdAlerts.age')}</th>
                <th>{t('cmdAlerts.notify')}</th>
                <th>{t('cmdAlerts.statusHead')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id} data-testid="alert-row" data-rule={a.rule} data-status={a.status}>
                  <td>
                    <span className={`badge alert-sev-${a.severity}`}>{t(`cmdAlerts.sev.${a.severity}`)}</span>
                  </td>
                  <td>{t(`cmdAlerts.rules.${a.rule}`)}</td>
                  <td>{a.areaName}</td>
                  <td>
                    <Evidence alert={a} />
                  </td>
                  <td className="small">
                    {ageText(t, (a.closedAt ?? list.data!.at) - a.openedAt)}
                    <div className="muted">{formatDateTime(a.openedAt)}</div>
                  </td>
                  <td className="small">{a.notify.map((r) => t(`role.${r}`)).join('、')}</td>
                  <td className="small" data-testid="alert-status">
                    {t(`cmdAlerts.status.${a.status}`)}
                    {a.acknowledgedBy && (
                      <div className="muted">
                        {t('cmdAlerts.ackBy', { by: a.acknowledgedBy, at: formatDateTime(a.acknowledgedAt) })}
                      </div>
                    )}
                    {a.closeReason && (
                      <div className="muted">
                        {a.closeReason === 'cleared'
                          ? t('cmdAlerts.cleared')
                          : `${a.closedBy ?? ''}：${a.closeNote ?? ''}`}
                      </div>
                    )}
                  </td>
                  <td>
                    {a.status === 'open' && (
                      <button
                        type="button"
                        className="btn btn-primary"
                        disabled={busy === a.id}
                        data-testid="alert-ack"
                        onClick={() => void act(a.id, () => alertsApi.acknowledge(a.id))}
                      >
                        {t('cmdAlerts.acknowledge')}
                      </button>
                    )}
                    {a.status !== 'closed' && closing !== a.id && (
                      <button
                        type="button"
                        className="btn"
                        data-testid="alert-close"
                        onClick={() => {
                          setClosing(a.id);
                          setNote('');
                        }}
                      >
                        {t('cmdAlerts.close')}
                      </button>
                    )}
                    {closing === a.id && (
                      <form
                        className="alert-close-form"
                        onSubmit={(e) => {
                          e.preventDefault();
                          void act(a.id, () => alertsApi.close(a.id, note));
                        }}
                      >
                        <label className="field-label" htmlFor={`note-${a.id}`}>
                          {t('cmdAlerts.closeNote')}
                        </label>
                        <input
                          id={`note-${a.id}`}
                          className="input"
                          value={note}
                          minLength={2}
                          maxLength={500}
                          required
                          data-testid="alert-close-note"
                          onChange={(e) => setNote(e.target.value)}
                        />
                        <button type="submit" className="btn btn-primary" disabled={busy === a.id}>
                          {t('cmdAlerts.confirmClose')}
                        </button>
                        <button type="button" className="btn" onClick={() => setClosing(null)}>
                          {t('cmdAlerts.cancel')}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
