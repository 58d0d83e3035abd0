// 核酸轮次看板 One round's live dashboard: the figures (sampled, resulted, open tubes, suspected-positive
// pools, missing) pushed by server-sent events; coverage by district → street → community → grid →
// building with bars and the previous round beside it (its rate, missing people and positive pools); the open pools with their age against the
// 6-hour re-test target; and the planner — sites, tables and samplers needed by the norms against
// those registered, and what is short.
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { liveUrl, testingApi, type CoverageFigures, type CoverageRow, type RoundSummary } from './testingApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { StaleBanner } from '../shared/StaleBanner.tsx';
import { latest, useChangedAt, useLiveStream, usePollWhileStale } from '../shared/liveStream.ts';
import { Loading } from '../shared/Loading.tsx';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import { RateBar, RoundStatusBadge } from './TestingParts.tsx';
import { PoolsPanel } from './TestingPools.tsx';
import { RoundPlan } from './TestingPlan.tsx';

const POLL_MS = 10_000;

/**
 * The round's figures: pushed by the server when it can, polled every 10 s anyway, and every 5 s while
 * the stream cannot be trusted (the page then says its figures may be stale).
 */
function useLiveRound(roundId: string) {
  const [tick, setTick] = useState(0);
  const [poolTick, setPoolTick] = useState(0);
  const [pushed, setPushed] = useState<RoundSummary | null>(null);
  const round = useLoad(() => testingApi.round(roundId), [roundId, tick]);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [roundId]);
  const stream = useLiveStream(liveUrl(roundId), {
    summary: (data) => {
      try {
        setPushed(JSON.parse(data) as RoundSummary);
      } catch {
        // skipped: the next event or poll carries the full figures again
      }
    },
    pool: () => setPoolTick((n) => n + 1),
  });
  const reload = useCallback(() => setTick((n) => n + 1), []);
  usePollWhileStale(stream.stale, reload);
  useEffect(() => setPushed(null), [round.data]);
  const loadedAt = useChangedAt(round.data);
  return {
    round,
    summary: pushed ?? round.data?.summary,
    poolTick,
    reload,
    stale: stream.stale,
    updatedAt: latest(loadedAt, stream.lastEventAt),
  };
}

