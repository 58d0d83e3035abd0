// 扫码登记 Resident check-in: the page a venue poster (/v/…) or a venue screen (/s/…) opens. Signed out,
// it asks for the phone number and password, or registers a first-time resident against the registry;
// signed in, one tap checks in the resident and the dependants ticked, and the door verification
// screen follows.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError, setCsrfToken } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { newClientId, venueApi } from './venueApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { LangSwitch } from '../shared/LangSwitch.tsx';
import { Loading } from '../shared/Loading.tsx';
import { VerifyScreen } from './VerifyScreen.tsx';
import { CrowdBadge } from './CrowdBadge.tsx';
import type { Challenge } from '../residents/types.ts';
import type { Occupancy, Verification } from './types.ts';
import { formatDateTime } from '../shared/format.ts';
import './door.css';

export function CheckinPage({ kind }: { kind: 'v' | 's' }) {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const { me, loadError, reload } = useAuth();
  const venueCode = `/${kind}/${code}`;
  const venueId = code.split('.')[0] ?? '';
  const [results, setResults] = useState<Verification[] | null>(null);
  const [shown, setShown] = useState(0);

  if (results && results.length > 0) {
    const result = results[Math.min(shown, results.length - 1)]!;
    return (
      <VerifyScreen
        result={result}
        onDone={() => {
          setResults(null);
          setShown(0);
        }}
        footer={
          results.length > 1 && (
            <div className="verify-pager">
              {results.map((r, i) => (
                <button
                  key={r.checkinId}
                  type="button"
                  className={`chip ${i === shown ? 'on' : ''}`}
                  data-testid={`verify-person-${i}`}
                  aria-pressed={i === shown}
                  onClick={() => setShown(i)}
                >
                  {r.maskedName}
                </button>
              ))}
            </div>
          )
        }
      />
    );
  }

  return (
    <div className="door-page">
      <header className="door-top">
        <span className="brand-mark" aria-hidden="true">
          ＋
        </span>
        <span className="door-title">{t('checkin.title')}</span>
        <LangSwitch className="on-dark" />
      </header>
      <main className="door-main">
        <VenueLevel venueId={venueId} />
        {kind === 's' && <p className="muted small">{t('checkin.screenCode')}</p>}
        {me === undefined && <Loading />}
        {me === null && loadError && (
          <>
            <ErrorBox error={loadError} />
            <button type="button" className="btn" onClick={reload}>
              {t('common.retry')}
            </button>
          </>
        )}
        {me === null && !loadError && <SignInOrRegister />}
        {me && (
          <CheckInForm
            code={venueCode}
            onResults={(r) => {
              setResults(r);
              setShown(0);
            }}
          />
        )}
      </main>
    </div>
  );
}

