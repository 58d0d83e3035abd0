// 通知名单 The call list of contacts: a community worker sees the calls of their area, records each
// call (reached / not reached / refused) with a note, sees a full phone only after giving a reason
// (audited), and exports the list for a call team (CSV/XLSX, masked unless revealed with a reason).
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { saveFile, type ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { formatDateTime } from '../format.ts';
import { CALL_OUTCOMES, CALL_STATUSES, tracingApi, type CallOutcome, type CallStatus, type CallTask } from '../tracingApi.ts';
import { toApiError, useLoad } from '../useLoad.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Loading } from '../components/Loading.tsx';
import { Modal } from '../components/Modal.tsx';
import { Pager } from '../components/Pager.tsx';
import { CallStatusBadge, ClassBadge } from '../components/TracingBits.tsx';

const PAGE = 50;

export function CallListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [params] = useSearchParams();
  const caseId = params.get('caseId') ?? undefined;
  const [offset, setOffset] = useState(0);
  const [filter, setFilter] = useState<'open' | CallStatus | ''>('open');
  const list = useLoad(() => tracingApi.callTasks({
    limit: PAGE, offset, caseId, open: filter === 'open' ? true : undefined, status: filter === 'open' ? '' : filter,
  }), [offset, filter, caseId]);
  const [revealFor, setRevealFor] = useState<CallTask | null>(null);
  const [phones, setPhones] = useState<Record<string, string>>({});
  const [exportOpen, setExportOpen] = useState(false);

  return (
    <div className="calls-page">
      <h1 className="page-title">{t('tracing.calls.title')}</h1>
      <p className="muted small">{t('tracing.calls.help')}</p>
      <div className="card">
        <div className="card-title-row">
          <div className="filters">
            <select data-testid="calls-filter" aria-label={t('tracing.calls.status')} value={filter} onChange={(e) => { setFilter(e.target.value as 'open' | CallStatus | ''); setOffset(0); }}>
              <option value="open">{t('tracing.calls.open')}</option>
              <option value="">{t('tracing.all')}</option>
              {CALL_STATUSES.map((s) => <option key={s} value={s}>{t(`tracing.call.status.${s}`)}</option>)}
            </select>
            {caseId && <span className="muted small">{t('tracing.calls.ofCase')} <Link to={`/cases/${caseId}`}>{caseId}</Link></span>}
          </div>
          <button type="button" className="btn" data-testid="calls-export-open" onClick={() => setExportOpen(true)}>{t('tracing.calls.export')}</button>
        </div>
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.items.length === 0 && <p className="empty" data-testid="calls-empty">{t('tracing.calls.none')}</p>}
        {list.data && list.data.items.length > 0 && (
          <table className="table rtable" data-testid="calls-table">
            <thead>
              <tr>
                <th>{t('tracing.contact.person')}</th>
                <th>{t('tracing.calls.phone')}</th>
                <th>{t('tracing.contact.class')}</th>
                <th>{t('tracing.calls.status')}</th>
                <th>{t('tracing.calls.call')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((task) => (
                <CallRow key={`${task.id}-${task.updatedAt}`} task={task} phone={phones[task.id]}
                  onReveal={can('person.reveal') ? () => setRevealFor(task) : undefined} />
              ))}
            </tbody>
          </table>
        )}
        {list.data && <Pager total={list.data.total} limit={PAGE} offset={offset} onChange={setOffset} />}
      </div>
      {revealFor && (
        <RevealPhoneDialog task={revealFor} onClose={() => setRevealFor(null)}
          onRevealed={(phone) => { setPhones((p) => ({ ...p, [revealFor.id]: phone })); setRevealFor(null); }} />
      )}
      {exportOpen && <ExportDialog open={filter === 'open'} status={filter === 'open' ? '' : filter} canReveal={can('person.reveal')} onClose={() => setExportOpen(false)} />}
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
  return (
    <tr data-testid="call-row" data-task-id={task.id} data-person-id={task.person.id}>
      <td className="rtable-head">
        <strong>{task.person.name}</strong>
        <div className="muted small">{task.community.name} · {task.person.areaName}{task.person.address ? ` · ${task.person.address}` : ''}</div>
      </td>
      <td data-label={t('tracing.calls.phone')}>
        {phone ? <a href={`tel:${phone}`} data-testid="call-phone-full">{phone}</a> : <span data-testid="call-phone">{task.person.phone ?? t('tracing.calls.noPhone')}</span>}
        {!phone && task.person.phone && onReveal && (
          <button type="button" className="link-button" data-testid="call-reveal" onClick={onReveal}>{t('tracing.calls.reveal')}</button>
        )}
      </td>
      <td data-label={t('tracing.contact.class')}><ClassBadge cls={task.class} /></td>
      <td data-label={t('tracing.calls.status')}>
        <CallStatusBadge status={task.status} />
        <div className="muted small">{t('tracing.calls.attempts', { count: task.attempts })}{task.lastAttemptAt ? ` · ${formatDateTime(task.lastAttemptAt)}` : ''}</div>
        {task.lastNote && <div className="muted small" data-testid="call-note">{task.lastNote}</div>}
      </td>
      <td data-label={t('tracing.calls.call')}>
        {task.status !== 'withdrawn' && (
          <>
            <input data-testid="call-note-input" value={note} maxLength={1000} placeholder={t('tracing.calls.note')} aria-label={t('tracing.calls.note')} onChange={(e) => setNote(e.target.value)} />
            <div className="call-buttons">
              {CALL_OUTCOMES.map((o) => (
                <button key={o} type="button" className={`btn btn-small ${o === 'reached' ? 'btn-primary' : ''}`} data-testid={`call-${o}`} disabled={busy} onClick={() => void record(o)}>
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

function RevealPhoneDialog({ task, onClose, onRevealed }: { task: CallTask; onClose: () => void; onRevealed: (phone: string) => void }) {
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
    <Modal title={t('tracing.calls.revealTitle', { name: task.person.name })} onClose={onClose} testId="call-reveal-dialog">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <p className="muted small">{t('tracing.calls.revealExplain')}</p>
        <label className="field"><span className="field-label">{t('reveal.reason')} <span className="req">*</span></span>
          <input data-testid="call-reveal-reason" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
        </label>
        <ErrorBox error={error} />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" data-testid="call-reveal-submit" disabled={busy || !reason.trim()}>{t('reveal.submit')}</button>
        </div>
      </form>
    </Modal>
  );
}

function ExportDialog({ open, status, canReveal, onClose }: { open: boolean; status: CallStatus | ''; canReveal: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [reveal, setReveal] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (format: 'csv' | 'xlsx') => {
    setBusy(true);
    setError(null);
    try {
      const file = await tracingApi.exportCalls({ format, open: open || undefined, status, reveal: reveal || undefined, reason: reveal ? reason.trim() : undefined });
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
          <label className="check"><input type="checkbox" data-testid="calls-export-reveal" checked={reveal} onChange={(e) => setReveal(e.target.checked)} /> {t('tracing.calls.exportReveal')}</label>
        )}
        {reveal && (
          <label className="field"><span className="field-label">{t('reveal.reason')} <span className="req">*</span></span>
            <input data-testid="calls-export-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
        )}
        <ErrorBox error={error} />
        <div className="form-actions">
          <button type="button" className="btn" data-testid="calls-export-csv" disabled={busy || (reveal && !reason.trim())} onClick={() => void run('csv')}>CSV</button>
          <button type="button" className="btn btn-primary" data-testid="calls-export-xlsx" disabled={busy || (reveal && !reason.trim())} onClick={() => void run('xlsx')}>XLSX</button>
        </div>
      </div>
    </Modal>
  );
}
