// 检测结果 The lab's page: receive boxes (chain of custody), upload results as CSV/XLSX (validate first,
// then all rows or none; each bad row named with its column and reason), see what the upload did —
// negatives recorded, new suspected-positive pools, re-tests, control lifted — and the pools list
// with the one-click report (一键即报).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { useAuth } from '../shared/auth.tsx';
import { testingApi, type LabOutcome, type RoundView } from './testingApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { FaultTable } from '../shared/FaultTable.tsx';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import { RoundPicker } from './TestingParts.tsx';
import { PoolsPanel } from './TestingPools.tsx';
import { Label } from '../shared/Label.tsx';

const ROUND_KEY = 'cordon.testing.lab.round';

export function LabPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [roundId, setRoundId] = useState(() => localStorage.getItem(ROUND_KEY) ?? '');
  const [tick, setTick] = useState(0);
  const pick = (r: RoundView | null) => {
    setRoundId(r?.id ?? '');
    if (r) localStorage.setItem(ROUND_KEY, r.id);
    else localStorage.removeItem(ROUND_KEY);
  };
  return (
    <div className="lab-page">
      <h1 className="page-title">{t('testing.lab.title')}</h1>
      <div className="card">
        <RoundPicker value={roundId} onPick={pick} testId="lab-round" />
      </div>
      {roundId && can('testing.custody') && <ReceiveBoxes roundId={roundId} />}
      {roundId && can('testing.lab') && <UploadCard roundId={roundId} onUploaded={() => setTick((n) => n + 1)} />}
      {roundId && <PoolsPanel roundId={roundId} refreshKey={tick} />}
      {roundId && <UploadsList roundId={roundId} refreshKey={tick} />}
    </div>
  );
}

function UploadCard({ roundId, onUploaded }: { roundId: string; onUploaded: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState<'validate' | 'upload' | null>(null);
  const [outcome, setOutcome] = useState<LabOutcome | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(dryRun ? 'validate' : 'upload');
    setError(null);
    setOutcome(null);
    try {
      const value = await testingApi.uploadResults(file, { roundId, dryRun });
      setOutcome(value);
      if (!dryRun) onUploaded();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby="lab-upload-title">
      <h2 className="card-title" id="lab-upload-title">
        {t('testing.lab.upload')}
      </h2>
      <p className="muted small">{t('testing.lab.columns')}</p>
      <label className="file-drop">
        <input
          type="file"
          className="file-input"
          data-testid="lab-file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setOutcome(null);
            setError(null);
          }}
        />
        <span className="btn btn-small" aria-hidden="true">
          {t('import.pick')}
        </span>
        <span className="file-drop-text">{file ? file.name : t('testing.lab.choose')}</span>
      </label>
      <div className="button-row">
        <button
          type="button"
          className="btn"
          data-testid="lab-validate"
          disabled={!file || !!busy}
          onClick={() => void run(true)}
        >
          {busy === 'validate' ? t('common.working') : t('testing.lab.validate')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="lab-submit"
          disabled={!file || !!busy}
          onClick={() => void run(false)}
        >
          {busy === 'upload' ? t('common.working') : t('testing.lab.submit')}
        </button>
      </div>
      <ErrorBox error={error} />
      {error && error.errors.length > 0 && <FaultTable faults={error.errors} />}
      {outcome && <OutcomeSummary outcome={outcome} />}
    </section>
  );
}

