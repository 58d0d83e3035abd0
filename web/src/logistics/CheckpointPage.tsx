// The checkpoint's phone page (卡口): pick the checkpoint, scan or type the pass (or the plate), see the
// trip and the crew's colours and latest tests, check each person (temperature, the code shown, the
// latest test, antigen on the spot with its PCR sample), and record the check. The decision is the
// server's, by the rules of the day. With the network down the pass is verified here with the cached
// public key (a forged or altered one is refused) and the check waits on the phone with its own id and
// time, sent once when the network returns. Below: the officer's queue and today's counts per hour.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { formatDateTime } from '../shared/format.ts';
import {
  failureOf,
  newClientId,
  useOfflineQueue,
  type Answer,
  type Failure,
  type QueueSpec,
  type Sent,
} from '../shared/offlineQueue.ts';
import { NetworkBadge, QueueStatus } from '../shared/QueueStatus.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { cachedPublicKey, rawPublicKey, refreshPublicKey } from '../venues/personalCode.ts';
import { ltripApi, type Check, type CheckBody, type Colour, type Lookup, type PersonCheck } from './ltripApi.ts';
import { verifyPassOffline } from './passCode.ts';
import './logistics.css';

interface QueuedCheck {
  clientId: string;
  checkpointId: string;
  body: CheckBody;
}
interface CheckAnswer {
  ok: boolean;
  check?: Check;
  code?: string;
  message?: string;
}

const QUEUE: QueueSpec<QueuedCheck, CheckAnswer> = {
  key: 'cordon.checkpoint.queue',
  idOf: (q) => q.clientId,
  revive: (raw) => {
    const q = raw as QueuedCheck;
    return q && typeof q.clientId === 'string' && typeof q.checkpointId === 'string' && q.body ? q : null;
  },
  async send(batch): Promise<Sent<CheckAnswer>> {
    const first = batch[0]!.checkpointId;
    const same = batch.filter((q, i) => batch.slice(0, i + 1).every((x) => x.checkpointId === first));
    try {
      const r = await ltripApi.sync(
        first,
        same.map((q) => q.body),
      );
      return {
        answers: r.results.map((x) => ({ id: x.clientId, result: x })),
        waiting: null,
      };
    } catch (err) {
      return { answers: [], waiting: failureOf(err) };
    }
  },
  refused: (_item, f: Failure) => ({ ok: false, code: f.code, message: f.detail }),
  ok: (r) => r.ok,
  denied: (r) => r.ok && (r.check?.decision === 'turned_back' || r.check?.decision === 'trans_ship'),
  batchSize: 100,
};

const STORE = 'cordon.checkpoint.selected';
const today = () => new Date().toLocaleDateString('sv-SE');

function blankPerson(): PersonCheck & { key: string } {
  return { key: newClientId(), name: '', role: 'driver', temperature: 36.5, colourShown: 'green', pcrSampled: false };
}

function ColourDot({ colour }: { colour: Colour | null }) {
  const { t } = useTranslation();
  return <span className={`lt-colour lt-${colour ?? 'none'}`}>{colour ? t(`ltrip.colour.${colour}`) : '—'}</span>;
}

