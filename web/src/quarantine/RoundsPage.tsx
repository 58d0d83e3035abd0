// 巡查 The site staff's rounds on a phone: the site's rooms in walking order (floor by floor), each
// occupant (masked) with their day number and today's morning and evening temperatures; the next room
// still to check first, with a quick form (temperature and symptoms) for each of its occupants; open
// alerts with their follow-up; requests from rooms. Checks go through the device queue (offlineQueue.ts)
// to the checks' sync route, each with its own id: with the network down the round goes on, and the
// checks are sent once, in order, when it returns. The last rounds list is kept on the device too.
import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { withColon } from '../shared/Label.tsx';
import { formatDateTime } from '../shared/format.ts';
import { Loading } from '../shared/Loading.tsx';
import { isRetryable, newClientId, useOfflineQueue, type Answer, type QueueSpec } from '../shared/offlineQueue.ts';
import type { QueueLine } from '../shared/queueFormats.ts';
import { NetworkBadge, QueueStatus } from '../shared/QueueStatus.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import {
  careApi,
  REQUEST_KINDS,
  SYMPTOMS,
  type Alert,
  type CareRequest,
  type CheckOp,
  type RequestKind,
  type Rounds,
  type RoundsOccupant,
  type RoundsRoom,
  type SyncResult,
} from './careApi.ts';
import { NeedChips, useSiteChoice } from './careParts.tsx';
import './qcare.css';

/** A check waiting on the device, with what the queue's list shows of it (masked name, room). */
export interface QueuedCheck {
  op: CheckOp;
  label: string;
}
type CheckAnswer = SyncResult['results'][number];

const QUEUE_KEY = 'cordon.quarantine.checks.queue';
const roundsKey = (siteId: string) => `cordon.quarantine.rounds.${siteId}`;

function reviveCheck(raw: unknown): QueuedCheck | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Partial<QueuedCheck>;
  const op = r.op;
  if (!op || typeof op.clientOpId !== 'string' || typeof op.orderId !== 'string' || typeof op.slot !== 'string')
    return null;
  if (typeof op.date !== 'string' || typeof op.temperature !== 'number') return null;
  return { op: { ...op, at: typeof op.at === 'number' ? op.at : Date.now() }, label: String(r.label ?? '') };
}

const checksQueue: QueueSpec<QueuedCheck, CheckAnswer> = {
  key: QUEUE_KEY,
  idOf: (q) => q.op.clientOpId,
  revive: reviveCheck,
  send: async (batch) => ({
    answers: (await careApi.syncChecks(batch.map((q) => q.op))).results.map((result) => ({
      id: result.clientOpId,
      result,
    })),
    waiting: null,
  }),
  refused: (q, f) => ({ clientOpId: q.op.clientOpId, outcome: 'refused', code: f.code, field: null, alerts: [] }),
  ok: (r) => r.outcome !== 'refused',
  // A session ended or a roster changed: the checks wait for the next sign-in, never thrown away.
  keepWaiting: (f) => isRetryable(f) || f.status === 403,
  batchSize: 200,
};

const checkLine = (q: QueuedCheck): QueueLine => ({ id: q.op.clientOpId, label: q.label, at: q.op.at });

interface Notice {
  kind: 'ok' | 'warn' | 'error';
  text: string;
  code?: string;
}

function readCached(siteId: string): Rounds | null {
  try {
    const raw = localStorage.getItem(roundsKey(siteId));
    return raw ? (JSON.parse(raw) as Rounds) : null;
  } catch {
    return null;
  }
}

