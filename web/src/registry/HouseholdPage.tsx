// A household (户): address and place in the area tree, the members with masked identifiers,
// reveal with a reason for those who may, and adding a member for those who may.
import { useState } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { registryApi } from './registryApi.ts';
import { useAuth } from '../shared/auth.tsx';
import { useLoad } from '../shared/useLoad.ts';
import { AddMemberForm } from './AddMemberForm.tsx';
import { Breadcrumb, type Crumb } from './Breadcrumb.tsx';
import { CareTags } from './CareTags.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { MembersTable } from './MembersTable.tsx';
import { isBareUnitNumber } from './units.ts';

export function HouseholdPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { can } = useAuth();
  const { data, error, loading, reload } = useLoad(() => registryApi.household(id), [id]);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<string | null>(null);

  if (loading && !data) return <Loading />;
  if (error && !data) return <ErrorBox error={error} />;
  if (!data) return null;
  const { household: h, ancestors, members } = data;
  const unit = h.unit ? (isBareUnitNumber(h.unit) ? t('building.unit', { unit: h.unit }) : h.unit) : '';
  const door = h.door ? (/^\d+$/.test(h.door.trim()) ? t('household.door', { door: h.door.trim() }) : h.door) : '';
  const title = [h.buildingName, unit, door].filter(Boolean).join(' ');
  const tail: Crumb[] = [
    ...(h.buildingId && h.buildingName ? [{ label: h.buildingName, to: `/buildings/${h.buildingId}` }] : []),
    { label: [unit, door].filter(Boolean).join(' ') || t('household.title') },
  ];
  const allTags = [...new Set(members.flatMap((m) => m.careTags))];
  const head = members.find((m) => m.id === h.headPersonId);

  return (
    <div className="household-page">
      <div className="card page-head" data-testid="household-head">
        <Breadcrumb ancestors={ancestors} tail={tail} />
        <div className="hh-title-row">
          <div>
            <div className="eyebrow">{t('household.title')}</div>
            <h1 className="page-title">{title || t('household.title')}</h1>
            <p className="address" data-testid="household-address">
              {h.address}
            </p>
          </div>
          <dl className="facts">
            <div>
              <dt>{t('household.head')}</dt>
              <dd>{head?.name ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('household.members')}</dt>
              <dd>{members.length}</dd>
            </div>
            {h.rooms !== null && (
              <div>
                <dt>{t('household.rooms')}</dt>
                <dd>{h.rooms}</dd>
              </div>
            )}
          </dl>
        </div>
        {allTags.length > 0 && (
          <div className="care-summary">
            <span className="muted">{t('household.careSummary')}</span> <CareTags tags={allTags} />
          </div>
        )}
      </div>

      <div className="card">
        <div className="card-title-row">
          <h2 className="card-title">{t('household.membersTitle')}</h2>
          {can('registry.write') && !adding && (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="add-member"
              onClick={() => {
                setAdding(true);
                setAdded(null);
              }}
            >
              ＋ {t('addMember.open')}
            </button>
          )}
        </div>
        {added && (
          <div className="alert alert-ok" role="status" data-testid="member-added">
            {t('addMember.done', { name: added })}
          </div>
        )}
        <ErrorBox error={error} />
        <MembersTable members={members} headPersonId={h.headPersonId} canReveal={can('person.reveal')} />
        {can('person.reveal') && <p className="muted small privacy-note">{t('reveal.footnote')}</p>}
      </div>

      {adding && (
        <div className="card">
          <h2 className="card-title">{t('addMember.title')}</h2>
          <AddMemberForm
            householdId={h.id}
            onCancel={() => setAdding(false)}
            onAdded={(p) => {
              setAdding(false);
              setAdded(p.name);
              reload();
            }}
          />
        </div>
      )}
    </div>
  );
}
