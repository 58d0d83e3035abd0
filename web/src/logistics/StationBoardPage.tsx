// The transfer station board (中转站): every vehicle inside with its step, the time it has left in the
// station's window (over it: flagged), the crew's state, and the next step to stamp — disinfection with
// the crew inside, the crew's tests, rest rooms or a relay driver, hand-over, seal, route, delivery.
// Arrivals are recorded here (matched to the arrival list or not); the 08:00 and 16:00 lists of the day
// are below, and each visit's hand-over slip prints in triplicate.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveFile, type ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { formatDateTime } from '../shared/format.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ltripApi, STEPS, type Visit } from './ltripApi.ts';
import './logistics.css';

function nextOf(v: Visit) {
  const i = STEPS.indexOf(v.step);
  return i >= 0 && i < STEPS.length - 1 ? STEPS[i + 1]! : null;
}

function NextStep({ visit, onDone }: { visit: Visit; onDone: () => void }) {
  const { t } = useTranslation();
  const next = nextOf(visit);
  const [results, setResults] = useState<Array<'negative' | 'positive'>>(visit.crew.map(() => 'negative'));
  const [text, setText] = useState('');
  const [handover, setHandover] = useState<'unload' | 'trailer_swap' | 'relay'>('unload');
  const [error, setError] = useState<ApiError | null>(null);
  if (!next) return null;
  const body = (): Record<string, unknown> => {
    switch (next) {
      case 'crew_tested':
        return { step: next, results: results.map((antigen) => ({ antigen, pcrSampled: true })) };
      case 'crew_rested':
        return { step: next, ...(text.trim() ? { relayDriver: text.trim() } : {}) };
      case 'handed_over':
        return { step: next, handover };
      case 'sealed':
        return { step: next, sealNumber: text };
      case 'departed':
        return { step: next, route: text };
      default:
        return { step: next };
    }
  };
  const run = async () => {
    setError(null);
    try {
      await ltripApi.step(visit.id, body());
      setText('');
      onDone();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <div className="lg-form" data-testid={`lt-next-${visit.plate}`}>
      {next === 'crew_tested' &&
        visit.crew.map((c, i) => (
          <label key={i} className="lg-field">
            {c.name}
            <select
              value={results[i]}
              onChange={(e) =>
                setResults((r) => r.map((x, k) => (k === i ? (e.target.value as 'negative' | 'positive') : x)))
              }
              data-testid="lt-crew-antigen"
            >
              <option value="negative">{t('ltrip.checkpoint.antigenNegative')}</option>
              <option value="positive">{t('ltrip.checkpoint.antigenPositive')}</option>
            </select>
          </label>
        ))}
      {next === 'handed_over' && (
        <select
          value={handover}
          onChange={(e) => setHandover(e.target.value as typeof handover)}
          data-testid="lt-handover"
          aria-label={t('ltrip.station.handover')}
        >
          {(['unload', 'trailer_swap', 'relay'] as const).map((h) => (
            <option key={h} value={h}>
              {t(`ltrip.handover.${h}`)}
            </option>
          ))}
        </select>
      )}
      {(next === 'crew_rested' || next === 'sealed' || next === 'departed') && (
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t(`ltrip.station.input_${next}`)}
          aria-label={t(`ltrip.station.input_${next}`)}
          data-testid="lt-step-text"
        />
      )}
      <button type="button" className="btn btn-primary btn-small" onClick={() => void run()} data-testid="lt-stamp">
        {t(`ltrip.step.${next}`)}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

export function StationBoardPage() {
  const { t } = useTranslation();
  const stations = useLoad(() => ltripApi.stations(), []);
  const [stationId, setStationId] = useState('');
  useEffect(() => {
    if (!stationId && stations.data?.length) setStationId(stations.data[0]!.id);
  }, [stations.data, stationId]);
  const [tick, setTick] = useState(0);
  const board = useLoad(() => (stationId ? ltripApi.board(stationId) : Promise.resolve(null)), [stationId, tick]);
  const day = new Date().toLocaleDateString('sv-SE');
  const [slot, setSlot] = useState<'08' | '16'>('08');
  const arrivals = useLoad(
    () => (stationId ? ltripApi.arrivals(stationId, day, slot) : Promise.resolve(null)),
    [stationId, slot, day, tick],
  );
  const [plate, setPlate] = useState('');
  const [crew, setCrew] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const arrive = async () => {
    setError(null);
    try {
      const names = crew
        .split(/[,，、\s]+/)
        .map((x) => x.trim())
        .filter(Boolean);
      await ltripApi.arrive(stationId, { plate, ...(names.length ? { crew: names } : {}) });
      setPlate('');
      setCrew('');
      setTick((n) => n + 1);
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <div className="logistics-page" data-testid="lt-station">
      <h1 className="page-title">{t('ltrip.station.title')}</h1>
      <div className="card">
        <select
          value={stationId}
          onChange={(e) => setStationId(e.target.value)}
          aria-label={t('ltrip.station.title')}
          data-testid="lt-station-id"
        >
          {stations.data?.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        {board.data && (
          <p className="muted" data-testid="lt-inside" data-inside={board.data.inside}>
            {t('ltrip.station.inside', { inside: board.data.inside, overdue: board.data.overdue })}
          </p>
        )}
        <div className="lg-form">
          <input
            value={plate}
            onChange={(e) => setPlate(e.target.value)}
            placeholder={t('ltrip.checkpoint.plate')}
            aria-label={t('ltrip.checkpoint.plate')}
            data-testid="lt-arrive-plate"
          />
          <input
            value={crew}
            onChange={(e) => setCrew(e.target.value)}
            placeholder={t('ltrip.station.crew')}
            aria-label={t('ltrip.station.crew')}
            data-testid="lt-arrive-crew"
          />
          <button
            type="button"
            className="btn btn-primary"
            disabled={!stationId || !plate.trim()}
            onClick={() => void arrive()}
            data-testid="lt-arrive"
          >
            {t('ltrip.station.arrive')}
          </button>
        </div>
        <ErrorBox error={error ?? board.error} />
      </div>
      {board.data?.visits.map((v) => (
        <div key={v.id} className={`card ${v.overdue ? 'lt-overdue' : ''}`} data-testid={`lt-visit-${v.plate}`}>
          <div className="card-title-row">
            <strong>{v.plate}</strong>
            <span className="lg-badge" data-testid="lt-step" data-step={v.step}>
              {t(`ltrip.step.${v.step}`)}
            </span>
            {!v.onList && <span className="lg-badge">{t('ltrip.station.offList')}</span>}
            {v.overdue && <span className="lg-badge lt-red">{t('ltrip.station.overdue')}</span>}
          </div>
          <div className="muted small">
            {t('ltrip.station.arrived', { at: formatDateTime(v.arrivedAt), due: formatDateTime(v.dueAt) })} ·{' '}
            {v.crew.map((c) => `${c.name}（${t(`ltrip.crewState.${c.state}`)}）`).join('、')}
            {v.relayDriver ? ` · ${t('ltrip.station.relay', { name: v.relayDriver })}` : ''}
          </div>
          <ol className="lg-list small">
            {v.steps.map((s) => (
              <li key={s.step}>
                {t(`ltrip.step.${s.step}`)} · {formatDateTime(s.at)} · {s.by}
                {s.note ? ` · ${s.note}` : ''}
              </li>
            ))}
          </ol>
          <NextStep visit={v} onDone={() => setTick((n) => n + 1)} />
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void ltripApi.slip(v.id).then((f) => saveFile(f.blob, f.filename))}
          >
            {t('ltrip.station.slip')}
          </button>
        </div>
      ))}
      <div className="card" data-testid="lt-arrivals">
        <div className="card-title-row">
          <h2 className="card-title">{t('ltrip.station.arrivals', { day })}</h2>
          <select
            value={slot}
            onChange={(e) => setSlot(e.target.value as '08' | '16')}
            aria-label={t('ltrip.station.slot')}
          >
            <option value="08">08:00</option>
            <option value="16">16:00</option>
          </select>
        </div>
        {arrivals.data?.trips.length === 0 && <p className="empty">{t('ltrip.station.noArrivals')}</p>}
        <ul className="lg-list">
          {arrivals.data?.trips.map((tr) => (
            <li key={tr.id}>
              {tr.plate} · {tr.enterpriseName} · {tr.cargoName} {tr.quantity}
              {t(`ltrip.unit.${tr.unit}`)} · {formatDateTime(tr.arriveFrom)}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
