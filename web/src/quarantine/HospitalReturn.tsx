// The way back from a designated hospital (定点医院返回), on the order page of a person whose order
// continued at the hospital: by closed-loop transfer to a free, disinfected room of a site (vehicle and
// escort), or released at the hospital when the rule set's conditions hold. Once done, the order page
// reloads: its timeline shows the return (a `returned` event). The server refuses a room
// that breaks a placement rule, or a release with a missing day or test, naming it.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { sitesApi, type Room, type Site } from './sitesApi.ts';
import { transferApi, type ReturnOutcome } from './transferApi.ts';

/** The hospital the order's latest leg went to, when the person has not come back since. */
export function hospitalNow(events: Array<{ kind: string; detail: Record<string, unknown> }>): string | null {
  const legs = events.filter((e) => e.kind === 'returned' || (e.kind === 'transferred' && e.detail.hospitalName));
  const last = legs[legs.length - 1];
  return last?.kind === 'transferred' ? String(last.detail.hospitalName) : null;
}

export function HospitalReturn({
  orderId,
  hospital,
  onDone,
}: {
  orderId: string;
  hospital: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<ReturnOutcome>('room');
  const [sites, setSites] = useState<Site[]>([]);
  const [siteId, setSiteId] = useState('');
  const [rooms, setRooms] = useState<Room[]>([]);
  const [roomId, setRoomId] = useState('');
  const [vehicle, setVehicle] = useState('');
  const [escort, setEscort] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!open || sites.length) return;
    sitesApi
      .sites({ limit: 200 })
      .then((p) => {
        setSites(p.items);
        setSiteId(p.items[0]?.id ?? '');
      })
      .catch((err: unknown) => setError(toApiError(err)));
  }, [open, sites.length]);
  useEffect(() => {
    if (!siteId) return;
    sitesApi
      .rooms(siteId)
      .then((r) => {
        const free = r.items.filter((x) => x.state === 'free');
        setRooms(free);
        setRoomId(free[0]?.id ?? '');
      })
      .catch((err: unknown) => setError(toApiError(err)));
  }, [siteId]);

  if (!open)
    return (
      <button type="button" className="btn btn-ghost" data-testid="return-open" onClick={() => setOpen(true)}>
        {t('qfin.return.open')}
      </button>
    );
  return (
    <div className="card" data-testid="return-form">
      <h2 className="card-title">{t('qfin.return.title')}</h2>
      <p className="muted small">{t('qfin.return.lead')}</p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          transferApi
            .back(
              outcome === 'room'
                ? { orderId, outcome, roomId, vehicle, escort }
                : { orderId, outcome, ...(vehicle ? { vehicle } : {}), ...(escort ? { escort } : {}) },
            )
            .then(() => onDone())
            .catch((err: unknown) => setError(toApiError(err)))
            .finally(() => setBusy(false));
        }}
      >
        <p className="muted small">{hospital}</p>
        <label className="field">
          <span className="field-label">{t('qfin.return.outcome')}</span>
          <select
            value={outcome}
            data-testid="return-outcome"
            onChange={(e) => setOutcome(e.target.value as ReturnOutcome)}
          >
            {(['room', 'released'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`qfin.return.outcomes.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {outcome === 'room' && (
          <>
            <label className="field">
              <span className="field-label">{t('qfin.return.site')}</span>
              <select value={siteId} data-testid="return-site" onChange={(e) => setSiteId(e.target.value)}>
                {sites.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">{t('qfin.return.room')}</span>
              <select required value={roomId} data-testid="return-room" onChange={(e) => setRoomId(e.target.value)}>
                {!rooms.length && <option value="">{t('qfin.return.noRoom')}</option>}
                {rooms.map((r) => (
                  <option key={r.id} value={r.id}>
                    {t('qfin.return.roomOption', { number: r.number, kind: t(`qsites.roomKind.${r.kind}`) })}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label className="field">
          <span className="field-label">{t('qfin.return.vehicle')}</span>
          <input
            required={outcome === 'room'}
            maxLength={60}
            value={vehicle}
            data-testid="return-vehicle"
            onChange={(e) => setVehicle(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('qfin.return.escort')}</span>
          <input
            required={outcome === 'room'}
            maxLength={60}
            value={escort}
            data-testid="return-escort"
            onChange={(e) => setEscort(e.target.value)}
          />
        </label>
        <div className="button-row">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="return-submit"
            disabled={busy || (outcome === 'room' && !roomId)}
          >
            {t('qfin.return.submit')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
            {t('qfin.return.close')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
    </div>
  );
}
