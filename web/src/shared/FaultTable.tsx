// Row-level faults of an upload: row, column, code and the message in the UI language.
import { useTranslation } from 'react-i18next';
import type { Fault } from './types.ts';

const SHOWN = 500;

export function FaultTable({
  faults,
  total,
  kind = 'error',
}: {
  faults: readonly Fault[];
  total?: number;
  kind?: 'error' | 'warning';
}) {
  const { t } = useTranslation();
  return (
    <div className={`fault-table ${kind}`}>
      <h3>{t(kind === 'error' ? 'import.faults' : 'import.warnings', { count: total ?? faults.length })}</h3>
      <div className="table-scroll">
        <table className="table" data-testid={kind === 'error' ? 'import-errors' : 'import-warnings'}>
          <thead>
            <tr>
              <th className="num">{t('import.row')}</th>
              <th>{t('import.column')}</th>
              <th>{t('import.code')}</th>
              <th>{t('import.message')}</th>
            </tr>
          </thead>
          <tbody>
            {faults.slice(0, SHOWN).map((f, i) => (
              <tr key={i} data-testid={kind === 'error' ? 'import-error-row' : 'import-warning-row'}>
                <td className="num">{f.row ?? '—'}</td>
                <td>{f.column ?? f.field ?? '—'}</td>
                <td>
                  <code>{f.code}</code>
                </td>
                <td>{f.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(total ?? faults.length) > Math.min(faults.length, SHOWN) && (
        <p className="muted small">
          {t('import.moreFaults', { count: (total ?? faults.length) - Math.min(faults.length, SHOWN) })}
        </p>
      )}
    </div>
  );
}
