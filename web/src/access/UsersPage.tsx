// 用户管理 Users: the accounts in the admin's area subtree and a form to create one; a generated
// password is shown once. Per account the administrator unlocks, resets the password (the user must
// choose their own at the next sign-in), disables or enables, and changes role and area; the server
// audits each change.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError } from '../shared/api.ts';
import { accessApi } from './accessApi.ts';
import { useMe } from '../shared/auth.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { useListQuery } from '../shared/useListQuery.ts';
import './accounts.css';
import { Pager } from '../shared/Pager.tsx';
import { formatDateTime } from '../shared/format.ts';
import { ROLES, type Role } from '../shared/types.ts';
import { type CreatedUser, type NewUser, type UserView } from './types.ts';

const PAGE = 50;

export function UsersPage() {
  const { t } = useTranslation();
  const me = useMe();
  const query = useListQuery({ q: '' });
  const { offset, setOffset } = query;
  const { q } = query.filters;
  const users = useLoad(() => accessApi.users(PAGE, offset, q.trim()), [offset, q]);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const [notice, setNotice] = useState<{ text: string; password?: string } | null>(null);

  return (
    <div className="users-page">
      <h1 className="page-title">{t('users.title')}</h1>
      <div className="card">
        <h2 className="card-title">{t('users.create')}</h2>
        <CreateUserForm
          onCreated={(c) => {
            setCreated(c);
            users.reload();
          }}
        />
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
            ) : (
              <p>{t('users.passwordChosen')}</p>
            )}
            <button type="button" className="link-button" onClick={() => setCreated(null)}>
              {t('users.passwordNoted')}
            </button>
          </div>
        )}
      </div>
      <div className="card">
        <div className="card-title-row">
          <h2 className="card-title">{t('users.list')}</h2>
          <input
            type="search"
            className="users-search"
            data-testid="users-search"
            value={q}
            placeholder={t('accounts.search')}
            onChange={(e) => query.setFilter('q', e.target.value)}
            autoCapitalize="none"
            spellCheck={false}
          />
        </div>
        {notice && (
          <div className="alert alert-ok once" role="status" data-testid="account-notice">
            <div className="alert-title">{notice.text}</div>
            {notice.password && (
              <>
                <div className="password-once">
                  <code data-testid="reset-password">{notice.password}</code>
                  <CopyButton text={notice.password} />
                </div>
                <p className="small">{t('accounts.resetNote')}</p>
              </>
            )}
            <button type="button" className="link-button" onClick={() => setNotice(null)}>
              {t('users.passwordNoted')}
            </button>
          </div>
        )}
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
                <th>{t('accounts.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id} data-testid="user-row" data-username={u.username}>
                  <td data-label={t('users.username')} className="mono rtable-head">
                    {u.username}
                    {u.id === me.id && <span className="muted">{t('accounts.self')}</span>}
                  </td>
                  <td data-label={t('users.displayName')}>{u.displayName}</td>
                  <td data-label={t('users.role')}>
                    <span className="role-badge light">{t(`role.${u.role}`, { defaultValue: u.role })}</span>
                  </td>
                  <td data-label={t('users.area')}>
                    {u.areaName} <span className="muted mono small">{u.areaCode}</span>
                  </td>
                  <td data-label={t('users.state')}>
                    {u.disabled ? (
                      <span className="badge badge-off">{t('users.disabled')}</span>
                    ) : u.lockedUntil ? (
                      <span className="badge badge-warn">
                        {t('users.locked', { time: formatDateTime(u.lockedUntil) })}
                      </span>
                    ) : (
                      <span className="badge badge-on">{t('users.active')}</span>
                    )}
                    {u.mustChangePassword && (
                      <span className="badge badge-warn" data-testid="user-must-change">
                        {t('accounts.mustChange')}
                      </span>
                    )}
                  </td>
                  <td data-label={t('accounts.actions')}>
                    <UserActions
                      user={u}
                      self={u.id === me.id}
                      onDone={(text, password) => {
                        setNotice({ text, password });
                        users.reload();
                      }}
                    />
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
  const blank: NewUser = {
    username: '',
    displayName: '',
    role: 'community_worker',
    areaCode: me.areaCode,
    password: '',
  };
  const [draft, setDraft] = useState<NewUser>(blank);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = <K extends keyof NewUser>(k: K, v: NewUser[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const fieldError = (name: string) =>
    error?.errors
      .filter((f) => f.field === name)
      .map((f) => (
        <span key={f.code} className="field-error">
          {f.message}
        </span>
      ));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: NewUser = {
        username: draft.username.trim(),
        displayName: draft.displayName.trim(),
        role: draft.role,
        areaCode: draft.areaCode.trim(),
      };
      if (draft.password) body.password = draft.password;
      onCreated(await accessApi.createUser(body));
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
        <label className="field">
          <span className="field-label">
            {t('users.username')} <span className="req">*</span>
          </span>
          <input
            data-testid="user-username"
            value={draft.username}
            onChange={(e) => set('username', e.target.value)}
            autoCapitalize="none"
            autoComplete="off"
            spellCheck={false}
          />
          {fieldError('username')}
        </label>
        <label className="field">
          <span className="field-label">
            {t('users.displayName')} <span className="req">*</span>
          </span>
          <input
            data-testid="user-displayName"
            value={draft.displayName}
            onChange={(e) => set('displayName', e.target.value)}
            autoComplete="off"
          />
          {fieldError('displayName')}
        </label>
        <label className="field">
          <span className="field-label">{t('users.role')}</span>
          <select
            data-testid="user-role-select"
            value={draft.role}
            onChange={(e) => set('role', e.target.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('users.areaCode')}</span>
          <input
            data-testid="user-areaCode"
            className="mono"
            value={draft.areaCode}
            onChange={(e) => set('areaCode', e.target.value)}
            inputMode="numeric"
            autoComplete="off"
          />
          <span className="field-hint">{t('users.areaCodeHint')}</span>
          {fieldError('areaCode')}
        </label>
        <label className="field">
          <span className="field-label">{t('users.password')}</span>
          <input
            data-testid="user-password"
            type="password"
            value={draft.password ?? ''}
            onChange={(e) => set('password', e.target.value)}
            autoComplete="new-password"
          />
          <span className="field-hint">{t('users.passwordHint')}</span>
          {fieldError('password')}
        </label>
      </div>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="user-create"
          disabled={busy || !draft.username.trim() || !draft.displayName.trim()}
        >
          {busy ? t('common.working') : t('users.createSubmit')}
        </button>
      </div>
    </form>
  );
}

/** One account's actions: unlock, reset the password, disable or enable, change role and area. */
function UserActions({
  user: u,
  self,
  onDone,
}: {
  user: UserView;
  self: boolean;
  onDone: (text: string, password?: string) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<Role>(u.role);
  const [areaCode, setAreaCode] = useState(u.areaCode);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const unlock = () =>
    run(async () => {
      await accessApi.updateUser(u.id, { unlock: true });
      onDone(t('accounts.unlocked', { username: u.username }));
    });
  const reset = () => {
    if (!window.confirm(t('accounts.resetConfirm', { username: u.username }))) return;
    void run(async () => {
      const { password } = await accessApi.resetPassword(u.id);
      onDone(t('accounts.resetDone', { username: u.username }), password ?? undefined);
    });
  };
  const toggle = () => {
    if (!u.disabled && !window.confirm(t('accounts.disableConfirm', { username: u.username }))) return;
    void run(async () => {
      await accessApi.updateUser(u.id, { disabled: !u.disabled });
      onDone(t('accounts.saved', { username: u.username }));
    });
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await accessApi.updateUser(u.id, { role, areaCode: areaCode.trim() });
      setEditing(false);
      onDone(t('accounts.saved', { username: u.username }));
    });
  };
  return (
    <div className="user-actions">
      <div className="button-row">
        {u.lockedUntil && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="user-unlock"
            disabled={busy}
            onClick={() => void unlock()}
          >
            {t('accounts.unlock')}
          </button>
        )}
        <button type="button" className="btn btn-small" data-testid="user-reset" disabled={busy} onClick={reset}>
          {t('accounts.reset')}
        </button>
        {!self && (
          <>
            <button type="button" className="btn btn-small" data-testid="user-toggle" disabled={busy} onClick={toggle}>
              {u.disabled ? t('accounts.enable') : t('accounts.disable')}
            </button>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              data-testid="user-edit"
              aria-expanded={editing}
              onClick={() => setEditing((x) => !x)}
            >
              {t('accounts.edit')}
            </button>
          </>
        )}
      </div>
      {editing && (
        <form className="form user-edit" onSubmit={save} data-testid="user-edit-form">
          <label className="field">
            <span className="field-label">{t('users.role')}</span>
            <select data-testid="user-edit-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('users.areaCode')}</span>
            <input
              data-testid="user-edit-area"
              className="mono"
              value={areaCode}
              onChange={(e) => setAreaCode(e.target.value)}
              inputMode="numeric"
            />
          </label>
          <button type="submit" className="btn btn-small btn-primary" data-testid="user-edit-save" disabled={busy}>
            {t('accounts.save')}
          </button>
        </form>
      )}
      <ErrorBox error={error} />
    </div>
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
  return (
    <button type="button" className="btn btn-small" onClick={() => void copy()}>
      {copied ? t('common.copied') : t('common.copy')}
    </button>
  );
}
