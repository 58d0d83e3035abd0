// 人口底数 Registry: the area tree from the user's root area; the selected area's breadcrumb,
// counts and the paged list of its buildings.
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { registryApi } from './registryApi.ts';
import { useLoad, type Loaded } from '../shared/useLoad.ts';
import { AreaTree } from './AreaTree.tsx';
import { Breadcrumb } from './Breadcrumb.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import { formatNumber } from '../shared/format.ts';
import type { AreaDetail } from './types.ts';

const PAGE = 20;

export function RegistryPage() {
  const { t } = useTranslation();
  const { areaId } = useParams();
  const navigate = useNavigate();
  const roots = useLoad(() => registryApi.rootAreas(), []);
  const selectedId = areaId ?? roots.data?.items[0]?.id ?? null;
  const detail = useLoad(() => (selectedId ? registryApi.area(selectedId) : Promise.resolve(null)), [selectedId]);
  // Open the way down to the selected area, and the area itself so its sub-areas show.
  const openIds = useMemo(
    () =>
      detail.data
        ? [...detail.data.ancestors.map((a) => a.id), ...(detail.data.area.childCount > 0 ? [detail.data.area.id] : [])]
        : [],
    [detail.data],
  );

  return (
    <div className="registry">
      <h1 className="page-title">{t('registry.title')}</h1>
      <div className="split">
        <aside className="card tree-panel" aria-label={t('registry.treeLabel')}>
          <h2 className="card-title">{t('registry.areas')}</h2>
          {roots.loading && <Loading />}
          <ErrorBox error={roots.error} />
          {roots.data && (
            <AreaTree
              roots={roots.data.items}
              selectedId={selectedId}
              openIds={openIds}
              onSelect={(a) => navigate(`/registry/${a.id}`)}
            />
          )}
        </aside>
        <section className="detail-panel">
          {selectedId ? (
            <AreaPanel key={selectedId} areaId={selectedId} detail={detail} />
          ) : (
            !roots.loading && !roots.error && <div className="card empty">{t('registry.noArea')}</div>
          )}
        </section>
      </div>
    </div>
  );
}

function AreaPanel({ areaId, detail }: { areaId: string; detail: Loaded<AreaDetail | null> }) {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const buildings = useLoad(() => registryApi.buildingsOf(areaId, PAGE, offset), [areaId, offset]);

  if (detail.loading && !detail.data)
    return (
      <div className="card">
        <Loading />
      </div>
    );
  if (detail.error) return <ErrorBox error={detail.error} />;
  if (!detail.data) return null;
  const { area, ancestors, counts } = detail.data;

  return (
    <>
      <div className="card area-head" data-testid="area-detail">
        <Breadcrumb ancestors={ancestors.filter((a) => a.id !== area.id)} tail={[{ label: area.name }]} />
        <div className="area-title">
          <h2>{area.name}</h2>
          <span className={`level level-${area.level}`}>{t(`level.${area.level}`, { defaultValue: area.level })}</span>
          <span className="muted mono">{area.code}</span>
        </div>
        <div className="stats">
          <Stat label={t('registry.count.children')} value={counts.children} />
          <Stat label={t('registry.count.buildings')} value={counts.buildings} />
          <Stat label={t('registry.count.households')} value={counts.households} testId="count-households" />
          <Stat label={t('registry.count.persons')} value={counts.persons} testId="count-persons" />
        </div>
      </div>
      <div className="card">
        <h2 className="card-title">{t('registry.buildings')}</h2>
        <ErrorBox error={buildings.error} />
        {buildings.loading && !buildings.data && <Loading />}
        {buildings.data && buildings.data.items.length === 0 && <p className="empty">{t('registry.noBuildings')}</p>}
        {buildings.data && buildings.data.items.length > 0 && (
          <table className="table rtable compact" data-testid="building-list">
            <thead>
              <tr>
                <th>{t('building.name')}</th>
                <th>{t('building.address')}</th>
                <th>{t('building.area')}</th>
                <th className="num">{t('building.households')}</th>
                <th className="num">{t('building.persons')}</th>
              </tr>
            </thead>
            <tbody>
              {buildings.data.items.map((b) => (
                <tr key={b.id} data-testid="building-row">
                  <td data-label={t('building.name')} className="rtable-head">
                    <Link to={`/buildings/${b.id}`} data-testid={`building-link-${b.id}`} className="strong-link">
                      {b.label}
                    </Link>
                  </td>
                  <td data-label={t('building.address')} className="sub">
                    {b.address || '—'}
                  </td>
                  <td data-label={t('building.area')} className="sub-area">
                    {b.areaName}
                  </td>
                  <td data-label={t('building.households')} className="num">
                    {formatNumber(b.households)}
                  </td>
                  <td data-label={t('building.persons')} className="num">
                    {formatNumber(b.persons)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {buildings.data && <Pager total={buildings.data.total} limit={PAGE} offset={offset} onChange={setOffset} />}
      </div>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-value">{formatNumber(value)}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}
