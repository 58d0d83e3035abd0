// 场所详情 A venue: its facts and status, the venue code (QR and URL), poster downloads, reissue (old
// posters stop working), the live head-count and crowd level, and today's curve hour by hour. For
// venues where presence must be proven, the rotating screen code to show on a screen at the door.
// The operator's contact phone is masked; a role that approves venues may reveal it with a reason
// (POST /venues/:id/contact/reveal, audited).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth, useMe } from '../shared/auth.tsx';
import { posterHref, venueApi } from './venueApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { useChangedAt, useOccupancyStream, usePollWhileStale } from '../shared/liveStream.ts';
import type { Occupancy, ScreenCode, TodayCurve, Venue, VenueCode } from './types.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Modal } from '../shared/Modal.tsx';
import { QrCode } from '../shared/QrCode.tsx';
import { StaleBanner } from '../shared/StaleBanner.tsx';
import { CrowdBadge, CrowdBar } from './CrowdBadge.tsx';
import { formatDateTime } from '../shared/format.ts';
import { VenueStatusBadge, nameIn } from './VenuesPage.tsx';

export function VenueDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { can } = useAuth();
  const me = useMe();
  const venue = useLoad(() => venueApi.venue(id), [id]);
  const [statusError, setStatusError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  if (venue.loading && !venue.data) return <Loading />;
  if (venue.error || !venue.data) return <ErrorBox error={venue.error} />;
  const v = venue.data;

  const change = async (to: 'approve' | 'suspend') => {
    setBusy(true);
    setStatusError(null);
    try {
      if (to === 'approve') await venueApi.approve(v.id);
      else await venueApi.suspend(v.id, '');
      venue.reload();
    } catch (err) {
      setStatusError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="venue-detail" data-testid="venue-detail">
      <div className="card">
        <div className="hh-title-row">
          <div>
            <div className="eyebrow">
              {nameIn(v.categoryName)} · {v.areaName}
            </div>
            <h1 className="page-title">{v.name}</h1>
            {v.address && <p className="address">{v.address}</p>}
          </div>
          <dl className="facts">
            <div>
              <dt>{t('venues.capacity')}</dt>
              <dd>{v.capacity}</dd>
            </div>
            <div>
              <dt>{t('venues.dwell')}</dt>
              <dd>{t('venues.minutes', { count: v.dwellMinutes })}</dd>
            </div>
            {v.responsiblePerson && (
              <div>
                <dt>{t('venueOperator.responsiblePerson')}</dt>
                <dd data-testid="venue-responsible">{v.responsiblePerson}</dd>
              </div>
            )}
            {v.contactPhone && (
              <div>
                <dt>{t('venueOperator.contactPhone')}</dt>
                <dd>
                  <ContactPhone venue={v} mayReveal={can('venue.approve')} />
                </dd>
              </div>
            )}
            {v.licenceNo && (
              <div>
                <dt>{t('venueOperator.licenceNo')}</dt>
                <dd className="mono" data-testid="venue-licence">
                  {v.licenceNo}
                </dd>
              </div>
            )}
          </dl>
        </div>
        <div className="venue-status-row">
          <VenueStatusBadge status={v.status} />
          {v.approvedAt && (
            <span className="muted small">{t('venues.approvedAt', { time: formatDateTime(v.approvedAt) })}</span>
          )}
          {can('venue.approve') && v.status !== 'approved' && v.registeredBy === me.id && (
            <span className="muted small" data-testid="venue-self-approval">
              {t('venueOperator.selfApproval')}
            </span>
          )}
          {can('venue.approve') && v.status !== 'approved' && v.registeredBy !== me.id && (
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="venue-approve"
              disabled={busy}
              onClick={() => void change('approve')}
            >
              {t('venues.approve')}
            </button>
          )}
          {can('venue.approve') && v.status === 'approved' && (
            <button
              type="button"
              className="btn btn-small"
              data-testid="venue-suspend"
              disabled={busy}
              onClick={() => void change('suspend')}
            >
              {t('venues.suspend')}
            </button>
          )}
        </div>
        <ErrorBox error={statusError} />
      </div>

      {v.status === 'approved' && <LiveCard venue={v} />}
      <CodeCard venue={v} />
      {v.status === 'approved' && v.requiresPresence && <ScreenCodeCard venue={v} />}
    </div>
  );
}

/** The masked phone; with venue.approve, "reveal" asks for a reason and shows the full number until hidden again. */
function ContactPhone({ venue, mayReveal }: { venue: Venue; mayReveal: boolean }) {
  const { t } = useTranslation();
  const [full, setFull] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const missing = reason.trim() === '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (missing) return;
    setBusy(true);
    setError(null);
    try {
      const r = await venueApi.revealContact(venue.id, reason.trim());
      setFull(r.contactPhone);
      setAsking(false);
      setReason('');
      setTouched(false);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <span className="mono" data-testid="venue-contact-phone" data-revealed={full ? 'true' : 'false'}>
        {full ?? venue.contactPhone}
      </span>
      {mayReveal &&
        (full ? (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="venue-contact-hide"
            onClick={() => setFull(null)}
          >
            {t('reveal.hide')}
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="venue-contact-reveal"
            onClick={() => setAsking(true)}
          >
            {t('venueContact.reveal')}
          </button>
        ))}
      {asking && (
        <Modal
          title={t('venueContact.title', { name: venue.name })}
          onClose={() => setAsking(false)}
          testId="venue-contact-dialog"
        >
          <form onSubmit={(e) => void submit(e)} className="form" noValidate>
            <p className="muted small">{t('venueContact.explain')}</p>
            <label className="field">
              <span className="field-label">
                {t('reveal.reason')}{' '}
                <span className="req" aria-hidden="true">
                  *
                </span>
              </span>
              <textarea
                data-testid="venue-contact-reason"
                rows={2}
                value={reason}
                maxLength={200}
                required
                aria-invalid={touched && missing}
                onChange={(e) => setReason(e.target.value)}
              />
              {touched && missing && <span className="field-error">{t('reveal.reasonRequired')}</span>}
            </label>
            <ErrorBox error={error} />
            <div className="form-actions">
              <button type="button" className="btn btn-ghost" onClick={() => setAsking(false)}>
                {t('common.cancel')}
              </button>
              <button type="submit" className="btn btn-primary" data-testid="venue-contact-submit" disabled={busy}>
                {busy ? t('common.working') : t('reveal.submit')}
              </button>
            </div>
          </form>
        </Modal>
      )}
    </>
  );
}

function LiveCard({ venue }: { venue: Venue }) {
  const { t } = useTranslation();
  const [occ, setOcc] = useState<Occupancy | null>(null);
  const [curve, setCurve] = useState<TodayCurve | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    venueApi.occupancy(venue.id).then(
      (o) => live && setOcc(o),
      (e: unknown) => live && setError(toApiError(e)),
    );
    venueApi.today(venue.id).then(
      (c) => live && setCurve(c),
      (e: unknown) => live && setError(toApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [venue.id, tick]);
  // The curve moves slowly: refresh it each minute; the count arrives by server-sent events.
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  const live = useOccupancyStream(venue.areaId, (o) => {
    if (o.venueId === venue.id) setOcc(o);
  });
  // While the stream cannot be trusted, the count is read every few seconds instead.
  usePollWhileStale(
    live.stale,
    useCallback(() => setTick((n) => n + 1), []),
  );
  const updatedAt = useChangedAt(occ);

  return (
    <div className="card" data-testid="venue-live">
      <h2 className="card-title">{t('venues.live')}</h2>
      <StaleBanner stale={live.stale} updatedAt={updatedAt} />
      <ErrorBox error={error} />
      {occ && (
        <div className="venue-live-row">
          <span className="venue-live-count" data-testid="venue-live-count">
            {occ.count}
            <span className="muted"> / {occ.capacity}</span>
          </span>
          <CrowdBadge level={occ.level} />
          <CrowdBar count={occ.count} capacity={occ.capacity} level={occ.level} />
        </div>
      )}
      <h3 className="guard-sub">{t('venues.today')}</h3>
      {curve ? <TodayChart curve={curve} capacity={venue.capacity} /> : !error && <Loading />}
    </div>
  );
}

/** Today's entries per hour as bars, the peak present as a line: a small inline SVG. */
function TodayChart({ curve, capacity }: { curve: TodayCurve; capacity: number }) {
  const { t } = useTranslation();
  const hours = curve.hours;
  if (hours.length === 0) return <p className="empty">{t('venues.noToday')}</p>;
  const W = 640;
  const H = 200;
  const pad = { left: 34, right: 8, top: 10, bottom: 26 };
  const max = Math.max(1, ...hours.map((h) => Math.max(h.entries, h.peak)));
  const slot = (W - pad.left - pad.right) / Math.max(hours.length, 12);
  const y = (n: number) => pad.top + (1 - n / max) * (H - pad.top - pad.bottom);
  const peakPath = hours
    .map((h, i) => `${i === 0 ? 'M' : 'L'}${(pad.left + slot * (i + 0.5)).toFixed(1)},${y(h.peak).toFixed(1)}`)
    .join('');
  const ticks = [0, Math.round(max / 2), max];
  const total = hours.reduce((n, h) => n + h.entries, 0);
  return (
    <figure className="today-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={t('venues.today')}
        data-testid="venue-today-chart"
        style={{ maxWidth: W, display: 'block', fontSize: 11 }}
      >
        {ticks.map((v) => (
          <g key={v}>
            <line x1={pad.left} x2={W - pad.right} y1={y(v)} y2={y(v)} stroke="#dde3ec" />
            <text x={pad.left - 5} y={y(v) + 4} textAnchor="end" fill="#5f6b7d">
              {v}
            </text>
          </g>
        ))}
        {capacity <= max && (
          <line
            x1={pad.left}
            x2={W - pad.right}
            y1={y(capacity)}
            y2={y(capacity)}
            stroke="#b42318"
            strokeDasharray="4 3"
          />
        )}
        {hours.map((h, i) => (
          <g key={h.hour} data-testid="venue-today-bar" data-hour={h.hour} data-entries={h.entries}>
            <rect
              x={pad.left + slot * i + slot * 0.15}
              width={slot * 0.7}
              y={y(h.entries)}
              height={Math.max(0, H - pad.bottom - y(h.entries))}
              fill="#1f5fbf"
              rx={2}
            >
              <title>{t('venues.barTitle', { hour: h.hour, entries: h.entries, peak: h.peak })}</title>
            </rect>
            {(i % 3 === 0 || i === hours.length - 1) && (
              <text x={pad.left + slot * (i + 0.5)} y={H - 8} textAnchor="middle" fill="#5f6b7d">
                {h.hour.slice(0, 2)}
              </text>
            )}
          </g>
        ))}
        <path d={peakPath} fill="none" stroke="#d08a00" strokeWidth={2} />
      </svg>
      <figcaption className="chart-legend small">
        <span>
          <i style={{ background: '#1f5fbf' }} />
          {t('venues.entries', { count: total })}
        </span>
        <span>
          <i style={{ background: '#d08a00' }} />
          {t('venues.peak')}
        </span>
      </figcaption>
    </figure>
  );
}

function CodeCard({ venue }: { venue: Venue }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const code = useLoad(() => venueApi.code(venue.id), [venue.id, venue.codeVersion]);
  const [current, setCurrent] = useState<VenueCode | null>(null);
  const [asking, setAsking] = useState(false);
  const shown = current ?? code.data;

  return (
    <div className="card" data-testid="venue-code">
      <h2 className="card-title">{t('venues.code')}</h2>
      <ErrorBox error={code.error} />
      {shown && (
        <div className="venue-code">
          <QrCode text={shown.url} size={180} label={t('venues.code')} testId="venue-code-qr" />
          <div className="venue-code-side">
            <div className="field-label">{t('venues.codeUrl')}</div>
            <a className="mono break" href={shown.url} data-testid="venue-code-url" target="_blank" rel="noreferrer">
              {shown.url}
            </a>
            <div className="muted small">{t('venues.codeVersion', { version: shown.codeVersion })}</div>
            {venue.status !== 'approved' && <div className="alert alert-warn small">{t('venues.codeNotLive')}</div>}
            {shown.requiresPresence && <div className="muted small">{t('venues.posterNeedsScreen')}</div>}
            <div className="button-row">
              <a className="btn" href={posterHref(venue.id, 'pdf')} download data-testid="venue-poster-pdf">
                {t('venues.posterPdf')}
              </a>
              <a className="btn" href={posterHref(venue.id, 'png')} download data-testid="venue-poster-png">
                {t('venues.posterPng')}
              </a>
              {can('venue.manage') && (
                <button type="button" className="btn" data-testid="venue-reissue" onClick={() => setAsking(true)}>
                  {t('venues.reissue')}
                </button>
              )}
            </div>
          </div>
        </div>
      )}
      {asking && (
        <ReissueDialog
          venue={venue}
          onClose={() => setAsking(false)}
          onDone={(c) => {
            setCurrent(c);
            setAsking(false);
          }}
        />
      )}
    </div>
  );
}

function ReissueDialog({
  venue,
  onClose,
  onDone,
}: {
  venue: Venue;
  onClose: () => void;
  onDone: (c: VenueCode) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await venueApi.reissue(venue.id, reason.trim()));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={t('venues.reissueTitle', { name: venue.name })} onClose={onClose} testId="venue-reissue-dialog">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="alert alert-warn">{t('venues.reissueWarning')}</p>
        <label className="field">
          <span className="field-label">{t('venues.reissueReason')}</span>
          <input
            data-testid="venue-reissue-reason"
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <ErrorBox error={error} />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" data-testid="venue-reissue-confirm" disabled={busy}>
            {busy ? t('common.working') : t('venues.reissueConfirm')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The rotating screen code (every 30 s), for a screen at the door of a venue that requires presence. */
function ScreenCodeCard({ venue }: { venue: Venue }) {
  const { t } = useTranslation();
  const [code, setCode] = useState<ScreenCode | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    venueApi.screenCode(venue.id).then(
      (c) => {
        if (!live) return;
        setCode(c);
        setError(null);
        timer = setTimeout(() => setTick((n) => n + 1), Math.max(1_000, c.refreshAfterMs));
      },
      (e: unknown) => {
        if (!live) return;
        setError(toApiError(e));
        timer = setTimeout(() => setTick((n) => n + 1), 10_000);
      },
    );
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [venue.id, tick]);
  return (
    <div className="card" data-testid="venue-screen-code">
      <h2 className="card-title">{t('venues.screenCode')}</h2>
      <p className="muted small">{t('venues.screenCodeExplain')}</p>
      <ErrorBox error={error} />
      {code && <QrCode text={code.url} size={220} label={t('venues.screenCode')} testId="venue-screen-qr" />}
    </div>
  );
}
