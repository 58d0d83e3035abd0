// 审计日志 Audit log: the hash-chained events, newest first, and a check of the whole chain (keyed with
// the audit key, and against the signed anchors the server keeps outside the database).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ApiError } from '../api.ts';
import { toApiError, useLoad } from '../useLoad.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Loading } from '../components/Loading.tsx';
import { Pager } from '../components/Pager.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import type { AuditVerify } from '../types.ts';

const PAGE = 50;

export function AuditPage() {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const events = useLoad(() => api.auditEvents(PAGE, offset), [offset]);

  return (
    <div className="audit-page">
      <h1 className="page-title">{t('audit.title')}</h1>
      <VerifyCard />
      <div className="card">
        <div className="card-title-row">
          <h2 className="card-title">{t('audit.events')}</h2>
          <button type="button" className="btn btn-ghost btn-small" onClick={events.reload}>{t('common.refresh')}</button>
        </div>
        <ErrorBox error={events.error} />
        {events.loading && !events.data && <Loading />}
        {events.data && events.data.items.length === 0 && <p className="empty">{t('audit.none')}</p>}
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
                <tr key={e.seq} data-testid="audit-row">
                  <td data-label={t('audit.seq')} className="num mono rtable-head">#{e.seq}</td>
                  <td data-label={t('audit.at')} className="nowrap">{formatDateTime(e.at)}</td>
                  <td data-label={t('audit.actor')}>
                    {e.actorName}
                    <span className="muted small"> · {t(`role.${e.actorRole}`, { defaultValue: e.actorRole })}</span>
                  </td>
                  <td data-label={t('audit.action')}>
                    <code className="action">{e.action}</code>
                    <div className="muted small">{t(`auditAction.${e.action.replace(/\./g, '_')}`, { defaultValue: '' })}</div>
                  </td>
                  <td data-label={t('audit.object')} className="mono small">{e.objectType}{e.objectId ? ` ${e.objectId}` : ''}</td>
                  <td data-label={t('audit.reason')}>{e.reason || <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {events.data && <Pager total={events.data.total} limit={PAGE} offset={offset} onChange={setOffset} />}
      </div>
    </div>
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
      setResult(await api.auditVerify());
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
        <button type="button" className="btn btn-primary" data-testid="audit-verify" disabled={busy} onClick={() => void verify()}>
          {busy ? t('common.working') : t('audit.verify')}
        </button>
      </div>
      <ErrorBox error={error} />
      {result && (result.ok ? (
        <div className="alert alert-ok" role="status" data-testid="audit-verify-result" data-ok="true">
          <div className="alert-title">{t('audit.intact', { count: result.events, n: formatNumber(result.events) })}</div>
          {result.headHash && <div className="mono small break">{t('audit.headHash')}: {result.headHash}</div>}
          {result.keyedFrom != null && <div className="small">{t('audit.keyedFrom', { seq: result.keyedFrom })}</div>}
          <AnchorLine result={result} />
        </div>
      ) : (
        <div className="alert alert-error" role="alert" data-testid="audit-verify-result" data-ok="false">
          <div className="alert-title">
            {result.brokenAt === undefined ? t('audit.anchorRefused') : t('audit.broken', { seq: result.brokenAt })}
          </div>
          {result.problem && <div>{result.problem}</div>}
          {result.anchor && <div className="mono small break" data-testid="audit-verify-anchor">{t('audit.anchorNamed', { anchor: result.anchor })}</div>}
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
  return <div className="small" data-testid="audit-verify-anchors">{text}</div>;
}