export function TestingRoundPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { can } = useAuth();
  const [tab, setTab] = useState<'coverage' | 'pools' | 'plan'>('coverage');
  const live = useLiveRound(id);
  const data = live.round.data;
  const summary = live.summary;
  const [error, setError] = useState<ApiError | null>(null);

  if (live.round.loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={live.round.error} />;
  const r = data.round;

  const close = async () => {
    if (!window.confirm(t('testing.round.closeConfirm', { name: r.name }))) return;
    setError(null);
    try {
      await testingApi.closeRound(r.id);
      live.reload();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <div className="testing-page" data-testid="round-page" data-round-id={r.id}>
      <nav className="breadcrumb" aria-label={t('common.breadcrumb')}>
        <ol>
          <li>
            <Link to="/testing/rounds">{t('testing.rounds.title')}</Link>
          </li>
          <li aria-current="page">{r.name}</li>
        </ol>
      </nav>
      <div className="card">
        <div className="card-title-row">
          <h1 className="page-title">
            {r.name} <RoundStatusBadge status={r.status} />
          </h1>
          {can('testing.round') && r.status !== 'closed' && (
            <button type="button" className="btn btn-small" data-testid="round-close" onClick={() => void close()}>
              {t('testing.round.close')}
            </button>
          )}
        </div>
        <p className="muted small">
          {t('testing.round.window', { start: formatDateTime(r.startsAt), deadline: formatDateTime(r.deadlineAt) })}
          {' · '}
          {r.areas
            .map(
              (a) => `${a.name}(${t(`poolAdvisor.controlLevel.${a.controlLevel}`, { defaultValue: a.controlLevel })})`,
            )
            .join('、')}
          {' · '}
          {r.autoReport ? t('testing.round.autoReportOn') : t('testing.round.autoReportOff')}
          {' · '}
          {t('testing.round.rules', { pooling: r.rules.pooling, testing: r.rules.testing })}
        </p>
        <ErrorBox error={error} />
        <StaleBanner stale={live.stale} updatedAt={live.updatedAt} />
        {summary && (
          <div className="stats round-stats" data-testid="round-summary">
            <Stat label={t('testing.summary.target')} value={summary.target} />
            <Stat
              label={t('testing.summary.sampled')}
              value={summary.sampled}
              testId="summary-sampled"
              sub={summary.target ? `${((summary.sampled / summary.target) * 100).toFixed(1)}%` : undefined}
            />
            <Stat label={t('testing.summary.resulted')} value={summary.resulted} testId="summary-resulted" />
            <Stat label={t('testing.summary.missing')} value={summary.missing} testId="summary-missing" />
            <Stat
              label={t('testing.summary.tubes')}
              value={summary.tubes}
              sub={t('testing.summary.openTubes', { count: summary.openTubes })}
            />
            <Stat
              label={t('testing.summary.positivePools')}
              value={summary.positivePools}
              testId="summary-positive-pools"
              alarm={summary.openPools > 0}
              sub={t('testing.summary.openPools', { count: summary.openPools })}
            />
            <Stat
              label={t('custody.gaps')}
              value={summary.custodyGaps}
              testId="summary-custody-gaps"
              alarm={summary.custodyGaps > 0}
              sub={t('custody.gapsHint')}
            />
          </div>
        )}
      </div>
      <div className="seg" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'coverage'}
          className={tab === 'coverage' ? 'on' : ''}
          data-testid="round-tab-coverage"
          onClick={() => setTab('coverage')}
        >
          {t('testing.round.tabCoverage')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'pools'}
          className={tab === 'pools' ? 'on' : ''}
          data-testid="round-tab-pools"
          onClick={() => setTab('pools')}
        >
          {t('testing.round.tabPools')}
          {summary && summary.openPools > 0 && <span className="count-dot">{summary.openPools}</span>}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'plan'}
          className={tab === 'plan' ? 'on' : ''}
          data-testid="round-tab-plan"
          onClick={() => setTab('plan')}
        >
          {t('testing.round.tabPlan')}
        </button>
      </div>
      {tab === 'coverage' && (
        <CoverageView roundId={r.id} hasPrevious={!!r.previousRoundId} refreshKey={live.poolTick} />
      )}
      {tab === 'pools' && <PoolsPanel roundId={r.id} refreshKey={live.poolTick} />}
      {tab === 'plan' && <RoundPlan round={r} onRoundChange={live.reload} />}
    </div>
  );
}

function Stat({
  label,
  value,
  sub,
  testId,
  alarm,
}: {
  label: string;
  value: number;
  sub?: string;
  testId?: string;
  alarm?: boolean;
}) {
  return (
    <div className={`stat ${alarm ? 'stat-alarm' : ''}`}>
      <div className="stat-value" data-testid={testId} data-value={value}>
        {formatNumber(value)}
      </div>
      <div className="stat-label">
        {label}
        {sub && <> · {sub}</>}
      </div>
    </div>
  );
}

interface Crumb {
  areaId: string | null;
  name: string;
}

