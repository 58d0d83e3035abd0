// The health-code work queues: manual change requests for a second authorised user to approve or
// reject (two-person rule), residents' appeals for a reviewer to answer by their due time, and
// mass recolouring held by the circuit breaker for a command-centre approval.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth.tsx';
import { formatDateTime } from '../shared/format.ts';
import { healthApi, type Appeal, type Approval, type Colour, type Override } from './healthApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { ColourBadge, StatusBadge } from './HealthBits.tsx';
import { localInputToMs, msToLocalInput } from '../tracing/TracingBits.tsx';
import { actorLabel, BasisText, RuleSetName } from '../shared/Labels.tsx';
import { Label } from '../shared/Label.tsx';

function StatusFilter({
  value,
  options,
  onChange,
}: {
  value: string;
  options: string[];
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <select
      aria-label={t('health.statusFilter')}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      data-testid="health-status-filter"
    >
      <option value="">{t('health.allStatuses')}</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {t(`health.status.${o}`)}
        </option>
      ))}
    </select>
  );
}

/** Approve or reject with a reason in one small form. */
function Decide({
  onDecide,
  testId,
}: {
  onDecide: (approve: boolean, reason: string) => Promise<void>;
  testId: string;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const go = async (approve: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await onDecide(approve, reason);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="hc-form" data-testid={testId}>
      <input
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder={t('health.decisionReason')}
        aria-label={t('health.decisionReason')}
        data-testid={`${testId}-reason`}
      />
      <div className="button-row">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          onClick={() => void go(true)}
          data-testid={`${testId}-approve`}
        >
          {t('health.approve')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void go(false)}
          data-testid={`${testId}-reject`}
        >
          {t('health.reject')}
        </button>
      </div>
      <ErrorBox error={error} />
    </div>
  );
}

export function HealthChangesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [status, setStatus] = useState('pending');
  const list = useLoad(() => healthApi.overrides(status || undefined), [status]);
  return (
    <div className="health-page">
      <h1 className="page-title">{t('health.changes.title')}</h1>
      <p className="muted small">{t('health.changes.help')}</p>
      <div className="card">
        <div className="card-title-row">
          <h2 className="card-title">{t('health.changes.count', { count: list.data?.items.length ?? 0 })}</h2>
          <StatusFilter value={status} options={['pending', 'held', 'approved', 'rejected']} onChange={setStatus} />
        </div>
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.items.length === 0 && <p className="empty">{t('health.changes.empty')}</p>}
        <div className="hc-list">
          {list.data?.items.map((o) => (
            <OverrideItem key={o.id} o={o} canDecide={can('health.approve')} onDone={list.reload} />
          ))}
        </div>
      </div>
    </div>
  );
}

function OverrideItem({ o, canDecide, onDone }: { o: Override; canDecide: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="hc-item" data-testid="override-row" data-status={o.status}>
      <div>
        <StatusBadge status={o.status} /> <ColourBadge colour={o.colour} />{' '}
        <span className="small muted">{t('health.changes.people', { count: o.people })}</span>
      </div>
      <div className="small">
        {o.persons.map((p, i) => (
          <span key={p.id}>
            {i > 0 ? '、' : ''}
            <Link to={`/persons/${p.id}/health`}>{p.maskedName || p.id}</Link>
          </span>
        ))}
        {o.people > o.persons.length ? ' …' : ''}
      </div>
      <div>
        <Label text={t('health.override.legalBasis')} />
        {o.legalBasis}
      </div>
      <div>
        <Label text={t('health.override.reason')} />
        {o.reason}
      </div>
      <div className="small muted">
        {t('health.changes.by', { name: o.requestedBy.name, at: formatDateTime(o.requestedAt) })} ·{' '}
        {t('health.changes.until', { at: formatDateTime(o.endsAt) })}
      </div>
      {o.decidedBy && (
        <div className="small">
          {t('health.changes.decided', { name: o.decidedBy.name, at: formatDateTime(o.decidedAt) })}
          {o.decisionReason ? `${t('common.colon')}${o.decisionReason}` : ''}
        </div>
      )}
      {o.commandDecision && (
        <div className="small" data-testid="override-command-decision">
          {t(o.commandDecision.approved ? 'health.changes.commandApproved' : 'health.changes.commandRejected', {
            name: o.commandDecision.name,
            at: formatDateTime(o.commandDecision.at),
          })}
          {o.commandDecision.reason ? `${t('common.colon')}${o.commandDecision.reason}` : ''}
        </div>
      )}
      {o.status === 'held' && <div className="small">{t('health.changes.held')}</div>}
      {o.status === 'pending' && canDecide && (
        <Decide
          testId="override-decide"
          onDecide={async (approve, reason) => {
            await healthApi.decideOverride(o.id, approve, reason);
            onDone();
          }}
        />
      )}
    </div>
  );
}

export function AppealsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState('open');
  const list = useLoad(() => healthApi.appeals(status || undefined), [status]);
  return (
    <div className="health-page">
      <h1 className="page-title">{t('health.appeals.queue')}</h1>
      <p className="muted small">{t('health.appeals.help')}</p>
      <div className="card">
        <div className="card-title-row">
          <h2 className="card-title">{t('health.appeals.count', { count: list.data?.items.length ?? 0 })}</h2>
          <StatusFilter
            value={status}
            options={['open', 'correction_pending', 'upheld', 'corrected', 'correction_rejected']}
            onChange={setStatus}
          />
        </div>
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.items.length === 0 && (
          <p className="empty" data-testid="appeals-empty">
            {t('health.appeals.empty')}
          </p>
        )}
        <div className="hc-list">
          {list.data?.items.map((a) => (
            <AppealItem key={a.id} a={a} onDone={list.reload} />
          ))}
        </div>
      </div>
    </div>
  );
}

