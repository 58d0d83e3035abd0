// 核验页 The door verification screen: the health-code colour over the whole screen, the masked name,
// the latest test (sampling time, hours ago), vaccination, the venue, the decision and the refusal
// reasons in plain words. A clock with seconds and a moving band run on it, so a screenshot held up
// at the door is told apart from the live page at a glance.
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Verification } from './types.ts';
import { TIME_ZONE, formatDateTime } from '../shared/format.ts';
import { currentLanguage } from '../shared/i18n.ts';
import './door.css';

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** HH:MM:SS in the deployment's zone, ticking every second; the date beneath it. */
export function LiveClock({ testId = 'verify-clock' }: { testId?: string }) {
  const now = useNow(1000);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(now);
  const date = new Intl.DateTimeFormat(currentLanguage(), {
    timeZone: TIME_ZONE,
    month: 'long',
    day: 'numeric',
    weekday: 'short',
  }).format(now);
  return (
    <div className="live-clock" data-testid={testId} data-now={now} aria-live="off">
      <span className="live-time">{time}</span>
      <span className="live-date">{date}</span>
    </div>
  );
}

export function VerifyScreen({
  result,
  onDone,
  footer,
}: {
  result: Verification;
  onDone?: () => void;
  footer?: ReactNode;
}) {
  const { t } = useTranslation();
  const tone = result.decision === 'exited' ? 'exited' : result.colour;
  const test = result.latestTest;
  return (
    <div
      className={`verify verify-${tone} ${result.decision === 'refused' ? 'verify-refused' : ''}`}
      data-testid="verify-screen"
      data-colour={result.colour}
      data-decision={result.decision}
      role="dialog"
      aria-modal="true"
      aria-label={t('verify.title')}
    >
      <div className="verify-sweep" aria-hidden="true" />
      <div className="verify-inner">
        <div className="verify-venue" data-testid="verify-venue">
          {result.venueName}
        </div>
        <LiveClock />
        <div className="verify-name" data-testid="verify-name">
          {result.maskedName}
        </div>

        {result.duplicate && result.decision !== 'refused' && (
          <div className="verify-repeat" data-testid="verify-repeat" role="status">
            {result.decision === 'exited'
              ? t('checkinMore.repeatExit', { time: formatDateTime(result.exitedAt ?? result.at) })
              : t('checkinMore.repeatEntry', { time: formatDateTime(result.at) })}
          </div>
        )}
        {result.decision === 'exited' ? (
          <div className="verify-decision calm" data-testid="verify-decision">
            <span className="verify-icon" aria-hidden="true">
              ↩
            </span>
            <span>{t('verify.exited')}</span>
            <span className="verify-decision-sub">{t('checkinMore.secondScanExit')}</span>
          </div>
        ) : (
          <>
            <div className="verify-colour" data-testid="verify-colour">
              {t(`verify.colour.${result.colour}`)}
            </div>
            <div className={`verify-decision ${result.decision}`} data-testid="verify-decision">
              <span className="verify-icon" aria-hidden="true">
                {result.decision === 'admitted' ? '✓' : '✕'}
              </span>
              <span>{t(`verify.decision.${result.decision}`)}</span>
            </div>
          </>
        )}

        {result.reasons.length > 0 && result.decision !== 'exited' && (
          <ul className="verify-reasons" data-testid="verify-reasons">
            {result.reasons.map((r) => (
              <li key={r.code} data-code={r.code}>
                {r.message}
              </li>
            ))}
          </ul>
        )}

        <dl className="verify-facts">
          <div>
            <dt>{t('verify.test')}</dt>
            <dd data-testid="verify-test">
              {test ? (
                <>
                  <span className="verify-fact-main">
                    {t(`verify.testResult.${test.result}`, { defaultValue: test.result })} ·{' '}
                    {t('verify.hoursAgo', { count: test.hoursAgo })}
                  </span>
                  <span className="verify-fact-sub">
                    {t('verify.sampledAt', { time: formatDateTime(test.sampledAt) })}
                  </span>
                </>
              ) : (
                <span className="verify-fact-main">{t('verify.noTest')}</span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('verify.vaccination')}</dt>
            <dd data-testid="verify-vaccinated">
              <span className="verify-fact-main">
                {result.vaccinated === null
                  ? t('verify.vaccinationUnknown')
                  : result.vaccinated
                    ? t('verify.vaccinated')
                    : t('verify.notVaccinated')}
              </span>
            </dd>
          </div>
          <div>
            {/* A refused scan never entered: its time is the scan's. */}
            <dt data-testid="verify-at-label">
              {result.decision === 'refused' ? t('checkinMore.scannedAt') : t('verify.enteredAt')}
            </dt>
            <dd>
              <span className="verify-fact-sub" data-testid="verify-at">
                {formatDateTime(result.at)}
              </span>
            </dd>
          </div>
          {result.decision === 'exited' && result.exitedAt != null && (
            <div>
              <dt>{t('checkinMore.exitedAt')}</dt>
              <dd>
                <span className="verify-fact-sub" data-testid="verify-exited-at">
                  {formatDateTime(result.exitedAt)}
                </span>
              </dd>
            </div>
          )}
        </dl>
        {footer}
        {onDone && (
          <button type="button" className="btn verify-done" data-testid="verify-done" onClick={onDone}>
            {t('verify.done')}
          </button>
        )}
      </div>
    </div>
  );
}
