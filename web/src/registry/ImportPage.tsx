// 导入 Import: validate a roster first (dry run), then import it whole or only its good rows;
// row-level faults in a table and the rejected rows as a CSV. Export: the roster of the user's area.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveFile, type ApiError } from '../shared/api.ts';
import { registryApi } from './registryApi.ts';
import { useAuth, useMe } from '../shared/auth.tsx';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { FaultTable } from '../shared/FaultTable.tsx';
import { formatNumber } from '../shared/format.ts';
import type { Fault } from '../shared/types.ts';
import type { ImportResult } from './types.ts';

type Mode = 'validate' | 'whole' | 'partial';

export function ImportPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  return (
    <div className="import-page">
      <h1 className="page-title">{t('import.title')}</h1>
      {can('registry.import') && <ImportSection />}
      {can('registry.export') && <ExportSection />}
      {!can('registry.import') && !can('registry.export') && <p className="card empty">{t('forbidden.text')}</p>}
    </div>
  );
}

function ImportSection() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState<Mode | null>(null);
  const [result, setResult] = useState<{ mode: Mode; value: ImportResult } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [dragging, setDragging] = useState(false);
  const [newHousehold, setNewHousehold] = useState(false);

  const choose = (f: File | null) => {
    setFile(f);
    setResult(null);
    setError(null);
  };

  const run = async (mode: Mode) => {
    if (!file) return;
    setBusy(mode);
    setError(null);
    setResult(null);
    try {
      const value = await registryApi.importRoster(file, {
        dryRun: mode === 'validate',
        partial: mode === 'partial',
        newHousehold,
      });
      setResult({ mode, value });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const faults: Fault[] = result?.value.errors ?? error?.errors ?? [];
  const rejectsCsv = result?.value.rejectsCsv ?? null;
  const rejectsHref = useMemo(
    () =>
      rejectsCsv
        ? URL.createObjectURL(
            new Blob(['\ufeff', rejectsCsv.replace(/^\ufeff/, '')], { type: 'text/csv;charset=utf-8' }),
          )
        : null,
    [rejectsCsv],
  );
  useEffect(
    () => () => {
      if (rejectsHref) URL.revokeObjectURL(rejectsHref);
    },
    [rejectsHref],
  );

  return (
    <section className="card" aria-labelledby="import-title">
      <h2 className="card-title" id="import-title">
        {t('import.upload')}
      </h2>
      <p className="muted">{t('import.explain')}</p>
      <label
        className={`file-drop ${dragging ? 'dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const dropped = e.dataTransfer.files[0];
          if (dropped) choose(dropped);
        }}
      >
        <input
          type="file"
          className="file-input"
          data-testid="import-file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => choose(e.target.files?.[0] ?? null)}
        />
        <span className="btn btn-small" aria-hidden="true">
          {t('import.pick')}
        </span>
        <span className="file-drop-text">{file ? file.name : t('import.choose')}</span>
        {file && <span className="muted small">{formatNumber(Math.max(1, Math.ceil(file.size / 1024)))} KB</span>}
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="import-new-household"
          checked={newHousehold}
          onChange={(e) => {
            setNewHousehold(e.target.checked);
            setResult(null);
          }}
        />{' '}
        {t('rosterHeads.newHousehold')}
      </label>
      <p className="field-hint">{t('rosterHeads.newHouseholdHint')}</p>
      <div className="button-row">
        <button
          type="button"
          className="btn"
          data-testid="import-validate"
          disabled={!file || !!busy}
          onClick={() => void run('validate')}
        >
          {busy === 'validate' ? t('common.working') : t('import.validate')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="import-whole"
          disabled={!file || !!busy}
          onClick={() => void run('whole')}
        >
          {busy === 'whole' ? t('common.working') : t('import.whole')}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="import-partial"
          disabled={!file || !!busy}
          onClick={() => void run('partial')}
        >
          {busy === 'partial' ? t('common.working') : t('import.partial')}
        </button>
      </div>
      <p className="field-hint">{t('import.modes')}</p>

      <ErrorBox error={error} />
      {result && (
        <div
          className={`alert ${result.value.rejected ? 'alert-warn' : 'alert-ok'}`}
          role="status"
          data-testid="import-summary"
        >
          <div className="alert-title">{result.value.dryRun ? t('import.dryRunDone') : t('import.done')}</div>
          <dl className="summary">
            <div>
              <dt>{t('import.rows')}</dt>
              <dd>{formatNumber(result.value.rows)}</dd>
            </div>
            <div>
              <dt>{result.value.dryRun ? t('import.wouldImport') : t('import.imported')}</dt>
              <dd>
                {formatNumber(result.value.dryRun ? result.value.rows - result.value.rejected : result.value.imported)}
              </dd>
            </div>
            <div>
              <dt>{t('import.rejected')}</dt>
              <dd>{formatNumber(result.value.rejected)}</dd>
            </div>
            <div>
              <dt>{t('import.households')}</dt>
              <dd data-testid="import-households">
                {formatNumber(result.value.householdsInFile)}
                <span className="muted small"> {t('import.ofThemNew', { count: result.value.households })}</span>
              </dd>
            </div>
            <div>
              <dt>{t('import.buildings')}</dt>
              <dd data-testid="import-buildings">
                {formatNumber(result.value.buildingsInFile)}
                <span className="muted small"> {t('import.ofThemNew', { count: result.value.buildings })}</span>
              </dd>
            </div>
          </dl>
          {rejectsHref && (
            <a className="btn btn-small" href={rejectsHref} download="rejects.csv" data-testid="import-rejects">
              {t('import.rejects')}
            </a>
          )}
        </div>
      )}
      {faults.length > 0 && (
        <FaultTable
          faults={faults}
          total={
            result?.value.totalErrors ??
            (typeof error?.problem.totalErrors === 'number' ? error.problem.totalErrors : undefined)
          }
        />
      )}
      {result && result.value.warnings.length > 0 && <FaultTable faults={result.value.warnings} kind="warning" />}
    </section>
  );
}

function ExportSection() {
  const { t } = useTranslation();
  const me = useMe();
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const download = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    setError(null);
    try {
      const file = await registryApi.exportRoster(format, me.areaId);
      saveFile(file.blob, file.filename);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby="export-title">
      <h2 className="card-title" id="export-title">
        {t('export.title')}
      </h2>
      <p className="muted">{t('export.explain', { area: me.areaName })}</p>
      <div className="button-row">
        <button
          type="button"
          className="btn"
          data-testid="export-csv"
          disabled={!!busy}
          onClick={() => void download('csv')}
        >
          {busy === 'csv' ? t('common.working') : t('export.csv')}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="export-xlsx"
          disabled={!!busy}
          onClick={() => void download('xlsx')}
        >
          {busy === 'xlsx' ? t('common.working') : t('export.xlsx')}
        </button>
      </div>
      <ErrorBox error={error} />
    </section>
  );
}
