// 查看完整信息: asks for the reason (required, written to the audit log), then returns the clear
// ID number and phone of that one member from POST /persons/:id/reveal.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError } from '../shared/api.ts';
import { registryApi } from './registryApi.ts';
import type { PersonView, Revealed } from './types.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Modal } from '../shared/Modal.tsx';

const QUICK_REASONS = ['doorToDoor', 'tracing', 'testing', 'care'] as const;

export function RevealDialog({
  person,
  onRevealed,
  onClose,
}: {
  person: PersonView;
  onRevealed: (r: Revealed) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [touched, setTouched] = useState(false);
  const missing = reason.trim() === '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (missing) return;
    setBusy(true);
    setError(null);
    try {
      onRevealed(await registryApi.reveal(person.id, reason.trim()));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={t('reveal.title', { name: person.name })} onClose={onClose} testId="reveal-dialog">
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <p className="muted small">{t('reveal.explain')}</p>
        <label className="field">
          <span className="field-label">
            {t('reveal.reason')}{' '}
            <span className="req" aria-hidden="true">
              *
            </span>
          </span>
          <textarea
            data-testid="reveal-reason"
            rows={2}
            value={reason}
            maxLength={200}
            required
            aria-invalid={touched && missing}
            aria-describedby="reveal-reason-error"
            onChange={(e) => setReason(e.target.value)}
          />
          {touched && missing && (
            <span id="reveal-reason-error" className="field-error">
              {t('reveal.reasonRequired')}
            </span>
          )}
        </label>
        <div className="chips" aria-label={t('reveal.quick')}>
          {QUICK_REASONS.map((k) => (
            <button key={k} type="button" className="chip" onClick={() => setReason(t(`reveal.reasons.${k}`))}>
              {t(`reveal.reasons.${k}`)}
            </button>
          ))}
        </div>
        <ErrorBox error={error} />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" data-testid="reveal-submit" disabled={busy}>
            {busy ? t('common.working') : t('reveal.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
