// Sign in: username and password; the API's refusal (LOGIN_FAILED, ACCOUNT_LOCKED with the unlock
// time, RATE_LIMITED) is shown as it comes.
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth.tsx';
import { ApiError } from '../shared/api.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { LangSwitch } from '../shared/LangSwitch.tsx';
import { formatDateTime } from '../shared/format.ts';

export function LoginPage() {
  const { t } = useTranslation();
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  if (me) return <Navigate to={from} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      navigate(from, { replace: true });
    } catch (err) {
      setError(toApiError(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const lockedUntil = error?.code === 'ACCOUNT_LOCKED' ? instantOf(error.problem.lockedUntil) : null;

  return (
    <div className="login-page">
      <div className="login-top">
        <LangSwitch className="on-dark" />
      </div>
      <div className="login-card card">
        <div className="login-brand">
          <span className="brand-mark big" aria-hidden="true">
            ＋
          </span>
          <div>
            <div className="login-name">Cordon</div>
            <h1 className="login-title">{t('app.subtitle')}</h1>
          </div>
        </div>
        <p className="login-lead">{t('login.lead')}</p>
        <form onSubmit={(e) => void submit(e)} className="form" noValidate>
          <label className="field">
            <span className="field-label">{t('login.username')}</span>
            <input
              data-testid="login-username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
            />
          </label>
          <label className="field">
            <span className="field-label">{t('login.password')}</span>
            <input
              data-testid="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          <ErrorBox error={error}>
            {lockedUntil !== null && (
              <div data-testid="locked-until">{t('login.lockedUntil', { time: formatDateTime(lockedUntil) })}</div>
            )}
            {error?.code === 'RATE_LIMITED' && <div>{t('login.rateLimited')}</div>}
          </ErrorBox>
          <button
            type="submit"
            className="btn btn-primary btn-block"
            data-testid="login-submit"
            disabled={busy || !username.trim() || !password}
          >
            {busy ? t('login.signingIn') : t('login.submit')}
          </button>
        </form>
        <p className="login-foot">{t('login.notice')}</p>
        <p className="login-foot">
          <Link to="/live" data-testid="login-live-link">
            {t('login.live')}
          </Link>
        </p>
      </div>
    </div>
  );
}

/** lockedUntil as epoch ms, whether the server sent a number or an ISO 8601 string. */
function instantOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