function OutcomeSummary({ outcome }: { outcome: LabOutcome }) {
  const { t } = useTranslation();
  const alarming = outcome.pools.length > 0 || outcome.retests.positive > 0;
  return (
    <div
      className={`alert ${alarming ? 'alert-warn' : 'alert-ok'}`}
      role="status"
      data-testid="lab-summary"
      data-positive={outcome.positive}
    >
      <div className="alert-title">{outcome.dryRun ? t('testing.lab.dryRunDone') : t('testing.lab.done')}</div>
      <dl className="summary">
        <div>
          <dt>{t('testing.lab.rows')}</dt>
          <dd>{formatNumber(outcome.rows)}</dd>
        </div>
        <div>
          <dt>{t('testing.lab.applied')}</dt>
          <dd>{formatNumber(outcome.applied)}</dd>
        </div>
        <div>
          <dt>{t('testing.lab.repeated')}</dt>
          <dd>{formatNumber(outcome.repeated)}</dd>
        </div>
        <div>
          <dt>{t('testing.lab.negative')}</dt>
          <dd>{formatNumber(outcome.negative)}</dd>
        </div>
        <div>
          <dt>{t('testing.lab.positive')}</dt>
          <dd data-testid="lab-summary-positive">{formatNumber(outcome.positive)}</dd>
        </div>
        <div>
          <dt>{t('testing.lab.people')}</dt>
          <dd>{formatNumber(outcome.people)}</dd>
        </div>
        <div>
          <dt>{t('testing.lab.retestsNegative')}</dt>
          <dd>{formatNumber(outcome.retests.negative)}</dd>
        </div>
        <div>
          <dt>{t('testing.lab.retestsPositive')}</dt>
          <dd>{formatNumber(outcome.retests.positive)}</dd>
        </div>
      </dl>
      {outcome.pools.length > 0 && (
        <p data-testid="lab-new-pools">
          {t('testing.lab.newPools', { count: outcome.pools.length })}{' '}
          {outcome.pools.map((p) => (
            <span key={p.id} className="mono">
              {p.barcode} ({t('testing.sampler.people', { count: p.members })}
              {p.reported ? `, ${t('testing.poolStatus.reported')}` : ''}){' '}
            </span>
          ))}
        </p>
      )}
      {outcome.custodyGaps.length > 0 && (
        <p data-testid="lab-custody-gaps">
          <strong>
            {t('custody.gaps')}（{formatNumber(outcome.custodyGaps.length)}）
          </strong>{' '}
          <Label text={t('custody.gapsHint')} />
          {outcome.custodyGaps.slice(0, 50).map((g) => (
            <span key={g.barcode} className="mono">
              {g.barcode} ({t('custody.missing', { steps: g.missing.map((m) => t(`custody.step.${m}`)).join('、') })}
              ){' '}
            </span>
          ))}
          {outcome.custodyGaps.length > 50 ? '…' : ''}
        </p>
      )}
      {outcome.released.length > 0 && (
        <p data-testid="lab-released">{t('testing.lab.released', { count: outcome.released.length })}</p>
      )}
      {outcome.cases.length > 0 && (
        <p data-testid="lab-cases">
          {t('testing.lab.cases', { count: outcome.cases.filter((c) => c.caseId).length })}
          {outcome.cases
            .filter((c) => c.error)
            .map((c) => (
              <span key={c.personId} className="field-error">
                {' '}
                {c.error}
              </span>
            ))}
        </p>
      )}
    </div>
  );
}

function ReceiveBoxes({ roundId }: { roundId: string }) {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const boxes = useLoad(
    () => testingApi.boxes({ roundId, status: 'in_transit', limit: 50, offset: 0 }),
    [roundId, tick],
  );
  const [lab, setLab] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const items = boxes.data?.items ?? [];
  if (!boxes.loading && items.length === 0 && !boxes.error) return null;
  return (
    <section className="card" data-testid="lab-boxes">
      <h2 className="card-title">{t('testing.lab.receive')}</h2>
      <label className="field">
        <span className="field-label">{t('testing.lab.labName')}</span>
        <input data-testid="lab-name" value={lab} onChange={(e) => setLab(e.target.value)} maxLength={80} />
      </label>
      <ErrorBox error={error ?? boxes.error} />
      <ul className="task-list">
        {items.map((box) => (
          <li key={box.id} className="task">
            <div className="task-who">
              <span className="mono strong">{box.code}</span>
              <span className="muted small">
                {t('testing.boxes.tubes', { count: box.tubes })} ·{' '}
                {t('testing.boxes.handed', { carrier: box.carrier ?? '', at: formatDateTime(box.handedAt) })}
              </span>
              <button
                type="button"
                className="btn btn-small"
                data-testid="lab-receive"
                disabled={!lab.trim()}
                onClick={() => {
                  setError(null);
                  testingApi.receive(box.id, lab.trim()).then(
                    () => setTick((n) => n + 1),
                    (err: unknown) => setError(toApiError(err)),
                  );
                }}
              >
                {t('testing.lab.receiveButton')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function UploadsList({ roundId, refreshKey }: { roundId: string; refreshKey: number }) {
  const { t } = useTranslation();
  const uploads = useLoad(() => testingApi.uploads({ roundId, limit: 20, offset: 0 }), [roundId, refreshKey]);
  const items = uploads.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="card">
      <h2 className="card-title">{t('testing.lab.history')}</h2>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t('testing.lab.at')}</th>
              <th>{t('testing.lab.file')}</th>
              <th className="num">{t('testing.lab.rows')}</th>
              <th className="num">{t('testing.lab.negative')}</th>
              <th className="num">{t('testing.lab.positive')}</th>
              <th>{t('testing.lab.by')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.id}>
                <td className="nowrap">{formatDateTime(u.at)}</td>
                <td>{u.fileName ?? t('testing.lab.viaApi')}</td>
                <td className="num">{formatNumber(u.rows)}</td>
                <td className="num">{formatNumber(u.negative)}</td>
                <td className="num">{formatNumber(u.positive)}</td>
                <td>{u.uploadedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
