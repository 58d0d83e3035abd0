// 病例 Cases: the cases of the user's area with filters by status and classification, and for
// investigators a form to register one for a registered person (found by name, ID or phone).
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { formatDateTime } from '../shared/format.ts';
import {
  CASE_CLASSIFICATIONS,
  CASE_SOURCES,
  CASE_STATUSES,
  tracingApi,
  type CaseClassification,
  type CaseSource,
  type CaseStatus,
  type NewCase,
} from './tracingApi.ts';
import type { PersonView } from '../registry/types.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { FilterSelect } from '../shared/FilterSelect.tsx';
import { PagedList } from '../shared/PagedList.tsx';
import { useListQuery } from '../shared/useListQuery.ts';
import { CaseStatusBadge, localInputToMs } from './TracingBits.tsx';
import { PersonPicker } from './PersonPicker.tsx';

const PAGE = 50;

export function CasesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const query = useListQuery({ status: '' as CaseStatus | '', classification: '' as CaseClassification | '' });
  const { offset } = query;
  const { status, classification } = query.filters;
  const [open, setOpen] = useState(false);
  const list = useLoad(
    () => tracingApi.cases({ limit: PAGE, offset, status, classification }),
    [offset, status, classification],
  );
  const navigate = useNavigate();

  return (
    <div className="cases-page">
      <div className="card-title-row">
        <h1 className="page-title">{t('tracing.cases.title')}</h1>
        {can('case.manage') && !open && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="case-register-open"
            onClick={() => setOpen(true)}
          >
            {t('tracing.cases.register')}
          </button>
        )}
      </div>
      {open && (
        <div className="card">
          <h2 className="card-title">{t('tracing.cases.register')}</h2>
          <RegisterCaseForm onCancel={() => setOpen(false)} onCreated={(id) => navigate(`/cases/${id}`)} />
        </div>
      )}
      <div className="card">
        <div className="filters">
          <label className="field">
            <span className="field-label">{t('tracing.cases.status')}</span>
            <FilterSelect
              testId="case-filter-status"
              value={status}
              options={CASE_STATUSES}
              label={(s) => t(`tracing.status.${s}`)}
              allLabel={t('tracing.all')}
              onChange={(v) => query.setFilter('status', v)}
            />
          </label>
          <label className="field">
            <span className="field-label">{t('tracing.cases.classification')}</span>
            <FilterSelect
              testId="case-filter-classification"
              value={classification}
              options={CASE_CLASSIFICATIONS}
              label={(c) => t(`tracing.classification.${c}`)}
              allLabel={t('tracing.all')}
              onChange={(v) => query.setFilter('classification', v)}
            />
          </label>
        </div>
        <PagedList list={list} limit={PAGE} offset={offset} onOffset={query.setOffset} empty={t('tracing.cases.none')}>
          {(items) => (
            <table className="table rtable" data-testid="cases-table">
              <thead>
                <tr>
                  <th>{t('tracing.cases.person')}</th>
                  <th>{t('tracing.cases.classification')}</th>
                  <th>{t('tracing.cases.status')}</th>
                  <th>{t('tracing.cases.anchor')}</th>
                  <th>{t('tracing.cases.area')}</th>
                  <th>{t('tracing.cases.registered')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id} data-testid="case-row" data-case-id={c.id}>
                    <td className="rtable-head">
                      <Link className="strong-link" to={`/cases/${c.id}`}>
                        {c.personName}
                      </Link>
                    </td>
                    <td data-label={t('tracing.cases.classification')}>
                      {t(`tracing.classification.${c.classification}`)}
                    </td>
                    <td data-label={t('tracing.cases.status')}>
                      <CaseStatusBadge status={c.status} />
                    </td>
                    <td data-label={t('tracing.cases.anchor')}>
                      {formatDateTime(c.onsetAt ?? c.firstPositiveSampledAt)}
                    </td>
                    <td data-label={t('tracing.cases.area')}>{c.areaName}</td>
                    <td data-label={t('tracing.cases.registered')}>{formatDateTime(c.createdAt)}</td>
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

function RegisterCaseForm({ onCreated, onCancel }: { onCreated: (caseId: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [person, setPerson] = useState<PersonView | null>(null);
  const [draft, setDraft] = useState({
    classification: 'confirmed' as CaseClassification,
    source: 'fever_clinic' as CaseSource,
    onset: '',
    sampled: '',
    isolated: '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = <K extends keyof typeof draft>(k: K, v: (typeof draft)[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const ready = person && (draft.onset || draft.sampled);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!person) return;
    setBusy(true);
    setError(null);
    try {
      // Absent times are left out, not sent as null (the server's coercion would read null as 0).
      const body: NewCase = { personId: person.id, classification: draft.classification, source: draft.source };
      const onset = localInputToMs(draft.onset);
      const sampled = localInputToMs(draft.sampled);
      const isolated = localInputToMs(draft.isolated);
      if (onset !== null) body.onsetAt = onset;
      if (sampled !== null) body.firstPositiveSampledAt = sampled;
      if (isolated !== null) body.isolatedAt = isolated;
      const created = await tracingApi.registerCase(body);
      onCreated(created.case.id);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="case-register-form">
      <div className="field">
        <span className="field-label">
          {t('tracing.cases.person')} <span className="req">*</span>
        </span>
        <PersonPicker value={person} onChange={setPerson} testId="case-person" />
      </div>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">
            {t('tracing.cases.classification')} <span className="req">*</span>
          </span>
          <select
            data-testid="case-classification"
            value={draft.classification}
            onChange={(e) => set('classification', e.target.value as CaseClassification)}
          >
            {CASE_CLASSIFICATIONS.map((c) => (
              <option key={c} value={c}>
                {t(`tracing.classification.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">
            {t('tracing.cases.source')} <span className="req">*</span>
          </span>
          <select
            data-testid="case-source"
            value={draft.source}
            onChange={(e) => set('source', e.target.value as CaseSource)}
          >
            {CASE_SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(`tracing.source.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('tracing.cases.onset')}</span>
          <input
            type="datetime-local"
            data-testid="case-onset"
            value={draft.onset}
            onChange={(e) => set('onset', e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('tracing.cases.sampled')}</span>
          <input
            type="datetime-local"
            data-testid="case-sampled"
            value={draft.sampled}
            onChange={(e) => set('sampled', e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('tracing.cases.isolated')}</span>
          <input
            type="datetime-local"
            data-testid="case-isolated"
            value={draft.isolated}
            onChange={(e) => set('isolated', e.target.value)}
          />
        </label>
      </div>
      <p className="field-hint">{t('tracing.cases.anchorHint')}</p>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" data-testid="case-register-submit" disabled={busy || !ready}>
          {busy ? t('tracing.cases.tracing') : t('tracing.cases.registerSubmit')}
        </button>
      </div>
    </form>
  );
}
