// 用户管理 Users: the accounts in the admin's area subtree and a form to create one; a generated
// password is shown once.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ApiError } from '../api.ts';
import { useMe } from '../auth.tsx';
import { toApiError, useLoad } from '../useLoad.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Loading } from '../components/Loading.tsx';
import { Pager } from '../components/Pager.tsx';
import { formatDateTime } from '../format.ts';
import { ROLES, type CreatedUser, type NewUser, type Role } from '../types.ts';

const PAGE = 50;

export function UsersPage() {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const users = useLoad(() => api.users(PAGE, offset), [offset]);
  const [created, setCreated] = useState<CreatedUser | null>(null);

  return (
    <div className="users-page">
      <h1 className="page-title">{t('users.title')}</h1>
      <div className="card">
        <h2 className="card-title">{t('users.create')}</h2>
        <CreateUserForm onCreated={(c) => { setCreated(c); users.reload(); }} />
        {created && (
          <div className="alert alert-ok once" role="status" data-testid="created-user">
            <div className="alert-title">{t('users.created', { username: created.user.username })}</div>
            {created.password !== null ? (
              <>
                <p>{t('users.passwordOnce')}</p>
                <div className="password-once">
                  <code data-testid="created-password">{created.password}</code>
                  <CopyButton text={created.password} />
                </div>
              </>
            ) : <p>{t('users.passwordChosen')}</p>}
            <button type="button" className="link-button" onClick={() => setCreated(null)}>{t('users.passwordNoted')}</button>
          </div>
        )}
      </div>
      <div className="card">
        <h2 className="card-title">{t('users.list')}</h2>
        <ErrorBox error={users.error} />
        {users.loading && !users.data && <Loading />}
        {users.data && (
          <table className="table rtable" data-testid="users-table">
            <thead>
              <tr>
                <th>{t('users.username')}</th>
                <th>{t('users.displayName')}</th>
                <th>{t('users.role')}</th>
                <th>{t('users.area')}</th>
                <th>{t('users.state')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id} data-testid="user-row">
                  <td data-label={t('users.username')} className="mono rtable-head">{u.username}</td>
                  <td data-label={t('users.displayName')}>{u.displayName}</td>
                  <td data-label={t('users.role')}><span className="role-badge light">{t(`role.${u.role}`, { defaultValue: u.role })}</span></td>
                  <td data-label={t('users.area')}>{u.areaName} <span className="muted mono small">{u.areaCode}</span></td>
                  <td data-label={t('users.state')}>
                    {u.disabled ? <span className="badge badge-off">{t('users.disabled')}</span>
                      : u.lockedUntil ? <span className="badge badge-warn">{t('users.locked', { time: formatDateTime(u.lockedUntil) })}</span>
                      : <span className="badge badge-on">{t('users.active')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {users.data && <Pager total={users.data.total} limit={PAGE} offset={offset} onChange={setOffset} />}
      </div>
    </div>
  );
}

function CreateUserForm({ onCreated }: { onCreated: (c: CreatedUser) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const blank: NewUser = { username: '', displayName: '', role: 'community_worker', areaCode: me.areaCode, password: '' };
  const [draft, setDraft] = useState<NewUser>(blank);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = <K extends keyof NewUser>(k: K, v: NewUser[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const fieldError = (name: string) => error?.errors.filter((f) => f.field === name).map((f) => <span key={f.code} className="field-error">{f.message}</span>);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: NewUser = { username: draft.username.trim(), displayName: draft.displayName.trim(), role: draft.role, areaCode: draft.areaCode.trim() };
      if (draft.password) body.password = draft.password;
      onCreated(await api.createUser(body));
      setDraft(blank);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="create-user-form">
      <div className="form-grid">
        <label className="field"><span className="field-label">{t('users.username')} <span className="req">*</span></span>
          <input data-testid="user-username" value={draft.username} onChange={(e) => set('username', e.target.value)} autoCapitalize="none" autoComplete="off" spellCheck={false} />
          {fieldError('username')}
        </label>
        <label className="field"><span className="field-label">{t('users.displayName')} <span className="req">*</span></span>
          <input data-testid="user-displayName" value={draft.displayName} onChange={(e) => set('displayName', e.target.value)} autoComplete="off" />
          {fieldError('displayName')}
        </label>
        <label className="field"><span className="field-label">{t('users.role')}</span>
          <select data-testid="user-role-select" value={draft.role} onChange={(e) => set('role', e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
          </select>
        </label>
        <label className="field"><span className="field-label">{t('users.areaCode')}</span>
          <input data-testid="user-areaCode" className="mono" value={draft.areaCode} onChange={(e) => set('areaCode', e.target.value)} inputMode="numeric" autoComplete="off" />
          <span className="field-hint">{t('users.areaCodeHint')}</span>
          {fieldError('areaCode')}
        </label>
        <label className="field"><span className="field-label">{t('users.password')}</span>
          <input data-testid="user-password" type="password" value={draft.password ?? ''} onChange={(e) => set('password', e.target.value)} autoComplete="new-password" />
          <span className="field-hint">{t('users.passwordHint')}</span>
          {fieldError('password')}
        </label>
      </div>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="user-create" disabled={busy || !draft.username.trim() || !draft.displayName.trim()}>
          {busy ? t('common.working') : t('users.createSubmit')}
        </button>
      </div>
    </form>
  );
}

function CopyButton({ text }: { text: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return <button type="button" className="btn btn-small" onClick={() => void copy()}>{copied ? t('common.copied') : t('common.copy')}</button>;
}
