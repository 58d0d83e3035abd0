// 按组研判 A case's contacts in review groups — a venue and the case's visit there ("欧亚超市 03/23
// 14:00–15:00 · 312 人 · 重叠 15–40 分钟"), household members, secondary, interview — each opening its
// members in the (paged) contact list; and the bulk bar: one decision with one reason for the ticked
// contacts, the group shown or the current filter, in one request (the server reviews all or none).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { tracingApi, type BulkReview, type ContactClass, type ContactGroup, type ReviewStatus } from './tracingApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatSlot } from './TracingBits.tsx';

/** The most contacts one bulk review may change (the server's BULK_REVIEW_MAX). */
export const BULK_MAX = 1000;

export function groupLabel(t: (k: string, o?: Record<string, unknown>) => string, g: ContactGroup): string {
  if (g.kind !== 'venue') return t(`reviewGroups.kind.${g.kind}`);
  return `${g.venueName ?? ''} ${formatSlot(g.slotStart, g.slotEnd)}`;
}

export function ReviewGroups({
  caseId,
  cls,
  shown,
  onShow,
  refresh,
}: {
  caseId: string;
  cls: ContactClass | '';
  shown: string;
  onShow: (key: string) => void;
  refresh: number;
}) {
  const { t } = useTranslation();
  const [pendingOnly, setPendingOnly] = useState(true);
  const groups = useLoad(
    () => tracingApi.contactGroups(caseId, { class: cls, reviewStatus: pendingOnly ? 'pending' : '' }),
    [caseId, cls, pendingOnly, refresh],
  );
  return (
    <div className="card review-groups" data-testid="review-groups">
      <div className="card-title-row">
        <h2 className="card-title">{t('reviewGroups.title')}</h2>
        <label className="check">
          <input
            type="checkbox"
            data-testid="groups-pending-only"
            checked={pendingOnly}
            onChange={(e) => setPendingOnly(e.target.checked)}
          />{' '}
          {t('reviewGroups.pendingOnly')}
        </label>
      </div>
      <p className="muted small">{t('reviewGroups.help')}</p>
      <ErrorBox error={groups.error} />
      {groups.loading && !groups.data && <Loading />}
      {groups.data && groups.data.items.length === 0 && (
        <p className="empty" data-testid="groups-empty">
          {t('reviewGroups.none')}
        </p>
      )}
      {groups.data && groups.data.items.length > 0 && (
        <ul className="group-list">
          {groups.data.items.map((g) => (
            <li
              key={g.key}
              className={`group-item${shown === g.key ? ' group-shown' : ''}`}
              data-testid="review-group"
              data-group-key={g.key}
              data-count={g.count}
            >
              <div className="group-main">
                <strong className="group-name" data-testid="group-label">
                  {groupLabel(t, g)}
                </strong>
                <span className="group-stats">
                  <span className="group-count">{t('reviewGroups.count', { count: g.count })}</span>
                  {g.overlapMin !== null && g.overlapMax !== null && (
                    <span>
                      {g.overlapMin === g.overlapMax
                        ? t('reviewGroups.overlapOne', { min: g.overlapMin })
                        : t('reviewGroups.overlap', { min: g.overlapMin, max: g.overlapMax })}
                    </span>
                  )}
                  {Object.entries(g.byClass).map(([k, n]) => (
                    <span key={k} className={`cls cls-${k}`}>
                      {t(`tracing.class.${k}`)} {n}
                    </span>
                  ))}
                  {g.candidates > 0 && (
                    <span className="muted">{t('reviewGroups.candidates', { count: g.candidates })}</span>
                  )}
                </span>
              </div>
              <button
                type="button"
                className={`btn btn-small${shown === g.key ? ' btn-primary' : ''}`}
                data-testid="group-show"
                onClick={() => onShow(shown === g.key ? '' : g.key)}
              >
                {shown === g.key ? t('reviewGroups.shown') : t('reviewGroups.show')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One decision with one reason for the ticked contacts, or else the shown group / current filter. */
export function BulkBar({
  caseId,
  select,
  count,
  label,
  onDone,
}: {
  caseId: string;
  select: BulkReview['select'];
  count: number;
  label: string;
  onDone: (reviewed: number) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const tooMany = count > BULK_MAX;
  const act = async (d: { decision: 'confirm' | 'dismiss' } | { decision: 'reclassify'; class: ContactClass }) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const res = await tracingApi.bulkReview(caseId, { ...d, reason: reason.trim(), select } as BulkReview);
      setDone(res.reviewed);
      onDone(res.reviewed);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const off = busy || !reason.trim() || count === 0 || tooMany;
  return (
    <div className="bulk-bar" data-testid="bulk-bar" data-count={count}>
      <strong className="bulk-target" data-testid="bulk-target">
        {label}
      </strong>
      <input
        className="bulk-reason"
        data-testid="bulk-reason"
        value={reason}
        maxLength={1000}
        aria-label={t('reviewGroups.reason')}
        placeholder={t('reviewGroups.reasonPlaceholder')}
        onChange={(e) => setReason(e.target.value)}
      />
      <div className="queue-actions">
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid="bulk-confirm"
          disabled={off}
          onClick={() => void act({ decision: 'confirm' })}
        >
          {t('reviewGroups.confirm')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="bulk-general"
          disabled={off}
          onClick={() => void act({ decision: 'reclassify', class: 'general' })}
        >
          {t('reviewGroups.toGeneral')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="bulk-close"
          disabled={off}
          onClick={() => void act({ decision: 'reclassify', class: 'close' })}
        >
          {t('reviewGroups.toClose')}
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          data-testid="bulk-dismiss"
          disabled={off}
          onClick={() => void act({ decision: 'dismiss' })}
        >
          {t('reviewGroups.dismiss')}
        </button>
      </div>
      {tooMany && <div className="alert alert-warn small">{t('reviewGroups.tooMany', { max: BULK_MAX })}</div>}
      {done !== null && (
        <div className="muted small" data-testid="bulk-done">
          {t('reviewGroups.done', { count: done })}
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

export type { ReviewStatus };
