// Route guards: the login page for the signed-out, a notice for a page the role may not use.
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from './auth.tsx';
import type { Permission } from './types.ts';
import { Loading } from './Loading.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { ChangePasswordPage } from '../access/ChangePasswordPage.tsx';

export function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loadError, reload } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();
  if (me === undefined)
    return (
      <div className="page-center">
        <Loading />
      </div>
    );
  if (loadError) {
    return (
      <div className="page-center">
        <ErrorBox error={loadError} />
        <button type="button" className="btn" onClick={reload}>
          {t('common.retry')}
        </button>
      </div>
    );
  }
  if (me === null) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  // An administrator set the password: nothing else until the user has chosen their own.
  if (me.mustChangePassword) return <ChangePasswordPage />;
  return <>{children}</>;
}

export function RequirePermission({ anyOf, children }: { anyOf: Permission[]; children: ReactNode }) {
  const { permissions } = useAuth();
  const { t } = useTranslation();
  if (!anyOf.some((p) => permissions.includes(p))) {
    return (
      <div className="card notice" data-testid="forbidden">
        <h1>{t('forbidden.title')}</h1>
        <p>{t('forbidden.text')}</p>
      </div>
    );
  }
  return <>{children}</>;
}
