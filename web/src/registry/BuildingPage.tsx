// A building: its households grouped by unit (单元), each with door, head of household, members
// and care tags, linking to the household.
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { registryApi } from './registryApi.ts';
import { useLoad } from '../shared/useLoad.ts';
import { Breadcrumb } from './Breadcrumb.tsx';
import { CareTags } from './CareTags.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatNumber } from '../shared/format.ts';
import { groupByUnit, isBareUnitNumber } from './units.ts';

export function BuildingPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { data, error, loading } = useLoad(() => registryApi.building(id), [id]);

  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} />;
  if (!data) return null;
  const { building, ancestors, households } = data;
  const units = groupByUnit(households);
  const persons = households.reduce((n, h) => n + h.members, 0);
  const unitLabel = (unit: string) =>
    unit === '' ? t('building.noUnit') : isBareUnitNumber(unit) ? t('building.unit', { unit }) : unit;

  return (
    <div className="building-page">
      <div className="card page-head">
        <Breadcrumb ancestors={ancestors} tail={[{ label: building.label }]} />
        <h1 className="page-title">{building.label}</h1>
        {building.address && <p className="muted">{building.address}</p>}
        <div className="stats compact">
          <div className="stat">
            <div className="stat-value">{formatNumber(units.length)}</div>
            <div className="stat-label">{t('building.units')}</div>
          </div>
          <div className="stat">
            <div className="stat-value">{formatNumber(households.length)}</div>
            <div className="stat-label">{t('building.households')}</div>
          </div>
          <div className="stat">
            <div className="stat-value">{formatNumber(persons)}</div>
            <div className="stat-label">{t('building.persons')}</div>
          </div>
        </div>
      </div>
      {households.length === 0 && <div className="card empty">{t('building.noHouseholds')}</div>}
      {data.householdsTotal > households.length && (
        <p className="muted">{t('building.partial', { shown: households.length, total: data.householdsTotal })}</p>
      )}
      {units.map((g) => (
        <section key={g.unit} className="unit" data-testid="unit-group">
          <h2 className="unit-title">
            {unitLabel(g.unit)}
            <span className="muted"> · {t('building.householdCount', { count: g.households.length })}</span>
          </h2>
          <div className="household-grid">
            {g.households.map((h) => (
              <Link
                key={h.id}
                to={`/households/${h.id}`}
                className="household-card"
                data-testid={`household-link-${h.id}`}
              >
                <div className="hh-door">{h.door || '—'}</div>
                <div className="hh-body">
                  <div className="hh-head">
                    {h.headName ? (
                      <>
                        <span className="muted">{t('household.head')}</span> {h.headName}
                      </>
                    ) : (
                      <span className="muted">{t('household.noHead')}</span>
                    )}
                  </div>
                  <div className="hh-members">{t('household.memberCount', { count: h.members })}</div>
                  <CareTags tags={h.careTags} />
                </div>
              </Link>
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
