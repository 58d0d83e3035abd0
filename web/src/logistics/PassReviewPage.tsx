// The department's review queue (审核): applications for the department's cargo categories to issue
// or refuse with a reason, and issued passes to revoke. A reviewer linked to a department sees its
// own by default; the command centre sees every department's.
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatDateTime } from '../shared/format.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { logisticsApi, named, type Pass, type PassStatus } from './logisticsApi.ts';
import { PassStateBadge } from './PassPage.tsx';
import './logistics.css';

function Decide({ pass, onDone }: { pass: Pass; onDone: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="lg-decide" data-testid={`lg-decide-${pass.plate}`}>
      <input
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder={t('logistics.review.reason')}
        aria-label={t('logistics.review.reason')}
        data-testid="lg-reason"
      />
      {pass.status === 'applied' && (
        <>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => void run(() => logisticsApi.issue(pass.id, reason))}
            data-testid="lg-issue"
          >
            {t('logistics.review.issue')}
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy}
            onClick={() => void run(() => logisticsApi.refuse(pass.id, reason))}
            data-testid="lg-refuse"
          >
            {t('logistics.review.refuse')}
          </button>
        </>
      )}
      {pass.status === 'issued' && (
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void run(() => logisticsApi.revoke(pass.id, reason))}
          data-testid="lg-revoke"
        >
          {t('logistics.review.revoke')}
        </button>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

export function PassReviewPage() {
  const { t, i18n } = useTranslation();
  const rules = useLoad(() => logisticsApi.rules(), []);
  const [status, setStatus] = useState<PassStatus | ''>('applied');
  const [tick, setTick] = useState(0);
  const list = useLoad(
    () => logisticsApi.passes({ ...(status ? { status } : {}), ...(rules.data?.department ? { mine: true } : {}) }),
    [status, tick, rules.data?.department],
  );
  return (
    <div className="logistics-page" data-testid="lg-review">
      <h1 className="page-title">{t('logistics.review.title')}</h1>
      <p className="muted small">
        {rules.data?.department
          ? t('logistics.review.mine', {
              department: named(rules.data.departments, rules.data.department, i18n.language),
            })
          : t('logistics.review.all')}
      </p>
      <div className="card">
        <select
          value={status}
          onChange={(e) => setStatus(e.target.value as PassStatus | '')}
          aria-label={t('logistics.pass.state')}
          data-testid="lg-status"
        >
          <option value="">{t('logistics.review.allStatuses')}</option>
          {(['applied', 'issued', 'refused', 'revoked', 'withdrawn'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`logistics.state.${s}`)}
            </option>
          ))}
        </select>
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.items.length === 0 && <p className="empty">{t('logistics.review.empty')}</p>}
        {list.data?.items.map((p) => (
          <div key={p.id} className="lg-review-item">
            <div>
              <Link to={`/logistics/passes/${p.id}`}>
                <strong>{p.plate}</strong> {p.number ?? ''}
              </Link>{' '}
              <PassStateBadge state={p.state} /> · {p.enterpriseName}
            </div>
            <div className="muted small">
              {p.origin.name ?? p.origin.code} → {p.destination.name ?? p.destination.code} ·{' '}
              {named(rules.data?.cargoCategories, p.cargoCategory, i18n.language)}
              {p.cargoNote ? `（${p.cargoNote}）` : ''} · {named(rules.data?.departments, p.department, i18n.language)}{' '}
              · {p.validFrom} ~ {p.validUntil} · {t('logistics.review.applied', { at: formatDateTime(p.appliedAt) })}
            </div>
            {(p.status === 'applied' || p.status === 'issued') && (
              <Decide pass={p} onDone={() => setTick((n) => n + 1)} />
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
