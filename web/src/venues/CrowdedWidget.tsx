// 最拥挤场所 The command centre's list of the venues nearest to (or at) capacity right now, kept
// current by the live occupancy stream and a refresh each minute.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { venueApi } from './venueApi.ts';
import { useLoad } from '../shared/useLoad.ts';
import { latest, useChangedAt, useOccupancyStream, usePollWhileStale } from '../shared/liveStream.ts';
import type { Occupancy } from './types.ts';
import { CrowdBadge, CrowdBar } from './CrowdBadge.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { StaleBanner } from '../shared/StaleBanner.tsx';

export function CrowdedWidget({ areaId, canOpen }: { areaId: string; canOpen: boolean }) {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const crowded = useLoad(() => venueApi.crowded(10), [tick]);
  const [updates, setUpdates] = useState<Record<string, Occupancy>>({});
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => setUpdates({}), [crowded.data]);
  const live = useOccupancyStream(areaId, (o) => setUpdates((u) => ({ ...u, [o.venueId]: o })));
  usePollWhileStale(live.stale, crowded.reload);
  const updatedAt = latest(useChangedAt(crowded.data), live.lastEventAt);

  const rows = (crowded.data?.items ?? []).map((v) => ({
    ...v,
    ...(updates[v.id] ? { count: updates[v.id]!.count, level: updates[v.id]!.level } : {}),
  }));
  return (
    <div className="card" data-testid="crowded-widget">
      <h2 className="card-title">{t('crowded.title')}</h2>
      <StaleBanner stale={live.stale} updatedAt={updatedAt} />
      <ErrorBox error={crowded.error} />
      {crowded.loading && !crowded.data && <Loading />}
      {crowded.data && rows.length === 0 && <p className="empty">{t('crowded.none')}</p>}
      {rows.length > 0 && (
        <table className="table crowded-table">
          <tbody>
            {rows.map((v, i) => (
              <tr key={v.id} data-testid="crowded-row" data-level={v.level}>
                <td className="num muted">{i + 1}</td>
                <td>
                  {canOpen ? (
                    <Link to={`/venues/${v.id}`} className="strong-link">
                      {v.name}
                    </Link>
                  ) : (
                    <strong>{v.name}</strong>
                  )}
                  <div className="muted small">{v.areaName}</div>
                </td>
                <td className="num nowrap">
                  {v.count} / {v.capacity}
                  <CrowdBar count={v.count} capacity={v.capacity} level={v.level} />
                </td>
                <td>
                  <CrowdBadge level={v.level} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="small">
        <Link to="/live">{t('crowded.public')}</Link>
      </p>
    </div>
  );
}