export function RoundsPage() {
  const { t } = useTranslation();
  const { siteId, picker } = useSiteChoice();
  const [tick, setTick] = useState(0);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [openRoom, setOpenRoom] = useState<string | null>(null);
  const [slotChoice, setSlotChoice] = useState('');
  const loaded = useLoad(
    () =>
      siteId
        ? careApi.rounds(siteId).then((r) => {
            try {
              localStorage.setItem(roundsKey(siteId), JSON.stringify(r));
            } catch {
              /* full: not kept */
            }
            return r;
          })
        : Promise.resolve(null),
    [siteId, tick],
  );
  const offlineCopy = loaded.error && loaded.error.status === 0 && siteId ? readCached(siteId) : null;
  const rounds = loaded.data ?? offlineCopy;
  const reload = useCallback(() => setTick((n) => n + 1), []);

  const onAnswer = useCallback(
    ({ item, result }: Answer<QueuedCheck, CheckAnswer>) => {
      if (result.outcome === 'refused')
        setNotice({
          kind: 'error',
          text: `${withColon(t, item.label)}${t(`qcare.refused.${result.code ?? 'other'}`, { defaultValue: t('qcare.refused.other') })}`,
          code: result.code ?? undefined,
        });
      else if (result.alerts.length > 0)
        setNotice({
          kind: 'warn',
          text: `${withColon(t, item.label)}${t('qcare.rounds.alertRaised', {
            kinds: result.alerts.map((k) => t(`qcare.alertKind.${k}`)).join('、'),
          })}`,
        });
      else setNotice({ kind: 'ok', text: `${withColon(t, item.label)}${t('qcare.rounds.recorded')}` });
      reload();
    },
    [t, reload],
  );
  const queue = useOfflineQueue(checksQueue, onAnswer);

  /** Checks still on the device, by order and slot: shown as waiting on the room. */
  const waiting = useMemo(() => {
    const m = new Map<string, number>();
    for (const q of queue.queued) m.set(`${q.op.orderId}|${q.op.slot}`, q.op.temperature);
    return m;
  }, [queue.queued]);

  const slot = rounds && rounds.slots.includes(slotChoice) ? slotChoice : (rounds?.slot ?? '');
  const isDone = (room: RoundsRoom) =>
    room.occupants.every((o) => o.checks[slot] != null || waiting.has(`${o.orderId}|${slot}`));
  const occupied = (rounds?.rooms ?? []).filter((r) => r.occupants.length > 0);
  const nextRoom =
    slot === rounds?.slot && rounds.next
      ? (occupied.find((r) => r.roomId === rounds.next && !isDone(r)) ?? occupied.find((r) => !isDone(r)))
      : occupied.find((r) => !isDone(r));
  const doneCount = occupied.filter(isDone).length;

  const submit = async (occupant: RoundsOccupant, room: RoundsRoom, temperature: number, symptoms: string[]) => {
    if (!rounds) return;
    const item: QueuedCheck = {
      op: {
        clientOpId: newClientId(),
        orderId: occupant.orderId,
        slot,
        date: rounds.date,
        temperature,
        ...(symptoms.length ? { symptoms } : {}),
        by: 'staff',
        at: Date.now(),
      },
      label: `${room.number} ${occupant.personName} ${temperature.toFixed(1)} ℃`,
    };
    const answer = await queue.submit(item);
    if (answer === null) setNotice({ kind: 'warn', text: `${withColon(t, item.label)}${t('qcare.rounds.queued')}` });
  };

  return (
    <div className="qcare-page qc-rounds narrow" data-testid="rounds-page">
      <div className="guard-head">
        <h1 className="page-title">{t('qcare.rounds.title')}</h1>
        <NetworkBadge online={queue.online} testId="rounds-network" />
      </div>
      {picker}
      <ErrorBox error={offlineCopy ? null : loaded.error} />
      {offlineCopy && <p className="alert alert-warn">{t('qcare.rounds.offlineCopy')}</p>}
      {loaded.loading && !rounds && siteId && <Loading />}
      {notice && (
        <div
          className={`alert ${notice.kind === 'error' ? 'alert-error' : notice.kind === 'ok' ? 'alert-ok' : 'alert-warn'}`}
          role="alert"
          data-testid="rounds-notice"
          data-kind={notice.kind}
          data-code={notice.code ?? ''}
        >
          <div className="alert-title">{notice.text}</div>
          {notice.code && <code className="small">{notice.code}</code>}
        </div>
      )}
      {rounds && (
        <>
          <div className="card qc-rounds-head">
            <p>
              <strong>{rounds.siteName}</strong> · {rounds.date}
            </p>
            <div className="seg" role="tablist" aria-label={t('qcare.rounds.slot')}>
              {rounds.slots.map((s) => (
                <button
                  key={s}
                  type="button"
                  role="tab"
                  aria-selected={s === slot}
                  className={s === slot ? 'on' : ''}
                  data-testid={`rounds-slot-${s}`}
                  onClick={() => setSlotChoice(s)}
                >
                  {t(`qcare.slot.${s}`, { defaultValue: s })}
                </button>
              ))}
            </div>
            <p className="muted small" data-testid="rounds-progress">
              {t('qcare.rounds.progress', { done: doneCount, total: occupied.length })}
              {rounds.openRequests > 0 && ` · ${t('qcare.rounds.openRequests', { count: rounds.openRequests })}`}
            </p>
          </div>

          {nextRoom ? (
            <div className="card qc-next" data-testid="rounds-next" data-room={nextRoom.number}>
              <h2 className="card-title">{t('qcare.rounds.next', { number: nextRoom.number })}</h2>
              <RoomChecks room={nextRoom} slot={slot} waiting={waiting} onCheck={submit} />
            </div>
          ) : (
            occupied.length > 0 && (
              <p className="alert alert-ok" data-testid="rounds-all-done">
                {t('qcare.rounds.allDone')}
              </p>
            )
          )}

          <div className="card">
            <h2 className="card-title">{t('qcare.rounds.rooms')}</h2>
            {occupied.length === 0 && <p className="empty">{t('qcare.rounds.noOccupants')}</p>}
            <ul className="qc-rooms">
              {occupied.map((room) => (
                <li key={room.roomId} data-testid="rounds-room" data-room={room.number} data-done={isDone(room)}>
                  <button
                    type="button"
                    className={`qc-room-row${isDone(room) ? ' qc-done' : ''}`}
                    aria-expanded={openRoom === room.roomId}
                    onClick={() => setOpenRoom(openRoom === room.roomId ? null : room.roomId)}
                  >
                    <span className="qc-room-no">{room.number}</span>
                    <span className="qc-room-people">
                      {room.occupants.map((o) => (
                        <span key={o.orderId} className="qc-occ">
                          {o.personName} · {t('qcare.dayN', { day: o.day })} ·{' '}
                          {rounds.slots.map((s) => (
                            <SlotTemp key={s} slot={s} value={o.checks[s] ?? waiting.get(`${o.orderId}|${s}`)} />
                          ))}
                          {o.openAlerts > 0 && <span className="badge badge-warn">{t('qcare.rounds.alertBadge')}</span>}
                        </span>
                      ))}
                    </span>
                  </button>
                  {openRoom === room.roomId && (
                    <RoomChecks room={room} slot={slot} waiting={waiting} onCheck={submit} />
                  )}
                </li>
              ))}
            </ul>
          </div>

          <AlertsCard alerts={rounds.alerts} onDone={reload} />
          <RequestsCard siteId={rounds.siteId} rooms={occupied} onDone={reload} />
        </>
      )}
      <QueueStatus
        queue={queue}
        line={checkLine}
        title={t('qcare.rounds.queuedCount', { count: queue.queued.length })}
        testIdPrefix="rounds"
      />
    </div>
  );
}

