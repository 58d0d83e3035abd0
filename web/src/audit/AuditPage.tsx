// 审计日志 Audit log: the hash-chained events, newest first, filtered by action, actor, object, time
// and text (kept in the address), paged by seq, objects named by what they are, exported as a
// streamed CSV/XLSX download; and a check of the whole chain (keyed with
// the audit key, and against the signed anchors the server keeps outside the database).
import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { type ApiError } from '../shared/api.ts';
import { auditApi } from './auditApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { BasisText } from '../shared/Labels.tsx';
import { auditActionLabel, objectTypeLabel, reasonSentence } from '../../../common/labels.ts';
import '../access/accounts.css';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import type { AuditEvent, AuditFilter, AuditVerify } from './types.ts';
import { Label } from '../shared/Label.tsx';

const PAGE = 50;
const OBJECT_TYPES = [
  'person',
  'household',
  'building',
  'user',
  'case',
  'contact',
  'venue',
  'area',
  'risk_area',
  'testing_round',
  'quarantine_order',
  'quarantine_site',
  'hospital',
  'audit_event',
];
const BLANK: Required<AuditFilter> = { action: '', actor: '', objectType: '', objectId: '', from: '', to: '', q: '' };

/** The filters live in the address, so a filtered view can be reloaded and shared. */
function filterFrom(params: URLSearchParams): AuditFilter {
  const f: AuditFilter = {};
  for (const k of Object.keys(BLANK) as Array<keyof AuditFilter>) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  return f;
}

