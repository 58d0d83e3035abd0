// 病例详情 A case: who, status and times, the parameters of its latest trace, its contacts in review
// groups with a bulk bar, then paged (50) with their evidence (one line per encounter) and review —
// keys ↓/↑ and C / G / K / D without a click first — each contact's colour with its reasons,
// and the timeline of status changes and the case's visits.
import { RuleSetName } from '../shared/Labels.tsx';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { formatDateTime } from '../shared/format.ts';
import {
  CONTACT_CLASSES,
  REVIEW_STATUSES,
  tracingApi,
  type CaseDetail,
  type ContactClass,
  type ContactView,
  type ReviewStatus,
} from './tracingApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import { ReviewControls, useReview } from './ReviewControls.tsx';
import { CaseStatusForm } from './CaseStatusForm.tsx';
import { ManualContactForm } from './ManualContactForm.tsx';
import { BulkBar, ReviewGroups } from './ReviewGroups.tsx';
import { useRowKeys } from '../shared/useRowKeys.ts';
import {
  CaseStatusBadge,
  ClassBadge,
  ContactEvidence,
  LATE_SCAN_MS,
  PersonColour,
  ReviewBadge,
} from './TracingBits.tsx';
import { OrderCaseContactsButton } from '../quarantine/OrderButtons.tsx';
import { withColon } from '../shared/Label.tsx';

const PAGE = 50;

