// The coordinator's vetting (报名审核): sign-ups of the area waiting, to approve (an account is made
// and its one-time password shown once), reject with a reason, or ask for more information.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { named, volunteersApi, type Volunteer, type VolunteerStatus } from './volunteersApi.ts';
import './volunteers.css';

export function VettingPage() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<VolunteerStatus>('pending');
  const list = useLoad(() => Promise.all([volunteersApi.list({ status, limit: 50 }), volunteersApi.rules()]), [status]);
  const [note, setNote] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [account, setAccount] = useState<{ name: string; username: string; password: string } | null>(null);
  const decide = async (v: Volunteer, decision: 'approve' | 'reject' | 'request_info') => {
    setError(null);
    try {
      const r = await volunteersApi.vet(v.id, decision, note[v.id]);
      if (r.account) setAccount({ name: v.name, ...r.account });
      list.reload();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const [page, rules] = list.data ?? [];
  return (
    <div>
      <h1 className="page-title">{t('vol.vetting.title')}</h1>
      <div className="vol-tabs">
        {(['pending', 'info_requested', 'approved', 'rejected'] as const).map((s) => (
          <button
            key={s}
            type="button"
            className={`btn btn-small${s === status ? ' btn-primary' : ''}`}
            onClick={() => setStatus(s)}
            data-testid={`vol-status-${s}`}
          >
            {t(`vol.status.${s}`)}
          </button>
        ))}
      </div>
      {account && (
        <div className="alert" data-testid="vol-account">
          {t('vol.vetting.account', account)}
        </div>
      )}
      <ErrorBox error={error ?? list.error} />
      {list.loading && !list.data && <Loading />}
      {page && <p className="muted">{t('vol.vetting.total', { n: page.total })}</p>}
      <table className="table" data-testid="vol-vetting">
        <thead>
          <tr>
            <th>{t('vol.field.name')}</th>
            <th>{t('vol.field.home')}</th>
            <th>{t('vol.field.org')}</th>
            <th>{t('vol.field.skills')}</th>
            <th>{t('vol.vetting.decision')}</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((v) => (
            <tr key={v.id} data-testid="vol-vet-row">
              <td>
                {v.name}
                <div className="small muted">
                  {v.idNumber} · {v.phone}
                </div>
              </td>
              <td>{v.areaName}</td>
              <td>
                {named(rules?.orgKinds, v.orgKind, i18n.language)}
                {v.team ? <div className="small muted">{v.team}</div> : null}
              </td>
              <td>{v.skills.map((k) => named(rules?.skills, k.code, i18n.language)).join('、') || '—'}</td>
              <td>
                {v.status === 'pending' || v.status === 'info_requested' ? (
                  <div className="vol-actions">
                    <input
                      value={note[v.id] ?? ''}
                      onChange={(e) => setNote((n) => ({ ...n, [v.id]: e.target.value }))}
                      placeholder={t('vol.vetting.reason')}
                      aria-label={t('vol.vetting.reason')}
                    />
                    <button
                      type="button"
                      className="btn btn-primary btn-small"
                      onClick={() => void decide(v, 'approve')}
                      data-testid="vol-approve"
                    >
                      {t('vol.vetting.approve')}
                    </button>
                    <button type="button" className="btn btn-small" onClick={() => void decide(v, 'request_info')}>
                      {t('vol.vetting.requestInfo')}
                    </button>
                    <button type="button" className="btn btn-small" onClick={() => void decide(v, 'reject')}>
                      {t('vol.vetting.reject')}
                    </button>
                  </div>
                ) : (
                  <span>
                    {t(`vol.status.${v.status}`)}
                    {v.statusNote ? ` · ${v.statusNote}` : ''}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