function AppealItem({ a, onDone }: { a: Appeal; onDone: () => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [decision, setDecision] = useState<'uphold' | 'correct'>('uphold');
  const [answer, setAnswer] = useState('');
  const [colour, setColour] = useState<Colour>('green');
  const [legalBasis, setLegalBasis] = useState('');
  const [endsAt, setEndsAt] = useState(msToLocalInput(Date.now() + 7 * 24 * 3600_000));
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await healthApi.answerAppeal(
        a.id,
        decision === 'uphold'
          ? { decision, answer }
          : { decision, answer, colour, legalBasis, endsAt: localInputToMs(endsAt) ?? 0 },
      );
      onDone();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <div className="hc-item" data-testid="appeal-row" data-status={a.status}>
      <div>
        <StatusBadge status={a.status} /> <ColourBadge colour={a.colour} />{' '}
        <Link to={`/persons/${a.personId}/health`}>{a.maskedName}</Link>
      </div>
      <div>{a.statement}</div>
      <div className={`small ${a.overdue ? 'hc-overdue' : 'muted'}`}>
        {t('health.appeals.filed', { at: formatDateTime(a.filedAt) })} ·{' '}
        {t('health.appeals.due', { at: formatDateTime(a.dueAt) })}
        {a.overdue ? ` · ${t('health.appeals.overdue')}` : ''}
      </div>
      {a.answer && (
        <div className="small">
          <Label text={t('health.appeals.answer')} />
          {a.answer} — {a.reviewer}
        </div>
      )}
      {a.status === 'open' && (
        <form className="hc-form" onSubmit={submit} data-testid="appeal-answer-form">
          <div className="chips" role="radiogroup">
            {(['uphold', 'correct'] as const).map((d) => (
              <button
                key={d}
                type="button"
                className={`chip ${decision === d ? 'on' : ''}`}
                aria-pressed={decision === d}
                onClick={() => setDecision(d)}
                data-testid={`appeal-${d}`}
                disabled={d === 'correct' && !can('health.override')}
              >
                {t(`health.appeals.${d}`)}
              </button>
            ))}
          </div>
          <textarea
            value={answer}
            onChange={(e) => setAnswer(e.target.value)}
            placeholder={t('health.appeals.answerHint')}
            aria-label={t('health.appeals.answer')}
            required
            data-testid="appeal-answer"
          />
          {decision === 'correct' && (
            <>
              <select
                value={colour}
                onChange={(e) => setColour(e.target.value as Colour)}
                aria-label={t('health.override.colour')}
              >
                {(['green', 'yellow', 'red'] as const).map((c) => (
                  <option key={c} value={c}>
                    {t(`health.colour.${c}`)}
                  </option>
                ))}
              </select>
              <textarea
                value={legalBasis}
                onChange={(e) => setLegalBasis(e.target.value)}
                placeholder={t('health.override.legalBasisHint')}
                aria-label={t('health.override.legalBasis')}
              />
              <input
                type="datetime-local"
                value={endsAt}
                onChange={(e) => setEndsAt(e.target.value)}
                aria-label={t('health.override.endsAt')}
              />
              <p className="small muted">{t('health.appeals.correctHelp')}</p>
            </>
          )}
          <ErrorBox error={error} />
          <button type="submit" className="btn btn-primary" data-testid="appeal-submit">
            {t('health.appeals.send')}
          </button>
        </form>
      )}
    </div>
  );
}

export function RecolourApprovalsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState('pending');
  const list = useLoad(() => healthApi.approvals(status || undefined), [status]);
  return (
    <div className="health-page">
      <h1 className="page-title">{t('health.approvals.title')}</h1>
      <p className="muted small">{t('health.approvals.help')}</p>
      <div className="card">
        <div className="card-title-row">
          <h2 className="card-title">{t('health.approvals.count', { count: list.data?.items.length ?? 0 })}</h2>
          <StatusFilter value={status} options={['pending', 'approved', 'rejected']} onChange={setStatus} />
        </div>
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.items.length === 0 && <p className="empty">{t('health.approvals.empty')}</p>}
        <div className="hc-list">
          {list.data?.items.map((a) => (
            <ApprovalItem key={a.id} a={a} onDone={list.reload} />
          ))}
        </div>
      </div>
    </div>
  );
}

function ApprovalItem({ a, onDone }: { a: Approval; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="hc-item" data-testid="approval-row" data-status={a.status}>
      <div>
        <StatusBadge status={a.status} />{' '}
        <strong>{t('health.approvals.people', { count: a.people, threshold: a.threshold })}</strong>
      </div>
      <div>
        <Label text={t(`health.approvals.kind.${a.kind}`)} />
        <BasisText kind={a.basisKind} params={a.basisParams} text={a.reason} />
      </div>
      <div className="small muted">
        {t('health.changes.by', { name: actorLabel(t, a.requestedBy), at: formatDateTime(a.requestedAt) })} ·{' '}
        <RuleSetName id={a.ruleSet.id} version={a.ruleSet.version} />
      </div>
      {a.decidedBy && (
        <div className="small">
          {t('health.changes.decided', { name: a.decidedBy.name, at: formatDateTime(a.decidedAt) })}
          {a.decisionReason ? `${t('common.colon')}${a.decisionReason}` : ''}
        </div>
      )}
      {a.status === 'pending' && (
        <Decide
          testId="approval-decide"
          onDecide={async (approve, reason) => {
            await healthApi.decideApproval(a.id, approve, reason);
            onDone();
          }}
        />
      )}
    </div>
  );
}
