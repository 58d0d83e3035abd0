// Small pieces shared by the testing pages (全员核酸): the round picker, percentage bars, the age of a
// suspected-positive pool against its re-test target, status badges, and the op-answer line.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { testingApi, type Pool, type RoundStatus, type RoundView } from './testingApi.ts';
import { useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import './testing.css';

/**
 * The rounds this user may see, newest first; `onlyActive` hides closed ones. With nothing chosen
 * yet and exactly one round in progress (open or overdue), that round is chosen for the user, once:
 * choosing "pick a round" afterwards is left alone.
 */
export function RoundPicker({
  value,
  onPick,
  onlyActive = false,
  testId = 'round-picker',
}: {
  value: string;
  onPick: (round: RoundView | null) => void;
  onlyActive?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const rounds = useLoad(() => testingApi.rounds({ limit: 100, offset: 0 }), []);
  const list = (rounds.data?.items ?? []).filter((r) => !onlyActive || r.status !== 'closed');
  const autoPicked = useRef(false);
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;
  useEffect(() => {
    if (autoPicked.current || !rounds.data) return;
    autoPicked.current = true;
    if (value) return;
    const inProgress = rounds.data.items.filter((r) => r.status === 'open' || r.status === 'overdue');
    if (inProgress.length === 1) onPickRef.current(inProgress[0]!);
  }, [rounds.data, value]);
  return (
    <label className="field">
      <span className="field-label">{t('testing.roundLabel')}</span>
      <select
        data-testid={testId}
        value={value}
        onChange={(e) => onPick(list.find((r) => r.id === e.target.value) ?? null)}
      >
        <option value="">{rounds.loading ? t('common.loading') : t('testing.pickRound')}</option>
        {list.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name} · {t(`testing.status.${r.status}`)}
          </option>
        ))}
      </select>
      {rounds.error && <ErrorBox error={rounds.error} />}
    </label>
  );
}

export function RoundStatusBadge({ status }: { status: RoundStatus }) {
  const { t } = useTranslation();
  const cls = status === 'open' ? 'badge-on' : status === 'overdue' ? 'badge-warn' : 'badge-off';
  return (
    <span className={`badge ${cls}`} data-testid="round-status" data-status={status}>
      {t(`testing.status.${status}`)}
    </span>
  );
}

export function PoolStatusBadge({ status }: { status: Pool['status'] }) {
  const { t } = useTranslation();
  return (
    <span className={`badge pool-${status}`} data-testid="pool-status" data-status={status}>
      {t(`testing.poolStatus.${status}`)}
    </span>
  );
}

/** A percentage with a bar; `previous` draws a tick where the previous round stood. */
export function RateBar({ rate, previous }: { rate: number; previous?: number | null }) {
  const pct = Math.max(0, Math.min(1, rate));
  const tone = pct >= 0.98 ? 'ok' : pct >= 0.8 ? 'mid' : 'low';
  return (
    <span className="rate" title={`${(pct * 100).toFixed(1)}%`}>
      <span className="rate-bar" aria-hidden="true">
        <span className={`rate-fill rate-${tone}`} style={{ width: `${pct * 100}%` }} />
        {previous !== undefined && previous !== null && (
          <span className="rate-prev" style={{ left: `${Math.max(0, Math.min(1, previous)) * 100}%` }} />
        )}
      </span>
      <span className="rate-num">{(pct * 100).toFixed(1)}%</span>
    </span>
  );
}

export function hoursMinutes(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h}:${String(m).padStart(2, '0')}`;
}

/** How long a pool has been open against the re-test target (6 h by the rules): a bar that turns red past it. */
export function PoolAge({ pool }: { pool: Pool }) {
  const { t } = useTranslation();
  const share = pool.targetMs > 0 ? pool.ageMs / pool.targetMs : 0;
  const tone = pool.overdue ? 'low' : share > 0.75 ? 'mid' : 'ok';
  return (
    <span className="rate" data-testid="pool-age" data-overdue={pool.overdue ? '1' : '0'}>
      <span className="rate-bar" aria-hidden="true">
        <span className={`rate-fill rate-${tone}`} style={{ width: `${Math.min(1, share) * 100}%` }} />
      </span>
      <span className="rate-num">
        {t('testing.age', { age: hoursMinutes(pool.ageMs), target: hoursMinutes(pool.targetMs) })}
      </span>
    </span>
  );
}
