// 采样 The sampler's phone page at the sampling table: pick the round and table, scan the tube's
// barcode, then each person's personal code (or type the ID number), watch the count against the
// tube's size, close the tube. The server enforces the pooling rules (an 11th person of a 10:1 tube is
// refused with its message). Every action is an op with its own id, kept on the device until the
// server has answered it: with the network down the page keeps working and sends everything, in order
// and never twice, when the network returns — the same device queue and status card as the door
// guard's page (offlineQueue.ts, QueueStatus). The page registers the service worker, so it opens
// again after a reload without network, with its station, the tube in hand and the queued ops (all
// kept in localStorage). A second tab lists the re-sampling tasks of the squad.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth.tsx';
import {
  testingApi,
  type Assignment,
  type OpResult,
  type RoundView,
  type Site,
  type Task,
  type Tube,
} from './testingApi.ts';
import { maskId, newOpId, useOpQueue, type Answered, type QueuedOp } from './samplingQueue.ts';
import { opLine } from '../shared/queueFormats.ts';
import { useOfflineShell } from '../shared/offlineShell.ts';
import { NetworkBadge, QueueStatus } from '../shared/QueueStatus.tsx';
import { useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatDateTime } from '../shared/format.ts';
import { RoundPicker } from './TestingParts.tsx';
import { SamplerBoxes } from './SamplerBoxes.tsx';
import { CameraScan } from './SamplerCamera.tsx';
import { PersonCodeFields } from '../shared/PersonCodeFields.tsx';
import { Label } from '../shared/Label.tsx';

const STATION_KEY = 'cordon.testing.sampler.station';
const TUBE_KEY = 'cordon.testing.sampler.tube';
const CAPACITY_KEY = 'cordon.testing.sampler.capacity';
/** Read through the service worker, for a reload without network: the station picker's assignments. */
const OFFLINE_READS = ['/api/v1/testing/me/assignments'];

/** Where this device samples: remembered so the page works offline after a reload. */
export interface Station {
  roundId: string;
  roundName: string;
  siteName: string;
  tableId: string;
  tableName: string;
}

type EntryState = 'queued' | 'ok' | 'refused';

interface Entry {
  clientId: string;
  label: string;
  state: EntryState;
  maskedName?: string;
  personId?: string;
}

/** The tube in the sampler's hand. */
interface OpenTube {
  barcode: string;
  clientId: string;
  state: EntryState;
  capacity: number | null;
  mode: Tube['mode'] | null;
  people: Entry[];
}

interface Notice {
  kind: 'error' | 'ok' | 'queued';
  title: string;
  code?: string;
  /** A person under control refused from a shared tube: how they were scanned, to sample them in a single tube. */
  single?: { personCode?: string; idNumber?: string; label: string };
}

function load<T>(key: string): T | null {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') as T | null;
  } catch {
    return null;
  }
}
function save(key: string, value: unknown): void {
  if (value === null) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify(value));
}

