// 待研判 The investigator's review queue: every unreviewed contact of the cases in scope, candidates
// first, each with its evidence and one-click confirm / reclassify / dismiss carrying the reason in
// its box. Keyboard anywhere on the page: ↑/↓ (or J) move the selection, C / G / K / D decide the
// selected row (useRowKeys).
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth.tsx';
import { formatDateTime } from '../shared/format.ts';
import { CONTACT_CLASSES, tracingApi, type ContactClass, type QueueItem } from './tracingApi.ts';
import { useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import { FilterSelect } from '../shared/FilterSelect.tsx';
import { useListQuery } from '../shared/useListQuery.ts';
import { ReviewControls, useReview } from './ReviewControls.tsx';
import { ClassBadge, ContactEvidence } from './TracingBits.tsx';
import { useRowKeys } from '../shared/useRowKeys.ts';
import { OrderContactButton } from '../quarantine/OrderButtons.tsx';

const PAGE = 50;

export function ReviewQueuePage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const query = useListQuery({ cls: '' as ContactClass | '' });
  const { offset } = query;
  const { cls } = query.filters;
  const queue = useLoad(() => tracingApi.reviewQueue({ limit: PAGE, offset, class: cls }), [offset, cls]);
  const [done, setDone] = useState<Record<string, string>>({});
  const body = useRef<HTMLTableSectionElement>(null);

  useRowKeys(body, 'tr[data-testid="queue-row"]');

  return (
    <div className="review-page">
      <h1 className="page-title">{t('tracing.queue.title')}</h1>
      <p className="muted small">{t('tracing.queue.help')}</p>
      <div className="card">
        <div className="card-title-row">
          <h2 className="card-title">{t('tracing.queue.count', { count: queue.data?.total ?? 0 })}</h2>
          <FilterSelect
            ariaLabel={t('tracing.contact.class')}
            value={cls}
            options={CONTACT_CLASSES}
            label={(k) => t(`tracing.class.${k}`)}
            allLabel={t('tracing.allClasses')}
            onChange={(v) => query.setFilter('cls', v)}
          />
        </div>
        <ErrorBox error={queue.error} />
        {queue.loading && !queue.data && <Loading />}
        {queue.data && queue.data.items.length === 0 && (
          <p className="empty" data-testid="queue-empty">
            {t('tracing.queue.empty')}
          </p>
        )}
        {queue.data && queue.data.items.length > 0 && (
          <table className="table rtable" data-testid="queue-table">
            <thead>
              <tr>
                <th>{t('tracing.contact.person')}</th>
                <th>{t('tracing.queue.case')}</th>
                <th>{t('tracing.contact.class')}</th>
                <th>{t('tracing.contact.evidence')}</th>
                <th>{t('tracing.queue.decide')}</th>
              </tr>
            </thead>
            <tbody ref={body}>
              {queue.data.items.map((item) => (
                <QueueRow
                  key={item.id}
                  item={item}
                  canReview={can('case.manage')}
                  outcome={done[item.id]}
                  onDone={(status) => setDone((d) => ({ ...d, [item.id]: status }))}
                />
              ))}
            </tbody>
          </table>
        )}
        {queue.data && (
          <div className="button-row">
            <Pager total={queue.data.total} limit={PAGE} offset={offset} onChange={query.setOffset} />
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setDone({});
                queue.reload();
              }}
            >
              {t('common.refresh')}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function QueueRow({
  item,
  canReview,
  outcome,
  onDone,
}: {
  item: QueueItem;
  canReview: boolean;
  outcome?: string;
  onDone: (status: string) => void;
}) {
  const { t } = useTranslation();
  const review = useReview(item, (c) => onDone(c.review.status));
  return (
    <tr
      data-testid="queue-row"
      data-contact-id={item.id}
      tabIndex={0}
      className="queue-row"
      onKeyDown={canReview && !outcome ? review.onKeyDown : undefined}
    >
      <td className="rtable-head">
        <strong>{item.person.name}</strong>
        <div className="muted small">
          {item.person.phone ?? '—'} · {item.person.areaName}
        </div>
      </td>
      <td data-label={t('tracing.queue.case')}>
        <Link to={`/cases/${item.case.id}`}>{item.case.personName}</Link>
        <div className="muted small">
          {item.case.areaName} · {formatDateTime(item.firstExposureAt)}
        </div>
      </td>
      <td data-label={t('tracing.contact.class')}>
        <ClassBadge cls={item.class} />
        {item.candidate && <span className="muted small"> {t('tracing.contact.candidate')}</span>}
      </td>
      <td data-label={t('tracing.contact.evidence')}>
        <ContactEvidence contact={item} />
      </td>
      <td data-label={t('tracing.queue.decide')}>
        {outcome ? (
          <>
            <span className={`cls rv-${outcome}`} data-testid="queue-done">
              {t(`tracing.review.${outcome}`)}
            </span>
            {outcome === 'confirmed' && item.class !== 'general' && (
              <OrderContactButton contactId={item.id} personId={item.person.id} />
            )}
          </>
        ) : canReview ? (
          <ReviewControls review={review} contact={item} />
        ) : null}
      </td>
    </tr>
  );
}
