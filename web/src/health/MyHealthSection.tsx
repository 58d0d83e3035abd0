// The resident's own colour on their code page: why it is what it is and how each reason ends, and
// the correction channel of GB/T 38963 — an appeal a reviewer must answer by its due time.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { healthApi } from './healthApi.ts';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { AppealList, HealthSummary } from './PersonHealthPage.tsx';

export function MyHealthSection() {
  const { t } = useTranslation();
  const mine = useLoad(() => healthApi.mine(), []);
  const [statement, setStatement] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [filed, setFiled] = useState(false);
  if (mine.loading && !mine.data) return <Loading />;
  if (!mine.data) return <ErrorBox error={mine.error} />;
  const open = mine.data.appeals.some((a) => a.status === 'open' || a.status === 'correction_pending');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await healthApi.fileAppeal(statement);
      setStatement('');
      setFiled(true);
      mine.reload();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <section className="my-health" data-testid="my-health">
      <h2 className="card-title">{t('health.mine.title')}</h2>
      <HealthSummary view={mine.data} />
      <div className="card">
        <h2 className="card-title">{t('health.appeals.title')}</h2>
        <p className="small muted">{t('health.mine.appealHelp')}</p>
        {mine.data.appeals.length > 0 && <AppealList appeals={mine.data.appeals} />}
        {filed && (
          <p className="small" data-testid="appeal-filed">
            {t('health.mine.filed')}
          </p>
        )}
        {!open && (
          <form className="hc-form" onSubmit={submit} data-testid="appeal-form">
            <label className="field">
              <span className="field-label">{t('health.mine.statement')}</span>
              <textarea
                value={statement}
                onChange={(e) => setStatement(e.target.value)}
                required
                maxLength={2000}
                data-testid="appeal-statement"
              />
            </label>
            <ErrorBox error={error} />
            <button type="submit" className="btn btn-primary btn-block" data-testid="appeal-file">
              {t('health.mine.file')}
            </button>
          </form>
        )}
      </div>
    </section>
  );
}