export function SamplerPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [tab, setTab] = useState<'sample' | 'tasks' | 'boxes'>('sample');
  const [station, setStation] = useState<Station | null>(() => load<Station>(STATION_KEY));
  const [tube, setTubeState] = useState<OpenTube | null>(() => load<OpenTube>(TUBE_KEY));
  const [recent, setRecent] = useState<Array<{ barcode: string; members: number; at: number; state: EntryState }>>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const tubeRef = useRef(tube);

  const setTube = useCallback((next: OpenTube | null | ((prev: OpenTube | null) => OpenTube | null)) => {
    const value = typeof next === 'function' ? next(tubeRef.current) : next;
    tubeRef.current = value;
    save(TUBE_KEY, value);
    setTubeState(value);
  }, []);

  /** Every answer from the server, for an op sent now or one queued earlier. */
  const onAnswer = useCallback(
    ({ item, result }: Answered) => {
      const op = item.op;
      const current = tubeRef.current;
      const refused = !result.ok ? result.error : null;
      if (result.ok && result.tube && (op.type === 'tube.open' || op.type === 'tube.add')) {
        localStorage.setItem(CAPACITY_KEY, String(result.tube.capacity));
      }
      if (op.type === 'tube.open' && current?.barcode === op.barcode) {
        setTube({
          ...current,
          state: result.ok ? 'ok' : 'refused',
          capacity: result.ok && result.tube ? result.tube.capacity : current.capacity,
          mode: result.ok && result.tube ? result.tube.mode : current.mode,
        });
      }
      if (op.type === 'tube.add' && current?.barcode === op.barcode) {
        setTube({
          ...current,
          people: current.people
            .map((p): Entry =>
              p.clientId === op.clientId
                ? {
                    ...p,
                    state: result.ok ? 'ok' : 'refused',
                    maskedName: result.ok ? result.member?.maskedName : undefined,
                    personId: result.ok ? result.member?.personId : undefined,
                  }
                : p,
            )
            .filter((p) => p.state !== 'refused'),
          capacity: result.ok && result.tube ? result.tube.capacity : current.capacity,
        });
      }
      if (op.type === 'tube.remove' && current?.barcode === op.barcode && result.ok) {
        setTube({ ...current, people: current.people.filter((p) => p.personId !== op.personId) });
      }
      if (op.type === 'tube.close') {
        setRecent((r) =>
          r.map((x) =>
            x.barcode === op.barcode
              ? {
                  ...x,
                  state: result.ok ? 'ok' : 'refused',
                  members: result.ok && result.tube ? result.tube.members : x.members,
                }
              : x,
          ),
        );
      }
      if (refused) {
        const single =
          refused.code === 'PERSON_UNDER_CONTROL' && op.type === 'tube.add'
            ? {
                ...(op.personCode ? { personCode: op.personCode } : {}),
                ...(op.idNumber ? { idNumber: op.idNumber } : {}),
                label: item.label,
              }
            : undefined;
        setNotice({
          kind: 'error',
          title: `${item.label}:${refused.message}`,
          code: refused.code,
          ...(single ? { single } : {}),
        });
      }
    },
    [setTube],
  );

  const queue = useOpQueue('sampler', onAnswer);
  useOfflineShell(OFFLINE_READS);

  const pickStation = (s: Station) => {
    setStation(s);
    save(STATION_KEY, s);
  };

  return (
    <div className="sampler-page">
      <div className="guard-head">
        <h1 className="page-title">{t('testing.sampler.title')}</h1>
        <NetworkBadge online={queue.online} testId="sampler-network" />
      </div>
      <div className="seg" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'sample'}
          className={tab === 'sample' ? 'on' : ''}
          data-testid="sampler-tab-sample"
          onClick={() => setTab('sample')}
        >
          {t('testing.sampler.tabSample')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'tasks'}
          className={tab === 'tasks' ? 'on' : ''}
          data-testid="sampler-tab-tasks"
          onClick={() => setTab('tasks')}
        >
          {t('testing.sampler.tabTasks')}
        </button>
        {can('testing.sample') && (
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'boxes'}
            className={tab === 'boxes' ? 'on' : ''}
            data-testid="sampler-tab-boxes"
            onClick={() => setTab('boxes')}
          >
            {t('testing.sampler.tabBoxes')}
          </button>
        )}
      </div>

      {notice && (
        <div
          className={`alert ${notice.kind === 'error' ? 'alert-error' : notice.kind === 'ok' ? 'alert-ok' : 'alert-warn'}`}
          role="alert"
          data-testid="sampler-notice"
          data-kind={notice.kind}
          data-code={notice.code ?? ''}
        >
          <div className="alert-title">{notice.title}</div>
          {notice.code && (
            <div className="alert-code">
              <Label text={t('error.code')} />
              <code>{notice.code}</code>
            </div>
          )}
          {notice.single && station && (
            <SingleTubeOffer station={station} person={notice.single} submit={queue.submit} setNotice={setNotice} />
          )}
        </div>
      )}

      {tab === 'sample' && (
        <>
          <StationPicker station={station} onPick={pickStation} />
          {station && (
            <TubeCard
              station={station}
              tube={tube}
              setTube={setTube}
              submit={queue.submit}
              online={queue.online}
              setNotice={setNotice}
              onClosed={(barcode, members, state) =>
                setRecent((r) => [{ barcode, members, at: Date.now(), state }, ...r].slice(0, 20))
              }
            />
          )}
        </>
      )}
      {tab === 'tasks' && <TaskList station={station} submit={queue.submit} setNotice={setNotice} />}
      {tab === 'boxes' && station && <SamplerBoxes roundId={station.roundId} recent={recent.map((r) => r.barcode)} />}
      {tab === 'boxes' && !station && <p className="card empty">{t('testing.sampler.pickStationFirst')}</p>}

      <QueueStatus
        queue={queue}
        line={opLine}
        title={t('testing.sampler.queued', { count: queue.queued.length })}
        testIdPrefix="sampler"
      >
        {recent.length > 0 && (
          <>
            <h3 className="guard-sub">{t('testing.sampler.recentTubes')}</h3>
            <ul className="guard-list" data-testid="sampler-recent">
              {recent.map((r) => (
                <li key={r.barcode} data-testid="sampler-recent-row" data-state={r.state}>
                  <span className="mono">{r.barcode}</span> · {t('testing.sampler.people', { count: r.members })} ·{' '}
                  {t(`testing.sampler.state.${r.state}`)}
                </li>
              ))}
            </ul>
          </>
        )}
      </QueueStatus>
    </div>
  );
}

