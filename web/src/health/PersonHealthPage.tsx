// 健康码 A person's colour: the reasons with the rule that gave each and how it ends, the latest
// test, the manual change in force, the history of every change with its basis, appeals; and, for
// users who may, a request for a manual change (a second authorised user must approve it).
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth.tsx';
import { formatDateTime } from '../shared/format.ts';
import { healthApi, type Colour, type HealthView } from './healthApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { ColourBadge, HistoryList, ReasonList, StatusBadge } from './HealthBits.tsx';
import { localInputToMs, msToLocalInput } from '../tracing/TracingBits.tsx';
import { RuleSetName } from '../shared/Labels.tsx';
import { Label } from '../shared/Label.tsx';

export function PersonHealthPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { can } = useAuth();
  const view = useLoad(() => healthApi.person(id), [id]);
  if (view.loading && !view.data) return <Loading />;
  if (!view.data) return <ErrorBox error={view.error} />;
  const v = view.data;
  return (
    <div className="health-page" data-testid="person-health">
      <h1 className="page-title">{t('health.title', { name: v.person.maskedName })}</h1>
      <HealthSummary view={v} />
      {can('health.override') && <OverrideForm personIds={[v.person.id]} onDone={view.reload} />}
      <div className="card">
        <h2 className="card-title">{t('health.history')}</h2>
        <HistoryList history={v.history} />
      </div>
      {v.appeals.length > 0 && (
        <div className="card">
          <h2 className="card-title">{t('health.appeals.title')}</h2>
          <AppealList appeals={v.appeals} />
        </div>
      )}
      {v.facts.length > 0 && (
        <div className="card">
          <h2 className="card-title">{t('health.facts')}</h2>
          <table className="table rtable" data-testid="health-facts">
            <thead>
              <tr>
                <th>{t('health.fact.label')}</th>
                <th>{t('health.sourceLabel')}</th>
                <th>{t('health.sinceLabel')}</th>
                <th>{t('health.untilLabel')}</th>
              </tr>
            </thead>
            <tbody>
              {v.facts.map((f, i) => (
                <tr key={`${f.kind}-${f.source.id}-${i}`} className={f.endedAt !== null ? 'muted' : ''}>
                  <td data-label={t('health.fact.label')} className="rtable-head">
                    {t(`health.fact.${f.kind}`, { defaultValue: f.kind })}
                    {f.endedAt !== null ? ` (${t('health.ended')})` : ''}
                  </td>
                  <td data-label={t('health.sourceLabel')}>
                    {t(`health.source.${f.source.type}`, { defaultValue: f.source.type })} <code>{f.source.id}</code>
                  </td>
                  <td data-label={t('health.sinceLabel')}>{formatDateTime(f.since)}</td>
                  <td data-label={t('health.untilLabel')}>{f.until !== null ? formatDateTime(f.until) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {v.facts.some((f) => f.source.type === 'case' || f.source.type === 'contact') && (
        <p className="small">
          <Link to={`/cases/${String(v.facts.find((f) => f.detail.caseId)?.detail.caseId ?? '')}`}>
            {t('health.toCase')}
          </Link>
        </p>
      )}
    </div>
  );
}

/** The colour, why, until when, and the latest test: shared with the resident's own page. */
export function HealthSummary({ view }: { view: HealthView }) {
  const { t } = useTranslation();
  return (
    <div className="card">
      <div className="hc-head">
        <ColourBadge colour={view.colour} big />
        <span className="small muted" data-testid="health-ruleset">
          {t('health.ruleSetLabel')}
          <RuleSetName id={view.ruleSet.id} version={view.ruleSet.version} />
        </span>
        {view.nextChangeAt !== null && (
          <span className="small">{t('health.nextChange', { at: formatDateTime(view.nextChangeAt) })}</span>
        )}
      </div>
      {view.override && (
        <div className="alert" data-testid="health-override">
          {t('health.overrideInForce', {
            colour: t(`health.colour.${view.override.colour}`),
            at: formatDateTime(view.override.until),
            id: view.override.id,
          })}
        </div>
      )}
      <h3 className="field-label">{t('health.reasons')}</h3>
      <ReasonList reasons={view.reasons} />
      <p className="small" data-testid="health-latest-test">
        <Label text={t('health.latestTest')} />
        {view.latestTest
          ? t('health.testLine', {
              result: t(`health.result.${view.latestTest.result}`),
              at: formatDateTime(view.latestTest.sampledAt),
            }) + (view.latestTest.pooled ? ` (${t('health.pooled')})` : '')
          : t('health.noTest')}
      </p>
    </div>
  );
}

export function AppealList({ appeals }: { appeals: HealthView['appeals'] }) {
  const { t } = useTranslation();
  return (
    <div className="hc-list" data-testid="appeal-list">
      {appeals.map((a) => (
        <div key={a.id} className="hc-item" data-testid="appeal-row" data-status={a.status}>
          <div>
            <StatusBadge status={a.status} /> <span className="small muted">{formatDateTime(a.filedAt)}</span>
          </div>
          <div>{a.statement}</div>
          <div className={`small ${a.overdue ? 'hc-overdue' : 'muted'}`}>
            {t('health.appeals.due', { at: formatDateTime(a.dueAt) })}
            {a.overdue ? ` · ${t('health.appeals.overdue')}` : ''}
          </div>
          {a.answer && (
            <div className="small">
              <Label text={t('health.appeals.answer')} />
              {a.answer} {a.reviewer ? `— ${a.reviewer}` : ''}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}

const COLOURS: Colour[] = ['green', 'yellow', 'red'];

/** A manual change request: colour, written legal basis, reason and end time. */
export function OverrideForm({ personIds, onDone }: { personIds: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [colour, setColour] = useState<Colour>('yellow');
  const [legalBasis, setLegalBasis] = useState('');
  const [reason, setReason] = useState('');
  const [endsAt, setEndsAt] = useState(msToLocalInput(Date.now() + 24 * 3600_000));
  const [error, setError] = useState<ApiError | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const o = await healthApi.requestOverride({
        personIds,
        colour,
        legalBasis,
        reason,
        endsAt: localInputToMs(endsAt) ?? 0,
      });
      setSent(o.id);
      setOpen(false);
      onDone();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  if (!open) {
    return (
      <div className="card">
        <button type="button" className="btn" data-testid="override-open" onClick={() => setOpen(true)}>
          {t('health.override.request')}
        </button>
        {sent && (
          <p className="small" data-testid="override-sent">
            {t('health.override.sent', { id: sent })}
          </p>
        )}
      </div>
    );
  }
  return (
    <form className="card hc-form" onSubmit={submit} data-testid="override-form">
      <h2 className="card-title">{t('health.override.request')}</h2>
      <p className="small muted">{t('health.override.help')}</p>
      <label className="field">
        <span className="field-label">{t('health.override.colour')}</span>
        <select value={colour} onChange={(e) => setColour(e.target.value as Colour)} data-testid="override-colour">
          {COLOURS.map((c) => (
            <option key={c} value={c}>
              {t(`health.colour.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">{t('health.override.legalBasis')}</span>
        <textarea
          value={legalBasis}
          onChange={(e) => setLegalBasis(e.target.value)}
          required
          data-testid="override-basis"
          placeholder={t('health.override.legalBasisHint')}
        />
      </label>
      <label className="field">
        <span className="field-label">{t('health.override.reason')}</span>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="override-reason" />
      </label>
      <label className="field">
        <span className="field-label">{t('health.override.endsAt')}</span>
        <input
          type="datetime-local"
          value={endsAt}
          onChange={(e) => setEndsAt(e.target.value)}
          required
          data-testid="override-ends"
        />
      </label>
      <ErrorBox error={error} />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" data-testid="override-submit">
          {t('health.override.submit')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
