// 通知名单 The call list of contacts: a community or grid worker sees the calls of their area, narrows
// them by grid, building, case, exposure date, class and status, searches by name and sorts (all on
// the server, paged), reads on each row when the contact was exposed and what the active rule set says
// they must do, records each call (reached / not reached / refused) with a note, sees a full phone only
// after giving a reason (audited), prints a building's list, and exports the list for a call team
// (CSV/XLSX, masked unless revealed with a reason). The filters live in the address, so a list can be
// shared and printed as it is.
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { saveFile, type ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { formatDateTime } from '../shared/format.ts';
import {
  CALL_OUTCOMES,
  CALL_SORTS,
  CALL_STATUSES,
  CONTACT_CLASSES,
  tracingApi,
  type CallOutcome,
  type CallQuery,
  type CallSort,
  type CallStatus,
  type CallTask,
  type ContactClass,
} from './tracingApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Modal } from '../shared/Modal.tsx';
import { Pager } from '../shared/Pager.tsx';
import { CallStatusBadge, ClassBadge } from './TracingBits.tsx';
import { ExposureDate, Instructions } from './CallBits.tsx';
import './calls.css';

const PAGE = 50;

/** The list's query from the address: `status` is `open` (the default), `all` or one status. */
export function callQueryOf(params: URLSearchParams): CallQuery {
  const status = params.get('status') ?? 'open';
  const sort = params.get('sort');
  const cls = params.get('class');
  return {
    caseId: params.get('caseId') || undefined,
    areaId: params.get('areaId') || undefined,
    buildingId: params.get('buildingId') || undefined,
    class: cls && (CONTACT_CLASSES as readonly string[]).includes(cls) ? (cls as ContactClass) : undefined,
    exposedFrom: params.get('exposedFrom') || undefined,
    exposedTo: params.get('exposedTo') || undefined,
    q: params.get('q') || undefined,
    open: status === 'open' ? true : undefined,
    status: (CALL_STATUSES as readonly string[]).includes(status) ? (status as CallStatus) : undefined,
    sort: sort && (CALL_SORTS as readonly string[]).includes(sort) ? (sort as CallSort) : undefined,
    dir: params.get('dir') === 'desc' ? 'desc' : undefined,
  };
}

export function CallListPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const query = callQueryOf(params);
  const offset = Number(params.get('offset') ?? 0) || 0;
  const key = params.toString();
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('offset' in changes)) next.delete('offset');
    setParams(next, { replace: true });
  };
  const list = useLoad(() => tracingApi.callTasks({ ...query, limit: PAGE, offset }), [key]);
  const facets = useLoad(() => tracingApi.callFacets({ caseId: query.caseId }), [query.caseId]);
  // A city-wide list may span more buildings than one answer lists: a chosen grid asks for its own.
  const gridFacets = useLoad(
    () =>
      query.areaId ? tracingApi.callFacets({ caseId: query.caseId, areaId: query.areaId }) : Promise.resolve(null),
    [query.caseId, query.areaId],
  );
  const [search, setSearch] = useState(query.q ?? '');
  useEffect(() => {
    if (search.trim() === (query.q ?? '')) return undefined;
    const timer = setTimeout(() => set({ q: search.trim() || undefined }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);
  const [revealFor, setRevealFor] = useState<CallTask | null>(null);
  const [phones, setPhones] = useState<Record<string, string>>({});
  const [exportOpen, setExportOpen] = useState(false);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const oneParent = new Set(facets.data?.grids.map((g) => g.parentName)).size <= 1;
  const buildingSource = query.areaId ? gridFacets.data : facets.data;
  const buildings = buildingSource?.buildings ?? [];
  const statusValue = params.get('status') ?? 'open';
  const filtered = Boolean(
    query.areaId ||
    query.buildingId ||
    query.class ||
    query.exposedFrom ||
    query.exposedTo ||
    query.q ||
    statusValue !== 'open',
  );
  const printParams = new URLSearchParams(params);
  printParams.delete('offset');
  const printUrl = query.buildingId ? `/calls/print?${printParams.toString()}` : null;

  return (
    <div className="calls-page">
      <h1 className="page-title">{t('tracing.calls.title')}</h1>
      <p className="muted small">{t('tracing.calls.help')}</p>
      <div className="card">
        <div className="calls-toolbar">
          <input
            type="search"
            className="calls-search"
            data-testid="calls-search"
            value={search}
            maxLength={50}
            placeholder={t('callList.search')}
            aria-label={t('callList.search')}
            onChange={(e) => setSearch(e.target.value)}
          />
          <button
            type="button"
            className={`btn calls-filters-toggle ${filtered ? 'is-on' : ''}`}
            data-testid="calls-filters-toggle"
            aria-expanded={filtersOpen}
            onClick={() => setFiltersOpen((o) => !o)}
          >
            {t('callList.filters')}
            {filtered ? ' •' : ''}
          </button>
          <div className="calls-toolbar-end">
            {printUrl && (
              <Link className="btn" data-testid="calls-print" to={printUrl}>
                {t('callList.printBuilding')}
              </Link>
            )}
            <button type="button" className="btn" data-testid="calls-export-open" onClick={() => setExportOpen(true)}>
              {t('tracing.calls.export')}
            </button>
          </div>
        </div>
        <div className={`calls-filters ${filtersOpen ? 'open' : ''}`} data-testid="calls-filters">
          <label className="calls-filter">
            <span>{t('callList.grid')}</span>
            <select
              data-testid="calls-grid"
              value={query.areaId ?? ''}
              onChange={(e) => set({ areaId: e.target.value || undefined, buildingId: undefined })}
            >
              <option value="">{t('tracing.all')}</option>
              {facets.data?.grids.map((g) => (
                <option key={g.id} value={g.id}>
                  {t('callList.facet', {
                    name: oneParent ? g.name : `${g.parentName ?? ''} ${g.name}`.trim(),
                    open: g.open,
                    total: g.total,
                  })}
                </option>
              ))}
            </select>
          </label>
          <label className="calls-filter">
            <span>{t('callList.building')}</span>
            <select
              data-testid="calls-building"
              value={query.buildingId ?? ''}
              onChange={(e) => set({ buildingId: e.target.value || undefined })}
            >
              <option value="">{t('tracing.all')}</option>
              {buildings.map((b) => (
                <option key={b.id} value={b.id}>
                  {t('callList.facet', {
                    name: query.areaId ? b.name : `${b.areaName} ${b.name}`,
                    open: b.open,
                    total: b.total,
                  })}
                </option>
              ))}
            </select>
            {buildingSource?.buildingsTruncated && (
              <span className="small" data-testid="calls-buildings-cut">
                {t('callList.buildingsCut', { count: buildings.length })}
              </span>
            )}
          </label>
          <label className="calls-filter">
            <span>{t('callList.class')}</span>
            <select
              data-testid="calls-class"
              value={query.class ?? ''}
              onChange={(e) => set({ class: e.target.value || undefined })}
            >
              <option value="">{t('tracing.all')}</option>
              {CONTACT_CLASSES.map((c) => (
                <option key={c} value={c}>
                  {t(`tracing.class.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="calls-filter">
            <span>{t('tracing.calls.status')}</span>
            <select
              data-testid="calls-filter"
              value={statusValue}
              onChange={(e) => set({ status: e.target.value === 'open' ? undefined : e.target.value })}
            >
              <option value="open">{t('tracing.calls.open')}</option>
              <option value="all">{t('tracing.all')}</option>
              {CALL_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`tracing.call.status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="calls-filter">
            <span>{t('callList.exposedFrom')}</span>
            <input
              type="date"
              data-testid="calls-from"
              value={query.exposedFrom ?? ''}
              onChange={(e) => set({ exposedFrom: e.target.value || undefined })}
            />
          </label>
          <label className="calls-filter">
            <span>{t('callList.exposedTo')}</span>
            <input
              type="date"
              data-testid="calls-to"
              value={query.exposedTo ?? ''}
              onChange={(e) => set({ exposedTo: e.target.value || undefined })}
            />
          </label>
          <label className="calls-filter">
            <span>{t('callList.sort')}</span>
            <span className="calls-sort">
              <select
                data-testid="calls-sort"
                value={query.sort ?? 'priority'}
                onChange={(e) => set({ sort: e.target.value === 'priority' ? undefined : e.target.value })}
              >
                {CALL_SORTS.map((k) => (
                  <option key={k} value={k}>
                    {t(`callList.sorts.${k}`)}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="btn btn-small"
                data-testid="calls-dir"
                aria-label={t(query.dir === 'desc' ? 'callList.desc' : 'callList.asc')}
                onClick={() => set({ dir: query.dir === 'desc' ? undefined : 'desc' })}
              >
                {query.dir === 'desc' ? '↓' : '↑'}
              </button>
            </span>
          </label>
          {filtered && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              data-testid="calls-clear"
              onClick={() => {
                setSearch('');
                setParams(new URLSearchParams(query.caseId ? { caseId: query.caseId } : {}), { replace: true });
              }}
            >
              {t('callList.clear')}
            </button>
          )}
        </div>
        {query.caseId && (
          <p className="muted small">
            {t('tracing.calls.ofCase')} <Link to={`/cases/${query.caseId}`}>{query.caseId}</Link>
          </p>
        )}
        {facets.data && (
          <p className="muted small" data-testid="calls-ruleset">
            {t('callList.ruleSet', {
              name: i18n.language === 'en' ? facets.data.ruleSet.name.en : facets.data.ruleSet.name.zh,
            })}
          </p>
        )}
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && (
          <p className="calls-count" data-testid="calls-total" data-total={list.data.total}>
            {t('callList.total', { count: list.data.total })}
          </p>
        )}
        {list.data && list.data.items.length === 0 && (
          <p className="empty" data-testid="calls-empty">
            {t('tracing.calls.none')}
          </p>
        )}
        {list.data && list.data.items.length > 0 && (
          <table className="table rtable calls-table" data-testid="calls-table">
            <thead>
              <tr>
                <th>{t('tracing.contact.person')}</th>
                <th>{t('tracing.calls.phone')}</th>
                <th>{t('callList.exposure')}</th>
                <th>{t('callList.todo')}</th>
                <th>{t('tracing.calls.status')}</th>
                <th>{t('tracing.calls.call')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((task) => (
                <CallRow
                  key={`${task.id}-${task.updatedAt}`}
                  task={task}
                  phone={phones[task.id]}
                  onReveal={can('person.reveal') ? () => setRevealFor(task) : undefined}
                />
              ))}
            </tbody>
          </table>
        )}
        {list.data && (
          <Pager
            total={list.data.total}
            limit={PAGE}
            offset={offset}
            onChange={(o) => set({ offset: o ? String(o) : undefined })}
          />
        )}
      </div>
      {revealFor && (
        <RevealPhoneDialog
          task={revealFor}
          onClose={() => setRevealFor(null)}
          onRevealed={(phone) => {
            setPhones((p) => ({ ...p, [revealFor.id]: phone }));
            setRevealFor(null);
          }}
        />
      )}
      {exportOpen && (
        <ExportDialog query={query} canReveal={can('person.reveal')} onClose={() => setExportOpen(false)} />
      )}
    </div>
  );
}

function CallRow({ task: initial, phone, onReveal }: { task: CallTask; phone?: string; onReveal?: () => void }) {
  const { t } = useTranslation();
  const [task, setTask] = useState(initial);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const record = async (outcome: CallOutcome) => {
    setBusy(true);
    setError(null);
    try {
      const d = await tracingApi.recordCall(task.id, { outcome, note: note.trim() || undefined });
      setTask(d.task);
      setNote('');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const where = [task.person.areaName, task.person.address].filter(Boolean).join(' · ');
  return (
    <tr data-testid="call-row" data-task-id={task.id} data-person-id={task.person.id}>
      <td className="rtable-head calls-who">
        <span className="calls-name-line">
          <strong className="calls-name" data-testid="call-name" title={task.person.name}>
            {task.person.name}
          </strong>
          <ClassBadge cls={task.class} />
        </span>
        <div className="muted small calls-where" title={where}>
          {where}
        </div>
      </td>
      <td data-label={t('tracing.calls.phone')}>
        {phone ? (
          <a href={`tel:${phone}`} data-testid="call-phone-full">
            {phone}
          </a>
        ) : (
          <span data-testid="call-phone">{task.person.phone ?? t('tracing.calls.noPhone')}</span>
        )}
        {!phone && task.person.phone && onReveal && (
          <button type="button" className="link-button" data-testid="call-reveal" onClick={onReveal}>
            {t('tracing.calls.reveal')}
          </button>
        )}
      </td>
      <td data-label={t('callList.exposure')}>
        <ExposureDate at={task.exposure.lastAt} />
      </td>
      <td data-label={t('callList.todo')} className="calls-todo">
        <Instructions i={task.instructions} />
      </td>
      <td data-label={t('tracing.calls.status')}>
        <CallStatusBadge status={task.status} />
        <div className="muted small">
          {t('tracing.calls.attempts', { count: task.attempts })}
          {task.lastAttemptAt ? ` · ${formatDateTime(task.lastAttemptAt)}` : ''}
        </div>
        {task.lastNote && (
          <div className="muted small" data-testid="call-note">
            {task.lastNote}
          </div>
        )}
      </td>
      <td data-label={t('tracing.calls.call')} className="calls-act">
        {task.status !== 'withdrawn' && (
          <>
            <input
              data-testid="call-note-input"
              value={note}
              maxLength={1000}
              placeholder={t('tracing.calls.note')}
              aria-label={t('tracing.calls.note')}
              onChange={(e) => setNote(e.target.value)}
            />
            <div className="call-buttons">
              {CALL_OUTCOMES.map((o) => (
                <button
                  key={o}
                  type="button"
                  className={`btn btn-small ${o === 'reached' ? 'btn-primary' : ''}`}
                  data-testid={`call-${o}`}
                  disabled={busy}
                  onClick={() => void record(o)}
                >
                  {t(`tracing.call.outcome.${o}`)}
                </button>
              ))}
            </div>
          </>
        )}
        <ErrorBox error={error} />
      </td>
    </tr>
  );
}

function RevealPhoneDialog({
  task,
  onClose,
  onRevealed,
}: {
  task: CallTask;
  onClose: () => void;
  onRevealed: (phone: string) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState(t('tracing.calls.revealDefault'));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      onRevealed((await tracingApi.revealPhone(task.id, reason.trim())).phone);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('tracing.calls.revealTitle', { name: task.person.name })}
      onClose={onClose}
      testId="call-reveal-dialog"
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted small">{t('tracing.calls.revealExplain')}</p>
        <label className="field">
          <span className="field-label">
            {t('reveal.reason')} <span className="req">*</span>
          </span>
          <input
            data-testid="call-reveal-reason"
            value={reason}
            maxLength={200}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <ErrorBox error={error} />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="call-reveal-submit"
            disabled={busy || !reason.trim()}
          >
            {t('reveal.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ExportDialog({ query, canReveal, onClose }: { query: CallQuery; canReveal: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [reveal, setReveal] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (format: 'csv' | 'xlsx') => {
    setBusy(true);
    setError(null);
    try {
      const file = await tracingApi.exportCalls({
        ...query,
        format,
        reveal: reveal || undefined,
        reason: reveal ? reason.trim() : undefined,
      });
      saveFile(file.blob, file.filename);
      onClose();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={t('tracing.calls.export')} onClose={onClose} testId="calls-export-dialog">
      <div className="form">
        <p className="muted small">{t('tracing.calls.exportExplain')}</p>
        {canReveal && (
          <label className="check">
            <input
              type="checkbox"
              data-testid="calls-export-reveal"
              checked={reveal}
              onChange={(e) => setReveal(e.target.checked)}
            />{' '}
            {t('tracing.calls.exportReveal')}
          </label>
        )}
        {reveal && (
          <label className="field">
            <span className="field-label">
              {t('reveal.reason')} <span className="req">*</span>
            </span>
            <input
              data-testid="calls-export-reason"
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
        )}
        <ErrorBox error={error} />
        <div className="form-actions">
          <button
            type="button"
            className="btn"
            data-testid="calls-export-csv"
            disabled={busy || (reveal && !reason.trim())}
            onClick={() => void run('csv')}
          >
            CSV
          </button>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="calls-export-xlsx"
            disabled={busy || (reveal && !reason.trim())}
            onClick={() => void run('xlsx')}
          >
            XLSX
          </button>
        </div>
      </div>
    </Modal>
  );
}