/** The start screen: the tables this user is assigned to, or any table of an open round. */
function StationPicker({ station, onPick }: { station: Station | null; onPick: (s: Station) => void }) {
  const { t } = useTranslation();
  const [choosing, setChoosing] = useState(!station);
  const assignments = useLoad(() => testingApi.myAssignments(), []);
  const tables = (assignments.data?.items ?? []).filter(
    (a): a is Assignment & { tableId: string } => !!a.tableId && a.roundStatus !== 'closed',
  );

  if (station && !choosing) {
    return (
      <div className="card station" data-testid="sampler-station">
        <div className="station-line">
          <div>
            <div className="strong">
              {station.siteName} · {station.tableName}
            </div>
            <div className="muted small">{station.roundName}</div>
          </div>
          <button
            type="button"
            className="btn btn-small"
            data-testid="sampler-change-station"
            onClick={() => setChoosing(true)}
          >
            {t('testing.sampler.change')}
          </button>
        </div>
      </div>
    );
  }
  const choose = (s: Station) => {
    onPick(s);
    setChoosing(false);
  };
  return (
    <div className="card" data-testid="sampler-station-picker">
      <h2 className="card-title">{t('testing.sampler.pickStation')}</h2>
      {assignments.loading && <Loading />}
      {assignments.error && assignments.error.status !== 0 && <ErrorBox error={assignments.error} />}
      {tables.length > 0 && (
        <div className="station-choices">
          {tables.map((a) => (
            <button
              key={`${a.roundId}/${a.tableId}`}
              type="button"
              className="btn btn-block station-choice"
              data-testid="sampler-assignment"
              onClick={() =>
                choose({
                  roundId: a.roundId,
                  roundName: a.roundName,
                  siteName: a.siteName ?? '',
                  tableId: a.tableId,
                  tableName: a.tableName ?? '',
                })
              }
            >
              <span className="strong">
                {a.siteName} · {a.tableName}
              </span>
              <span className="muted small">{a.roundName}</span>
            </button>
          ))}
        </div>
      )}
      {!assignments.loading && tables.length === 0 && (
        <p className="muted small">{t('testing.sampler.noAssignment')}</p>
      )}
      <details className="station-other" open={!assignments.loading && tables.length === 0}>
        <summary>{t('testing.sampler.otherTable')}</summary>
        <OtherTable onPick={choose} />
      </details>
    </div>
  );
}

