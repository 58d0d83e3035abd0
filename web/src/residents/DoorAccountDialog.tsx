// 上门登记: a community worker registers a resident whose registry phone is missing or changed, or
// re-binds a resident's account to a new phone. A code goes by SMS to the phone the resident holds now;
// the resident reads it out; the code creates (or re-binds) the account and the registry takes the new
// phone, in one audited step. A generated password is shown once, to hand over.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError } from '../shared/api.ts';
import { residentsApi } from './residentsApi.ts';
import type { PersonView } from '../registry/types.ts';
import type { Challenge, DoorAccount } from './types.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Modal } from '../shared/Modal.tsx';

export function DoorAccountDialog({ person, onClose }: { person: PersonView; onClose: () => void }) {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [done, setDone] = useState<DoorAccount | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const sendCode = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      setChallenge(await residentsApi.doorCode(person.id, phone.trim()));
      setCode('');
    });
  };
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      setDone(
        await residentsApi.doorAccount(person.id, {
          challengeId: challenge!.challengeId,
          code: code.trim(),
          ...(password ? { password } : {}),
        }),
      );
    });
  };

  return (
    <Modal title={t('doorAccount.title', { name: person.name })} onClose={onClose} testId="door-account-dialog">
      {done ? (
        <div className="form" data-testid="door-account-done">
          <p>
            {t(done.created ? 'doorAccount.created' : 'doorAccount.rebound', {
              phone: done.phone,
              sessions: done.sessionsEnded,
            })}
          </p>
          {done.password && (
            <p>
              {t('doorAccount.password')}{' '}
              <strong className="mono clear-value" data-testid="door-account-password">
                {done.password}
              </strong>
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn btn-primary" onClick={onClose}>
              {t('common.close')}
            </button>
          </div>
        </div>
      ) : challenge ? (
        <form className="form" onSubmit={confirm} noValidate>
          <p className="small">{t('doorAccount.sent', { phone: challenge.sentTo })}</p>
          <label className="field">
            <span className="field-label">{t('checkin.code')}</span>
            <input
              data-testid="door-account-code"
              className="mono"
              inputMode="numeric"
              autoComplete="off"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('doorAccount.newPassword')}</span>
            <input
              data-testid="door-account-new-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <span className="field-hint">{t('doorAccount.passwordHint')}</span>
          </label>
          <ErrorBox error={error} />
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setChallenge(null);
                setError(null);
              }}
            >
              {t('checkin.codeAgain')}
            </button>
            <button
              type="submit"
              className="btn btn-primary"
              data-testid="door-account-confirm"
              disabled={busy || !/^\d{6}$/.test(code.trim())}
            >
              {busy ? t('common.working') : t('doorAccount.confirm')}
            </button>
          </div>
        </form>
      ) : (
        <form className="form" onSubmit={sendCode} noValidate>
          <p className="muted small">{t('doorAccount.explain')}</p>
          <label className="field">
            <span className="field-label">{t('doorAccount.phone')}</span>
            <input
              data-testid="door-account-phone"
              type="tel"
              inputMode="numeric"
              autoComplete="off"
              maxLength={20}
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
            />
          </label>
          <ErrorBox error={error} />
          <div className="form-actions">
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button
              type="submit"
              className="btn btn-primary"
              data-testid="door-account-send"
              disabled={busy || !phone.trim()}
            >
              {busy ? t('common.working') : t('checkin.sendCode')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
