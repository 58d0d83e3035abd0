// 混管可疑阳性 Suspected-positive pools of a round: each with its age against the 6-hour re-test target,
// its re-tests, and the one-click report (一键即报) that notifies the emergency sampling squad, the
// members' communities and the police at once, puts every member under in-place control and creates
// the single-tube re-sampling tasks. A pool's detail lists who has not yet been re-sampled.
import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { testingApi, type Pool, type ReportOutcome } from './testingApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatDateTime } from '../shared/format.ts';
import { PoolAge, PoolStatusBadge } from './TestingParts.tsx';

export function PoolsPanel({ roundId, refreshKey = 0 }: { roundId: string; refreshKey?: number }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [filter, setFilter] = useState<'open' | 'all'>('open');
  const [tick, setTick] = useState(0);
  const pools = useLoad(
    () => testingApi.pools({ roundId, status: filter, limit: 200, offset: 0 }),
    [roundId, filter, refreshKey, tick],
  );
  // Ages grow by the minute: refresh while the panel is shown.
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  const [openId, setOpenId] = useState<string | null>(null);
  const [reported, setReported] = useState<Record<string, ReportOutcome>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const items = pools.data?.items ?? [];
  const command = useLoad(
    () => (can('testing.report') ? testingApi.commandPools(roundId) : Promise.resolve(null)),
    [roundId, refreshKey, tick],
  );

  const report = async (pool: Pool) => {
    setBusy(pool.id);
    setError(null);
    try {
      const outcome = await testingApi.report(pool.id);
      setReported((r) => ({ ...r, [pool.id]: outcome }));
      setTick((n) => n + 1);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" data-testid="pools-panel">
      <div className="card-title-row">
        <h2 className="card-title">{t('testing.pools.title')}</h2>
        <div className="seg small-seg" role="group">
          <button
            type="button"
            className={filter === 'open' ? 'on' : ''}
            data-testid="pools-filter-open"
            onClick={() => setFilter('open')}
          >
            {t('testing.pools.open')}
          </button>
          <button
            type="button"
            className={filter === 'all' ? 'on' : ''}
            data-testid="pools-filter-all"
            onClick={() => setFilter('all')}
          >
            {t('testing.pools.all')}
          </button>
          <button type="button" onClick={() => setTick((n) => n + 1)} data-testid="pools-refresh">
            {t('common.refresh')}
          </button>
        </div>
      </div>
      <p className="muted small">{t('testing.pools.explain')}</p>
      {command.data && command.data.items.length > 0 && (
        <div
          className={`alert ${command.data.items.some((p) => p.overdue) ? 'alert-error' : 'alert-warn'}`}
          data-testid="pools-command"
          data-not-resampled={command.data.notReSampled}
        >
          {t('testing.pools.commandLine', {
            pools: command.data.items.length,
            people: command.data.notReSampled,
            overdue: command.data.items.filter((p) => p.overdue).length,
          })}
        </div>
      )}
      <ErrorBox error={error ?? pools.error} />
      {pools.loading && !pools.data && <Loading />}
      {pools.data && items.length === 0 && (
        <p className="empty" data-testid="pools-empty">
          {t(filter === 'open' ? 'testing.pools.noneOpen' : 'testing.pools.none')}
        </p>
      )}
      {items.length > 0 && (
        <div className="table-scroll">
          <table className="table pools-table" data-testid="pools-table">
            <thead>
              <tr>
                <th>{t('testing.pools.barcode')}</th>
                <th>{t('testing.pools.area')}</th>
                <th className="num">{t('testing.pools.members')}</th>
                <th>{t('testing.pools.status')}</th>
                <th>{t('testing.pools.age')}</th>
                <th className="num">{t('testing.pools.retests')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((pool) => (
                <Fragment key={pool.id}>
                  <tr
                    data-testid="pool-row"
                    data-pool-id={pool.id}
                    data-barcode={pool.barcode}
                    data-status={pool.status}
                    className={pool.overdue ? 'row-overdue' : ''}
                  >
                    <td className="mono">{pool.barcode}</td>
                    <td>
                      {pool.areaName}
                      {pool.siteName && <div className="muted small">{pool.siteName}</div>}
                    </td>
                    <td className="num">{pool.members}</td>
                    <td>
                      <PoolStatusBadge status={pool.status} />
                    </td>
                    <td>
                      <PoolAge pool={pool} />
                      <div className="muted small">{formatDateTime(pool.detectedAt)}</div>
                    </td>
                    <td className="num" data-testid="pool-retests">
                      {t('testing.pools.retestSampled', { sampled: pool.retests.sampled, total: pool.retests.total })}
                      <div className="muted small">
                        {t('testing.pools.retestResults', {
                          negative: pool.retests.negative,
                          pending: pool.retests.pending,
                        })}
                      </div>
                      {pool.retests.positive > 0 && (
                        <div className="field-error">
                          {t('testing.pools.retestPositive', { count: pool.retests.positive })}
                        </div>
                      )}
                    </td>
                    <td className="nowrap">
                      {pool.status === 'detected' && can('testing.report') && (
                        <button
                          type="button"
                          className="btn btn-primary btn-small report-button"
                          data-testid="pool-report"
                          disabled={busy === pool.id}
                          onClick={() => void report(pool)}
                        >
                          {busy === pool.id ? t('common.working') : t('testing.pools.report')}
                        </button>
                      )}
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid="pool-detail-toggle"
                        aria-expanded={openId === pool.id}
                        onClick={() => setOpenId(openId === pool.id ? null : pool.id)}
                      >
                        {t('testing.pools.detail')}
                      </button>
                    </td>
                  </tr>
                  {reported[pool.id] && (
                    <tr>
                      <td colSpan={7}>
                        <ReportNote outcome={reported[pool.id]!} />
                      </td>
                    </tr>
                  )}
                  {openId === pool.id && (
                    <tr>
                      <td colSpan={7}>
                        <PoolDetailView poolId={pool.id} refreshKey={tick + refreshKey} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ReportNote({ outcome }: { outcome: ReportOutcome }) {
  const { t } = useTranslation();
  return (
    <div
      className={`alert ${outcome.pendingApprovalId ? 'alert-warn' : 'alert-ok'}`}
      role="status"
      data-testid="pool-reported"
    >
      <div className="alert-title">
        {outcome.alreadyReported
          ? t('testing.pools.alreadyReported')
          : t('testing.pools.reportedNow', { barcode: outcome.pool.barcode })}
      </div>
      <div>{t('testing.pools.reportedText', { controlled: outcome.controlled, changes: outcome.colourChanges })}</div>
      {outcome.pendingApprovalId && <div>{t('testing.pools.pendingApproval')}</div>}
    </div>
  );
}

function PoolDetailView({ poolId, refreshKey }: { poolId: string; refreshKey: number }) {
  const { t } = useTranslation();
  const detail = useLoad(() => testingApi.pool(poolId), [poolId, refreshKey]);
  if (detail.loading && !detail.data) return <Loading />;
  if (detail.error) return <ErrorBox error={detail.error} />;
  const d = detail.data!;
  const waiting = d.members.filter((m) => m.taskStatus === 'open');
  return (
    <div className="pool-detail" data-testid="pool-detail">
      <div className="pool-detail-cols">
        <div>
          <h3 className="guard-sub">
            {t('testing.pools.membersTitle', { waiting: waiting.length, total: d.members.length })}
          </h3>
          <ul className="guard-list">
            {d.members.map((m) => (
              <li key={m.personId} data-testid="pool-member" data-task-status={m.taskStatus ?? ''}>
                <strong>{m.maskedName}</strong> <span className="muted small">{m.address}</span>
                {' · '}
                <span className={m.taskStatus === 'open' ? 'decision-refused' : ''}>
                  {m.taskStatus ? t(`testing.taskStatus.${m.taskStatus}`) : t('testing.pools.noTask')}
                </span>
                {m.sampledAt && <span className="muted small"> · {formatDateTime(m.sampledAt)}</span>}
              </li>
            ))}
          </ul>
          {d.pool.membersOutside > 0 && (
            <p className="muted small" data-testid="pool-members-outside">
              {t('testing.pools.membersOutside', { count: d.pool.membersOutside })}
            </p>
          )}
        </div>
        <div>
          <h3 className="guard-sub">{t('testing.pools.notifications')}</h3>
          {d.notifications.length === 0 && <p className="muted small">{t('testing.pools.noNotifications')}</p>}
          <ul className="guard-list" data-testid="pool-notifications">
            {d.notifications.map((n) => (
              <li key={n.id} data-testid="pool-notification" data-kind={n.kind}>
                <span className="badge badge-warn" title={n.recipient}>
                  {t(`testing.notify.${n.kind}`)}
                </span>
                {n.kind === 'community' ? ` ${n.recipient}` : ''}{' '}
                <span className="muted small">{formatDateTime(n.createdAt)}</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
