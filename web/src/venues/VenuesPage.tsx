// 场所 Venues: the venues in the user's area subtree with their status, a form to register one, and
// approval (the code goes live) for roles that may approve.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth, useMe } from '../shared/auth.tsx';
import { venueApi } from './venueApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { currentLanguage } from '../shared/i18n.ts';
import type { Area, Bilingual } from '../shared/types.ts';
import type { NewVenue, Venue, VenueStatus } from './types.ts';
import { AreaPicker } from '../shared/AreaPicker.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { FilterSelect } from '../shared/FilterSelect.tsx';
import { PagedList } from '../shared/PagedList.tsx';
import { useListQuery } from '../shared/useListQuery.ts';

const PAGE = 50;
const VENUE_STATUSES = ['pending', 'approved', 'suspended'] as const;

export function nameIn(name: Bilingual): string {
  return currentLanguage() === 'en' ? name.en : name.zh;
}

export function VenueStatusBadge({ status }: { status: VenueStatus }) {
  const { t } = useTranslation();
  const cls = status === 'approved' ? 'badge-on' : status === 'pending' ? 'badge-warn' : 'badge-off';
  return (
    <span className={`badge ${cls}`} data-testid="venue-status" data-status={status}>
      {t(`venues.status.${status}`)}
    </span>
  );
}