function OtherTable({ onPick }: { onPick: (s: Station) => void }) {
  const { t } = useTranslation();
  const [round, setRound] = useState<RoundView | null>(null);
  const sites = useLoad(
    () => (round ? testingApi.sites({ limit: 200, offset: 0 }) : Promise.resolve(null)),
    [round?.id],
  );
  const [siteId, setSiteId] = useState('');
  const site: Site | undefined = sites.data?.items.find((s) => s.id === siteId);
  return (
    <div className="form">
      <RoundPicker value={round?.id ?? ''} onPick={setRound} onlyActive testId="sampler-round" />
      {round && (
        <label className="field">
          <span className="field-label">{t('testing.site')}</span>
          <select data-testid="sampler-site" value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            <option value="">{sites.loading ? t('common.loading') : t('testing.pickSite')}</option>
            {(sites.data?.items ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} · {s.areaName}
              </option>
            ))}
          </select>
        </label>
      )}
      {round && site && (
        <label className="field">
          <span className="field-label">{t('testing.table')}</span>
          <select
            data-testid="sampler-table"
            value=""
            onChange={(e) => {
              const table = site.tables.find((x) => x.id === e.target.value);
              if (table)
                onPick({
                  roundId: round.id,
                  roundName: round.name,
                  siteName: site.name,
                  tableId: table.id,
                  tableName: table.name,
                });
            }}
          >
            <option value="">{t('testing.pickTable')}</option>
            {site.tables.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {sites.error && <ErrorBox error={sites.error} />}
    </div>
  );
}

const POOL_SIZES = ['', '1', '5', '10', '20'] as const;

function TubeCard({
  station,
  tube,
  setTube,
  submit,
  online,
  setNotice,
  onClosed,
}: {
  station: Station;
  tube: OpenTube | null;
  setTube: (t: OpenTube | null | ((prev: OpenTube | null) => OpenTube | null)) => void;
  submit: (item: QueuedOp) => Promise<OpResult | null>;
  online: boolean;
  setNotice: (n: Notice | null) => void;
  onClosed: (barcode: string, members: number, state: EntryState) => void;
}) {
  const { t } = useTranslation();
  const [barcode, setBarcode] = useState('');
  const [poolSize, setPoolSize] = useState<(typeof POOL_SIZES)[number]>('');
  const [code, setCode] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const personInput = useRef<HTMLInputElement>(null);
  const barcodeInput = useRef<HTMLInputElement>(null);

  const hasTube = tube !== null;
  useEffect(() => {
    if (hasTube) personInput.current?.focus();
    else barcodeInput.current?.focus();
  }, [hasTube]);

  const open = async (e: FormEvent) => {
    e.preventDefault();
    const bc = barcode.trim().toUpperCase();
    if (!bc) return;
    setNotice(null);
    const clientId = newOpId();
    const knownCapacity = Number(localStorage.getItem(CAPACITY_KEY)) || null;
    setTube({
      barcode: bc,
      clientId,
      state: 'queued',
      capacity: poolSize ? Number(poolSize) : knownCapacity,
      mode: null,
      people: [],
    });
    setBarcode('');
    setBusy(true);
    try {
      const result = await submit({
        op: {
          type: 'tube.open',
          clientId,
          at: Date.now(),
          roundId: station.roundId,
          tableId: station.tableId,
          barcode: bc,
          ...(poolSize ? { poolSize: Number(poolSize) } : {}),
        },
        label: t('testing.sampler.opOpen', { barcode: bc }),
      });
      if (result && !result.ok) setTube(null);
      if (!result) setNotice({ kind: 'queued', title: t('testing.sampler.queuedNotice') });
    } finally {
      setBusy(false);
    }
  };

  const count = tube ? tube.people.length : 0;
  const full = !!tube && tube.capacity !== null && count >= tube.capacity;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!tube) return;
    const pc = code.trim();
    const id = idNumber.trim().toUpperCase();
    if (!pc && !id) return;
    setNotice(null);
    setCode('');
    setIdNumber('');
    // Offline the device knows the tube's size from the last answer: it refuses the extra person
    // itself; online the server decides and its message is shown.
    if (!online && full) {
      setNotice({
        kind: 'error',
        title: t('testing.sampler.fullOffline', { capacity: tube.capacity }),
        code: 'TUBE_FULL',
      });
      return;
    }
    const clientId = newOpId();
    const label = pc ? t('testing.sampler.byCode') : maskId(id);
    setTube((prev) => (prev ? { ...prev, people: [...prev.people, { clientId, label, state: 'queued' }] } : prev));
    setBusy(true);
    try {
      const result = await submit({
        op: {
          type: 'tube.add',
          clientId,
          at: Date.now(),
          barcode: tube.barcode,
          ...(pc ? { personCode: pc } : { idNumber: id }),
        },
        label: `${tube.barcode} ← ${label}`,
      });
      if (!result) setNotice({ kind: 'queued', title: t('testing.sampler.queuedNotice') });
    } finally {
      setBusy(false);
      personInput.current?.focus();
    }
  };

  /** A wrong scan: the person leaves the open tube. */
  const undo = async (entry: Entry) => {
    if (!tube || !entry.personId) return;
    setNotice(null);
    await submit({
      op: { type: 'tube.remove', clientId: newOpId(), at: Date.now(), barcode: tube.barcode, personId: entry.personId },
      label: t('testing.sampler.opRemove', { barcode: tube.barcode, name: entry.maskedName ?? '' }),
    });
  };

  const close = async () => {
    if (!tube) return;
    setNotice(null);
    const clientId = newOpId();
    const current = tube;
    onClosed(current.barcode, current.people.length, 'queued');
    setTube(null);
    setBusy(true);
    try {
      const result = await submit({
        op: { type: 'tube.close', clientId, at: Date.now(), barcode: current.barcode },
        label: t('testing.sampler.opClose', { barcode: current.barcode }),
      });
      if (result?.ok)
        setNotice({
          kind: 'ok',
          title: t('testing.sampler.closed', {
            barcode: current.barcode,
            count: result.tube?.members ?? current.people.length,
          }),
        });
      else if (!result) setNotice({ kind: 'queued', title: t('testing.sampler.queuedNotice') });
    } finally {
      setBusy(false);
    }
  };

  if (!tube) {
    return (
      <>
        <form
          className="card form guard-form"
          onSubmit={(e) => void open(e)}
          noValidate
          data-testid="sampler-open-form"
        >
          <label className="field">
            <span className="field-label">{t('testing.sampler.barcode')}</span>
            <input
              ref={barcodeInput}
              data-testid="sampler-barcode"
              className="mono"
              value={barcode}
              onChange={(e) => setBarcode(e.target.value)}
              placeholder={t('testing.sampler.barcodePlaceholder')}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={40}
            />
            <CameraScan
              formats={['code_128', 'code_39', 'ean_13', 'qr_code', 'data_matrix']}
              onCode={(text) => setBarcode(text.trim())}
              testId="sampler-barcode-camera"
            />
          </label>
          <label className="field">
            <span className="field-label">{t('testing.sampler.poolSize')}</span>
            <select
              data-testid="sampler-pool-size"
              value={poolSize}
              onChange={(e) => setPoolSize(e.target.value as typeof poolSize)}
            >
              {POOL_SIZES.map((k) => (
                <option key={k} value={k}>
                  {k ? t('testing.sampler.poolSizeK', { k }) : t('testing.sampler.poolSizeAuto')}
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="btn btn-primary btn-block guard-go"
            data-testid="sampler-open"
            disabled={busy || !barcode.trim()}
          >
            {t('testing.sampler.open')}
          </button>
        </form>
        {online && <OpenTubes station={station} onResume={setTube} submit={submit} setNotice={setNotice} />}
      </>
    );
  }

  return (
    <div className="card tube-card" data-testid="sampler-tube" data-barcode={tube.barcode} data-state={tube.state}>
      <div className="tube-head">
        <div>
          <div className="muted small">{t('testing.sampler.tube')}</div>
          <div className="mono tube-barcode">{tube.barcode}</div>
          <div className="muted small">
            {tube.mode ? `${t(`testing.mode.${tube.mode}`)}${tube.capacity ? ` ${tube.capacity}:1` : ''}` : ''}
            {tube.state === 'queued' ? ` ${t('testing.sampler.state.queued')}` : ''}
          </div>
        </div>
        <div
          className={`tube-count ${full ? 'full' : ''}`}
          data-testid="sampler-count"
          data-count={count}
          data-capacity={tube.capacity ?? ''}
        >
          <span className="tube-count-n">{count}</span>
          <span className="tube-count-of">/ {tube.capacity ?? '?'}</span>
        </div>
      </div>
      <form className="form guard-form" onSubmit={(e) => void add(e)} noValidate>
        <PersonCodeFields
          testIdPrefix="sampler"
          codeLabel={t('testing.sampler.personalCode')}
          codeRef={personInput}
          code={code}
          onCode={setCode}
          idNumber={idNumber}
          onIdNumber={setIdNumber}
          camera={
            <CameraScan formats={['qr_code']} onCode={(text) => setCode(text.trim())} testId="sampler-code-camera" />
          }
        />
        <button
          type="submit"
          className="btn btn-primary btn-block guard-go"
          data-testid="sampler-add"
          disabled={busy || (!code.trim() && !idNumber.trim())}
        >
          {t('testing.sampler.add')}
        </button>
      </form>
      {tube.people.length > 0 && (
        <ol className="tube-people" data-testid="sampler-people">
          {tube.people.map((p, i) => (
            <li key={p.clientId} data-testid="sampler-person" data-state={p.state}>
              <span>
                <span className="muted tube-n">{i + 1}.</span> {p.maskedName ?? <span className="mono">{p.label}</span>}
              </span>
              <span className="muted small">
                {t(`testing.sampler.state.${p.state}`)}
                {p.state === 'ok' && p.personId && (
                  <button
                    type="button"
                    className="link-button undo"
                    data-testid="sampler-undo"
                    onClick={() => void undo(p)}
                  >
                    {t('testing.sampler.undo')}
                  </button>
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
      <button
        type="button"
        className="btn btn-block tube-close"
        data-testid="sampler-close"
        disabled={busy || count === 0}
        onClick={() => void close()}
      >
        {t('testing.sampler.close', { count })}
      </button>
    </div>
  );
}

/**
 * The table's open tubes, whoever opened them and on whichever phone: resume one (its members come
 * back into the hand), close one, or void one nobody was sampled into. Read from the server, so only online.
 */
function OpenTubes({
  station,
  onResume,
  submit,
  setNotice,
}: {
  station: Station;
  onResume: (t: OpenTube) => void;
  submit: (item: QueuedOp) => Promise<OpResult | null>;
  setNotice: (n: Notice | null) => void;
}) {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const [busy, setBusy] = useState(false);
  const list = useLoad(
    () => testingApi.openTubes(station.tableId, station.roundId),
    [station.tableId, station.roundId, tick],
  );
  const items = list.data?.items ?? [];
  if (!items.length) return null;
  const act = async (run: () => Promise<void>) => {
    setBusy(true);
    setNotice(null);
    try {
      await run();
    } catch (err) {
      const e = err as { message?: string; code?: string };
      setNotice({ kind: 'error', title: e.message ?? String(err), code: e.code });
    } finally {
      setBusy(false);
      setTick((n) => n + 1);
    }
  };
  const resume = (x: Tube) =>
    act(async () => {
      const r = await testingApi.resumeTube(x.id);
      onResume({
        barcode: r.tube.barcode,
        clientId: newOpId(),
        state: 'ok',
        capacity: r.tube.capacity,
        mode: r.tube.mode,
        people: r.members.map((m) => ({
          clientId: newOpId(),
          label: m.maskedName,
          state: 'ok' as const,
          maskedName: m.maskedName,
          personId: m.personId,
        })),
      });
    });
  const close = (x: Tube) =>
    act(async () => {
      const result = await submit({
        op: { type: 'tube.close', clientId: newOpId(), at: Date.now(), barcode: x.barcode },
        label: t('testing.sampler.opClose', { barcode: x.barcode }),
      });
      if (result?.ok)
        setNotice({ kind: 'ok', title: t('testing.sampler.closed', { barcode: x.barcode, count: x.members }) });
    });
  const discard = (x: Tube) =>
    act(async () => {
      if (!window.confirm(t('samplerTubes.voidConfirm', { barcode: x.barcode }))) return;
      await testingApi.voidTube(x.id, t('samplerTubes.voidReason'));
      setNotice({ kind: 'ok', title: t('samplerTubes.voided', { barcode: x.barcode }) });
    });
  return (
    <div className="card" data-testid="sampler-open-tubes">
      <h2 className="card-title">{t('samplerTubes.title', { count: items.length })}</h2>
      <p className="muted small">{t('samplerTubes.explain')}</p>
      <ul className="guard-list">
        {items.map((x) => (
          <li key={x.id} data-testid="sampler-open-tube" data-barcode={x.barcode}>
            <div>
              <span className="mono strong">{x.barcode}</span> · {t('testing.sampler.people', { count: x.members })}
              {x.capacity > 1 ? ` / ${x.capacity}` : ''}
              <div className="muted small">
                {t('samplerTubes.openedBy', { name: x.openedBy, at: formatDateTime(x.openedAt) })}
              </div>
            </div>
            <div className="button-row">
              <button
                type="button"
                className="btn btn-small btn-primary"
                data-testid="sampler-resume"
                disabled={busy}
                onClick={() => void resume(x)}
              >
                {t('samplerTubes.resume')}
              </button>
              {x.members > 0 ? (
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="sampler-close-open"
                  disabled={busy}
                  onClick={() => void close(x)}
                >
                  {t('samplerTubes.close')}
                </button>
              ) : (
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  data-testid="sampler-void"
                  disabled={busy}
                  onClick={() => void discard(x)}
                >
                  {t('samplerTubes.void')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A person under control refused from the shared tube: scan a fresh tube, and they are sampled in it alone. */
function SingleTubeOffer({
  station,
  person,
  submit,
  setNotice,
}: {
  station: Station;
  person: NonNullable<Notice['single']>;
  submit: (item: QueuedOp) => Promise<OpResult | null>;
  setNotice: (n: Notice | null) => void;
}) {
  const { t } = useTranslation();
  const [barcode, setBarcode] = useState('');
  const [busy, setBusy] = useState(false);
  const go = async (e: FormEvent) => {
    e.preventDefault();
    const bc = barcode.trim().toUpperCase();
    if (!bc) return;
    setBusy(true);
    try {
      const opened = await submit({
        op: {
          type: 'tube.open',
          clientId: newOpId(),
          at: Date.now(),
          roundId: station.roundId,
          tableId: station.tableId,
          barcode: bc,
          mode: 'single',
        },
        label: t('testing.sampler.opOpen', { barcode: bc }),
      });
      if (opened && !opened.ok) return;
      const ref = person.personCode ? { personCode: person.personCode } : { idNumber: person.idNumber ?? '' };
      const added = await submit({
        op: { type: 'tube.add', clientId: newOpId(), at: Date.now(), barcode: bc, ...ref },
        label: `${bc} ← ${person.label}`,
      });
      if (added && !added.ok) return;
      await submit({
        op: { type: 'tube.close', clientId: newOpId(), at: Date.now(), barcode: bc },
        label: t('testing.sampler.opClose', { barcode: bc }),
      });
      setNotice(
        opened
          ? { kind: 'ok', title: t('samplerTubes.singleDone', { barcode: bc }) }
          : { kind: 'queued', title: t('testing.sampler.queuedNotice') },
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form single-offer" onSubmit={(e) => void go(e)} noValidate data-testid="sampler-single-offer">
      <p className="small">{t('samplerTubes.singleExplain')}</p>
      <label className="field">
        <span className="field-label">{t('samplerTubes.singleBarcode')}</span>
        <input
          data-testid="sampler-single-barcode"
          className="mono"
          value={barcode}
          onChange={(e) => setBarcode(e.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={40}
        />
      </label>
      <button
        type="submit"
        className="btn btn-primary"
        data-testid="sampler-single-go"
        disabled={busy || !barcode.trim()}
      >
        {t('samplerTubes.singleGo')}
      </button>
    </form>
  );
}

/** The emergency sampling squad's list: re-test and home-sampling tasks, one tube per person. */
function TaskList({
  station,
  submit,
  setNotice,
}: {
  station: Station | null;
  submit: (item: QueuedOp) => Promise<OpResult | null>;
  setNotice: (n: Notice | null) => void;
}) {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const tasks = useLoad(
    () => testingApi.tasks({ status: 'open', limit: 200, offset: 0, ...(station ? { roundId: station.roundId } : {}) }),
    [station?.roundId, tick],
  );
  const [barcodes, setBarcodes] = useState<Record<string, string>>({});
  const [done, setDone] = useState<Record<string, 'queued' | 'ok'>>({});

  const sample = async (task: Task) => {
    const bc = (barcodes[task.id] ?? '').trim().toUpperCase();
    if (!bc) return;
    setNotice(null);
    setDone((d) => ({ ...d, [task.id]: 'queued' }));
    const result = await submit({
      op: { type: 'task.sample', clientId: newOpId(), at: Date.now(), taskId: task.id, barcode: bc },
      label: t('testing.sampler.opTask', { barcode: bc, name: task.maskedName }),
    });
    if (result?.ok) setDone((d) => ({ ...d, [task.id]: 'ok' }));
    else if (result && !result.ok)
      setDone((d) => {
        const { [task.id]: _, ...rest } = d;
        return rest;
      });
    else setNotice({ kind: 'queued', title: t('testing.sampler.queuedNotice') });
  };

  return (
    <div className="card" data-testid="sampler-tasks">
      <div className="card-title-row">
        <h2 className="card-title">{t('testing.sampler.tasksTitle')}</h2>
        <button
          type="button"
          className="btn btn-small"
          data-testid="sampler-tasks-refresh"
          onClick={() => setTick((n) => n + 1)}
        >
          {t('common.refresh')}
        </button>
      </div>
      {tasks.loading && !tasks.data && <Loading />}
      {tasks.error && <ErrorBox error={tasks.error} />}
      {tasks.data && tasks.data.items.length === 0 && <p className="empty">{t('testing.sampler.noTasks')}</p>}
      <ul className="task-list">
        {(tasks.data?.items ?? []).map((task) => (
          <li
            key={task.id}
            className="task"
            data-testid="sampler-task"
            data-task-id={task.id}
            data-state={done[task.id] ?? 'open'}
          >
            <div className="task-who">
              <span className="strong">{task.maskedName}</span>
              <span className={`badge ${task.kind === 'retest' ? 'badge-warn' : 'badge-off'}`}>
                {t(`testing.taskKind.${task.kind}`)}
              </span>
            </div>
            <div className="muted small">
              {task.address} · {task.areaName} · {formatDateTime(task.createdAt)}
            </div>
            {done[task.id] ? (
              <div className="small strong">{t(`testing.sampler.taskDone.${done[task.id]}`)}</div>
            ) : (
              <form
                className="task-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void sample(task);
                }}
              >
                <input
                  className="mono"
                  data-testid="sampler-task-barcode"
                  placeholder={t('testing.sampler.barcode')}
                  value={barcodes[task.id] ?? ''}
                  onChange={(e) => setBarcodes((b) => ({ ...b, [task.id]: e.target.value }))}
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={40}
                />
                <button
                  type="submit"
                  className="btn btn-primary"
                  data-testid="sampler-task-sample"
                  disabled={!(barcodes[task.id] ?? '').trim()}
                >
                  {t('testing.sampler.taskSample')}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
