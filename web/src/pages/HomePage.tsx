// "/": the first page this role may use; a notice for roles with nothing here yet.
import { Navigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth, useMe } from '../auth.tsx';
import { navFor } from '../components/nav.ts';

export function HomePage() {
  const { t } = useTranslation();
  const { permissions } = useAuth();
  const me = useMe();
  const first = navFor(permissions)[0];
  if (first) return <Navigate to={first.to} replace />;
  return (
    <div className="card notice" data-testid="no-pages">
      <h1>{t('home.welcome', { name: me.displayName })}</h1>
      <p>{t('home.nothing', { role: t(`role.${me.role}`, { defaultValue: me.role }) })}</p>
    </div>
  );
}
