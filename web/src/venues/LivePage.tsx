// 场所实时人流 Public live page (no sign-in): the approved venues of an area with their head-counts
// and crowd levels (宽松 / 适中 / 拥挤 / 已满), updated as people check in and out through
// server-sent events. /live?areaId=… narrows it to one campus or area. When the stream cannot be
// trusted (the server's Redis is down, or the stream is lost) the page says its figures may be stale,
// with the time of the last update, and polls the list until the stream is live again.
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { venueApi } from './venueApi.ts';
import { useLoad } from '../shared/useLoad.ts';
import { latest, useChangedAt, useOccupancyStream, usePollWhileStale } from '../shared/liveStream.ts';
import type { CrowdLevel, LiveVenue, Occupancy } from '../shared/types.ts';
import { CrowdBadge, CrowdBar } from './CrowdBadge.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { LangSwitch } from '../shared/LangSwitch.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import { StaleBanner } from '../shared/StaleBanner.tsx';
import { nameIn } from './VenuesPage.tsx';

const PAGE = 100;
const LEVELS: CrowdLevel[] = ['relaxed', 'moderate', 'crowded', 'full'];

export function LivePage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const areaId = params.get('areaId') ?? undefined;
  const [offset, setOffset] = useState(0);
  const [q, setQ] = useState('');
  const list = useLoad(() => venueApi.publicVenues({ areaId, limit: PAGE, offset }), [areaId, offset]);
  const [updates, setUpdates] = useState<Record<string, Occupancy>>({});
  const live = useOccupancyStream(areaId, (o) => setUpdates((u) => ({ ...u, [o.venueId]: o })), !!list.data);
  // Fresh figures from the list replace what the stream brought before them.
  useEffect(() => setUpdates({}), [list.data]);
  usePollWhileStale(live.stale, list.reload);
  const loadedAt = useChangedAt(list.data);

  const rows = useMemo(() => {
    const items: LiveVenue[] = (list.data?.items ?? []).map((v) => {
      const u = updates[v.id];
      return u ? { ...v, count: u.count, capacity: u.capacity, level: u.level } : v;
    });
    const needle = q.trim();
    return needle ? items.filter((v) => v.name.includes(needle) || v.areaName.includes(needle)) : items;
  }, [list.data, updates, q]);

  return (
    <div className="live-page">
      <header className="door-top">
        <span className="brand-mark" aria-hidden="true">＋</span>
        <span className="door-title">{t('live.title')}</span>
        <LangSwitch className="on-dark" />
      </header>
      <main className="live-main">
        <p className="muted">{t('live.lead')}</p>
        <div className="live-legend" aria-label={t('live.legend')}>
          {LEVELS.map((l) => <CrowdBadge key={l} level={l} />)}
        </div>
        <input
          className="live-search"
          type="search"
          placeholder={t('live.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          data-testid="live-search"
        />
        <StaleBanner stale={live.stale} updatedAt={latest(loadedAt, live.lastEventAt)} />
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && rows.length === 0 && <p className="empty">{t('live.none')}</p>}
        <ul className="live-list" data-testid="live-list">
          {rows.map((v) => (
            <li key={v.id} className={`live-row live-${v.level}`} data-testid="live-venue-row" data-venue-id={v.id} data-level={v.level} data-count={v.count}>
              <div className="live-name">
                <span className="strong">{v.name}</span>
                <span className="muted small">{nameIn(v.categoryName)} · {v.areaName}</span>
              </div>
              <div className="live-figures">
                <CrowdBadge level={v.level} />
                <span className="live-count">{t('live.countOf', { count: v.count, capacity: v.capacity })}</span>
                <CrowdBar count={v.count} capacity={v.capacity} level={v.level} />
              </div>
            </li>
          ))}
        </ul>
        {list.data && <Pager total={list.data.total} limit={PAGE} offset={offset} onChange={setOffset} />}
        <p className="small live-foot"><Link to="/login">{t('live.staffLogin')}</Link></p>
      </main>
    </div>
  );
}