export function AuditPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFrom(params), [params]);
  const key = params.toString();
  // Paging by seq: the cursors of the pages already walked, newest first (undefined = the newest page).
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const before = cursors[cursors.length - 1];
  const events = useLoad(() => auditApi.auditEvents(filter, PAGE, before), [key, before]);
  const apply = (f: AuditFilter) => {
    setCursors([undefined]);
    setParams(Object.fromEntries(Object.entries(f).filter(([, v]) => v)) as Record<string, string>);
  };

  return (
    <div className="audit-page">
      <h1 className="page-title">{t('audit.title')}</h1>
      <VerifyCard />
      <div className="card">
        <h2 className="card-title">{t('auditLog.filters')}</h2>
        <FilterForm key={key} initial={filter} onApply={apply} />
      </div>
      <div className="card">
        <div className="card-title-row">
          <h2 className="card-title">{t('audit.events')}</h2>
          <div className="audit-actions">
            <a
              className="btn btn-ghost btn-small"
              data-testid="audit-export-csv"
              href={auditApi.auditExportUrl(filter, 'csv')}
              download
            >
              {t('auditLog.exportCsv')}
            </a>
            <a
              className="btn btn-ghost btn-small"
              data-testid="audit-export-xlsx"
              href={auditApi.auditExportUrl(filter, 'xlsx')}
              download
            >
              {t('auditLog.exportXlsx')}
            </a>
            <button type="button" className="btn btn-ghost btn-small" onClick={events.reload}>
              {t('common.refresh')}
            </button>
          </div>
        </div>
        <p className="muted small">{t('auditLog.exportHint')}</p>
        <ErrorBox error={events.error} />
        {events.loading && !events.data && <Loading />}
        {events.data && events.data.items.length === 0 && (
          <p className="empty" data-testid="audit-empty">
            {t('audit.none')}
          </p>
        )}
        {events.data && events.data.items.length > 0 && (
          <table className="table rtable audit-table" data-testid="audit-events">
            <thead>
              <tr>
                <th className="num">{t('audit.seq')}</th>
                <th>{t('audit.at')}</th>
                <th>{t('audit.actor')}</th>
                <th>{t('audit.action')}</th>
                <th>{t('audit.object')}</th>
                <th>{t('audit.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {events.data.items.map((e) => (
                <tr key={e.seq} data-testid="audit-row" data-action={e.action}>
                  <td data-label={t('audit.seq')} className="num mono rtable-head">
                    #{e.seq}
                  </td>
                  <td data-label={t('audit.at')} className="nowrap">
                    {formatDateTime(e.at)}
                  </td>
                  <td data-label={t('audit.actor')}>
                    <div className="audit-cell">
                      <button
                        type="button"
                        className={e.actorRole === 'system' ? 'link-button' : 'link-button mono'}
                        title={e.actorName}
                        onClick={() => apply({ ...filter, actor: e.actorName })}
                      >
                        {e.actorRole === 'system' && e.actorName === 'system' ? t('role.system') : e.actorName}
                      </button>
                      <span className="muted small"> · {t(`role.${e.actorRole}`, { defaultValue: e.actorRole })}</span>
                    </div>
                  </td>
                  <td data-label={t('audit.action')}>
                    <div className="audit-cell">
                      <div>{auditActionLabel(t, e.action)}</div>
                      <code className="action muted small">{e.action}</code>
                    </div>
                  </td>
                  <td data-label={t('audit.object')} data-testid="audit-object">
                    <ObjectCell
                      event={e}
                      onPick={() => e.objectId && apply({ objectType: e.objectType, objectId: e.objectId })}
                    />
                  </td>
                  <td data-label={t('audit.reason')}>
                    <div className="audit-cell">
                      <ReasonText event={e} />
                      <DetailLine detail={e.detail} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {events.data && (
          <div className="pager" data-testid="audit-pager">
            <span className="muted small">{t('auditLog.shown', { n: formatNumber(events.data.items.length) })}</span>
            {cursors.length > 1 && (
              <button type="button" className="btn btn-small" onClick={() => setCursors([undefined])}>
                {t('auditLog.newest')}
              </button>
            )}
            {events.data.nextBeforeSeq !== null && (
              <button
                type="button"
                className="btn btn-small"
                data-testid="audit-older"
                onClick={() => setCursors((c) => [...c, events.data!.nextBeforeSeq!])}
              >
                {t('auditLog.older')}
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

function ObjectCell({ event: e, onPick }: { event: AuditEvent; onPick: () => void }) {
  const { t } = useTranslation();
  const type = objectTypeLabel(t, e.objectType);
  if (!e.objectId) return <span className="muted small">{type}</span>;
  return (
    <div className="audit-cell">
      <span className="muted small">{type} </span>
      {/* A user is named by their login name, shown as typed. */}
      <button
        type="button"
        className={e.objectType === 'user' ? 'link-button mono' : 'link-button'}
        title={e.objectId}
        onClick={onPick}
      >
        {e.objectLabel ?? e.objectId}
      </button>
      {e.objectLabel && <div className="mono muted small audit-id">{e.objectId}</div>}
    </div>
  );
}

/** The reason in the reader's language when a service wrote it (its kind), a user's own words as written. */
function ReasonText({ event: e }: { event: AuditEvent }) {
  const { t } = useTranslation();
  const params = e.reasonParams ?? {};
  if (e.reasonKind === 'colour_basis' && typeof params.basisKind === 'string')
    return <BasisText kind={params.basisKind} params={params} text={e.reason} />;
  if (e.reasonKind)
    return (
      <span data-reason-kind={e.reasonKind} title={e.reason}>
        {reasonSentence(t, e, (id) => id)}
      </span>
    );
  return e.reason ? <span>{e.reason}</span> : <span className="muted">—</span>;
}

/** The detail on one line (its keys and values), the whole of it on demand. */
function DetailLine({ detail }: { detail: unknown }) {
  const { t } = useTranslation();
  if (!detail || typeof detail !== 'object' || Object.keys(detail).length === 0) return null;
  const text = JSON.stringify(detail);
  return (
    <details className="audit-detail small">
      <summary className="muted">
        <Label text={t('auditLog.detail')} />
        {text.length > 60 ? `${text.slice(0, 60)}…` : text}
      </summary>
      <pre className="mono">{JSON.stringify(detail, null, 2)}</pre>
    </details>
  );
}

function FilterForm({ initial, onApply }: { initial: AuditFilter; onApply: (f: AuditFilter) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Required<AuditFilter>>({ ...BLANK, ...initial });
  const set = (k: keyof AuditFilter) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, v.trim()])));
  };
  return (
    <form className="form audit-filters" onSubmit={submit} data-testid="audit-filters">
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('auditLog.q')}</span>
          <input data-testid="audit-q" value={draft.q} onChange={set('q')} placeholder={t('auditLog.qHint')} />
        </label>
        <label className="field">
          <span className="field-label">{t('auditLog.action')}</span>
          <input
            data-testid="audit-action"
            className="mono"
            value={draft.action}
            onChange={set('action')}
            placeholder="person.*"
            autoCapitalize="none"
            spellCheck={false}
          />
          <span className="field-hint">{t('auditLog.actionHint')}</span>
        </label>
        <label className="field">
          <span className="field-label">{t('auditLog.actor')}</span>
          <input
            data-testid="audit-actor"
            className="mono"
            value={draft.actor}
            onChange={set('actor')}
            autoCapitalize="none"
            spellCheck={false}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('auditLog.objectType')}</span>
          <select data-testid="audit-objectType" value={draft.objectType} onChange={set('objectType')}>
            <option value="">{t('auditLog.anyType')}</option>
            {OBJECT_TYPES.map((o) => (
              <option key={o} value={o}>
                {t(`auditLog.objectTypes.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('auditLog.objectId')}</span>
          <input
            data-testid="audit-objectId"
            className="mono"
            value={draft.objectId}
            onChange={set('objectId')}
            spellCheck={false}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('auditLog.from')}</span>
          <input data-testid="audit-from" type="date" value={draft.from} onChange={set('from')} />
        </label>
        <label className="field">
          <span className="field-label">{t('auditLog.to')}</span>
          <input data-testid="audit-to" type="date" value={draft.to} onChange={set('to')} />
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="audit-apply">
          {t('auditLog.apply')}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => {
            setDraft(BLANK);
            onApply({});
          }}
        >
          {t('auditLog.clear')}
        </button>
      </div>
    </form>
  );
}

function VerifyCard() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AuditVerify | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const verify = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await auditApi.auditVerify());
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card verify-card">
      <div className="card-title-row">
        <div>
          <h2 className="card-title">{t('audit.verifyTitle')}</h2>
          <p className="muted small">{t('audit.verifyExplain')}</p>
        </div>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="audit-verify"
          disabled={busy}
          onClick={() => void verify()}
        >
          {busy ? t('common.working') : t('audit.verify')}
        </button>
      </div>
      <ErrorBox error={error} />
      {result &&
        (result.ok ? (
          <div className="alert alert-ok" role="status" data-testid="audit-verify-result" data-ok="true">
            <div className="alert-title">
              {t('audit.intact', { count: result.events, n: formatNumber(result.events) })}
            </div>
            {result.headHash && (
              <div className="mono small break">
                <Label text={t('audit.headHash')} />
                {result.headHash}
              </div>
            )}
            {result.keyedFrom != null && <div className="small">{t('audit.keyedFrom', { seq: result.keyedFrom })}</div>}
            <AnchorLine result={result} />
          </div>
        ) : (
          <div className="alert alert-error" role="alert" data-testid="audit-verify-result" data-ok="false">
            <div className="alert-title">
              {result.brokenAt === undefined ? t('audit.anchorRefused') : t('audit.broken', { seq: result.brokenAt })}
            </div>
            {result.problem && <div>{result.problem}</div>}
            {result.anchor && (
              <div className="mono small break" data-testid="audit-verify-anchor">
                {t('audit.anchorNamed', { anchor: result.anchor })}
              </div>
            )}
            <div className="small">{t('audit.checked', { n: formatNumber(result.events) })}</div>
          </div>
        ))}
    </div>
  );
}

function AnchorLine({ result }: { result: AuditVerify }) {
  const { t } = useTranslation();
  const a = result.anchors;
  let text: string;
  if (!a) text = t('audit.anchorsMissing');
  else if (a.checked === 0 || a.newestSeq === null || a.newestAt === null) text = t('audit.anchorsNone');
  else text = t('audit.anchorsOk', { n: formatNumber(a.checked), seq: a.newestSeq, at: formatDateTime(a.newestAt) });
  return (
    <div className="small" data-testid="audit-verify-anchors">
      {text}
    </div>
  );
}
