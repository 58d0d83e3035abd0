// Trip pre-registrations (报备): an enterprise reports a trip for a vehicle with an issued pass — crew,
// cargo and quantity, origin and its risk areas, destination (a transfer station or a warehouse), and
// the arrival window, at least 48 h ahead by the rules of the day — and follows its trips (and, with
// "coming to us", the trips to it as a closed-loop destination). A department approves or refuses the
// trips of its cargo with a reason.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { formatDateTime } from '../shared/format.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { logisticsApi } from './logisticsApi.ts';
import { ltripApi, type DestinationKind, type OriginRisk, type Trip, type TripStatus } from './ltripApi.ts';
import './logistics.css';

const H = 3_600_000;
const local = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

function ReportForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const passes = useLoad(() => logisticsApi.passes({ status: 'issued' }), []);
  const stations = useLoad(() => ltripApi.stations(), []);
  const [passId, setPassId] = useState('');
  const pass = passes.data?.items.find((p) => p.id === passId) ?? passes.data?.items[0];
  const [crew, setCrew] = useState<string[]>([]);
  useEffect(() => setCrew(pass?.drivers.map((d) => d.id) ?? []), [pass?.id, pass?.drivers]);
  const [cargoName, setCargoName] = useState('');
  const [quantity, setQuantity] = useState('');
  const [unit, setUnit] = useState<Trip['unit']>('t');
  const [originRisk, setOriginRisk] = useState<OriginRisk>('none');
  const [kind, setKind] = useState<DestinationKind>('transfer_station');
  const [stationId, setStationId] = useState('');
  const [warehouse, setWarehouse] = useState('');
  const [intent, setIntent] = useState<Trip['intent']>('unload_return');
  const [from, setFrom] = useState(() => local(Math.ceil((Date.now() + 49 * H) / H) * H));
  const [hours, setHours] = useState(4);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async () => {
    if (!pass) return;
    setError(null);
    const arriveFrom = new Date(from).getTime();
    try {
      await ltripApi.report({
        passId: pass.id,
        vehicleId: pass.vehicleId,
        crew: crew.map((driverId, i) => ({ driverId, role: i === 0 ? 'driver' : 'escort' })),
        cargoCategory: pass.cargoCategory,
        cargoName,
        quantity: Number(quantity),
        unit,
        origin: pass.origin.code,
        originRisk,
        destinationKind: kind,
        ...(kind === 'transfer_station'
          ? { destinationId: stationId || stations.data?.[0]?.id }
          : { destinationName: warehouse }),
        intent,
        arriveFrom,
        arriveUntil: arriveFrom + hours * H,
      });
      setCargoName('');
      setQuantity('');
      onDone();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  if (passes.data && passes.data.items.length === 0) return <p className="empty">{t('ltrip.trips.noPass')}</p>;
  return (
    <div className="card" data-testid="lt-report">
      <h2 className="card-title">{t('ltrip.trips.report')}</h2>
      <div className="lg-form">
        <label className="lg-field">
          {t('ltrip.trips.pass')}
          <select value={pass?.id ?? ''} onChange={(e) => setPassId(e.target.value)} data-testid="lt-pass">
            {passes.data?.items.map((p) => (
              <option key={p.id} value={p.id}>
                {p.plate} · {p.number}
              </option>
            ))}
          </select>
        </label>
        {pass?.drivers.map((d) => (
          <label key={d.id} className="lg-check">
            <input
              type="checkbox"
              checked={crew.includes(d.id)}
              onChange={(e) => setCrew((c) => (e.target.checked ? [...c, d.id] : c.filter((x) => x !== d.id)))}
            />{' '}
            {d.name}
          </label>
        ))}
        <label className="lg-field">
          {t('ltrip.trips.cargo')}
          <input value={cargoName} onChange={(e) => setCargoName(e.target.value)} data-testid="lt-cargo" />
        </label>
        <label className="lg-field">
          {t('ltrip.trips.quantity')}
          <input
            type="number"
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
            data-testid="lt-quantity"
          />
        </label>
        <label className="lg-field">
          {t('ltrip.trips.unit')}
          <select value={unit} onChange={(e) => setUnit(e.target.value as Trip['unit'])}>
            {(['t', 'boxes', 'pieces'] as const).map((u) => (
              <option key={u} value={u}>
                {t(`ltrip.unit.${u}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="lg-field">
          {t('ltrip.trips.originRisk')}
          <select value={originRisk} onChange={(e) => setOriginRisk(e.target.value as OriginRisk)}>
            {(['none', 'low', 'medium_high'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`ltrip.risk.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="lg-field">
          {t('ltrip.trips.destination')}
          <select value={kind} onChange={(e) => setKind(e.target.value as DestinationKind)} data-testid="lt-kind">
            <option value="transfer_station">{t('ltrip.kind.transfer_station')}</option>
            <option value="warehouse">{t('ltrip.kind.warehouse')}</option>
          </select>
        </label>
        {kind === 'transfer_station' ? (
          <select
            value={stationId}
            onChange={(e) => setStationId(e.target.value)}
            aria-label={t('ltrip.kind.transfer_station')}
            data-testid="lt-dest-station"
          >
            {stations.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        ) : (
          <input
            value={warehouse}
            onChange={(e) => setWarehouse(e.target.value)}
            placeholder={t('ltrip.kind.warehouse')}
            aria-label={t('ltrip.kind.warehouse')}
          />
        )}
        <label className="lg-field">
          {t('ltrip.trips.intent')}
          <select value={intent} onChange={(e) => setIntent(e.target.value as Trip['intent'])}>
            <option value="unload_return">{t('ltrip.intent.unload_return')}</option>
            <option value="stay">{t('ltrip.intent.stay')}</option>
          </select>
        </label>
        <label className="lg-field">
          {t('ltrip.trips.arriveFrom')}
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="lt-from" />
        </label>
        <label className="lg-field">
          {t('ltrip.trips.hours')}
          <input type="number" min={1} max={72} value={hours} onChange={(e) => setHours(Number(e.target.value))} />
        </label>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!pass || !cargoName.trim() || !(Number(quantity) > 0)}
          onClick={() => void submit()}
          data-testid="lt-submit-trip"
        >
          {t('ltrip.trips.submit')}
        </button>
      </div>
      <ErrorBox error={error} />
    </div>
  );
}

function Decide({ trip, onDone }: { trip: Trip; onDone: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      onDone();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <div className="lg-decide" data-testid={`lt-decide-${trip.plate}`}>
      <input
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder={t('ltrip.trips.reason')}
        aria-label={t('ltrip.trips.reason')}
      />
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => void run(() => ltripApi.approve(trip.id, reason))}
        data-testid="lt-approve"
      >
        {t('ltrip.trips.approve')}
      </button>
      <button type="button" className="btn" onClick={() => void run(() => ltripApi.refuse(trip.id, reason))}>
        {t('ltrip.trips.refuse')}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

export function TripsPage() {
  const { t } = useTranslation();
  const { permissions } = useAuth();
  const enterprise = permissions.includes('logistics.enterprise');
  const reviewer = permissions.includes('logistics.review');
  const [status, setStatus] = useState<TripStatus | ''>(reviewer ? 'reported' : '');
  const [incoming, setIncoming] = useState(false);
  const [tick, setTick] = useState(0);
  const list = useLoad(
    () => ltripApi.trips({ ...(status ? { status } : {}), ...(incoming ? { incoming: true } : {}) }),
    [status, incoming, tick],
  );
  return (
    <div className="logistics-page" data-testid="lt-trips">
      <h1 className="page-title">{t('ltrip.trips.title')}</h1>
      {enterprise && <ReportForm onDone={() => setTick((n) => n + 1)} />}
      <div className="card">
        <div className="lg-form">
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as TripStatus | '')}
            aria-label={t('ltrip.trips.status')}
            data-testid="lt-trip-status"
          >
            <option value="">{t('ltrip.trips.allStatuses')}</option>
            {(['reported', 'approved', 'refused', 'withdrawn', 'arrived'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`ltrip.status.${s}`)}
              </option>
            ))}
          </select>
          {enterprise && (
            <label className="lg-check">
              <input type="checkbox" checked={incoming} onChange={(e) => setIncoming(e.target.checked)} />{' '}
              {t('ltrip.trips.incoming')}
            </label>
          )}
        </div>
        <ErrorBox error={list.error} />
        {list.data && list.data.items.length === 0 && <p className="empty">{t('ltrip.trips.empty')}</p>}
        {list.data?.items.map((tr) => (
          <div key={tr.id} className="lg-review-item" data-testid={`lt-trip-${tr.plate}`}>
            <div>
              <strong>{tr.plate}</strong>{' '}
              <span className="lg-badge" data-testid="lt-trip-state" data-status={tr.status}>
                {t(`ltrip.status.${tr.status}`)}
              </span>{' '}
              · {tr.enterpriseName} · {tr.cargoName} {tr.quantity}
              {t(`ltrip.unit.${tr.unit}`)}
            </div>
            <div className="muted small">
              {tr.origin.name ?? tr.origin.code}（{t(`ltrip.risk.${tr.originRisk}`)}）→ {tr.destinationName} ·{' '}
              {formatDateTime(tr.arriveFrom)} ~ {formatDateTime(tr.arriveUntil)} ·{' '}
              {tr.crew.map((c) => c.name).join('、')}
              {tr.decisionNote ? ` · ${tr.decisionNote}` : ''}
            </div>
            {reviewer && tr.status === 'reported' && <Decide trip={tr} onDone={() => setTick((n) => n + 1)} />}
          </div>
        ))}
      </div>
    </div>
  );
}