function SlotTemp({ slot, value }: { slot: string; value: number | null | undefined }) {
  const { t } = useTranslation();
  return (
    <span className="qc-temp" data-slot={slot}>
      {t(`qcare.slotShort.${slot}`, { defaultValue: slot })}{' '}
      {value == null ? t('qcare.rounds.notYet') : `${value.toFixed(1)} ℃`}
    </span>
  );
}

function RoomChecks({
  room,
  slot,
  waiting,
  onCheck,
}: {
  room: RoundsRoom;
  slot: string;
  waiting: Map<string, number>;
  onCheck: (o: RoundsOccupant, room: RoundsRoom, temperature: number, symptoms: string[]) => Promise<void>;
}) {
  return (
    <div className="qc-room-checks">
      {room.occupants.map((o) => (
        <CheckForm
          key={o.orderId}
          occupant={o}
          done={o.checks[slot] ?? waiting.get(`${o.orderId}|${slot}`) ?? null}
          onCheck={(temp, symptoms) => onCheck(o, room, temp, symptoms)}
        />
      ))}
    </div>
  );
}

function CheckForm({
  occupant,
  done,
  onCheck,
}: {
  occupant: RoundsOccupant;
  done: number | null;
  onCheck: (temperature: number, symptoms: string[]) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [temp, setTemp] = useState('');
  const [symptoms, setSymptoms] = useState<string[]>([]);
  const [fault, setFault] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = Number(temp.replace(',', '.'));
    if (!temp.trim() || !Number.isFinite(value)) {
      setFault(t('qcare.rounds.tempNumber'));
      return;
    }
    setFault('');
    setBusy(true);
    try {
      await onCheck(Math.round(value * 10) / 10, symptoms);
      setTemp('');
      setSymptoms([]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="qc-check"
      data-testid="rounds-check"
      data-order-id={occupant.orderId}
      onSubmit={(e) => void submit(e)}
    >
      <div className="qc-check-who">
        <strong>{occupant.personName}</strong> · {t('qcare.dayN', { day: occupant.day })}{' '}
        <NeedChips needs={occupant.needs} />
        {done !== null && (
          <span className="ok-text small" data-testid="rounds-check-done">
            {' '}
            {t('qcare.rounds.checked', { temperature: done.toFixed(1) })}
          </span>
        )}
      </div>
      {done === null && (
        <>
          <div className="form-row">
            <label className="field">
              <span className="field-label">{t('qcare.rounds.temperature')}</span>
              <input
                inputMode="decimal"
                value={temp}
                placeholder="36.5"
                data-testid="rounds-temp"
                aria-invalid={fault ? true : undefined}
                onChange={(e) => setTemp(e.target.value)}
              />
            </label>
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="rounds-record">
              {t('qcare.rounds.record')}
            </button>
          </div>
          {fault && <p className="field-error">{fault}</p>}
          <div className="chips" aria-label={t('qcare.rounds.symptoms')}>
            {SYMPTOMS.map((s) => (
              <button
                key={s}
                type="button"
                className={`chip${symptoms.includes(s) ? ' on' : ''}`}
                aria-pressed={symptoms.includes(s)}
                data-testid={`rounds-symptom-${s}`}
                onClick={() => setSymptoms((x) => (x.includes(s) ? x.filter((y) => y !== s) : [...x, s]))}
              >
                {t(`qcare.symptom.${s}`)}
              </button>
            ))}
          </div>
        </>
      )}
    </form>
  );
}

export function AlertsCard({ alerts, onDone }: { alerts: Alert[]; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="card" data-testid="rounds-alerts">
      <h2 className="card-title">{t('qcare.alerts.title', { count: alerts.length })}</h2>
      {alerts.length === 0 && <p className="empty">{t('qcare.alerts.none')}</p>}
      <ul className="qc-list">
        {alerts.map((a) => (
          <AlertItem key={a.id} alert={a} onDone={onDone} />
        ))}
      </ul>
    </div>
  );
}

function AlertItem({ alert: a, onDone }: { alert: Alert; onDone: () => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [close, setClose] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await careApi.followUp(a.id, { note: note.trim(), close });
      setNote('');
      onDone();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="qc-alert" data-testid="rounds-alert" data-kind={a.kind} data-status={a.status}>
      <div>
        <span className={`badge ${a.kind === 'fever' || a.kind === 'positive' ? 'badge-warn' : ''}`}>
          {t(`qcare.alertKind.${a.kind}`)}
        </span>{' '}
        {a.roomNumber ? t('qcare.roomN', { number: a.roomNumber }) : ''} {a.personName}
        {a.temperature !== null && ` · ${a.temperature.toFixed(1)} ℃`}
        {a.symptoms.length > 0 &&
          ` · ${a.symptoms.map((s) => t(`qcare.symptom.${s}`, { defaultValue: s })).join('、')}`}
        {a.slot && ` · ${a.date} ${t(`qcare.slot.${a.slot}`, { defaultValue: a.slot })}`}
      </div>
      <div className="muted small">
        {formatDateTime(a.raisedAt)} · {t(`qcare.alertStatus.${a.status}`)}
        {a.followUp && ` · ${a.followUp}`}
      </div>
      <form className="form-row" onSubmit={(e) => void submit(e)}>
        <input
          value={note}
          maxLength={1000}
          placeholder={t('qcare.alerts.note')}
          aria-label={t('qcare.alerts.note')}
          data-testid="alert-note"
          onChange={(e) => setNote(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={close} onChange={(e) => setClose(e.target.checked)} />
          {t('qcare.alerts.close')}
        </label>
        <button className="btn btn-small" disabled={busy || note.trim().length < 2} data-testid="alert-follow-up">
          {t('qcare.alerts.followUp')}
        </button>
      </form>
      <ErrorBox error={error} />
    </li>
  );
}

function RequestsCard({ siteId, rooms, onDone }: { siteId: string; rooms: RoundsRoom[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const list = useLoad(() => careApi.requests({ siteId, limit: 100 }), [siteId, tick]);
  const [orderId, setOrderId] = useState('');
  const [kind, setKind] = useState<RequestKind>('meal');
  const [detail, setDetail] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
      setTick((n) => n + 1);
      onDone();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const people = rooms.flatMap((r) => r.occupants.map((o) => ({ ...o, room: r.number })));
  const open = (list.data?.items ?? []).filter((r) => r.status === 'open' || r.status === 'in_progress');
  return (
    <div className="card" data-testid="rounds-requests">
      <h2 className="card-title">{t('qcare.requests.title', { count: open.length })}</h2>
      <ErrorBox error={list.error} />
      {list.data && open.length === 0 && <p className="empty">{t('qcare.requests.none')}</p>}
      <ul className="qc-list">
        {open.map((r) => (
          <RequestItem key={r.id} request={r} act={act} />
        ))}
      </ul>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            await careApi.addRequest({ orderId, kind, ...(detail.trim() ? { detail: detail.trim() } : {}) });
            setDetail('');
          });
        }}
      >
        <select value={orderId} aria-label={t('qcare.person')} onChange={(e) => setOrderId(e.target.value)}>
          <option value="">{t('qcare.requests.who')}</option>
          {people.map((p) => (
            <option key={p.orderId} value={p.orderId}>
              {p.room} {p.personName}
            </option>
          ))}
        </select>
        <select
          value={kind}
          aria-label={t('qcare.requests.kind')}
          onChange={(e) => setKind(e.target.value as RequestKind)}
        >
          {REQUEST_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`qcare.requestKind.${k}`)}
            </option>
          ))}
        </select>
        <input
          value={detail}
          maxLength={1000}
          placeholder={t('qcare.requests.detail')}
          aria-label={t('qcare.requests.detail')}
          onChange={(e) => setDetail(e.target.value)}
        />
        <button className="btn btn-small" disabled={!orderId}>
          {t('qcare.requests.add')}
        </button>
      </form>
      <ErrorBox error={error} />
    </div>
  );
}

function RequestItem({
  request: r,
  act,
}: {
  request: CareRequest;
  act: (run: () => Promise<unknown>) => Promise<void>;
}) {
  const { t } = useTranslation();
  const next = r.status === 'open' ? (['in_progress', 'done', 'declined'] as const) : (['done', 'declined'] as const);
  return (
    <li data-testid="rounds-request" data-status={r.status}>
      <div>
        <span className="badge">{t(`qcare.requestKind.${r.kind}`)}</span>{' '}
        {r.roomNumber ? t('qcare.roomN', { number: r.roomNumber }) : ''} {r.personName}
        {r.detail && ` · ${r.detail}`}
      </div>
      <div className="muted small">
        {formatDateTime(r.createdAt)} · {t(`qcare.requestStatus.${r.status}`)}
        {r.handledBy && ` · ${r.handledBy}`}
      </div>
      <div className="button-row">
        {next.map((s) => (
          <button
            key={s}
            type="button"
            className="btn btn-small"
            onClick={() => void act(() => careApi.updateRequest(r.id, { status: s }))}
          >
            {t(`qcare.requestSet.${s}`)}
          </button>
        ))}
      </div>
    </li>
  );
}