function CoverageView({
  roundId,
  hasPrevious,
  refreshKey,
}: {
  roundId: string;
  hasPrevious: boolean;
  refreshKey: number;
}) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [path, setPath] = useState<Crumb[]>([]);
  const here = path[path.length - 1];
  const coverage = useLoad(
    () => testingApi.coverage(roundId, here?.areaId ?? undefined),
    [roundId, here?.areaId, refreshKey],
  );
  const data = coverage.data;

  const open = (row: CoverageRow) => {
    if (row.level === 'building' || !row.areaId) return;
    setPath((p) => [...p, { areaId: row.areaId, name: row.name }]);
  };

  return (
    <section className="card" data-testid="coverage">
      <div className="card-title-row">
        <h2 className="card-title">{t('testing.coverage.title')}</h2>
        <button type="button" className="btn btn-small" onClick={coverage.reload}>
          {t('common.refresh')}
        </button>
      </div>
      <nav className="breadcrumb" aria-label={t('common.breadcrumb')}>
        <ol>
          <li>
            {path.length ? (
              <button type="button" className="link-button" data-testid="coverage-up-root" onClick={() => setPath([])}>
                {t('testing.coverage.roundAreas')}
              </button>
            ) : (
              <span aria-current="page">{t('testing.coverage.roundAreas')}</span>
            )}
          </li>
          {path.map((c, i) => (
            <li key={c.areaId ?? i}>
              {i === path.length - 1 ? (
                <span aria-current="page">{c.name}</span>
              ) : (
                <button type="button" className="link-button" onClick={() => setPath(path.slice(0, i + 1))}>
                  {c.name}
                </button>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <ErrorBox error={coverage.error} />
      {coverage.loading && !data && <Loading />}
      {data && (
        <div className="table-scroll">
          <table className="table coverage-table" data-testid="coverage-table">
            <thead>
              <tr>
                <th>{t('testing.coverage.name')}</th>
                <th className="num">{t('testing.summary.target')}</th>
                <th className="num">{t('testing.summary.sampled')}</th>
                <th className="num">{t('testing.summary.resulted')}</th>
                <th className="num">{t('testing.coverage.positivePools')}</th>
                <th className="num">{t('testing.summary.missing')}</th>
                <th>{t('testing.coverage.rate')}</th>
                {hasPrevious && <th className="num">{t('testing.coverage.previous')}</th>}
                <th />
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row) => (
                <tr
                  key={row.buildingId ?? row.areaId ?? row.name}
                  data-testid="coverage-row"
                  data-level={row.level}
                  data-area-id={row.areaId ?? ''}
                  data-building-id={row.buildingId ?? ''}
                >
                  <td>
                    {row.level !== 'building' && row.areaId ? (
                      <button
                        type="button"
                        className="link-button strong-link"
                        data-testid="coverage-open"
                        onClick={() => open(row)}
                      >
                        {row.name}
                      </button>
                    ) : (
                      <span>{row.name}</span>
                    )}{' '}
                    <span className={`level level-${row.level}`}>
                      {t(row.level === 'building' ? 'testing.coverage.building' : `level.${row.level}`)}
                    </span>
                  </td>
                  <Figures f={row} hasPrevious={hasPrevious} />
                  <td className="nowrap">
                    {row.level === 'building' && row.buildingId && can('testing.doorknock') && row.missing > 0 && (
                      <Link
                        className="btn btn-small"
                        data-testid="coverage-door-knock"
                        to={`/testing/door-knock?round=${encodeURIComponent(roundId)}&building=${encodeURIComponent(row.buildingId)}`}
                      >
                        {t('testing.coverage.doorKnock')}
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="total-row" data-testid="coverage-total">
                <td className="strong">
                  {t('testing.coverage.total')}
                  {data.area ? ` · ${data.area.name}` : ''}
                </td>
                <Figures f={data.totals} hasPrevious={hasPrevious} />
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      {hasPrevious && <p className="field-hint">{t('testing.coverage.previousHint')}</p>}
    </section>
  );
}

function Figures({ f, hasPrevious }: { f: CoverageFigures; hasPrevious: boolean }) {
  const { t } = useTranslation();
  const delta = f.previous ? f.rate - f.previous.rate : null;
  return (
    <>
      <td className="num">{formatNumber(f.target)}</td>
      <td className="num">{formatNumber(f.sampled)}</td>
      <td className="num">{formatNumber(f.resulted)}</td>
      <td className={`num ${f.positivePools > 0 ? 'alarm-text' : ''}`}>{formatNumber(f.positivePools)}</td>
      <td className="num">{formatNumber(f.missing)}</td>
      <td>
        <RateBar rate={f.rate} previous={f.previous?.rate ?? null} />
      </td>
      {hasPrevious && (
        <td className="num nowrap">
          {f.previous ? (
            <span
              data-testid="coverage-previous"
              data-sampled={f.previous.sampled}
              data-missing={f.previous.missing}
              data-positive-pools={f.previous.positivePools}
            >
              {(f.previous.rate * 100).toFixed(1)}%
              {delta !== null && (
                <span className={`delta ${delta >= 0 ? 'up' : 'down'}`}>
                  {' '}
                  {delta >= 0 ? '+' : ''}
                  {(delta * 100).toFixed(1)}
                </span>
              )}
              <span className={`muted small previous-detail ${f.previous.positivePools > 0 ? 'alarm-text' : ''}`}>
                {' · '}
                {t('testing.coverage.previousDetail', {
                  missing: formatNumber(f.previous.missing),
                  pools: formatNumber(f.previous.positivePools),
                })}
              </span>
            </span>
          ) : (
            '—'
          )}
        </td>
      )}
    </>
  );
}
