// 设置新密码 Choose a new password: shown instead of every page while an administrator's reset stands
// (the server refuses everything else with PASSWORD_CHANGE_REQUIRED until the user sets their own).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError } from '../shared/api.ts';
import { accessApi } from './accessApi.ts';
import { useAuth } from '../shared/auth.tsx';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';

export function ChangePasswordPage() {
  const { t } = useTranslation();
  const { reload, logout } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const mismatch = repeat !== '' && next !== repeat;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await accessApi.changeOwnPassword(current, next);
      reload();
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <div className="page-center">
      <form className="card form login-card" onSubmit={(e) => void submit(e)} data-testid="password-change-form">
        <h1 className="card-title">{t('passwordChange.title')}</h1>
        <p className="alert alert-warn">{t('passwordChange.required')}</p>
        <label className="field">
          <span className="field-label">{t('passwordChange.current')}</span>
          <input
            type="password"
            data-testid="pw-current"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            autoComplete="current-password"
          />
        </label>
        <label className="field">
          <span className="field-label">{t('passwordChange.next')}</span>
          <input
            type="password"
            data-testid="pw-next"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            autoComplete="new-password"
          />
        </label>
        <label className="field">
          <span className="field-label">{t('passwordChange.repeat')}</span>
          <input
            type="password"
            data-testid="pw-repeat"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            autoComplete="new-password"
          />
          {mismatch && <span className="field-error">{t('passwordChange.mismatch')}</span>}
        </label>
        <ErrorBox error={error} />
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="pw-submit"
            disabled={busy || !current || !next || mismatch || next !== repeat}
          >
            {busy ? t('common.working') : t('passwordChange.submit')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
            {t('passwordChange.signOut')}
          </button>
        </div>
      </form>
    </div>
  );
}
