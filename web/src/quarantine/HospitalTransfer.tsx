// The closed-loop transfer of a person under an order to a designated hospital (定点医院闭环转运), on the
// order page: the need, the hospitals that take the person's code colour and serve it (most free beds
// first), the vehicle and the escort. A hospital that does not take the person is refused by the server
// naming the hospital.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { CARE_NEEDS, type CareNeed } from './sitesApi.ts';
import { transferApi, type HospitalTransfer as Done, type TransferOptions } from './transferApi.ts';

export function HospitalTransfer({ orderId, onDone }: { orderId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [need, setNeed] = useState<CareNeed>('fever');
  const [options, setOptions] = useState<TransferOptions | null>(null);
  const [hospitalId, setHospitalId] = useState('');
  const [vehicle, setVehicle] = useState('');
  const [escort, setEscort] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Done | null>(null);

  const find = async (n: CareNeed) => {
    setBusy(true);
    setError(null);
    try {
      const o = await transferApi.options({ orderId }, n);
      setOptions(o);
      setHospitalId(o.items[0]?.id ?? '');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  if (!open)
    return (
      <button
        type="button"
        className="btn btn-ghost"
        data-testid="transfer-open"
        onClick={() => {
          setOpen(true);
          void find(need);
        }}
      >
        {t('qmore.transfer.open')}
      </button>
    );
  return (
    <div className="card" data-testid="transfer-form">
      <h2 className="card-title">{t('qmore.transfer.title')}</h2>
      <p className="muted small">{t('qmore.transfer.lead')}</p>
      {done ? (
        <p data-testid="transfer-done">
          {t('qmore.transfer.done', { hospital: done.hospitalName, vehicle: done.vehicle, escort: done.escort })}
          {done.roomAwaitsDisinfection ? ` ${t('qmore.transfer.roomFreed')}` : ''}
        </p>
      ) : (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            transferApi
              .transfer({ orderId, hospitalId, need, vehicle, escort })
              .then((d) => {
                setDone(d);
                onDone();
              })
              .catch((err: unknown) => setError(toApiError(err)))
              .finally(() => setBusy(false));
          }}
        >
          <label className="field">
            <span className="field-label">{t('qhospitals.need')}</span>
            <select
              value={need}
              data-testid="transfer-need"
              onChange={(e) => {
                const n = e.target.value as CareNeed;
                setNeed(n);
                void find(n);
              }}
            >
              {CARE_NEEDS.map((n) => (
                <option key={n} value={n}>
                  {t(`qhospitals.needs.${n}`)}
                </option>
              ))}
            </select>
          </label>
          {options && (
            <p className="muted small" data-testid="transfer-colour">
              {t('qmore.transfer.colour', { colour: t(`qhospitals.colours.${options.colour}`) })}
            </p>
          )}
          <label className="field">
            <span className="field-label">{t('qmore.transfer.hospital')}</span>
            <select
              required
              value={hospitalId}
              data-testid="transfer-hospital"
              onChange={(e) => setHospitalId(e.target.value)}
            >
              {options && !options.items.length && <option value="">{t('qhospitals.routeNone')}</option>}
              {options?.items.map((h) => (
                <option key={h.id} value={h.id}>
                  {t('qmore.transfer.hospitalOption', { name: h.name, free: h.bedsFree })}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('qmore.transfer.vehicle')}</span>
            <input required maxLength={60} value={vehicle} onChange={(e) => setVehicle(e.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">{t('qmore.transfer.escort')}</span>
            <input required maxLength={60} value={escort} onChange={(e) => setEscort(e.target.value)} />
          </label>
          <div className="button-row">
            <button
              type="submit"
              className="btn btn-primary"
              data-testid="transfer-submit"
              disabled={busy || !hospitalId}
            >
              {t('qmore.transfer.submit')}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
              {t('qmore.transfer.close')}
            </button>
          </div>
        </form>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

/** The scheduled test days the care sweep flagged as missed, with their follow-up. */
export function MissedTests({
  items,
}: {
  items: Array<{ alertId: string; phase: string; day: number; date: string; status: string; followUp: string | null }>;
}) {
  const { t } = useTranslation();
  if (!items.length) return null;
  return (
    <div className="missed-tests" data-testid="missed-tests">
      <h3 className="warn">{t('qmore.missed.title')}</h3>
      <ul>
        {items.map((m) => (
          <li key={m.alertId} data-status={m.status}>
            {t('qmore.missed.item', { day: t(`qorders.phaseDay.${m.phase}`, { day: m.day }), date: m.date })}
            {' · '}
            {t(`qmore.missed.status.${m.status}`)}
            {m.followUp ? <span className="muted"> · {m.followUp}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
