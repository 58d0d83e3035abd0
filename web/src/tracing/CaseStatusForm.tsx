// Moves a case on (suspected → confirmed → recovered → released) with a reason; release asks for the
// isolation tests (sampling time, Ct of N and ORF1ab; empty = not detected) that the active rule set's
// release rule is checked against on the server.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { NEXT_STATUSES, tracingApi, type CaseDetail, type CaseStatus, type StatusChange } from './tracingApi.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { localInputToMs } from './TracingBits.tsx';

interface TestDraft {
  sampled: string;
  n: string;
  orf: string;
}

const ct = (v: string): number | null => (v.trim() === '' ? null : Number(v));

export function CaseStatusForm({
  caseId,
  status,
  onChanged,
}: {
  caseId: string;
  status: CaseStatus;
  onChanged: (d: CaseDetail) => void;
}) {
  const { t } = useTranslation();
  const next = NEXT_STATUSES[status];
  const [to, setTo] = useState<CaseStatus | ''>('');
  const [reason, setReason] = useState('');
  const [tests, setTests] = useState<TestDraft[]>([
    { sampled: '', n: '', orf: '' },
    { sampled: '', n: '', orf: '' },
  ]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (next.length === 0) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!to) return;
    setBusy(true);
    setError(null);
    try {
      const body: StatusChange = { to, reason: reason.trim() };
      if (to === 'released') {
        body.tests = tests
          .filter((d) => d.sampled)
          .map((d) => ({ sampledAt: localInputToMs(d.sampled)!, ct: { N: ct(d.n), ORF1ab: ct(d.orf) } }));
      }
      onChanged(await tracingApi.changeStatus(caseId, body));
      setTo('');
      setReason('');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const setTest = (i: number, k: keyof TestDraft, v: string) =>
    setTests((list) => list.map((d, j) => (j === i ? { ...d, [k]: v } : d)));

  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="case-status-form">
      <div className="filters">
        <label className="field">
          <span className="field-label">{t('tracing.statusForm.to')}</span>
          <select data-testid="case-status-to" value={to} onChange={(e) => setTo(e.target.value as CaseStatus | '')}>
            <option value="">—</option>
            {next.map((s) => (
              <option key={s} value={s}>
                {t(`tracing.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field" style={{ flex: 1 }}>
          <span className="field-label">
            {t('tracing.queue.reason')} <span className="req">*</span>
          </span>
          <input
            data-testid="case-status-reason"
            value={reason}
            maxLength={1000}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
      </div>
      {to === 'released' && (
        <div data-testid="case-release-tests">
          <p className="field-hint">{t('tracing.statusForm.releaseHint')}</p>
          {tests.map((d, i) => (
            <div className="filters" key={i}>
              <label className="field">
                <span className="field-label">{t('tracing.statusForm.sampled', { n: i + 1 })}</span>
                <input
                  type="datetime-local"
                  value={d.sampled}
                  onChange={(e) => setTest(i, 'sampled', e.target.value)}
                />
              </label>
              <label className="field">
                <span className="field-label">Ct N</span>
                <input
                  type="number"
                  inputMode="decimal"
                  step="0.1"
                  min={0}
                  max={50}
                  value={d.n}
                  onChange={(e) => setTest(i, 'n', e.target.value)}
                />
              </label>
              <label className="field">
                <span className="field-label">Ct ORF1ab</span>
                <input
                  type="number"
                  inputMode="decimal"
                  step="0.1"
                  min={0}
                  max={50}
                  value={d.orf}
                  onChange={(e) => setTest(i, 'orf', e.target.value)}
                />
              </label>
            </div>
          ))}
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => setTests((l) => [...l, { sampled: '', n: '', orf: '' }])}
          >
            {t('tracing.statusForm.addTest')}
          </button>
        </div>
      )}
      <ErrorBox error={error} />
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="case-status-submit"
          disabled={busy || !to || !reason.trim()}
        >
          {t('tracing.statusForm.submit')}
        </button>
      </div>
    </form>
  );
}
