// 指挥中心首页 The command centre's figures of the signed-in officer's area: today's cases, contacts
// waiting for review, people by health-code colour, testing rounds in progress and open pools. Each
// figure is what its own page says (one summary request; refreshed each minute); a figure the role may
// not read is left out.
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { commandApi } from './commandApi.ts';
import { useLoad } from '../shared/useLoad.ts';
import { formatDateTime } from '../shared/format.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import './command.css';

function Stat({
  testId,
  value,
  label,
  to,
  tone,
}: {
  testId: string;
  value: number;
  label: string;
  to?: string;
  tone?: 'alarm' | 'warn';
}) {
  const body = (
    <>
      <div className="stat-value" data-testid={`${testId}-value`}>
        {value.toLocaleString()}
      </div>
      <div className="stat-label">{label}</div>
    </>
  );
  const cls = `stat ${tone === 'alarm' && value > 0 ? 'stat-alarm' : tone === 'warn' && value > 0 ? 'stat-warn' : ''}`;
  return to ? (
    <Link to={to} className={`${cls} stat-link`} data-testid={testId}>
      {body}
    </Link>
  ) : (
    <div className={cls} data-testid={testId}>
      {body}
    </div>
  );
}

export function CommandSummaryCards() {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const summary = useLoad(() => commandApi.summary(), [tick]);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  if (summary.loading && !summary.data)
    return (
      <div className="card">
        <Loading />
      </div>
    );
  if (!summary.data) return <ErrorBox error={summary.error} />;
  const s = summary.data;
  const stats: ReactNode[] = [];
  if (s.cases) {
    stats.push(
      <Stat
        key="today"
        testId="home-cases-today"
        value={s.cases.today}
        label={t('commandHome.casesToday')}
        to="/cases"
        tone="alarm"
      />,
    );
    stats.push(
      <Stat
        key="cases"
        testId="home-cases-total"
        value={s.cases.total}
        label={t('commandHome.casesTotal')}
        to="/cases"
      />,
    );
  }
  if (s.pendingReview !== null)
    stats.push(
      <Stat
        key="review"
        testId="home-review"
        value={s.pendingReview}
        label={t('commandHome.pendingReview')}
        to="/review"
        tone="warn"
      />,
    );
  if (s.openPools !== null)
    stats.push(
      <Stat
        key="pools"
        testId="home-pools"
        value={s.openPools}
        label={t('commandHome.openPools')}
        to="/testing/lab"
        tone="alarm"
      />,
    );
  return (
    <section className="card command-summary" data-testid="command-summary" aria-label={t('commandHome.title')}>
      <div className="card-head">
        <h2>{t('commandHome.title')}</h2>
        <span className="muted small">{t('commandHome.since', { time: formatDateTime(s.dayStart) })}</span>
      </div>
      <ErrorBox error={summary.error} />
      {stats.length > 0 && <div className="stats command-stats">{stats}</div>}
      {s.colours && (
        <div className="command-colours" data-testid="home-colours">
          <span className="field-label">{t('commandHome.colours')}</span>
          {(['red', 'yellow', 'green'] as const).map((c) => (
            <span key={c} className={`colour-chip colour-${c}`} data-testid={`home-colour-${c}`}>
              {t(`commandHome.colour.${c}`)} <strong>{s.colours![c].toLocaleString()}</strong>
            </span>
          ))}
        </div>
      )}
      {s.rounds && (
        <div className="command-rounds" data-testid="home-rounds">
          <span className="field-label">{t('commandHome.rounds')}</span>
          {s.rounds.length === 0 && <p className="muted small">{t('commandHome.noRound')}</p>}
          {s.rounds.map((r) => {
            const pct = r.target > 0 ? Math.min(100, Math.round((r.sampled / r.target) * 100)) : 0;
            return (
              <Link key={r.id} to={`/testing/rounds/${r.id}`} className="command-round" data-testid="home-round">
                <span className="command-round-name">{r.name}</span>
                <span className="command-round-bar" aria-hidden="true">
                  <span style={{ width: `${pct}%` }} />
                </span>
                <span className="small">
                  {t('commandHome.roundProgress', {
                    sampled: r.sampled.toLocaleString(),
                    target: r.target.toLocaleString(),
                    pct,
                    resulted: r.resulted.toLocaleString(),
                  })}
                </span>
                {r.status === 'overdue' && <span className="badge badge-warn">{t('commandHome.overdue')}</span>}
              </Link>
            );
          })}
        </div>
      )}
    </section>
  );
}
