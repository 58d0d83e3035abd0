// Any API failure, shown the same way: the server's message (`detail`) and its stable `code`.
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import type { ApiError } from './api.ts';
import { Label } from './Label.tsx';

export function ErrorBox({ error, children }: { error: ApiError | null; children?: ReactNode }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid="error">
      <div className="alert-title">{error.detail || t('error.generic')}</div>
      {children}
      <div className="alert-code">
        <Label text={t('error.code')} />
        <code>{error.code}</code>
        {error.status ? (
          <>
            {' · '}
            <span className="mono">HTTP {error.status}</span>
          </>
        ) : (
          ''
        )}
      </div>
    </div>
  );
}
