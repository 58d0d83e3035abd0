// Confirm / reclassify / dismiss one contact, each one click with the reason in the box (prefilled
// from the evidence, editable). Keyboard: inside a row, C confirms, D dismisses, G / K reclassify as
// general / close (the row handles the keys; the reason box keeps its typing).
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { tracingApi, type ContactClass, type ContactView, type ReviewDecision } from './tracingApi.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { suggestedReason } from './TracingBits.tsx';

export function useReview(contact: ContactView, onDone: (c: ContactView) => void) {
  const { t } = useTranslation();
  const [reason, setReason] = useState(() => suggestedReason(t, contact));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const decide = async (d: { decision: 'confirm' | 'dismiss' } | { decision: 'reclassify'; class: ContactClass }) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await tracingApi.review(contact.id, { ...d, reason: reason.trim() } as ReviewDecision));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).tagName === 'INPUT' || e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    if (key === 'c') {
      e.preventDefault();
      void decide({ decision: 'confirm' });
    } else if (key === 'd') {
      e.preventDefault();
      void decide({ decision: 'dismiss' });
    } else if (key === 'g' && contact.class !== 'general') {
      e.preventDefault();
      void decide({ decision: 'reclassify', class: 'general' });
    } else if (key === 'k' && contact.class !== 'close') {
      e.preventDefault();
      void decide({ decision: 'reclassify', class: 'close' });
    }
  };
  return { reason, setReason, busy, error, decide, onKeyDown };
}

export function ReviewControls({ review, contact }: { review: ReturnType<typeof useReview>; contact: ContactView }) {
  const { t } = useTranslation();
  const { reason, setReason, busy, error, decide } = review;
  return (
    <div className="review-controls">
      <input
        className="queue-reason"
        data-testid="review-reason"
        value={reason}
        maxLength={1000}
        aria-label={t('tracing.queue.reason')}
        onChange={(e) => setReason(e.target.value)}
      />
      <div className="queue-actions">
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid="review-confirm"
          disabled={busy}
          onClick={() => void decide({ decision: 'confirm' })}
        >
          {t('tracing.queue.confirm')}
          <span className="kbd" aria-hidden="true">
            C
          </span>
        </button>
        {contact.class !== 'general' && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="review-general"
            disabled={busy}
            onClick={() => void decide({ decision: 'reclassify', class: 'general' })}
          >
            {t('tracing.queue.toGeneral')}
            <span className="kbd" aria-hidden="true">
              G
            </span>
          </button>
        )}
        {contact.class !== 'close' && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="review-close"
            disabled={busy}
            onClick={() => void decide({ decision: 'reclassify', class: 'close' })}
          >
            {t('tracing.queue.toClose')}
            <span className="kbd" aria-hidden="true">
              K
            </span>
          </button>
        )}
        <button
          type="button"
          className="btn btn-small btn-ghost"
          data-testid="review-dismiss"
          disabled={busy}
          onClick={() => void decide({ decision: 'dismiss' })}
        >
          {t('tracing.queue.dismiss')}
          <span className="kbd" aria-hidden="true">
            D
          </span>
        </button>
      </div>
      <ErrorBox error={error} />
    </div>
  );
}
