// 代扫登记 Assisted check-in at the door, for people without a smartphone: the guard picks the venue,
// then scans (or pastes) the person's personal code or types the ID number, and sees the same
// verification screen a resident would. When the network is down the scan is kept on the device with
// its own id and the time it was made, shown as "N queued", and sent when the network returns; the
// server keeps each id once, so a scan sent twice is still one check-in. Offline, a personal code's
// signature and life are checked on the device with the cached public key (a forged or expired code
// is refused at once); at a venue that needs its live screen code the device keeps the latest screen
// code it fetched and queues scans with it (the server accepts it for a bounded time). A scan's own
// time is honoured only for a scan signed with this device's queue key (scanSignature.ts), fetched
// while online, and only within the queue window; a scan refused on arrival (SCAN_QUEUE_EXPIRED…)
// shows why in the list. A service worker (web/public/sw.js) keeps the app shell so the page opens
// again after a reload offline. The queue and its status card are the ones the sampler's page uses too
// (offlineQueue.ts, QueueStatus).
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { venueApi } from './venueApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { guardQueue, type QueuedScan, type ScanAnswer } from './scanQueue.ts';
import { maskIdNumber, newClientId, useOfflineQueue, type Answer } from '../shared/offlineQueue.ts';
import { scanLine } from '../shared/queueFormats.ts';
import { useOfflineShell } from '../shared/offlineShell.ts';
import { NetworkBadge, QueueStatus } from '../shared/QueueStatus.tsx';
import type { Venue, Verification } from './types.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { PersonCodeFields } from '../shared/PersonCodeFields.tsx';
import { VerifyScreen } from './VerifyScreen.tsx';
import { formatDateTime } from '../shared/format.ts';
import { cachedPublicKey, rawPublicKey, refreshPublicKey, verifyPersonalCodeOffline } from './personalCode.ts';
import { keyDue, keySigns, signScan, storedQueueKey, QUEUE_KEY_STORAGE, type DeviceQueueKey } from './scanSignature.ts';
import { useAuth } from '../shared/auth.tsx';

const VENUE_KEY = 'cordon.guard.venue';
const SCREEN_KEY = 'cordon.guard.screenCode';
/** Read through the service worker for a reload without network: the key that checks personal codes. */
const OFFLINE_READS = ['/api/v1/codes/public-key'];

/** The latest screen code fetched for a venue that needs one, with when it was fetched. */
interface HeldScreenCode {
  venueId: string;
  url: string;
  fetchedAt: number;
}

