// Buttons other pages show to issue quarantine orders: every confirmed close contact of a case at once
// (the case page), and one confirmed contact (the review queue). Each shows what was done, or why not.
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { toApiError } from '../shared/useLoad.ts';
import { ordersApi, type BatchResult } from './ordersApi.ts';

export function OrderCaseContactsButton({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BatchResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  if (!can('quarantine.order')) return null;
  const run = async () => {
    if (!window.confirm(t('qorders.batch.confirm'))) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await ordersApi.batch({ source: 'case', sourceId: caseId }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="order-batch">
      <button
        type="button"
        className="btn"
        data-testid="order-case-contacts"
        disabled={busy}
        onClick={() => void run()}
      >
        {t('qorders.batch.caseContacts')}
      </button>
      {result && (
        <span className="muted small" data-testid="order-batch-result">
          {' '}
          {t('qorders.batch.result', { created: result.created.length, skipped: result.skipped.length })}{' '}
          <Link to={`/quarantine/orders?caseId=${encodeURIComponent(caseId)}`}>{t('qorders.batch.see')}</Link>
        </span>
      )}
      <ErrorBox error={error} />
    </span>
  );
}

export function OrderContactButton({ contactId, personId }: { contactId: string; personId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [busy, setBusy] = useState(false);
  const [orderId, setOrderId] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  if (!can('quarantine.order')) return null;
  if (orderId)
    return (
      <Link className="small" data-testid="order-contact-done" to={`/quarantine/orders/${orderId}`}>
        {t('qorders.batch.ordered')}
      </Link>
    );
  return (
    <span>
      <button
        type="button"
        className="btn btn-small"
        data-testid="order-contact"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          ordersApi
            .create({ personId, contactId })
            .then((o) => setOrderId(o.id))
            .catch((err: unknown) => setError(toApiError(err)))
            .finally(() => setBusy(false));
        }}
      >
        {t('qorders.batch.one')}
      </button>
      <ErrorBox error={error} />
    </span>
  );
}