export function VenuesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const me = useMe();
  const query = useListQuery({ status: '' as VenueStatus | '' });
  const { offset } = query;
  const { status } = query.filters;
  const list = useLoad(() => venueApi.venues({ limit: PAGE, offset, status }), [offset, status]);
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<Venue | null>(null);
  const [rowError, setRowError] = useState<ApiError | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const approve = async (v: Venue) => {
    setBusyId(v.id);
    setRowError(null);
    try {
      await venueApi.approve(v.id);
      list.reload();
    } catch (err) {
      setRowError(toApiError(err));
    } finally {
      setBusyId(null);
    }
  };

  return (
    <div className="venues-page">
      <div className="card-title-row">
        <h1 className="page-title">{t('venues.title')}</h1>
        {can('venue.manage') && !open && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="venue-register-open"
            onClick={() => setOpen(true)}
          >
            {t('venues.register')}
          </button>
        )}
      </div>
      {open && (
        <div className="card">
          <h2 className="card-title">{t('venues.register')}</h2>
          <RegisterVenueForm
            onCancel={() => setOpen(false)}
            onCreated={(v) => {
              setCreated(v);
              setOpen(false);
              list.reload();
            }}
          />
        </div>
      )}
      {created && (
        <div className="alert alert-ok" role="status" data-testid="venue-created">
          <div className="alert-title">{t('venues.created', { name: created.name })}</div>
          <div>{can('venue.approve') ? t('venues.createdApprove') : t('venues.createdPending')}</div>
          <Link to={`/venues/${created.id}`}>{t('venues.open')}</Link>
        </div>
      )}
      <div className="card">
        <div className="card-title-row">
          <h2 className="card-title">{t('venues.list')}</h2>
          <FilterSelect
            className="venue-filter"
            testId="venue-filter"
            value={status}
            options={VENUE_STATUSES}
            label={(s) => t(`venues.status.${s}`)}
            allLabel={t('venues.allStatuses')}
            onChange={(v) => query.setFilter('status', v)}
          />
        </div>
        <PagedList
          list={list}
          limit={PAGE}
          offset={offset}
          onOffset={query.setOffset}
          empty={t('venues.none')}
          error={list.error ?? rowError}
        >
          {(items) => (
            <table className="table rtable" data-testid="venues-table">
              <thead>
                <tr>
                  <th>{t('venues.name')}</th>
                  <th>{t('venues.category')}</th>
                  <th>{t('venues.area')}</th>
                  <th className="num">{t('venues.capacity')}</th>
                  <th>{t('venues.statusLabel')}</th>
                  <th>
                    <span className="sr-only">{t('venues.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((v) => (
                  <tr key={v.id} data-testid="venue-row" data-venue-id={v.id}>
                    <td data-label={t('venues.name')} className="rtable-head">
                      <Link to={`/venues/${v.id}`} className="strong-link">
                        {v.name}
                      </Link>
                      {v.address && <div className="muted small">{v.address}</div>}
                    </td>
                    <td data-label={t('venues.category')}>{nameIn(v.categoryName)}</td>
                    <td data-label={t('venues.area')}>{v.areaName}</td>
                    <td data-label={t('venues.capacity')} className="num">
                      {v.capacity}
                    </td>
                    <td data-label={t('venues.statusLabel')}>
                      <VenueStatusBadge status={v.status} />
                    </td>
                    <td className="actions">
                      {can('venue.approve') && v.status !== 'approved' && v.registeredBy === me.id && (
                        <span className="muted small" data-testid="venue-self-approval">
                          {t('venueOperator.selfApproval')}
                        </span>
                      )}
                      {can('venue.approve') && v.status !== 'approved' && v.registeredBy !== me.id && (
                        <button
                          type="button"
                          className="btn btn-small"
                          data-testid="venue-approve"
                          disabled={busyId === v.id}
                          onClick={() => void approve(v)}
                        >
                          {t('venues.approve')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </PagedList>
      </div>
    </div>
  );
}

function RegisterVenueForm({ onCreated, onCancel }: { onCreated: (v: Venue) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const categories = useLoad(() => venueApi.categories(), []);
  const [area, setArea] = useState<Area | null>(null);
  const [draft, setDraft] = useState({
    name: '',
    category: '',
    address: '',
    capacity: '',
    requiresPresence: false,
    responsiblePerson: '',
    contactPhone: '',
    licenceNo: '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = <K extends keyof typeof draft>(k: K, v: (typeof draft)[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const fieldError = (...names: string[]) =>
    error?.errors
      .filter((f) => f.field && names.includes(f.field))
      .map((f) => (
        <span key={`${f.field}-${f.code}`} className="field-error">
          {f.message}
        </span>
      ));
  const chosen = categories.data?.items.find((c) => c.key === draft.category);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!area) return;
    setBusy(true);
    setError(null);
    try {
      const body: NewVenue = {
        name: draft.name.trim(),
        category: draft.category,
        areaId: area.id,
        capacity: Number(draft.capacity),
        requiresPresence: draft.requiresPresence,
      };
      if (draft.address.trim()) body.address = draft.address.trim();
      if (draft.responsiblePerson.trim()) body.responsiblePerson = draft.responsiblePerson.trim();
      if (draft.contactPhone.trim()) body.contactPhone = draft.contactPhone.trim();
      if (draft.licenceNo.trim()) body.licenceNo = draft.licenceNo.trim();
      onCreated(await venueApi.register(body));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const capacity = Number(draft.capacity);
  const ready = draft.name.trim() && draft.category && area && Number.isInteger(capacity) && capacity >= 1;

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="venue-register-form">
      <div className="form-grid">
        <label className="field">
          <span className="field-label">
            {t('venues.name')} <span className="req">*</span>
          </span>
          <input
            data-testid="venue-register-name"
            value={draft.name}
            maxLength={100}
            onChange={(e) => set('name', e.target.value)}
            autoComplete="off"
          />
          {fieldError('name')}
        </label>
        <label className="field">
          <span className="field-label">
            {t('venues.category')} <span className="req">*</span>
          </span>
          <select
            data-testid="venue-register-category"
            value={draft.category}
            onChange={(e) => set('category', e.target.value)}
          >
            <option value="" disabled>
              {categories.loading ? t('common.loading') : t('venues.pickCategory')}
            </option>
            {categories.data?.items.map((c) => (
              <option key={c.key} value={c.key}>
                {nameIn(c.name)}
              </option>
            ))}
          </select>
          {chosen && (
            <span className="field-hint" data-testid="venue-register-policy">
              {policyText(t, chosen.entryPolicy, chosen.defaultDwellMinutes)}
            </span>
          )}
          {fieldError('category')}
        </label>
        <label className="field">
          <span className="field-label">{t('venues.address')}</span>
          <input
            data-testid="venue-register-address"
            value={draft.address}
            maxLength={200}
            onChange={(e) => set('address', e.target.value)}
          />
          {fieldError('address')}
        </label>
        <label className="field">
          <span className="field-label">
            {t('venues.capacity')} <span className="req">*</span>
          </span>
          <input
            data-testid="venue-register-capacity"
            type="number"
            inputMode="numeric"
            min={1}
            value={draft.capacity}
            onChange={(e) => set('capacity', e.target.value)}
          />
          <span className="field-hint">{t('venues.capacityHint')}</span>
          {fieldError('capacity')}
        </label>
        <label className="field">
          <span className="field-label">{t('venueOperator.responsiblePerson')}</span>
          <input
            data-testid="venue-register-responsible"
            value={draft.responsiblePerson}
            maxLength={50}
            onChange={(e) => set('responsiblePerson', e.target.value)}
            autoComplete="off"
          />
          {fieldError('responsiblePerson')}
        </label>
        <label className="field">
          <span className="field-label">{t('venueOperator.contactPhone')}</span>
          <input
            data-testid="venue-register-phone"
            type="tel"
            inputMode="numeric"
            value={draft.contactPhone}
            maxLength={20}
            onChange={(e) => set('contactPhone', e.target.value)}
            autoComplete="off"
          />
          {fieldError('contactPhone')}
        </label>
        <label className="field">
          <span className="field-label">{t('venueOperator.licenceNo')}</span>
          <input
            data-testid="venue-register-licence"
            className="mono"
            value={draft.licenceNo}
            maxLength={40}
            onChange={(e) => set('licenceNo', e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          {fieldError('licenceNo')}
        </label>
        <div className="field">
          <span className="field-label">
            {t('venues.area')} <span className="req">*</span>
          </span>
          <AreaPicker onChange={setArea} testId="venue-register-area" />
          {fieldError('areaId')}
        </div>
      </div>
      <label className="check">
        <input
          type="checkbox"
          data-testid="venue-register-presence"
          checked={draft.requiresPresence}
          onChange={(e) => set('requiresPresence', e.target.checked)}
        />
        {t('venues.requiresPresence')}
      </label>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" data-testid="venue-register-submit" disabled={busy || !ready}>
          {busy ? t('common.working') : t('venues.registerSubmit')}
        </button>
      </div>
    </form>
  );
}

type T = (key: string, options?: Record<string, unknown>) => string;

/** "绿码可进;须 72 小时内核酸阴性;默认停留 45 分钟" from a category's entry policy. */
export function policyText(
  t: T,
  policy: { allowedColours: string[]; testWithinHours: number | null; vaccinationRequired: boolean },
  dwell: number,
): string {
  const parts = [
    t('venues.policyColours', {
      colours: policy.allowedColours.map((c) => t(`verify.colour.${c}`)).join(t('venues.listSep')),
    }),
  ];
  if (policy.testWithinHours !== null) parts.push(t('venues.policyTest', { hours: policy.testWithinHours }));
  if (policy.vaccinationRequired) parts.push(t('venues.policyVaccine'));
  parts.push(t('venues.policyDwell', { minutes: dwell }));
  return parts.join(t('venues.partSep'));
}
