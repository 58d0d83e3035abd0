// The members of a household: masked identifiers by default; a member's clear values only after
// a reveal with a reason, and only for that member. A community worker registers a member's resident
// account at the door (or re-binds it to a new phone) from here.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../shared/auth.tsx';
import type { PersonView, Revealed } from './types.ts';
import { CareTags } from './CareTags.tsx';
import { DoorAccountDialog } from '../residents/DoorAccountDialog.tsx';
import { RevealDialog } from './RevealDialog.tsx';

export function MembersTable({
  members,
  headPersonId,
  canReveal,
}: {
  members: readonly PersonView[];
  headPersonId: string | null;
  canReveal: boolean;
}) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [revealed, setRevealed] = useState<Record<string, Revealed>>({});
  const [asking, setAsking] = useState<PersonView | null>(null);
  const [atDoor, setAtDoor] = useState<PersonView | null>(null);
  const canEnrol = can('registry.write');
  const ordered = [...members].sort((a, b) => Number(b.id === headPersonId) - Number(a.id === headPersonId));

  if (!members.length) return <p className="empty">{t('household.noMembers')}</p>;

  return (
    <>
      <table className="table rtable members" data-testid="household-members">
        <thead>
          <tr>
            <th>{t('person.name')}</th>
            <th>{t('person.relation')}</th>
            <th>{t('person.sex')}</th>
            <th className="num">{t('person.age')}</th>
            <th>{t('person.idNumber')}</th>
            <th>{t('person.phone')}</th>
            <th>{t('person.careTags')}</th>
            <th>{t('person.note')}</th>
            {(canReveal || canEnrol) && (
              <th>
                <span className="sr-only">{t('reveal.action')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {ordered.map((p) => {
            const clear = revealed[p.id];
            return (
              <tr key={p.id} data-testid="member-row" data-person-id={p.id} className={clear ? 'revealed' : ''}>
                <td data-label={t('person.name')} className="rtable-head">
                  <span className="person-name">{p.name}</span>
                  {p.id === headPersonId && <span className="badge badge-head">{t('household.head')}</span>}
                  {can('health.read') && (
                    <>
                      {' '}
                      <Link className="small member-health" to={`/persons/${p.id}/health`} data-testid="member-health">
                        {t('health.link')}
                      </Link>
                    </>
                  )}
                </td>
                <td data-label={t('person.relation')} className={p.relation ? '' : 'is-empty'}>
                  {p.relation || '—'}
                </td>
                <td data-label={t('person.sex')}>{p.sex ? t(`sex.${p.sex}`) : '—'}</td>
                <td data-label={t('person.age')} className="num">
                  {p.age ?? '—'}
                </td>
                <td data-label={t('person.idNumber')} className="mono" data-testid="member-id-number">
                  {clear ? (
                    clear.idNumber ? (
                      <span className="clear-value">{clear.idNumber}</span>
                    ) : (
                      '—'
                    )
                  ) : (
                    (p.idNumber ?? '—')
                  )}
                  {p.idType && p.idType !== 'resident_id' && p.idType !== 'none' && (
                    <span className="muted small"> ({t(`idType.${p.idType}`, { defaultValue: p.idType })})</span>
                  )}
                </td>
                <td data-label={t('person.phone')} className="mono" data-testid="member-phone">
                  {clear ? clear.phone ? <span className="clear-value">{clear.phone}</span> : '—' : (p.phone ?? '—')}
                </td>
                <td data-label={t('person.careTags')} className={p.careTags.length ? '' : 'is-empty'}>
                  {p.careTags.length ? <CareTags tags={p.careTags} /> : <span className="muted">—</span>}
                </td>
                <td data-label={t('person.note')} className={`note ${p.note ? '' : 'is-empty'}`}>
                  {p.note || <span className="muted">—</span>}
                </td>
                {(canReveal || canEnrol) && (
                  <td className="actions">
                    {!canReveal ? null : clear ? (
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        data-testid="member-hide"
                        onClick={() => setRevealed(({ [p.id]: _, ...rest }) => rest)}
                      >
                        {t('reveal.hide')}
                      </button>
                    ) : p.idNumber === null && p.phone === null ? null : (
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid="member-reveal"
                        onClick={() => setAsking(p)}
                      >
                        {t('reveal.action')}
                      </button>
                    )}
                    {canEnrol && (
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        data-testid="member-door-account"
                        onClick={() => setAtDoor(p)}
                      >
                        {t('doorAccount.action')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {asking && (
        <RevealDialog
          person={asking}
          onClose={() => setAsking(null)}
          onRevealed={(r) => {
            setRevealed((all) => ({ ...all, [asking.id]: r }));
            setAsking(null);
          }}
        />
      )}
      {atDoor && <DoorAccountDialog person={atDoor} onClose={() => setAtDoor(null)} />}
    </>
  );
}