export function CasePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { can } = useAuth();
  const detail = useLoad(() => tracingApi.caseDetail(id), [id]);
  const [offset, setOffset] = useState(0);
  const [cls, setCls] = useState<ContactClass | ''>('');
  const [review, setReview] = useState<ReviewStatus | ''>('');
  const [group, setGroup] = useState('');
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const [groupsTick, setGroupsTick] = useState(0);
  const contacts = useLoad(
    () => tracingApi.contacts(id, { limit: PAGE, offset, class: cls, reviewStatus: review, group }),
    [id, offset, cls, review, group],
  );
  const rowsRef = useRef<HTMLTableSectionElement>(null);
  useRowKeys(rowsRef, 'tr[data-testid="contact-row"]');
  const refilter = (f: () => void) => {
    f();
    setOffset(0);
    setTicked(new Set());
  };
  const tick = (contactId: string, on: boolean) =>
    setTicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(contactId);
      else next.delete(contactId);
      return next;
    });
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [traced, setTraced] = useState<CaseDetail | null>(null);
  const [manualOpen, setManualOpen] = useState(false);

  const retrace = async () => {
    setBusy(true);
    setActionError(null);
    try {
      setTraced(await tracingApi.retrace(id));
      detail.reload();
      contacts.reload();
      setGroupsTick((n) => n + 1);
    } catch (err) {
      setActionError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const visits = useMemo(() => {
    const seen = new Map<string, { venue: string; from: number; to: number; gapMs?: number }>();
    for (const c of contacts.data?.items ?? []) {
      for (const e of c.evidence.encounters ?? []) {
        seen.set(e.caseVisit.checkinId, {
          venue: e.venueName,
          from: e.caseVisit.enteredAt,
          to: e.caseVisit.exitedAt,
          gapMs: e.caseVisit.scanGapMs,
        });
      }
    }
    return [...seen.values()];
  }, [contacts.data]);

  if (detail.error) return <ErrorBox error={detail.error} />;
  if (!detail.data) return <Loading />;
  const c = detail.data.case;
  const trace = traced?.trace ?? detail.data.trace;
  const timeline = [
    ...detail.data.history.map((h) => ({
      at: h.at,
      kind: 'status' as const,
      text:
        h.kind === 'registered' || !h.from
          ? t('tracing.case.registeredAs', { status: t(`tracing.status.${h.to}`) })
          : `${t(`tracing.status.${h.from}`)} → ${t(`tracing.status.${h.to}`)}`,
      sub: h.reason,
    })),
    ...visits.map((v) => ({
      at: v.from,
      kind: 'visit' as const,
      text: v.venue,
      sub: `${formatDateTime(v.from)} – ${formatDateTime(v.to)}${v.gapMs !== undefined && v.gapMs >= LATE_SCAN_MS ? ` · ${t('tracing.evidence.lateScan', { minutes: Math.round(v.gapMs / 60_000) })}` : ''}`,
    })),
    ...(c.onsetAt ? [{ at: c.onsetAt, kind: 'status' as const, text: t('tracing.cases.onset'), sub: '' }] : []),
    ...(c.firstPositiveSampledAt
      ? [{ at: c.firstPositiveSampledAt, kind: 'status' as const, text: t('tracing.cases.sampled'), sub: '' }]
      : []),
    ...(c.isolatedAt
      ? [{ at: c.isolatedAt, kind: 'status' as const, text: t('tracing.cases.isolated'), sub: '' }]
      : []),
  ].sort((a, b) => a.at - b.at);

  return (
    <div className="case-page" data-testid="case-page" data-case-id={c.id}>
      <div className="card-title-row">
        <h1 className="page-title">{t('tracing.case.title', { name: c.personName })}</h1>
        <div className="button-row">
          <Link className="btn btn-ghost" to={`/chains?cluster=${encodeURIComponent(c.id)}`}>
            {t('tracing.case.chain')}
          </Link>
          {can('contact.call') && (
            <Link className="btn btn-ghost" to={`/calls?caseId=${encodeURIComponent(c.id)}`}>
              {t('tracing.case.calls')}
            </Link>
          )}
          <OrderCaseContactsButton caseId={c.id} />
          {can('case.manage') && (
            <button
              type="button"
              className="btn"
              data-testid="case-retrace"
              disabled={busy}
              onClick={() => void retrace()}
            >
              {busy ? t('tracing.cases.tracing') : t('tracing.case.retrace')}
            </button>
          )}
        </div>
      </div>
      <ErrorBox error={actionError} />
      <div className="card">
        <dl className="facts case-facts" data-testid="case-facts">
          <div>
            <dt>{t('tracing.cases.status')}</dt>
            <dd>
              <CaseStatusBadge status={c.status} />
            </dd>
          </div>
          <div>
            <dt>{t('tracing.cases.classification')}</dt>
            <dd>{t(`tracing.classification.${c.classification}`)}</dd>
          </div>
          <div>
            <dt>{t('tracing.cases.source')}</dt>
            <dd>{t(`tracing.source.${c.source}`)}</dd>
          </div>
          <div>
            <dt>{t('tracing.cases.area')}</dt>
            <dd>{c.areaName}</dd>
          </div>
          <div>
            <dt>{t('tracing.cases.onset')}</dt>
            <dd>{formatDateTime(c.onsetAt)}</dd>
          </div>
          <div>
            <dt>{t('tracing.cases.sampled')}</dt>
            <dd>{formatDateTime(c.firstPositiveSampledAt)}</dd>
          </div>
          <div>
            <dt>{t('tracing.cases.isolated')}</dt>
            <dd>{formatDateTime(c.isolatedAt)}</dd>
          </div>
          <div>
            <dt>{t('tracing.case.ruleSet')}</dt>
            <dd>
              <RuleSetName id={c.ruleSet.id} version={c.ruleSet.version} />
            </dd>
          </div>
          <div>
            <dt>{t('tracing.case.colour')}</dt>
            <dd>
              <PersonColour personId={c.personId} />
            </dd>
          </div>
        </dl>
        {trace && (
          <div className="muted small" data-testid="case-trace">
            {t('tracing.case.window', {
              start: formatDateTime(trace.window.start),
              end: formatDateTime(trace.window.end),
              days: trace.window.lookBackDays,
            })}
            {' · '}
            {t('tracing.case.params', { minutes: trace.parameters.minimumOverlapMinutes })}
            {' · '}
            {t('tracing.case.found', trace.found)}
            {trace.purgedBefore !== null && (
              <div className="alert alert-warn" data-testid="trace-purged">
                {t('tracing.case.purged', { at: formatDateTime(trace.purgedBefore) })}
              </div>
            )}
            {trace.keptPurged > 0 && (
              <div className="muted small" data-testid="trace-kept-purged">
                {t('tracing.case.keptPurged', { count: trace.keptPurged })}
              </div>
            )}
          </div>
        )}
        <div className="stats" data-testid="case-counts">
          <div className="stat">
            <div className="stat-value">{detail.data.contacts.total}</div>
            <div className="stat-label">{t('tracing.case.contacts')}</div>
          </div>
          {CONTACT_CLASSES.map((k) => (
            <div className="stat" key={k}>
              <div className="stat-value">{detail.data!.contacts.byClass[k] ?? 0}</div>
              <div className="stat-label">{t(`tracing.class.${k}`)}</div>
            </div>
          ))}
          <div className="stat">
            <div className="stat-value">{detail.data.contacts.pendingCandidates}</div>
            <div className="stat-label">{t('tracing.case.pending')}</div>
          </div>
        </div>
      </div>

      {detail.data.contacts.total > 0 && (
        <ReviewGroups
          caseId={c.id}
          cls={cls}
          shown={group}
          refresh={groupsTick}
          onShow={(key) => refilter(() => setGroup(key))}
        />
      )}

      <div className="card" data-testid="contacts-card">
        <div className="card-title-row">
          <h2 className="card-title">{t('tracing.case.contacts')}</h2>
          <div className="filters">
            <select
              aria-label={t('tracing.contact.class')}
              value={cls}
              onChange={(e) => refilter(() => setCls(e.target.value as ContactClass | ''))}
            >
              <option value="">{t('tracing.allClasses')}</option>
              {CONTACT_CLASSES.map((k) => (
                <option key={k} value={k}>
                  {t(`tracing.class.${k}`)}
                </option>
              ))}
            </select>
            <select
              aria-label={t('tracing.contact.review')}
              value={review}
              onChange={(e) => refilter(() => setReview(e.target.value as ReviewStatus | ''))}
            >
              <option value="">{t('tracing.allReviews')}</option>
              {REVIEW_STATUSES.map((k) => (
                <option key={k} value={k}>
                  {t(`tracing.review.${k}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        {group && (
          <div className="button-row small" data-testid="group-filter">
            <span>{t('reviewGroups.shown')}</span>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              data-testid="group-clear"
              onClick={() => refilter(() => setGroup(''))}
            >
              {t('reviewGroups.allGroups')}
            </button>
          </div>
        )}
        {can('case.manage') && contacts.data && contacts.data.total > 0 && (
          <BulkBar
            key={`${group}|${cls}|${review}|${ticked.size > 0}`}
            caseId={c.id}
            select={
              ticked.size > 0
                ? { ids: [...ticked] }
                : {
                    ...(group ? { group } : {}),
                    ...(cls ? { class: cls } : {}),
                    ...(review ? { reviewStatus: review } : {}),
                  }
            }
            count={ticked.size > 0 ? ticked.size : contacts.data.total}
            label={
              ticked.size > 0
                ? t('reviewGroups.target.selected', { count: ticked.size })
                : group
                  ? t('reviewGroups.target.group', { count: contacts.data.total })
                  : t('reviewGroups.target.filter', { count: contacts.data.total })
            }
            onDone={() => {
              setTicked(new Set());
              contacts.reload();
              detail.reload();
              setGroupsTick((n) => n + 1);
            }}
          />
        )}
        {can('case.manage') && <p className="muted small case-keys">{t('reviewGroups.keys')}</p>}
        <ErrorBox error={contacts.error} />
        {contacts.loading && !contacts.data && <Loading />}
        {contacts.data && contacts.data.items.length === 0 && <p className="empty">{t('tracing.case.noContacts')}</p>}
        {contacts.data && contacts.data.items.length > 0 && (
          <table className="table rtable" data-testid="contacts-table">
            <thead>
              <tr>
                {can('case.manage') && (
                  <th>
                    <input
                      type="checkbox"
                      className="contacts-tick-all"
                      data-testid="tick-page"
                      aria-label={t('reviewGroups.selectPage')}
                      checked={contacts.data.items.every((k) => ticked.has(k.id))}
                      onChange={(e) => {
                        for (const k of contacts.data!.items) tick(k.id, e.target.checked);
                      }}
                    />
                  </th>
                )}
                <th>{t('tracing.contact.person')}</th>
                <th>{t('tracing.contact.class')}</th>
                <th>{t('tracing.contact.evidence')}</th>
                <th>{t('tracing.contact.colour')}</th>
                <th>{t('tracing.contact.review')}</th>
              </tr>
            </thead>
            <tbody ref={rowsRef}>
              {contacts.data.items.map((k) => (
                <ContactRow
                  key={`${k.id}-${k.review.status}-${k.class}`}
                  contact={k}
                  canReview={can('case.manage')}
                  ticked={ticked.has(k.id)}
                  onTick={(on) => tick(k.id, on)}
                  onReviewed={() => {
                    contacts.reload();
                    detail.reload();
                    setGroupsTick((n) => n + 1);
                  }}
                />
              ))}
            </tbody>
          </table>
        )}
        {contacts.data && <Pager total={contacts.data.total} limit={PAGE} offset={offset} onChange={setOffset} />}
        {can('case.manage') && !manualOpen && (
          <button
            type="button"
            className="btn btn-ghost"
            data-testid="manual-contact-open"
            onClick={() => setManualOpen(true)}
          >
            {t('tracing.manual.open')}
          </button>
        )}
        {manualOpen && (
          <div>
            <h3>{t('tracing.manual.title')}</h3>
            <ManualContactForm
              caseId={c.id}
              onAdded={() => {
                setManualOpen(false);
                contacts.reload();
                detail.reload();
              }}
            />
          </div>
        )}
      </div>

      {can('case.manage') && c.status !== 'released' && (
        <div className="card">
          <h2 className="card-title">{t('tracing.statusForm.title')}</h2>
          <CaseStatusForm caseId={c.id} status={c.status} onChanged={() => detail.reload()} />
        </div>
      )}

      <div className="card">
        <h2 className="card-title">{t('tracing.case.timeline')}</h2>
        <ol className="timeline" data-testid="case-timeline">
          {timeline.map((e, i) => (
            <li key={i} className={e.kind === 'visit' ? 'tl-visit' : 'tl-status'}>
              <div className="tl-time">{formatDateTime(e.at)}</div>
              <div>
                <strong>
                  {e.kind === 'visit' ? withColon(t, t('tracing.case.visit')) : ''}
                  {e.text}
                </strong>
              </div>
              {e.sub && <div className="muted small">{e.sub}</div>}
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}

function ContactRow({
  contact,
  canReview,
  ticked,
  onTick,
  onReviewed,
}: {
  contact: ContactView;
  canReview: boolean;
  ticked: boolean;
  onTick: (on: boolean) => void;
  onReviewed: () => void;
}) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState(contact);
  // A reload (after tracing again) brings the contact as stored now: its evidence may have changed.
  useEffect(() => setCurrent(contact), [contact]);
  const [colourTick, setColourTick] = useState(0);
  const review = useReview(current, (c) => {
    setCurrent(c);
    setColourTick((n) => n + 1);
    onReviewed();
  });
  return (
    <tr
      data-testid="contact-row"
      data-contact-id={current.id}
      data-person-id={current.person.id}
      tabIndex={canReview ? 0 : undefined}
      className="queue-row"
      onKeyDown={canReview ? review.onKeyDown : undefined}
    >
      {canReview && (
        <td className="tick-cell">
          <input
            type="checkbox"
            data-testid="contact-tick"
            aria-label={t('reviewGroups.select')}
            checked={ticked}
            onChange={(e) => onTick(e.target.checked)}
          />
        </td>
      )}
      <td className="rtable-head">
        <strong data-testid="contact-name">{current.person.name}</strong>
        <div className="muted small">
          {current.person.phone ?? '—'} · {current.person.areaName}
        </div>
      </td>
      <td data-label={t('tracing.contact.class')}>
        <ClassBadge cls={current.class} />
        {current.candidate && <span className="muted small"> {t('tracing.contact.candidate')}</span>}
      </td>
      <td data-label={t('tracing.contact.evidence')}>
        <ContactEvidence contact={current} />
      </td>
      <td data-label={t('tracing.contact.colour')}>
        <PersonColour personId={current.person.id} refresh={colourTick} />
      </td>
      <td data-label={t('tracing.contact.review')}>
        <div className="review-cell">
          <ReviewBadge status={current.review.status} />
          {current.review.reason && (
            <div className="muted small" data-testid="review-reason-shown">
              {current.review.reason}
            </div>
          )}
          {canReview && <ReviewControls review={review} contact={current} />}
        </div>
      </td>
    </tr>
  );
}
