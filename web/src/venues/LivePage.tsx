// 场所实时人流 Public live page (no sign-in): the approved venues of an area with their head-counts
// and crowd levels (宽松 / 适中 / 拥挤 / 已满), updated as people check in and out through
// server-sent events. Filtered on the server: by district, street and community (a level at a time;
// inside the viewer's own area when staff are signed in) and by name, paged; a grid of cards on a
// desktop, one column on a phone. /live?areaId=… opens narrowed to one campus or area. When the stream
// cannot be trusted (the server's Redis is down, or the stream is lost) the page says its figures may
// be stale, with the time of the last update, and polls the list until the stream is live again.
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { venueApi } from './venueApi.ts';
import { useLoad } from '../shared/useLoad.ts';
import { useDebounced, useListQuery } from '../shared/useListQuery.ts';
import { latest, useChangedAt, useOccupancyStream, usePollWhileStale } from '../shared/liveStream.ts';
import type { CrowdLevel, LiveVenue, Occupancy } from './types.ts';
import { CrowdBadge, CrowdBar } from './CrowdBadge.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { LangSwitch } from '../shared/LangSwitch.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import { StaleBanner } from '../shared/StaleBanner.tsx';
import { nameIn } from './VenuesPage.tsx';

const PAGE = 100;
const LEVELS: CrowdLevel[] = ['relaxed', 'moderate', 'crowded', 'full'];
/** Levels of the area filter, outermost first. */
const FILTER_LEVELS = ['district', 'street', 'community'] as const;

export function LivePage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const linkedArea = params.get('areaId') ?? undefined;
  // The chosen area at each level (district → street → community); the innermost chosen one filters.
  const [picked, setPicked] = useState<string[]>([]);
  const areaId = picked.filter(Boolean).at(-1) ?? linkedArea;
  const query = useListQuery({ q: '' });
  const { offset, setOffset, setFilter } = query;
  const { q } = query.filters;
  const [typed, setTyped] = useState('');
  const asked = useDebounced(typed.trim(), 300);
  useEffect(() => setFilter('q', asked), [asked, setFilter]);
  const list = useLoad(
    () => venueApi.publicVenues({ areaId, q: q || undefined, limit: PAGE, offset }),
    [areaId, q, offset],
  );
  const [updates, setUpdates] = useState<Record<string, Occupancy>>({});
  const live = useOccupancyStream(areaId, (o) => setUpdates((u) => ({ ...u, [o.venueId]: o })), !!list.data);
  // Fresh figures from the list replace what the stream brought before them.
  useEffect(() => setUpdates({}), [list.data]);
  usePollWhileStale(live.stale, list.reload);
  const loadedAt = useChangedAt(list.data);

  const rows = useMemo(
    () =>
      (list.data?.items ?? []).map((v): LiveVenue => {
        const u = updates[v.id];
        return u ? { ...v, count: u.count, capacity: u.capacity, level: u.level } : v;
      }),
    [list.data, updates],
  );

  const pick = (depth: number, id: string) => {
    setPicked((p) => [...p.slice(0, depth), id]);
    setOffset(0);
  };

  return (
    <div className="live-page">
      <header className="door-top">
        <span className="brand-mark" aria-hidden="true">
          ＋
        </span>
        <span className="door-title">{t('live.title')}</span>
        <LangSwitch className="on-dark" />
      </header>
      <main className="live-main">
        <p className="muted">{t('live.lead')}</p>
        <div className="live-legend" aria-label={t('live.legend')}>
          {LEVELS.map((l) => (
            <CrowdBadge key={l} level={l} />
          ))}
        </div>
        {!linkedArea && (
          <div className="live-filters" data-testid="live-filters">
            <AreaLevels picked={picked} onPick={pick} />
            <input
              className="live-search"
              type="search"
              placeholder={t('live.search')}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              data-testid="live-search"
            />
          </div>
        )}
        <StaleBanner stale={live.stale} updatedAt={latest(loadedAt, live.lastEventAt)} />
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && (
          <p className="muted small" data-testid="live-total" data-total={list.data.total}>
            {t('live.total', { count: list.data.total })}
          </p>
        )}
        {list.data && rows.length === 0 && <p className="empty">{t('live.none')}</p>}
        <ul className="live-list" data-testid="live-list">
          {rows.map((v) => (
            <li
              key={v.id}
              className={`live-row live-${v.level}`}
              data-testid="live-venue-row"
              data-venue-id={v.id}
              data-level={v.level}
              data-count={v.count}
            >
              <div className="live-name">
                <span className="strong">{v.name}</span>
                <span className="muted small">
                  {nameIn(v.categoryName)} · {v.areaName}
                </span>
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
        <p className="small live-foot">
          <Link to="/login">{t('live.staffLogin')}</Link>
        </p>
      </main>
    </div>
  );
}

/**
 * One select per level below what is chosen: the first lists the top areas offered (a city's
 * districts; a signed-in officer's own sub-areas), each further one the children of the choice above.
 */
function AreaLevels({ picked, onPick }: { picked: string[]; onPick: (depth: number, id: string) => void }) {
  const depths = [0, ...picked.map((_, i) => i + 1).filter((d) => !!picked[d - 1])].slice(0, FILTER_LEVELS.length);
  return (
    <div className="live-areas">
      {depths.map((d) => (
        <AreaSelect
          key={`${d}:${d ? picked[d - 1] : ''}`}
          depth={d}
          parentId={d ? picked[d - 1] : undefined}
          value={picked[d] ?? ''}
          onPick={onPick}
        />
      ))}
    </div>
  );
}

function AreaSelect({
  depth,
  parentId,
  value,
  onPick,
}: {
  depth: number;
  parentId: string | undefined;
  value: string;
  onPick: (depth: number, id: string) => void;
}) {
  const { t } = useTranslation();
  const options = useLoad(() => venueApi.liveAreas(parentId), [parentId]);
  const items = options.data?.items ?? [];
  if (options.data && items.length === 0) return null;
  const level = items[0]?.level;
  return (
    <label className="field live-area">
      <span className="field-label">
        {level ? t(`live.level.${level}`, { defaultValue: t('live.area') }) : t('live.area')}
      </span>
      <select
        data-testid={`live-area-${depth}`}
        data-level={level}
        value={value}
        onChange={(e) => onPick(depth, e.target.value)}
      >
        <option value="">{t('live.allAreas')}</option>
        {items.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  );
}