function storedScreenCode(venueId: string | undefined): HeldScreenCode | null {
  try {
    const v = JSON.parse(localStorage.getItem(SCREEN_KEY) ?? 'null') as HeldScreenCode | null;
    return v && v.venueId === venueId && typeof v.url === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** The chosen venue and its poster code, remembered so the page keeps working offline after a reload. */
interface DoorVenue {
  id: string;
  name: string;
  code: string;
  requiresPresence: boolean;
}

function storedVenue(): DoorVenue | null {
  try {
    const v = JSON.parse(localStorage.getItem(VENUE_KEY) ?? 'null') as DoorVenue | null;
    return v && typeof v.id === 'string' && typeof v.code === 'string' ? v : null;
  } catch {
    return null;
  }
}

interface Outcome {
  clientId: string;
  label: string;
  at: number;
  result?: Verification;
  error?: { code: string; detail: string };
}

export function GuardPage() {
  const { t } = useTranslation();
  const [door, setDoor] = useState<DoorVenue | null>(storedVenue);
  const [recent, setRecent] = useState<Outcome[]>([]);
  const [personalCode, setPersonalCode] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<Verification | null>(null);
  const [queuedNow, setQueuedNow] = useState<QueuedScan | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [held, setHeld] = useState<HeldScreenCode | null>(() => storedScreenCode(storedVenue()?.id));
  const codeInput = useRef<HTMLInputElement>(null);
  const userId = useAuth().me?.id ?? '';
  const [queueKey, setQueueKey] = useState<DeviceQueueKey | null>(() => storedQueueKey(userId));

  // The app shell for reloads without network, and the key that checks personal codes offline.
  useOfflineShell(OFFLINE_READS);
  useEffect(() => {
    void refreshPublicKey();
  }, []);

  // A venue that needs its live screen code: keep the latest one while online, for scans queued offline.
  useEffect(() => {
    if (!door?.requiresPresence) return;
    let stopped = false;
    const fetchCode = async () => {
      if (!navigator.onLine) return;
      try {
        const code = await venueApi.screenCode(door.id);
        if (stopped) return;
        const next = { venueId: door.id, url: code.url, fetchedAt: Date.now() };
        localStorage.setItem(SCREEN_KEY, JSON.stringify(next));
        setHeld(next);
      } catch {
        // offline or refused: keep the one held
      }
    };
    setHeld(storedScreenCode(door.id));
    void fetchCode();
    const timer = setInterval(() => void fetchCode(), 20_000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [door?.id, door?.requiresPresence]);

  // The key this device signs the scans it queues with: fetched while online, renewed every few hours.
  useEffect(() => {
    if (!userId) return;
    let stopped = false;
    const fetchKey = async () => {
      if (!navigator.onLine || !keyDue(storedQueueKey(userId), Date.now())) return;
      try {
        const next: DeviceQueueKey = { ...(await venueApi.queueKey()), userId };
        if (stopped) return;
        localStorage.setItem(QUEUE_KEY_STORAGE, JSON.stringify(next));
        setQueueKey(next);
      } catch {
        // offline or refused: keep the one held
      }
    };
    setQueueKey(storedQueueKey(userId));
    void fetchKey();
    window.addEventListener('online', fetchKey);
    const timer = setInterval(() => void fetchKey(), 15 * 60_000);
    return () => {
      stopped = true;
      window.removeEventListener('online', fetchKey);
      clearInterval(timer);
    };
  }, [userId]);

  const remember = (o: Outcome) => setRecent((r) => [o, ...r].slice(0, 8));

  /** A queued scan answered: stored (or a duplicate of one stored), or refused for good — the guard sees why. */
  const onAnswer = useCallback(({ item, result }: Answer<QueuedScan, ScanAnswer>) => {
    remember({
      clientId: item.clientId,
      label: item.label,
      at: item.scannedAt,
      ...(result.ok ? { result: result.verification } : { error: result.error }),
    });
  }, []);
  const queue = useOfflineQueue(guardQueue, onAnswer);
  const online = queue.online;

  /** Queues a scan signed with the device's queue key; without a usable key it cannot be queued. */
  const keep = async (scan: QueuedScan): Promise<boolean> => {
    const key = storedQueueKey(userId) ?? queueKey;
    if (!keySigns(key, scan.scannedAt)) {
      setError(new ApiError({ status: 0, code: 'SCAN_QUEUE_NO_KEY', detail: t('guardOffline.noQueueKey') }));
      return false;
    }
    let signed: QueuedScan;
    try {
      signed = await signScan(key, scan);
    } catch {
      // No WebCrypto (a page not served over HTTPS): the scan could not be honoured later.
      setError(new ApiError({ status: 0, code: 'SCAN_QUEUE_NO_KEY', detail: t('guardOffline.noQueueKey') }));
      return false;
    }
    queue.keep(signed);
    setQueuedNow(signed);
    return true;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!door) return;
    const pc = personalCode.trim();
    const id = idNumber.trim().toUpperCase();
    if (!pc && !id) return;
    setError(null);
    setQueuedNow(null);
    setNotice(null);
    const now = Date.now();
    const offline = !navigator.onLine;
    if (offline && !keySigns(storedQueueKey(userId) ?? queueKey, now)) {
      // Without this device's queue key a scan made now could not be honoured later: not queued.
      setError(new ApiError({ status: 0, code: 'SCAN_QUEUE_NO_KEY', detail: t('guardOffline.noQueueKey') }));
      return;
    }
    if (offline && id && !residentIdFits(id)) {
      // A mistyped ID number is said now (the server says the same online), not queued to fail later.
      setError(new ApiError({ status: 400, code: 'CHECKIN_ID_CHECK_DIGIT', detail: t('guardOffline.idCheckDigit') }));
      return;
    }
    if (offline && pc) {
      // Checked here with the cached key: a forged or expired code is refused now, not after the drop.
      const pem = cachedPublicKey();
      const key = pem ? rawPublicKey(pem) : null;
      if (key) {
        const verdict = verifyPersonalCodeOffline(key, pc, now);
        if (!verdict.ok) {
          setError(
            new ApiError({
              status: 400,
              code: verdict.code,
              detail: t(
                verdict.code === 'PERSONAL_CODE_EXPIRED' ? 'guardOffline.codeExpired' : 'guardOffline.codeInvalid',
              ),
            }),
          );
          return;
        }
      } else {
        setNotice(t('guardOffline.noKey'));
      }
    }
    let venueCode = door.code;
    if (door.requiresPresence) {
      if (!held) {
        setError(
          new ApiError({ status: 0, code: 'VENUE_SCREEN_CODE_REQUIRED', detail: t('guardOffline.noScreenCode') }),
        );
        return;
      }
      venueCode = held.url;
    }
    const scan: QueuedScan = {
      code: venueCode,
      ...(pc ? { personalCode: pc } : { idNumber: id }),
      clientId: newClientId(),
      scannedAt: now,
      venueName: door.name,
      label: pc ? t('guard.byCode') : maskIdNumber(id),
    };
    setPersonalCode('');
    setIdNumber('');
    if (offline) {
      await keep(scan);
      return;
    }
    setBusy(true);
    try {
      let code = door.code;
      if (door.requiresPresence) code = (await venueApi.screenCode(door.id)).url;
      const r = await venueApi.checkIn({
        code,
        personalCode: scan.personalCode,
        idNumber: scan.idNumber,
        clientId: scan.clientId,
      });
      if (r.duplicate && pc) setNotice(t('guardOffline.repeat', { time: formatDateTime(r.at) }));
      setResult(r);
      remember({ clientId: scan.clientId, label: scan.label, at: scan.scannedAt, result: r });
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.status === 0) await keep(scan);
      else setError(apiError);
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      <VerifyScreen
        result={result}
        onDone={() => {
          setResult(null);
          setTimeout(() => codeInput.current?.focus(), 0);
        }}
      />
    );
  }

  return (
    <div className="guard-page">
      <div className="guard-head">
        <h1 className="page-title">{t('guard.title')}</h1>
        <NetworkBadge online={online} testId="guard-network" />
      </div>
      <VenuePicker
        door={door}
        onPick={(d) => {
          setDoor(d);
          localStorage.setItem(VENUE_KEY, JSON.stringify(d));
        }}
      />

      <form className="card form guard-form" onSubmit={(e) => void submit(e)} noValidate>
        <PersonCodeFields
          testIdPrefix="guard"
          codeLabel={t('guard.personalCode')}
          codeRef={codeInput}
          code={personalCode}
          onCode={setPersonalCode}
          idNumber={idNumber}
          onIdNumber={setIdNumber}
        />
        <ErrorBox error={error} />
        {queuedNow && (
          <div className="alert alert-warn" role="status" data-testid="guard-queued-notice">
            <div className="alert-title">
              {queuedNow.personalCode && cachedPublicKey() ? t('guardOffline.verifiedOffline') : t('guard.queuedTitle')}
            </div>
            <div>
              {queuedNow.personalCode && cachedPublicKey()
                ? t('guardOffline.verifiedOfflineText')
                : t('guard.queuedText')}
            </div>
          </div>
        )}
        {notice && (
          <div className="alert alert-info" role="status" data-testid="guard-notice">
            {notice}
          </div>
        )}
        {door?.requiresPresence && held && !online && (
          <p className="muted small" data-testid="guard-screen-held">
            {t('guardOffline.screenCodeHeld', { time: formatDateTime(held.fetchedAt) })}
          </p>
        )}
        {!online && (
          <p className="muted small" data-testid="guard-queue-window">
            {queueKey
              ? t('guardOffline.queueWindow', { minutes: queueKey.queuedScanMinutes })
              : t('guardOffline.noQueueKey')}
          </p>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-block guard-go"
          data-testid="guard-submit"
          disabled={busy || !door || (!personalCode.trim() && !idNumber.trim())}
        >
          {busy ? t('common.working') : t('guard.submit')}
        </button>
      </form>

      <QueueStatus
        queue={queue}
        line={scanLine}
        title={t('guard.queued', { count: queue.queued.length })}
        testIdPrefix="guard"
      >
        {recent.length > 0 && (
          <>
            <h3 className="guard-sub">{t('guard.recent')}</h3>
            <ul className="guard-list" data-testid="guard-recent">
              {recent.map((o) => (
                <li
                  key={o.clientId}
                  data-testid="guard-recent-row"
                  data-decision={o.result?.decision ?? 'error'}
                  data-code={o.error?.code}
                >
                  <span className="muted small">{formatDateTime(o.at)}</span>{' '}
                  {o.result ? (
                    <>
                      <strong>{o.result.maskedName}</strong> ·{' '}
                      <span className={`decision decision-${o.result.decision}`}>
                        {t(`verify.decision.${o.result.decision}`)}
                      </span>
                      {o.result.reasons.length > 0 && (
                        <span className="muted small"> · {o.result.reasons.map((r) => r.message).join(';')}</span>
                      )}
                    </>
                  ) : (
                    <>
                      <span className="mono">{o.label}</span> ·{' '}
                      <span className="decision decision-refused">{o.error?.detail}</span>{' '}
                      <code className="small">{o.error?.code}</code>
                    </>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </QueueStatus>
    </div>
  );
}

/**
 * Whether an 18-character resident ID number's last character is its check character (GB 11643,
 * ISO 7064 MOD 11-2). Other shapes (a passport number) are left to the server.
 */
function residentIdFits(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return true;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

function VenuePicker({ door, onPick }: { door: DoorVenue | null; onPick: (d: DoorVenue) => void }) {
  const { t } = useTranslation();
  const venues = useLoad(() => venueApi.venues({ status: 'approved', limit: 200, offset: 0 }), []);
  const [error, setError] = useState<ApiError | null>(null);
  const pick = async (venue: Venue) => {
    setError(null);
    try {
      const code = await venueApi.code(venue.id);
      onPick({ id: venue.id, name: venue.name, code: code.url, requiresPresence: code.requiresPresence });
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const list = venues.data?.items ?? [];
  return (
    <div className="card guard-venue">
      <label className="field">
        <span className="field-label">{t('guard.venue')}</span>
        <select
          data-testid="guard-venue"
          value={door?.id ?? ''}
          onChange={(e) => {
            const v = list.find((x) => x.id === e.target.value);
            if (v) void pick(v);
          }}
        >
          <option value="" disabled>
            {venues.loading ? t('common.loading') : t('guard.pickVenue')}
          </option>
          {door && !list.some((v) => v.id === door.id) && <option value={door.id}>{door.name}</option>}
          {list.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name} · {v.areaName}
            </option>
          ))}
        </select>
      </label>
      {venues.error && venues.error.status !== 0 && <ErrorBox error={venues.error} />}
      <ErrorBox error={error} />
      {!venues.loading && list.length === 0 && !venues.error && <p className="muted small">{t('guard.noVenues')}</p>}
    </div>
  );
}