export function CheckpointPage() {
  const { t } = useTranslation();
  const checkpoints = useLoad(() => ltripApi.checkpoints(), []);
  const [checkpointId, setCheckpointId] = useState(() => localStorage.getItem(STORE) ?? '');
  useEffect(() => {
    const list = checkpoints.data;
    if (list?.length && !list.some((c) => c.id === checkpointId)) setCheckpointId(list[0]!.id);
  }, [checkpoints.data, checkpointId]);
  useEffect(() => {
    if (checkpointId) localStorage.setItem(STORE, checkpointId);
  }, [checkpointId]);
  const [keyPem, setKeyPem] = useState<string | null>(() => cachedPublicKey());
  useEffect(() => {
    void refreshPublicKey().then(setKeyPem);
  }, []);

  const [input, setInput] = useState('');
  const [plate, setPlate] = useState('');
  const [found, setFound] = useState<Lookup | null>(null);
  const [offlineNote, setOfflineNote] = useState<string | null>(null);
  const [persons, setPersons] = useState<Array<PersonCheck & { key: string }>>([blankPerson()]);
  const [vehicleClass, setVehicleClass] = useState<'supply' | 'non_essential'>('supply');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [last, setLast] = useState<CheckAnswer | null>(null);
  const [tick, setTick] = useState(0);

  const queue = useOfflineQueue(QUEUE, (a: Answer<QueuedCheck, CheckAnswer>) => {
    setLast(a.result);
    setTick((n) => n + 1);
  });
  const counts = useLoad(
    () => (checkpointId && queue.online ? ltripApi.counts(checkpointId, today()) : Promise.resolve(null)),
    [checkpointId, tick, queue.online],
  );
  const officerQueue = useLoad(
    () => (checkpointId && queue.online ? ltripApi.checks({ queue: 'open', checkpointId }) : Promise.resolve(null)),
    [checkpointId, tick, queue.online],
  );

  const isCode = (v: string) => v.trim().startsWith('lp1.');
  const isNumber = (v: string) => /^\d{12}$/.test(v.replace(/\s+/g, ''));
  const passInput = () =>
    isCode(input) ? { code: input.trim() } : isNumber(input) ? { number: input.replace(/\s+/g, '') } : {};

  const look = async () => {
    setError(null);
    setFound(null);
    setOfflineNote(null);
    setLast(null);
    const pass = passInput();
    const typedPlate = !isCode(input) && !isNumber(input) ? input.trim() : plate.trim();
    try {
      const r = await ltripApi.lookup(checkpointId, { ...pass, ...(typedPlate ? { plate: typedPlate } : {}) });
      setFound(r);
      setPlate(r.plate);
      setPersons(
        r.crew.length
          ? r.crew.map((c) => ({
              key: c.driverId,
              driverId: c.driverId,
              name: c.name,
              role: c.role === 'escort' ? 'escort' : 'driver',
              temperature: 36.5,
              colourShown: c.colour ?? 'green',
              testSampledAt: c.testResult === 'negative' ? c.testSampledAt : null,
              pcrSampled: false,
            }))
          : [blankPerson()],
      );
    } catch (err) {
      const e = toApiError(err);
      if (e.status !== 0) {
        setError(e);
        return;
      }
      // Offline: the pass's signature and dates with the cached key; the plate from the pass.
      if (typedPlate) setPlate(typedPlate);
      if ('code' in pass && pass.code) {
        const key = keyPem ? rawPublicKey(keyPem) : null;
        if (!key) setOfflineNote(t('ltrip.checkpoint.noKey'));
        else {
          const v = verifyPassOffline(key, pass.code, today());
          if (v.ok) {
            setPlate(v.plate);
            setOfflineNote(t('ltrip.checkpoint.offlineValid', { number: v.number }));
          } else setOfflineNote(t(`ltrip.checkpoint.offline_${v.code}`));
        }
      } else setOfflineNote(t('ltrip.checkpoint.offlineTyped'));
    }
  };

  const forged = offlineNote === t('ltrip.checkpoint.offline_PASS_CODE_INVALID');
  const submit = async () => {
    setError(null);
    const body: CheckBody = {
      clientId: newClientId(),
      checkedAt: Date.now(),
      ...passInput(),
      plate,
      vehicleClass,
      persons: persons.map(({ key: _key, ...p }) => ({
        ...p,
        ...(p.driverId ? { name: undefined } : {}),
        temperature: Number(p.temperature),
      })),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    if (forged) delete body.code;
    const r = await queue.submit({ clientId: body.clientId, checkpointId, body });
    if (r) setLast(r);
    if (!r || r.ok) {
      setInput('');
      setFound(null);
      setPersons([blankPerson()]);
      setNote('');
      setOfflineNote(null);
    }
  };

  const setPerson = (i: number, patch: Partial<PersonCheck>) =>
    setPersons((ps) => ps.map((p, k) => (k === i ? { ...p, ...patch } : p)));
  const hours = useMemo(() => counts.data?.hours.filter((h) => h.vehicles > 0) ?? [], [counts.data]);

  return (
    <div className="logistics-page lt-phone" data-testid="lt-checkpoint">
      <div className="card-title-row">
        <h1 className="page-title">{t('ltrip.checkpoint.title')}</h1>
        <NetworkBadge online={queue.online} testId="lt-net" />
      </div>
      <div className="card">
        <label className="lg-field">
          {t('ltrip.checkpoint.which')}
          <select value={checkpointId} onChange={(e) => setCheckpointId(e.target.value)} data-testid="lt-checkpoint-id">
            {checkpoints.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="lg-field">
          {t('ltrip.checkpoint.scan')}
          <input value={input} onChange={(e) => setInput(e.target.value)} data-testid="lt-input" />
        </label>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!checkpointId || !input.trim()}
          onClick={() => void look()}
          data-testid="lt-lookup"
        >
          {t('ltrip.checkpoint.lookup')}
        </button>
        <ErrorBox error={error} />
        {offlineNote && (
          <p className={forged ? 'field-error' : 'muted'} data-testid="lt-offline-note">
            {offlineNote}
          </p>
        )}
      </div>

      {(found || offlineNote) && (
        <div className="card" data-testid="lt-vehicle">
          <label className="lg-field">
            {t('ltrip.checkpoint.plate')}
            <input value={plate} onChange={(e) => setPlate(e.target.value)} data-testid="lt-plate" />
          </label>
          {found?.trip ? (
            <p data-testid="lt-trip">
              {t('ltrip.checkpoint.trip', {
                enterprise: found.trip.enterpriseName,
                cargo: `${found.trip.cargoName} ${found.trip.quantity}${t(`ltrip.unit.${found.trip.unit}`)}`,
                destination: found.trip.destinationName,
              })}
            </p>
          ) : (
            found && <p className="muted">{t('ltrip.checkpoint.noTrip')}</p>
          )}
          <label className="lg-field">
            {t('ltrip.checkpoint.class')}
            <select
              value={vehicleClass}
              onChange={(e) => setVehicleClass(e.target.value as 'supply' | 'non_essential')}
              data-testid="lt-class"
            >
              <option value="supply">{t('ltrip.class.supply')}</option>
              <option value="non_essential">{t('ltrip.class.non_essential')}</option>
            </select>
          </label>
          {persons.map((p, i) => {
            const facts = found?.crew.find((c) => c.driverId === p.driverId);
            return (
              <div key={p.key} className="lt-person" data-testid="lt-person">
                <div>
                  <strong>{p.driverId ? p.name : ''}</strong>
                  {facts && (
                    <span className="muted small">
                      {' '}
                      <ColourDot colour={facts.colour} /> ·{' '}
                      {facts.testSampledAt
                        ? t('ltrip.checkpoint.lastTest', { at: formatDateTime(facts.testSampledAt) })
                        : t('ltrip.checkpoint.noTest')}
                      {facts.testValid ? '' : ` · ${t('ltrip.checkpoint.testStale')}`}
                    </span>
                  )}
                </div>
                {!p.driverId && (
                  <input
                    value={p.name ?? ''}
                    placeholder={t('ltrip.checkpoint.name')}
                    aria-label={t('ltrip.checkpoint.name')}
                    onChange={(e) => setPerson(i, { name: e.target.value })}
                    data-testid="lt-person-name"
                  />
                )}
                <div className="lg-form">
                  <label className="lg-field">
                    {t('ltrip.checkpoint.temperature')}
                    <input
                      type="number"
                      step="0.1"
                      value={p.temperature}
                      onChange={(e) => setPerson(i, { temperature: Number(e.target.value) })}
                      data-testid="lt-temperature"
                    />
                  </label>
                  <label className="lg-field">
                    {t('ltrip.checkpoint.colourShown')}
                    <select
                      value={p.colourShown}
                      onChange={(e) => setPerson(i, { colourShown: e.target.value as Colour })}
                      data-testid="lt-colour"
                    >
                      {(['green', 'yellow', 'red'] as const).map((c) => (
                        <option key={c} value={c}>
                          {t(`ltrip.colour.${c}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label className="lg-field">
                    {t('ltrip.checkpoint.antigen')}
                    <select
                      value={p.antigen ?? ''}
                      onChange={(e) =>
                        setPerson(i, { antigen: (e.target.value || null) as 'negative' | 'positive' | null })
                      }
                      data-testid="lt-antigen"
                    >
                      <option value="">{t('ltrip.checkpoint.antigenNone')}</option>
                      <option value="negative">{t('ltrip.checkpoint.antigenNegative')}</option>
                      <option value="positive">{t('ltrip.checkpoint.antigenPositive')}</option>
                    </select>
                  </label>
                  <label className="lg-check">
                    <input
                      type="checkbox"
                      checked={p.pcrSampled ?? false}
                      onChange={(e) => setPerson(i, { pcrSampled: e.target.checked })}
                      data-testid="lt-pcr"
                    />{' '}
                    {t('ltrip.checkpoint.pcr')}
                  </label>
                </div>
              </div>
            );
          })}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setPersons((ps) => [...ps, blankPerson()])}
            data-testid="lt-add-person"
          >
            {t('ltrip.checkpoint.addPerson')}
          </button>
          <input
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('ltrip.checkpoint.note')}
            aria-label={t('ltrip.checkpoint.note')}
          />
          <button
            type="button"
            className="btn btn-primary"
            disabled={!plate.trim()}
            onClick={() => void submit()}
            data-testid="lt-record"
          >
            {t('ltrip.checkpoint.record')}
          </button>
        </div>
      )}

      {last && (
        <div className={`card ${last.ok ? '' : 'field-error'}`} data-testid="lt-result" data-ok={last.ok}>
          {last.ok && last.check ? (
            <>
              <strong data-testid="lt-decision" data-decision={last.check.decision}>
                {last.check.plate} · {t(`ltrip.decision.${last.check.decision}`)}
              </strong>
              {last.check.path && <span> · {t(`ltrip.path.${last.check.path}`)}</span>}
              <div className="muted small">
                {last.check.reasons.map((r) => t(`ltrip.reason.${r}`, { defaultValue: r })).join('；')}
              </div>
            </>
          ) : (
            <span>
              {last.message} <code>{last.code}</code>
            </span>
          )}
        </div>
      )}

      <QueueStatus
        queue={queue}
        line={(q) => ({ id: q.clientId, label: q.body.plate, at: q.body.checkedAt ?? 0 })}
        title={t('ltrip.checkpoint.queued', { count: queue.queued.length })}
        testIdPrefix="lt"
      />

      {officerQueue.data && officerQueue.data.items.length > 0 && (
        <div className="card" data-testid="lt-officer-queue">
          <h2 className="card-title">{t('ltrip.checkpoint.officerQueue')}</h2>
          {officerQueue.data.items.map((c) => (
            <Resolve key={c.id} check={c} onDone={() => setTick((n) => n + 1)} />
          ))}
        </div>
      )}

      <div className="card" data-testid="lt-counts">
        <h2 className="card-title">
          {t('ltrip.checkpoint.counts', { vehicles: counts.data?.vehicles ?? 0, persons: counts.data?.persons ?? 0 })}
        </h2>
        {hours.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th>{t('ltrip.checkpoint.hour')}</th>
                <th>{t('ltrip.checkpoint.vehicles')}</th>
                <th>{t('ltrip.checkpoint.persons')}</th>
                <th>{t('ltrip.decision.officer')}</th>
                <th>{t('ltrip.decision.trans_ship')}</th>
              </tr>
            </thead>
            <tbody>
              {hours.map((h) => (
                <tr key={h.hour}>
                  <td>{String(h.hour).padStart(2, '0')}:00</td>
                  <td>{h.vehicles}</td>
                  <td>{h.persons}</td>
                  <td>{h.officer}</td>
                  <td>{h.transShip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

function Resolve({ check, onDone }: { check: Check; onDone: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (resolution: 'proceed' | 'turned_back' | 'trans_ship') => {
    setError(null);
    try {
      await ltripApi.resolve(check.id, { resolution, reason });
      onDone();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <div className="lg-review-item" data-testid={`lt-queued-${check.plate}`}>
      <div>
        <strong>{check.plate}</strong> · {formatDateTime(check.checkedAt)} ·{' '}
        {check.reasons.map((r) => t(`ltrip.reason.${r}`, { defaultValue: r })).join('；')}
      </div>
      <input
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder={t('ltrip.checkpoint.resolveReason')}
        aria-label={t('ltrip.checkpoint.resolveReason')}
      />
      {(['proceed', 'trans_ship', 'turned_back'] as const).map((r) => (
        <button key={r} type="button" className="btn btn-small" disabled={!reason.trim()} onClick={() => void run(r)}>
          {t(`ltrip.decision.${r}`)}
        </button>
      ))}
      <ErrorBox error={error} />
    </div>
  );
}
