// 我的码 My code: the resident's personal code (亮码) as a QR for a guard to scan, and one for each
// dependant. A code is valid for a minute; a fresh one is fetched before the old one expires.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { venueApi } from '../venues/venueApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import type { ApiError } from '../shared/api.ts';
import type { PersonalCode } from './types.ts';
import { formatDateTime } from '../shared/format.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { QrCode } from '../shared/QrCode.tsx';
import { LiveClock, useNow } from '../venues/VerifyScreen.tsx';
import { ColourBadge } from '../health/HealthBits.tsx';
import { MyHealthSection } from '../health/MyHealthSection.tsx';

/** Fetch the next code this long before the current one expires. */
const REFRESH_AHEAD_MS = 10_000;

export function MyCodePage() {
  const { t } = useTranslation();
  const mine = useLoad(() => venueApi.myPerson(), []);
  const [personId, setPersonId] = useState<string | null>(null);

  if (mine.loading && !mine.data) return <Loading />;
  if (mine.error || !mine.data) return <ErrorBox error={mine.error} />;
  const people = [
    { id: mine.data.person.id, name: mine.data.person.name, note: t('checkin.me') },
    ...mine.data.dependants.map((d) => ({ id: d.id, name: d.name, note: d.relation })),
  ];
  const current = people.find((p) => p.id === personId) ?? people[0]!;

  return (
    <div className="my-code-page">
      <h1 className="page-title">{t('myCode.title')}</h1>
      {people.length > 1 && (
        <div className="chips my-code-people" role="tablist">
          {people.map((p) => (
            <button
              key={p.id}
              type="button"
              role="tab"
              aria-selected={p.id === current.id}
              className={`chip ${p.id === current.id ? 'on' : ''}`}
              data-testid={`my-code-person-${p.id}`}
              onClick={() => setPersonId(p.id)}
            >
              {p.name} <span className="muted small">{p.note}</span>
            </button>
          ))}
        </div>
      )}
      <PersonalCodeCard key={current.id} personId={current.id} name={current.name} />
      <p className="muted small">{t('myCode.explain')}</p>
      {current.id === mine.data.person.id && <MyHealthSection />}
    </div>
  );
}

function PersonalCodeCard({ personId, name }: { personId: string; name: string }) {
  const { t } = useTranslation();
  const [code, setCode] = useState<PersonalCode | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const now = useNow(1000);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    venueApi.personalCode(personId).then(
      (c) => {
        if (!live) return;
        setCode(c);
        setError(null);
        const wait = Math.max(5_000, Date.parse(c.expiresAt) - Date.now() - REFRESH_AHEAD_MS);
        timer = setTimeout(() => setAttempt((n) => n + 1), wait);
      },
      (err: unknown) => {
        if (!live) return;
        setError(toApiError(err));
        timer = setTimeout(() => setAttempt((n) => n + 1), 10_000);
      },
    );
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [personId, attempt]);

  const left = code ? Math.max(0, Math.ceil((Date.parse(code.expiresAt) - now) / 1000)) : 0;
  const expired = code !== null && left === 0;
  return (
    <div className="card my-code-card" data-testid="my-code-card">
      <div className="my-code-name">{name}</div>
      <LiveClock testId="my-code-clock" />
      {code ? (
        <div className={`my-code-qr ${expired ? 'expired' : ''}`}>
          <QrCode text={code.token} size={260} label={t('myCode.qrLabel', { name })} testId="my-code-qr" />
        </div>
      ) : (
        !error && <Loading />
      )}
      <ErrorBox error={error} />
      {code?.colour && (
        <div className="my-code-colour">
          <ColourBadge colour={code.colour} big />
          <div className="small" data-testid="my-code-test">
            {code.latestTest
              ? t('health.testLine', {
                  result: t(`health.result.${code.latestTest.result}`),
                  at: formatDateTime(code.latestTest.sampledAt),
                })
              : t('health.noTest')}
          </div>
        </div>
      )}
      {code && (
        <div className="my-code-meta" data-testid="my-code-expiry">
          {expired ? t('myCode.refreshing') : t('myCode.validFor', { seconds: left })}
        </div>
      )}
    </div>
  );
}

/** 扫码登记: how a resident checks in; a scanned venue link pasted here opens its check-in page. */
export function ScanHintPage() {
  const { t } = useTranslation();
  const [link, setLink] = useState('');
  const target = /\/([vs])\/([0-9a-z]+\.\d+\.[A-Za-z0-9_-]+)/.exec(link.trim());
  return (
    <div className="card scan-hint" data-testid="scan-hint">
      <h1 className="page-title">{t('scanHint.title')}</h1>
      <ol className="scan-steps">
        <li>{t('scanHint.step1')}</li>
        <li>{t('scanHint.step2')}</li>
        <li>{t('scanHint.step3')}</li>
      </ol>
      <label className="field">
        <span className="field-label">{t('scanHint.paste')}</span>
        <input
          value={link}
          onChange={(e) => setLink(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          data-testid="scan-hint-link"
        />
      </label>
      {target && (
        <Link className="btn btn-primary btn-block" to={`/${target[1]}/${target[2]}`}>
          {t('scanHint.open')}
        </Link>
      )}
    </div>
  );
}