/** The venue's live crowd level before checking in (public; nothing when the code names no live venue). */
function VenueLevel({ venueId }: { venueId: string }) {
  const { t } = useTranslation();
  const [occ, setOcc] = useState<Occupancy | null>(null);
  useEffect(() => {
    let live = true;
    venueApi.occupancy(venueId).then(
      (o) => {
        if (live) setOcc(o);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [venueId]);
  if (!occ) return null;
  return (
    <>
      <div className="door-venue" data-testid="checkin-venue">
        <span className="door-venue-label">{t('checkinMore.venueLabel')}</span>
        <span className="door-venue-name" data-testid="checkin-venue-name">
          {occ.venueName}
        </span>
      </div>
      <div className="door-level" data-testid="checkin-level">
        <CrowdBadge level={occ.level} />
        <span>{t('live.countOf', { count: occ.count, capacity: occ.capacity })}</span>
      </div>
    </>
  );
}

function CheckInForm({ code, onResults }: { code: string; onResults: (r: Verification[]) => void }) {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const person = useLoad(() => venueApi.myPerson(), [me?.id]);
  // What the resident's own scan does here: a new entry, or the check-out of their open visit.
  const scan = useLoad(() => venueApi.myScan(code), [me?.id, code]);
  const [self, setSelf] = useState(true);
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // One id per intended check-in: a retry after a lost answer is stored once.
  const [clientId, setClientId] = useState(newClientId);

  if (person.loading && !person.data) return <Loading />;
  if (person.error) {
    return (
      <div className="card">
        <ErrorBox error={person.error} />
        {person.error.code === 'RESIDENT_NOT_LINKED' && <p>{t('checkin.notResident')}</p>}
        <button type="button" className="btn btn-block" data-testid="checkin-logout" onClick={() => void logout()}>
          {t('checkin.switchAccount')}
        </button>
      </div>
    );
  }
  const mine = person.data!;
  const personIds = [...(self ? [mine.person.id] : []), ...picked];
  const next = self ? scan.data?.next : undefined;
  const exiting = next === 'exit' || next === 'repeat-exit';

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const only = personIds.length === 1 && personIds[0] === mine.person.id;
      const r = await venueApi.selfCheckIn({ code, clientId, ...(only ? {} : { personIds }) });
      setClientId(newClientId());
      setPicked([]);
      setSelf(true);
      onResults(r.results);
    } catch (err) {
      const e = toApiError(err);
      // A refusal of the request itself (bad code, not allowed) will not change on retry: new id next time.
      if (e.status !== 0 && e.status < 500) setClientId(newClientId());
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card door-card" data-testid="checkin-form">
      <div className="door-hello">{t('checkin.hello', { name: mine.person.maskedName })}</div>
      <ErrorBox error={scan.error} />
      {next === 'exit' && scan.data?.enteredAt != null && (
        <p className="alert alert-info small" data-testid="checkin-exit-lead">
          {t('checkinMore.exitLead', { time: formatDateTime(scan.data.enteredAt) })}
        </p>
      )}
      {next === 'repeat-entry' && scan.data?.enteredAt != null && (
        <p className="alert alert-info small" data-testid="checkin-repeat-lead">
          {t('checkinMore.repeatLead', { time: formatDateTime(scan.data.enteredAt) })}
        </p>
      )}
      <fieldset className="field">
        <legend className="field-label">{t('checkin.who')}</legend>
        <div className="door-people">
          <label className="check door-person">
            <input
              type="checkbox"
              data-testid="checkin-self"
              checked={self}
              onChange={(e) => setSelf(e.target.checked)}
            />
            <span>
              {mine.person.name} <span className="muted small">{t('checkin.me')}</span>
            </span>
          </label>
          {mine.dependants.map((d) => (
            <label key={d.id} className="check door-person">
              <input
                type="checkbox"
                data-testid={`dependant-${d.id}`}
                checked={picked.includes(d.id)}
                onChange={(e) => setPicked((p) => (e.target.checked ? [...p, d.id] : p.filter((x) => x !== d.id)))}
              />
              <span>
                {d.name}{' '}
                <span className="muted small">
                  {[d.relation, d.age !== null ? t('person.years', { age: d.age }) : ''].filter(Boolean).join(' · ')}
                </span>
              </span>
            </label>
          ))}
        </div>
        {mine.dependants.length > 0 && <span className="field-hint">{t('checkin.dependantsHint')}</span>}
      </fieldset>
      <ErrorBox error={error} />
      <button
        type="button"
        className="btn btn-primary btn-block door-go"
        data-testid="checkin-submit"
        data-action={exiting ? 'exit' : 'enter'}
        disabled={busy || personIds.length === 0}
        onClick={() => void submit()}
      >
        {busy ? t('common.working') : exiting ? t('checkinMore.submitExit') : t('checkin.submit')}
      </button>
      <p className="muted small door-note">{t('checkin.exitHint')}</p>
      <p className="door-links small">
        <Link to="/me/code">{t('checkin.myCode')}</Link>
        <button type="button" className="link-button" onClick={() => void logout()}>
          {t('nav.logout')}
        </button>
      </p>
    </div>
  );
}

type Mode = 'signin' | 'register';

function SignInOrRegister() {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>('signin');
  return (
    <div className="card door-card">
      <div className="door-tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'signin'}
          className={mode === 'signin' ? 'on' : ''}
          data-testid="checkin-tab-signin"
          onClick={() => setMode('signin')}
        >
          {t('checkin.signIn')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'register'}
          className={mode === 'register' ? 'on' : ''}
          data-testid="checkin-tab-register"
          onClick={() => setMode('register')}
        >
          {t('checkin.firstTime')}
        </button>
      </div>
      {mode === 'signin' ? <SignInForm /> : <RegisterForm />}
    </div>
  );
}

function SignInForm() {
  const { t } = useTranslation();
  const { login } = useAuth();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(phone.trim(), password);
    } catch (err) {
      setError(toApiError(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      <DoorField label={t('checkin.phone')}>
        <input
          data-testid="checkin-login-phone"
          type="tel"
          inputMode="numeric"
          autoComplete="username"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
      </DoorField>
      <DoorField label={t('login.password')}>
        <input
          data-testid="checkin-login-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </DoorField>
      <ErrorBox error={error} />
      <button
        type="submit"
        className="btn btn-primary btn-block"
        data-testid="checkin-login-submit"
        disabled={busy || !phone.trim() || !password}
      >
        {busy ? t('login.signingIn') : t('login.submit')}
      </button>
    </form>
  );
}

/**
 * Registration in two steps: the person as registered and the phone the registry holds for them, then
 * the code texted to that phone with a password. The server answers the first step the same whether or
 * not the details match; no code arriving means the registry holds another phone (or none), and a
 * community worker registers the resident at the door.
 */
function RegisterForm() {
  const { t } = useTranslation();
  const { reload } = useAuth();
  const [form, setForm] = useState({ phone: '', name: '', idNumber: '', code: '', password: '' });
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = (k: keyof typeof form, v: string) => setForm((f) => ({ ...f, [k]: v }));
  const fieldErrors = (name: string) =>
    error?.errors
      .filter((f) => f.field === name)
      .map((f) => (
        <span key={f.code} className="field-error">
          {f.message}
        </span>
      ));
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
      setChallenge(
        await venueApi.startRegistration({
          phone: form.phone.trim(),
          name: form.name.trim(),
          idNumber: form.idNumber.trim(),
        }),
      );
      set('code', '');
    });
  };
  const verify = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await venueApi.verifyRegistration({
        challengeId: challenge!.challengeId,
        code: form.code.trim(),
        password: form.password,
      });
      setCsrfToken(r.csrfToken);
      reload();
    });
  };

  if (challenge) {
    const ready = /^\d{6}$/.test(form.code.trim()) && form.password;
    return (
      <form className="form" onSubmit={verify} noValidate data-testid="checkin-register-verify-form">
        <p className="small" data-testid="checkin-register-sent">
          {t('checkin.codeSent', { phone: challenge.sentTo })}
        </p>
        <p className="muted small">{t('checkin.noCodeAtDoor')}</p>
        <DoorField label={t('checkin.code')} errors={fieldErrors('code')}>
          <input
            data-testid="checkin-register-code"
            className="mono"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={form.code}
            onChange={(e) => set('code', e.target.value)}
          />
        </DoorField>
        <DoorField label={t('checkin.newPassword')} hint={t('checkin.passwordHint')} errors={fieldErrors('password')}>
          <input
            data-testid="checkin-register-password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => set('password', e.target.value)}
          />
        </DoorField>
        <ErrorBox error={error}>
          {error?.code === 'RESIDENT_ALREADY_REGISTERED' && <div>{t('checkin.alreadyRegistered')}</div>}
        </ErrorBox>
        <button
          type="submit"
          className="btn btn-primary btn-block"
          data-testid="checkin-register-submit"
          disabled={busy || !ready}
        >
          {busy ? t('common.working') : t('checkin.register')}
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-block"
          data-testid="checkin-register-back"
          onClick={() => {
            setChallenge(null);
            setError(null);
          }}
        >
          {t('checkin.codeAgain')}
        </button>
      </form>
    );
  }

  const ready = form.phone.trim() && form.name.trim() && form.idNumber.trim();
  return (
    <form className="form" onSubmit={sendCode} noValidate data-testid="checkin-register-form">
      <p className="muted small">{t('checkin.registerLead')}</p>
      <DoorField label={t('person.name')} errors={fieldErrors('name')}>
        <input
          data-testid="checkin-register-name"
          autoComplete="name"
          maxLength={50}
          value={form.name}
          onChange={(e) => set('name', e.target.value)}
        />
      </DoorField>
      <DoorField label={t('person.idNumber')} errors={fieldErrors('idNumber')}>
        <input
          data-testid="checkin-register-id-number"
          className="mono"
          autoComplete="off"
          spellCheck={false}
          maxLength={20}
          value={form.idNumber}
          onChange={(e) => set('idNumber', e.target.value)}
        />
      </DoorField>
      <DoorField label={t('checkin.phone')} hint={t('checkin.registryPhoneHint')} errors={fieldErrors('phone')}>
        <input
          data-testid="checkin-register-phone"
          type="tel"
          inputMode="numeric"
          autoComplete="tel"
          maxLength={20}
          value={form.phone}
          onChange={(e) => set('phone', e.target.value)}
        />
      </DoorField>
      <ErrorBox error={error} />
      <button
        type="submit"
        className="btn btn-primary btn-block"
        data-testid="checkin-register-send"
        disabled={busy || !ready}
      >
        {busy ? t('common.working') : t('checkin.sendCode')}
      </button>
      <p className="muted small">{t('checkin.privacy')}</p>
    </form>
  );
}

function DoorField({
  label,
  hint,
  errors,
  children,
}: {
  label: string;
  hint?: string;
  errors?: ReactNode[];
  children: ReactNode;
}) {
  return (
    <label className={`field ${errors?.length ? 'has-error' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
      {hint && !errors?.length && <span className="field-hint">{hint}</span>}
      {errors}
    </label>
  );
}
